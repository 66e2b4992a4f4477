/**
 * The NICEPAY routes: each one core call, its errors mapped by kind.
 *
 * Register, approve, reject and cancel go through the ledger (`@kasir/ledger`'s `NicepayPayouts`):
 * each written ahead before it is sent, its outcome recorded, idempotent by partnerReferenceNo
 * across gateway instances. A repeat is answered from the ledger (`Idempotent-Replayed: true`)
 * without calling NICEPAY — also a repeated approve, reject or cancel of a payout already in that
 * end state (core's rule, applied to the recorded status); one its status does not allow is 409
 * `invalid-transition` with the current `status`. A concurrent request waits for the first one's
 * outcome or gets 409 `in-progress` with `Retry-After`; a reference of a different payout is 409
 * `idempotency-key-reused`; NICEPAY's "duplicate" that does not name the payout is 409
 * `duplicate-reference`; with the ledger unavailable, 503 `ledger-unavailable` and nothing is
 * sent. Nothing is ever resent: a lost answer is 202, resolved by reading the payout's status.
 * Every payout answer has `status`.
 *
 * `GET /v1/nicepay/payouts/{referenceNo}` answers from the ledger; `?refresh=true` asks NICEPAY
 * and records what it says; so does a payout whose outcome the ledger does not know yet
 * (`sending`, `unknown`: NICEPAY's inquiry is the truth), or one the ledger does not hold.
 */
import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import { Nicepay } from "@kasir/core"
import { Ledger, Nicepay as LedgerNicepay } from "@kasir/ledger"
import { Effect, Option } from "effect"
import { Api } from "../Api.js"
import { Balance, Payout, PayoutInProgress } from "../api/Nicepay.js"
import * as GatewayLedger from "../Ledger.js"
import * as Problem from "../Problem.js"
import * as RequestContext from "../RequestContext.js"
import * as UpstreamError from "../UpstreamError.js"

const provider = "nicepay"

