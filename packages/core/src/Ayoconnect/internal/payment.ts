// A payment: sent exactly once and classified by its response code. Every unclear case (a
// timeout or a connection failure after sending, an answer that is not an API response, 102/108
// "duplicate transaction", a code the docs do not call final) is `OutcomeUnknown`, never a
// failure someone could retry under a new refNumber. Its outcome goes on the span and into
// `kasir_money_operations_total`.
import { Effect, Either, type Exit } from "effect"
import type * as Tracing from "../../internal/tracing.js"
import * as Metrics from "../../Metrics.js"
import type { PaymentInput } from "../Client.js"
import type * as AyoconnectConfig from "../Config.js"
import { InvalidInput, isKasirError, OutcomeUnknown } from "../../KasirError.js"
import * as ResponseCode from "../ResponseCode.js"
import * as Schemas from "../Schemas.js"
import * as Status from "../Status.js"
import * as CallbackUrl from "./callbackUrl.js"
import { validate } from "./validate.js"
import type * as Wire from "./wire.js"

export const make = (
  config: AyoconnectConfig.Resolved,
  { fn, annotate, traced }: Tracing.Operations,
  { send, envelopeOf }: Pick<ReturnType<typeof Wire.make>, "send" | "envelopeOf">
) => {
  const countMoney = Metrics.recorder(Metrics.moneyOperations, "provider", "operation", "outcome")
  // A payment's outcome on its span (and the upstream code when there was one) and in
  // `kasir_money_operations_total`.
  const paymentExit = (exit: Exit.Exit<unknown, unknown>) => {
    const outcome = Metrics.outcomeOf(exit)
    countMoney(1, "ayoconnect", "payment", outcome)
    if (!traced) return Effect.void
    const failure = exit._tag === "Failure" && exit.cause._tag === "Fail" ? exit.cause.error : undefined
    const code =
      isKasirError(failure) && failure.upstreamCode !== undefined ? Number(failure.upstreamCode) : undefined
    return annotate({
      "kasir.provider": "ayoconnect",
      "kasir.operation": "payment",
      "kasir.outcome": outcome,
      ...(typeof code === "number" ? { "kasir.upstream.code": code } : {})
    })
  }

  const payment = fn("ayoconnect.payment")(
    function* (input: PaymentInput) {
      const request = yield* validate("payment", Schemas.PaymentRequest, input)
      if (request.allowPrivateCallbackUrls !== true) {
        for (const [index, url] of (request.callbackUrls ?? []).entries()) {
          const refused = CallbackUrl.refusal(url)
          if (refused !== undefined) {
            return yield* new InvalidInput({
              provider: "ayoconnect",
              operation: "payment",
              field: `callbackUrls.${index}`,
              reason: refused
            })
          }
        }
      }
      const refNumber = request.refNumber
      yield* annotate({
        "ayoconnect.refNumber": refNumber,
        "ayoconnect.productCode": request.productCode
      })
      const unknown = (reason: string, causeTag: string, responseCode?: number) =>
        new OutcomeUnknown({
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: refNumber,
          references: { refNumber },
          reason,
          causeTag,
          ...(responseCode === undefined ? {} : { upstreamCode: String(responseCode) })
        })
      const raw = yield* send(
        "bill/payment",
        {
          accountNumber: request.accountNumber,
          productCode: request.productCode,
          inquiryId: request.inquiryId,
          amount: request.amount,
          refNumber,
          callbackUrls: request.callbackUrls,
          buyerDetails: request.buyerDetails,
          month: request.month
        },
        config.paymentTimeout
      ).pipe(
        Effect.catchTags({
          UpstreamTimeout: (error) =>
            Effect.fail(unknown(`no complete response within ${error.timeoutMillis} ms`, error._tag)),
          UpstreamUnavailable: (error) =>
            error.sent
              ? Effect.fail(unknown(`connection failed after sending (${error.reason})`, error._tag))
              : Effect.fail(error)
        })
      )
      const parsed = envelopeOf("bill/payment", raw)
      if (Either.isLeft(parsed)) return yield* unknown(parsed.left.detail, parsed.left._tag)
      const { envelope, body } = parsed.right
      const code = envelope.responseCode
      if (ResponseCode.isDuplicate(code))
        return yield* unknown("duplicate transaction", ResponseCode.toError(envelope, body)._tag, code)
      if (ResponseCode.isSuccess(code) || ResponseCode.isPending(code)) {
        // A success or pending code classifies as Succeeded or Pending, or not at all.
        const classified = Status.classify(envelope, body, refNumber)
        if (Either.isLeft(classified) || classified.right._tag === "Failed") {
          return yield* unknown(`RC ${code} without a readable transaction`, "UnexpectedResponse", code)
        }
        return classified.right
      }
      // Only the failure ranges (100–199, 301–399) and 401 (the token was rejected, so nothing was
      // processed) are final. The docs say any other code on a payment means "processing"; 402, 403,
      // 409, 490 and 495 are documented as failures by third parties only, so they are confirmed
      // with `status` before anyone treats them as declined (a retry under a new refNumber could pay twice).
      if (ResponseCode.isFinalForPayment(code)) {
        return yield* Effect.fail(
          ResponseCode.toError(envelope, body) as Exclude<
            ResponseCode.ResponseCodeError,
            ResponseCode.DuplicateTransaction
          >
        )
      }
      return yield* unknown(
        ResponseCode.documented.has(code)
          ? `RC ${code} on a payment is not final`
          : `undocumented response code ${code}`,
        ResponseCode.toError(envelope, body)._tag,
        code
      )
    },
    (self) => Effect.onExit(self, paymentExit)
  )

  return payment
}
