/**
 * Whether a repeated partnerReferenceNo is the same payout: the registration fields NICEPAY's
 * answer must match (`Idempotency.ReferenceReused` names the ones that do not).
 *
 * @internal
 */
import type { Payout, PayoutRequest } from "../Schemas.js"

/**
 * The registration fields a repeat of a partnerReferenceNo must match.
 *
 * @internal
 */
export type PayoutKeyField = "amount" | "beneficiaryAccountNo" | "beneficiaryBankCode"

/**
 * Which fields of a payout request differ from the payout NICEPAY holds under the same
 * partnerReferenceNo — non-empty means the reference was reused for a different payout (see
 * `Idempotency.ReferenceReused`). Fields NICEPAY's answer leaves out (or sends empty) are not
 * compared; bank codes are compared without regard to case.
 *
 * @internal
 */
export const differingFields = (
  request: Pick<PayoutRequest, PayoutKeyField>,
  existing: Payout
): ReadonlyArray<PayoutKeyField> => {
  const differing: Array<PayoutKeyField> = []
  if (existing.amount !== undefined && existing.amount !== request.amount) differing.push("amount")
  if (
    existing.beneficiaryAccountNo !== undefined &&
    existing.beneficiaryAccountNo !== "" &&
    existing.beneficiaryAccountNo !== request.beneficiaryAccountNo
  ) {
    differing.push("beneficiaryAccountNo")
  }
  if (
    existing.beneficiaryBankCode !== undefined &&
    existing.beneficiaryBankCode !== "" &&
    existing.beneficiaryBankCode.toUpperCase() !== request.beneficiaryBankCode.toUpperCase()
  ) {
    differing.push("beneficiaryBankCode")
  }
  return differing
}