/**
 * Where to poll a payout.
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

export const layer = HttpApiBuilder.group(Api, "nicepay", (handlers) =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const payouts = yield* LedgerNicepay.NicepayPayouts
    const ledger = yield* Ledger.Ledger
    const call = (operation: string, location?: string) =>
      UpstreamError.call({ provider, operation: `nicepay.${operation}`, location })

    const withLocation = (location: string): Effect.Effect<void> =>
      HttpApp.appendPreResponseHandler((_request, response) =>
        Effect.succeed(HttpServerResponse.setHeader(response, "location", location))
      )

    // An entry whose payout is not known yet (written ahead, or its answer lost): 202.
    const notYetKnown = (
      entry: Ledger.Entry,
      operation: string,
      beneficiaryAccountNo: string
    ): Effect.Effect<never, Problem.OutcomeUnknown> => {
      const originalReferenceNo = entry.upstreamIds.originalReferenceNo
      const location =
        originalReferenceNo === undefined
          ? undefined
          : payoutLocation({ originalReferenceNo, partnerReferenceNo: entry.reference, beneficiaryAccountNo })
      const problem = RequestContext.fail(
        202,
        "outcome-unknown",
        `The outcome of payout ${entry.reference} is not known yet (${entry.state}${entry.upstreamMessage === undefined ? "" : `: ${entry.upstreamMessage}`}). Nothing will be resent; ${location === undefined ? "repeat the same request later to learn the outcome" : "poll the Location URL for the result"}.`,
        {
          kind: "OutcomeUnknown",
          upstream: new Problem.UpstreamDetail({ provider, operation: `nicepay.${operation}` }),
          ...(location === undefined ? {} : { location })
        }
      )
      return location === undefined ? problem : Effect.zipRight(withLocation(location), problem)
    }

    // A registration that failed (declined, or not carried out): 422 with what NICEPAY said.
    const declined = (entry: Ledger.Entry, operation: string): Effect.Effect<never, Problem.Declined> =>
      RequestContext.fail(
        422,
        "declined",
        `Payout ${entry.reference} failed: ${entry.upstreamMessage ?? "declined by NICEPAY"}. Use a new partnerReferenceNo for a new payout.`,
        {
          kind: "Declined",
          upstream: new Problem.UpstreamDetail({
            provider,
            operation: `nicepay.${operation}`,
            ...(entry.upstreamCode === undefined ? {} : { code: entry.upstreamCode }),
            ...(entry.upstreamMessage === undefined ? {} : { message: entry.upstreamMessage })
          })
        }
      )

    const fromEntry = (
      entry: Ledger.Entry,
      operation: string,
      beneficiaryAccountNo: string
    ): Effect.Effect<Payout, Problem.Declined | Problem.OutcomeUnknown> => {
      const payout = LedgerNicepay.payoutOf(entry)
      if (payout !== undefined) return Effect.succeed(toPayout(payout))
      return entry.state === "failed"
        ? declined(entry, operation)
        : notYetKnown(entry, operation, beneficiaryAccountNo)
    }

    const replayed = (
      entry: Ledger.Entry,
      operation: string,
      beneficiaryAccountNo: string
    ): Effect.Effect<Payout, Problem.Declined | Problem.OutcomeUnknown> =>
      Effect.zipRight(GatewayLedger.markReplayed, fromEntry(entry, operation, beneficiaryAccountNo))

    const ledgerFailures = {
      ReferenceInProgress: GatewayLedger.inProgress,
      LedgerUnavailable: GatewayLedger.unavailable
    }

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
        return RequestContext.recordReference("partnerReferenceNo", payload.partnerReferenceNo).pipe(
          Effect.zipRight(payouts[operation](ref)),
          Effect.catchTags({
            ...ledgerFailures,
            ReferenceReused: (reused) =>
              UpstreamError.referenceReused(reused, { provider, operation: `nicepay.${operation}` })
          }),
          Effect.flatMap(
            (answer): Effect.Effect<Payout | PayoutInProgress, Problem.Declined | Problem.OutcomeUnknown> => {
              if (answer._tag === "Replayed")
                return replayed(answer.entry, operation, ref.beneficiaryAccountNo)
              const result = answer.result
              if ("_tag" in result && result._tag === "InProgress") {
                return Effect.as(
                  withLocation(location),
                  new PayoutInProgress({
                    partnerReferenceNo: result.partnerReferenceNo,
                    originalReferenceNo: result.originalReferenceNo,
                    beneficiaryAccountNo: ref.beneficiaryAccountNo,
                    message: result.responseMessage,
                    location
                  })
                )
              }
              return Effect.succeed(toPayout(result as Nicepay.Schemas.PayoutState))
            }
          ),
          // The payout's status does not allow this transition: 409 with that status.
          Effect.catchIf(
            (error): error is Nicepay.Schemas.InvalidTransition =>
              error instanceof Nicepay.Schemas.InvalidTransition,
            (impossible) =>
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
          Effect.zipRight(payouts.register(payload)),
          Effect.catchTags({
            ...ledgerFailures,
            ReferenceReused: (reused) =>
              UpstreamError.referenceReused(reused, { provider, operation: "nicepay.register" }),
            // NICEPAY refused a duplicate and its answer does not say which payout it holds.
            DuplicatePartnerReference: (unnamed) =>
              RequestContext.fail(
                409,
                "duplicate-reference",
                `A payout with partnerReferenceNo ${payload.partnerReferenceNo} is already registered, and NICEPAY's answer does not say which one. Nothing was sent again. Read it with the originalReferenceNo its first registration returned (GET /v1/nicepay/payouts/{originalReferenceNo}?partnerReferenceNo=…&beneficiaryAccountNo=…); use a new partnerReferenceNo for a new payout. A registered payout moves no money until it is approved.`,
                {
                  kind: unnamed.kind,
                  upstream: UpstreamError.upstreamDetail(provider, "nicepay.register", unnamed)
                }
              ),
            // The answer was lost: the payout may or may not be registered, and NICEPAY's id for
            // it was in that answer, so there is nothing to poll. Never resent here.
            OutcomeUnknown: (unknown) =>
              Effect.flatMap(
                UpstreamError.toProblem(unknown, {
                  provider,
                  operation: "nicepay.register",
                  detail: `${unknown.message}. The payout may or may not be registered, and there is nothing to poll: NICEPAY's id for it (originalReferenceNo) was in the lost answer. Kasir resolves it by reading NICEPAY, never by resending; repeat the same request later to learn the outcome. A registered payout moves no money until it is approved`
                }),
                Effect.fail
              )
          }),
          Effect.flatMap((answer) =>
            answer._tag === "Replayed"
              ? replayed(answer.entry, "register", payload.beneficiaryAccountNo)
              : Effect.succeed(toPayout(answer.result as Nicepay.Schemas.PayoutState))
          ),
          call("register")
        )
      )
      .handle("approve", transition("approve"))
      .handle("reject", transition("reject"))
      .handle("cancel", transition("cancel"))
      .handle("status", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const ref = {
            originalReferenceNo: path.referenceNo,
            partnerReferenceNo: urlParams.partnerReferenceNo,
            beneficiaryAccountNo: urlParams.beneficiaryAccountNo
          }
          if (urlParams.refresh !== true) {
            // Reads pass through when the ledger is unavailable.
            const found = yield* ledger
              .get("nicepay", ref.partnerReferenceNo)
              .pipe(Effect.catchTag("LedgerUnavailable", () => Effect.succeed(Option.none<Ledger.Entry>())))
            // An entry whose outcome the ledger does not know yet is read from NICEPAY (below).
            if (
              Option.isSome(found) &&
              found.value.state !== "sending" &&
              found.value.state !== "unknown" &&
              found.value.upstreamIds.originalReferenceNo === ref.originalReferenceNo
            ) {
              return yield* fromEntry(found.value, "inquiry", ref.beneficiaryAccountNo)
            }
          }
          const refreshed = yield* payouts.refresh(ref).pipe(
            Effect.catchTag("LedgerUnavailable", () =>
              Effect.map(client.inquiry(ref), (state) => ({ state, entry: undefined }))
            ),
            call("inquiry")
          )
          return toPayout(refreshed.state)
        })
      )
  })
)
