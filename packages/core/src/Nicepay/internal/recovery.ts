/**
 * Resolving an unclear money call by a read, never by resending: `recover` reads the payout
 * after an approve/cancel/reject `OutcomeUnknown`; `resolveDuplicateRegistration` reads the
 * payout NICEPAY already holds after a registration was refused as a duplicate, and accepts it
 * only when it is the one requested.
 *
 * @internal
 */
import { Effect } from "effect"
import * as Idempotency from "../../Idempotency.js"
import { InvalidInput, type OutcomeUnknown } from "../../KasirError.js"
import type * as ResponseCode from "../../Snap/ResponseCode.js"
import * as Schemas from "../Schemas.js"
import { type Context, UPSTREAM } from "./context.js"
import type { ReadStatus } from "./operations.js"

// A duplicate answer may name the existing payout: the kasir simulator's does by default;
// NICEPAY documents no body for `4090001`, so a client cannot count on it.
const existingReference = (duplicate: ResponseCode.DuplicatePartnerReference): string | undefined => {
  try {
    const body = JSON.parse(duplicate.body) as { readonly originalReferenceNo?: unknown }
    return typeof body.originalReferenceNo === "string" &&
      /^[A-Za-z0-9]{1,40}$/.test(body.originalReferenceNo)
      ? body.originalReferenceNo
      : undefined
  } catch {
    return undefined
  }
}

/** @internal */
export const make = ({ fn }: Context, readStatus: ReadStatus) => {
  const recover = fn("nicepay.recover")(function* (unknown: OutcomeUnknown) {
    const partnerReferenceNo = unknown.reference
    const { originalReferenceNo, beneficiaryAccountNo } = unknown.references
    if (originalReferenceNo === undefined || beneficiaryAccountNo === undefined) {
      return yield* new InvalidInput({
        provider: "nicepay",
        operation: "recover",
        field: originalReferenceNo === undefined ? "originalReferenceNo" : "beneficiaryAccountNo",
        reason:
          originalReferenceNo === undefined
            ? "unknown (the registration's answer was lost): no payout id to read; see resolveDuplicateRegistration"
            : "unknown: call inquiry with the payout's beneficiaryAccountNo"
      })
    }
    const ref = yield* Schemas.validate(Schemas.InquiryReference, "recover", {
      partnerReferenceNo,
      originalReferenceNo,
      beneficiaryAccountNo
    })
    return yield* readStatus(ref)
  })

  const resolveDuplicateRegistration = fn("nicepay.resolveDuplicateRegistration")(function* (
    payout: Schemas.PayoutRequest,
    duplicate: ResponseCode.DuplicatePartnerReference
  ) {
    const valid = yield* Schemas.validate(Schemas.PayoutRequest, "resolveDuplicateRegistration", payout, true)
    const existing = existingReference(duplicate)
    if (existing === undefined) return yield* Effect.fail(duplicate)
    const reused = (fields: ReadonlyArray<string>) =>
      new Idempotency.ReferenceReused({
        upstream: UPSTREAM,
        operation: "transfer/registration",
        referenceField: "partnerReferenceNo",
        reference: valid.partnerReferenceNo,
        fields
      })
    const state = yield* readStatus({
      partnerReferenceNo: valid.partnerReferenceNo,
      originalReferenceNo: existing,
      beneficiaryAccountNo: valid.beneficiaryAccountNo
    }).pipe(
      // NICEPAY holds a payout under this reference but none for this beneficiary account.
      Effect.catchTag("TransactionNotFound", () => Effect.fail(reused(["beneficiaryAccountNo"])))
    )
    const differing = Schemas.differingFields(valid, state)
    if (differing.length > 0) return yield* Effect.fail(reused(differing))
    return state
  })

  return { recover, resolveDuplicateRegistration }
}
