/**
 * `approve`, `reject` and `cancel`: sent once. A repeated transition (a retry after a lost
 * answer, concurrent approves) finds the payout already moved, and NICEPAY answers 404xx00
 * Invalid Transaction Status. The payout is then read: in the requested end state the repeat
 * succeeds with that status, as a repeated registration does; anywhere else the transition is
 * impossible (`InvalidTransition`). Nothing is resent.
 *
 * @internal
 */
import { Effect, Either } from "effect"
import type * as ResponseCode from "../../Snap/ResponseCode.js"
import * as Schemas from "../Schemas.js"
import { type Context, paths } from "./context.js"
import { decode } from "./decode.js"
import type { ReadStatus } from "./operations.js"

type Operation = "approve" | "reject" | "cancel"

// Where each transition leaves a payout; the first is what a success answer without a
// `transactionStatus` means. An approved payout may be `Suspect` (being disbursed, unknown yet) or
// end `Failed` (approved, the disbursement failed): either way the approval itself is done.
const endStates: Record<Operation, ReadonlyArray<Schemas.TransactionStatus>> = {
  approve: ["Success", "Suspect", "Failed"],
  reject: ["Rejected"],
  cancel: ["Canceled"]
}

const repeatedTransition = (
  readStatus: ReadStatus,
  operation: Operation,
  ref: Schemas.PayoutReference,
  refused: ResponseCode.InvalidTransactionStatus
) =>
  Effect.gen(function* () {
    if (ref.beneficiaryAccountNo === undefined) return yield* Effect.fail(refused)
    const state = yield* readStatus({
      partnerReferenceNo: ref.partnerReferenceNo,
      originalReferenceNo: ref.originalReferenceNo,
      beneficiaryAccountNo: ref.beneficiaryAccountNo
    })
    if (!endStates[operation].includes(state.status)) {
      return yield* new Schemas.InvalidTransition({
        operation,
        partnerReferenceNo: state.partnerReferenceNo,
        originalReferenceNo: state.originalReferenceNo,
        status: state.status
      })
    }
    return {
      _tag: "Done",
      partnerReferenceNo: state.partnerReferenceNo,
      originalReferenceNo: state.originalReferenceNo,
      beneficiaryAccountNo: state.beneficiaryAccountNo,
      beneficiaryName: state.beneficiaryName,
      beneficiaryBankCode: state.beneficiaryBankCode,
      amount: state.amount,
      status: state.status,
      repeated: true
    } satisfies Schemas.Transitioned
  })

/** @internal */
export const make =
  ({ snap, clientId, fn }: Context, readStatus: ReadStatus) =>
  (operation: Operation) =>
    fn(`nicepay.${operation}`)(function* (payout: Schemas.PayoutReference) {
      const ref = yield* Schemas.validate(Schemas.PayoutReference, operation, payout)
      const references = {
        partnerReferenceNo: ref.partnerReferenceNo,
        originalReferenceNo: ref.originalReferenceNo,
        ...(ref.beneficiaryAccountNo === undefined ? {} : { beneficiaryAccountNo: ref.beneficiaryAccountNo })
      }
      const sent = yield* snap
        .call({
          operation: `transfer/${operation}`,
          path: paths[operation],
          body: {
            originalReferenceNo: ref.originalReferenceNo,
            merchantId: clientId,
            originalPartnerReferenceNo: ref.partnerReferenceNo
          },
          safeToRetry: false,
          references
        })
        .pipe(
          Effect.map(Either.right),
          Effect.catchTag("InvalidTransactionStatus", (refused) =>
            Effect.map(repeatedTransition(readStatus, operation, ref, refused), Either.left)
          )
        )
      // Left: the payout was already in the requested end state.
      if (Either.isLeft(sent)) return sent.left
      const accepted = sent.right
      if (accepted.code.httpStatus === 202) {
        return {
          _tag: "InProgress",
          partnerReferenceNo: ref.partnerReferenceNo,
          originalReferenceNo: ref.originalReferenceNo,
          beneficiaryAccountNo: ref.beneficiaryAccountNo,
          responseMessage: accepted.responseMessage
        } satisfies Schemas.InProgress
      }
      const r = yield* decode(Schemas.PayoutResponse, accepted, `transfer/${operation}`, references)
      return {
        _tag: "Done",
        partnerReferenceNo: r.originalPartnerReferenceNo,
        originalReferenceNo: r.originalReferenceNo,
        beneficiaryAccountNo: r.beneficiaryAccountNo ?? r.beneficiaryaccountNo ?? ref.beneficiaryAccountNo,
        beneficiaryName: r.beneficiaryName,
        beneficiaryBankCode: r.beneficiaryBankCode,
        amount: r.amount,
        status: r.transactionStatus ?? endStates[operation][0]!,
        repeated: false,
        transactionStatus: r.transactionStatus
      } satisfies Schemas.Transitioned
    })
