/**
 * The NICEPAY routes: each one core call, its errors mapped by kind.
 *
 * Payouts are idempotent by partnerReferenceNo without any state in the gateway: NICEPAY refuses
 * a second registration with the same reference ("duplicate"), and the gateway then reads the
 * existing payout through core's `recoverRegistration` and answers with it. An approve, reject or
 * cancel whose answer was lost is never resent: the payout's status is read instead.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import { Nicepay } from "@kasir/core"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { Balance, Payout, PayoutInProgress } from "../api/Nicepay.js"
import * as UpstreamError from "../UpstreamError.js"

const provider = "nicepay"

/**
 * Where to poll a payout.
 *
 * @since 0.1.0
 */
export const payoutLocation = (ref: {
  readonly originalReferenceNo: string
  readonly partnerReferenceNo: string
  readonly beneficiaryAccountNo: string
}): string =>
  `/v1/nicepay/payouts/${encodeURIComponent(ref.originalReferenceNo)}?${new URLSearchParams({
    partnerReferenceNo: ref.partnerReferenceNo,
    beneficiaryAccountNo: ref.beneficiaryAccountNo
  }).toString()}`

/**
 * A payout as the API shows it.
 *
 * @since 0.1.0
 */
export const toPayout = (
  payout: Nicepay.Schemas.Payout & {
    readonly status?: Nicepay.Schemas.TransactionStatus | undefined
    readonly transactionStatus?: Nicepay.Schemas.TransactionStatus | undefined
    readonly statusDescription?: string | undefined
    readonly transactionDate?: string | undefined
  }
): Payout => {
  const status = payout.status ?? payout.transactionStatus
  const defined = Object.entries({
    beneficiaryAccountNo: payout.beneficiaryAccountNo,
    beneficiaryName: payout.beneficiaryName,
    beneficiaryBankCode: payout.beneficiaryBankCode,
    amount: payout.amount,
    status,
    statusDescription: payout.statusDescription,
    transactionDate: payout.transactionDate
  }).filter(([, value]) => value !== undefined)
  return new Payout({
    partnerReferenceNo: payout.partnerReferenceNo,
    originalReferenceNo: payout.originalReferenceNo,
    ...Object.fromEntries(defined)
  })
}

/**
 * @since 0.1.0
 */
export const layer = HttpApiBuilder.group(Api, "nicepay", (handlers) =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const call = (operation: string, location?: string) =>
      UpstreamError.call({ provider, operation: `nicepay.${operation}`, location })

    const transition =
      (operation: "approve" | "reject" | "cancel") =>
      ({
        path,
        payload
      }: {
        readonly path: { readonly referenceNo: string }
        readonly payload: { readonly partnerReferenceNo: string; readonly beneficiaryAccountNo: string }
      }) => {
        const ref = {
          originalReferenceNo: path.referenceNo,
          partnerReferenceNo: payload.partnerReferenceNo,
          beneficiaryAccountNo: payload.beneficiaryAccountNo
        }
        const location = payoutLocation(ref)
        return client[operation](ref).pipe(
          Effect.flatMap((result) =>
            result._tag === "Done"
              ? Effect.succeed<Payout | PayoutInProgress>(toPayout(result))
              : Effect.as(
                  HttpApp.appendPreResponseHandler((_request, response) =>
                    Effect.succeed(HttpServerResponse.setHeader(response, "location", location))
                  ),
                  new PayoutInProgress({
                    partnerReferenceNo: result.partnerReferenceNo,
                    originalReferenceNo: result.originalReferenceNo,
                    beneficiaryAccountNo: ref.beneficiaryAccountNo,
                    message: result.responseMessage,
                    location
                  })
                )
          ),
          // The answer was lost: read the payout's status instead of resending.
          Effect.catchTag("OutcomeUnknown", (unknown) =>
            client.recover(unknown).pipe(
              call("recover"),
              Effect.map(toPayout),
              Effect.orElse(() => Effect.fail(unknown))
            )
          ),
          call(operation, location)
        )
      }

    return handlers
      .handle("balance", () =>
        client.balance().pipe(
          call("balance"),
          Effect.map((balance) => new Balance(balance))
        )
      )
      .handle("register", ({ payload }) =>
        client.register(payload).pipe(
          Effect.map(toPayout),
          // A repeated partnerReferenceNo, or a registration whose answer was lost: NICEPAY
          // refuses a second payout with the same reference; read the one that exists.
          Effect.catchTags({
            DuplicatePartnerReference: () =>
              client.recoverRegistration(payload).pipe(call("recoverRegistration"), Effect.map(toPayout)),
            OutcomeUnknown: (unknown) =>
              client.recoverRegistration(payload).pipe(
                call("recoverRegistration"),
                Effect.map(toPayout),
                Effect.orElse(() => Effect.fail(unknown))
              )
          }),
          call("register")
        )
      )
      .handle("approve", transition("approve"))
      .handle("reject", transition("reject"))
      .handle("cancel", transition("cancel"))
      .handle("status", ({ path, urlParams }) =>
        client
          .inquiry({
            originalReferenceNo: path.referenceNo,
            partnerReferenceNo: urlParams.partnerReferenceNo,
            beneficiaryAccountNo: urlParams.beneficiaryAccountNo
          })
          .pipe(call("inquiry"), Effect.map(toPayout))
      )
  })
)
