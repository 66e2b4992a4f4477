/**
 * The plain operations: the balance, a registration (sent once; never resent), and the status
 * read every other module builds on (`readStatus`: the transitions' repeat check, recovery,
 * duplicate resolution, notification confirmation and `awaitFinal` all read through it).
 *
 * @internal
 */
import { Effect, Either } from "effect"
import * as Schemas from "../Schemas.js"
import { type Context, paths } from "./context.js"
import { decode, malformed } from "./decode.js"

/** @internal */
export const make = ({ snap, clientId, fn }: Context) => {
  const balance = fn("nicepay.balance")(function* (input?: Schemas.BalanceRequest) {
    const request = yield* Schemas.validate(Schemas.BalanceRequest, "balance", input ?? {})
    const accepted = yield* snap.call({
      operation: "balance-inquiry",
      path: paths.balance,
      body: { accountNo: clientId, additionalInfo: { msId: request.msId ?? "" } },
      safeToRetry: true
    })
    const response = yield* decode(Schemas.BalanceResponse, accepted, "balance-inquiry")
    return yield* Either.match(Schemas.toBalance(clientId, response), {
      onRight: Effect.succeed,
      onLeft: (reason) => Effect.fail(malformed(accepted, "balance-inquiry", reason))
    })
  })

  const sendRegistration = (payout: Schemas.PayoutRequest) =>
    Effect.gen(function* () {
      const references = {
        partnerReferenceNo: payout.partnerReferenceNo,
        beneficiaryAccountNo: payout.beneficiaryAccountNo
      }
      const accepted = yield* snap.call({
        operation: "transfer/registration",
        path: paths.registration,
        body: Schemas.registrationBody(clientId, payout),
        safeToRetry: false,
        references
      })
      const r = yield* decode(Schemas.RegistrationResponse, accepted, "transfer/registration", references)
      return {
        partnerReferenceNo: r.partnerReferenceNo,
        originalReferenceNo: r.originalReferenceNo,
        beneficiaryAccountNo: r.beneficiaryaccountNo ?? r.beneficiaryAccountNo ?? payout.beneficiaryAccountNo,
        beneficiaryName: r.beneficiaryName,
        beneficiaryBankCode: r.beneficiaryBankCode,
        payoutMethod: r.payoutMethod,
        amount: r.amount,
        status: "Pending"
      } satisfies Schemas.Registered
    })

  const register = fn("nicepay.register")(function* (payout: Schemas.PayoutRequest) {
    const valid = yield* Schemas.validate(Schemas.PayoutRequest, "register", payout, true)
    return yield* sendRegistration(valid)
  })

  const readStatus = (ref: Schemas.InquiryReference) =>
    Effect.gen(function* () {
      const accepted = yield* snap.call({
        operation: "transfer/inquiry",
        path: paths.inquiry,
        body: {
          merchantId: clientId,
          originalPartnerReferenceNo: ref.partnerReferenceNo,
          originalReferenceNo: ref.originalReferenceNo,
          beneficiaryAccountNo: ref.beneficiaryAccountNo
        },
        safeToRetry: true
      })
      const r = yield* decode(Schemas.InquiryResponse, accepted, "transfer/inquiry")
      return {
        partnerReferenceNo: r.originalPartnerReferenceNo,
        originalReferenceNo: r.originalReferenceNo,
        beneficiaryAccountNo: r.beneficiaryAccountNo ?? r.beneficiaryaccountNo ?? ref.beneficiaryAccountNo,
        beneficiaryName: r.beneficiaryName,
        beneficiaryBankCode: r.beneficiaryBankCode,
        amount: r.amount,
        status: r.latestTransactionStatus,
        statusDescription: r.transactionStatusDesc,
        transactionDate: r.transactionDate
      } satisfies Schemas.PayoutState
    })

  const inquiry = fn("nicepay.inquiry")(function* (payout: Schemas.InquiryReference) {
    const ref = yield* Schemas.validate(Schemas.InquiryReference, "inquiry", payout)
    return yield* readStatus(ref)
  })

  return { balance, register, readStatus, inquiry }
}

/** The status read the other modules build on. @internal */
export type ReadStatus = ReturnType<typeof make>["readStatus"]
