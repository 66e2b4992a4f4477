/**
 * The NICEPAY routes: each one core call, its errors mapped by kind.
 *
 * Payouts are idempotent by partnerReferenceNo without any state in the gateway: NICEPAY refuses
 * a second registration with the same reference ("duplicate"), and the gateway then reads the
 * existing payout through core's `resolveDuplicateRegistration` and answers with it when it is the
 * payout requested (same amount, beneficiaryAccountNo and beneficiaryBankCode), else 409
 * `idempotency-key-reused`. When NICEPAY's duplicate answer does not name the existing payout,
 * the answer is 409 `duplicate-reference`. Nothing is ever resent: a registration whose answer was
 * lost is 202 (the caller repeats it later), and an approve, reject or cancel whose answer was
 * lost is resolved by reading the payout's status. A repeated approve, reject or cancel of a payout
 * already in that end state answers its current status (core's rule); one its status does not
 * allow is 409 `invalid-transition` with the current `status`. Every payout answer has `status`.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import { Nicepay } from "@kasir/core"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { Balance, Payout, PayoutInProgress } from "../api/Nicepay.js"
import * as Problem from "../Problem.js"
import * as RequestContext from "../RequestContext.js"
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
    readonly status: Nicepay.Schemas.TransactionStatus
    readonly statusDescription?: string | undefined
    readonly transactionDate?: string | undefined
  }
): Payout => {
  const status = payout.status
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
    status,
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
          // The payout's status does not allow this transition (core read it): 409 with that status.
          Effect.catchTag("InvalidTransition", (impossible) =>
            RequestContext.fail(
              409,
              "invalid-transition",
              `Payout ${impossible.originalReferenceNo} is ${impossible.status}: it cannot be ${
                { approve: "approved", reject: "rejected", cancel: "canceled" }[operation]
              } now. Nothing was changed.`,
              {
                kind: impossible.kind,
                currentStatus: impossible.status,
                upstream: new Problem.UpstreamDetail({ provider, operation: `nicepay.${operation}` })
              }
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
        RequestContext.recordReference("partnerReferenceNo", payload.partnerReferenceNo).pipe(
          Effect.zipRight(client.register(payload)),
          Effect.map(toPayout),
          Effect.catchTags({
            // A repeated partnerReferenceNo: NICEPAY refused a second payout. Answer with the one
            // it holds if its answer names it and it is this payout; nothing is sent again.
            DuplicatePartnerReference: (duplicate) =>
              client.resolveDuplicateRegistration(payload, duplicate).pipe(
                Effect.map(toPayout),
                Effect.catchTags({
                  ReferenceReused: (reused) =>
                    UpstreamError.referenceReused(reused, { provider, operation: "nicepay.register" }),
                  DuplicatePartnerReference: (unnamed) =>
                    RequestContext.fail(
                      409,
                      "duplicate-reference",
                      `A payout with partnerReferenceNo ${payload.partnerReferenceNo} is already registered, and NICEPAY's answer does not say which one. Nothing was sent again. Read it with the originalReferenceNo its first registration returned (GET /v1/nicepay/payouts/{originalReferenceNo}?partnerReferenceNo=…&beneficiaryAccountNo=…); use a new partnerReferenceNo for a new payout. A registered payout moves no money until it is approved.`,
                      {
                        kind: unnamed.kind,
                        upstream: UpstreamError.upstreamDetail(provider, "nicepay.register", unnamed)
                      }
                    )
                }),
                call("resolveDuplicateRegistration")
              ),
            // The answer was lost: the payout may or may not be registered, and NICEPAY's id for
            // it was in that answer, so there is nothing to poll. Never resent here.
            OutcomeUnknown: (unknown) =>
              Effect.flatMap(
                UpstreamError.toProblem(unknown, {
                  provider,
                  operation: "nicepay.register",
                  detail: `${unknown.message}. The payout may or may not be registered, and there is nothing to poll: NICEPAY's id for it (originalReferenceNo) was in the lost answer. Retry later with the same request and the same partnerReferenceNo: NICEPAY registers it then, or refuses it as a duplicate of the one that exists. A registered payout moves no money until it is approved`
                }),
                Effect.fail
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
