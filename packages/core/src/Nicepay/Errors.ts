/**
 * NICEPAY failures that are not a response code: a transition the payout's status does not
 * allow, and a wait for a payout's final status that ended while NICEPAY was still processing it.
 * An input refused before anything was sent is `KasirError.InvalidInput`, shared by every
 * provider.
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * `awaitFinal` gave up while the payout was still `Pending` or `Suspect`: its outcome is not known
 * yet (money may still move). Read it again later with `inquiry`; never register it again.
 */
export class PayoutStillPending extends Schema.TaggedError<PayoutStillPending>()("PayoutStillPending", {
  partnerReferenceNo: Schema.String,
  status: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "nicepay"
  }

  get operation(): string {
    return "awaitFinal"
  }

  get kind(): ErrorKind {
    return "OutcomeUnknown"
  }

  override get message(): string {
    return `NICEPAY payout ${this.partnerReferenceNo} is still ${this.status} after the wait; check its status later`
  }
}

/**
 * `approve`, `reject` or `cancel` of a payout whose current status does not allow it (a pending
 * payout cannot be canceled; a rejected one cannot be approved). NICEPAY answered `404xx00`
 * Invalid Transaction Status and the payout was read: `status` is where it is now. Nothing moved.
 */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  operation: Schema.Literal("approve", "reject", "cancel"),
  partnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.String,
  status: Schema.Literal("Success", "Pending", "Canceled", "Rejected", "Suspect", "Failed")
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "nicepay"
  }

  get kind(): ErrorKind {
    return "InvalidRequest"
  }
  override get message(): string {
    return `nicepay ${this.operation}: payout ${this.originalReferenceNo} is ${this.status}, which cannot be ${
      { approve: "approved", reject: "rejected", cancel: "canceled" }[this.operation]
    }`
  }
}
