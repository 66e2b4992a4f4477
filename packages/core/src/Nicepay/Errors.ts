/**
 * NICEPAY failures that are not a response code and not bad input: a wait for a payout's final
 * status that ended while NICEPAY was still processing it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * `awaitFinal` gave up while the payout was still `Pending` or `Suspect`: its outcome is not known
 * yet (money may still move). Read it again later with `inquiry`; never register it again.
 *
 * @since 0.1.0
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
