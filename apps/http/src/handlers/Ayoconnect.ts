/**
 * The Ayoconnect routes: each one core call, its errors mapped by kind.
 *
 * A payment goes through the ledger (`@kasir/ledger`'s `AyoconnectPayments`): written ahead
 * before it is sent, its outcome recorded, idempotent by refNumber across gateway instances — a
 * repeat is answered from the ledger (`Idempotent-Replayed: true`) without calling Ayoconnect;
 * a concurrent one waits for the first one's outcome, or gets 409 `in-progress` with
 * `Retry-After`; a refNumber of a different payment is 409 `idempotency-key-reused`; with the
 * ledger unavailable it is 503 `ledger-unavailable` and nothing is sent. The policy (which
 * outcome is which state, how an unclear one is looked up) is the ledger module's.
 *
 * `GET /v1/ayoconnect/payments/{refNumber}` answers from the ledger; `?refresh=true` asks
 * Ayoconnect and records what it says. A refNumber the ledger does not hold (paid before the
 * ledger, or the ledger unavailable) is asked of Ayoconnect, as before.
 *
 * Callers do not choose callback URLs (`callbackUrls` is refused): the gateway sets its own,
 * `KASIR_PUBLIC_URL/callbacks/ayoconnect`, when a public URL is configured.
 */
import { HttpApiBuilder } from "@effect/platform"
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Ayoconnect } from "@kasir/core"
import { Ayoconnect as LedgerAyoconnect, Ledger } from "@kasir/ledger"
import { Context, Effect, Option } from "effect"
import { Api } from "../Api.js"
import { Payment, Products } from "../api/Ayoconnect.js"
import * as Problem from "../Problem.js"
import * as GatewayLedger from "../Ledger.js"
import * as RequestContext from "../RequestContext.js"
import * as UpstreamError from "../UpstreamError.js"

const provider = "ayoconnect"

const withoutCallbacks = <A extends { readonly callbackUrls?: unknown }>({ callbackUrls: _, ...rest }: A) =>
  rest

/**
 * Where to poll a payment.
 */
export const paymentLocation = (refNumber: string): string =>
  `/v1/ayoconnect/payments/${encodeURIComponent(refNumber)}`

/**
 * A transaction state as the API shows it.
 */
export const toPayment = (status: Ayoconnect.Status.TransactionStatus): Payment =>
  new Payment({
    refNumber: status.refNumber,
    state: status._tag === "Succeeded" ? "succeeded" : status._tag === "Pending" ? "pending" : "failed",
    responseCode: status.responseCode,
    message: { ID: status.message.ID, EN: status.message.EN },
    ...(status._tag === "Failed" ? { reason: status.error._tag } : {}),
    ...(status.transaction === undefined ? {} : { transaction: status.transaction })
  })

/**
 * The callback URL the gateway puts on every payment: `KASIR_PUBLIC_URL/callbacks/ayoconnect`
 * when a public URL is configured, else none (Ayoconnect then uses the dashboard's URL; the
 * embedded sandbox is wired to this gateway that way).
 */
export class CallbackTarget extends Context.Tag("@kasir/http/CallbackTarget")<
  CallbackTarget,
  Option.Option<string>
>() {}

/**
 * A ledger entry with a known outcome as the API shows it (`undefined` while it has none).
 */
export const entryToPayment = (entry: Ledger.Entry): Payment | undefined => {
  if (entry.state === "sending" || entry.state === "unknown") return undefined
  const message = entry.upstreamMessage ?? ""
  return new Payment({
    refNumber: entry.reference,
    state: entry.state,
    responseCode: Number(entry.upstreamCode ?? "0"),
    message: { ID: entry.upstreamIds.messageID ?? message, EN: message },
    ...(entry.state === "failed" && entry.upstreamIds.reason !== undefined
      ? { reason: entry.upstreamIds.reason }
      : {})
  })
}

export const layer = HttpApiBuilder.group(Api, "ayoconnect", (handlers) =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    const target = yield* CallbackTarget
    // The operator configured the URL: that is the explicit opt-in for a non-public one.
    const callbacks = Option.match(target, {
      onNone: () => ({}),
      onSome: (url) => ({ callbackUrls: [url], allowPrivateCallbackUrls: true })
    })
    const payments = yield* LedgerAyoconnect.AyoconnectPayments
    const ledger = yield* Ledger.Ledger
    const call = (operation: string, location?: string) =>
      UpstreamError.call({ provider, operation: `ayoconnect.${operation}`, location })

    // The outcome is not known yet (written ahead, or its answer lost): 202 with the Location.
    const notYetKnown = (entry: Ledger.Entry): Effect.Effect<never, Problem.OutcomeUnknown> => {
      const location = paymentLocation(entry.reference)
      return Effect.zipRight(
        HttpApp.appendPreResponseHandler((_request, response) =>
          Effect.succeed(HttpServerResponse.setHeader(response, "location", location))
        ),
        RequestContext.fail(
          202,
          "outcome-unknown",
          entry.state === "sending"
            ? `Payment ${entry.reference} is being sent; its outcome is not recorded yet. Nothing will be resent; poll the Location URL for the result.`
            : `The outcome of payment ${entry.reference} is unknown (${entry.upstreamMessage ?? "its answer was lost"}); kasir resolves it by reading its status, never by resending. Poll the Location URL for the result.`,
          {
            kind: "OutcomeUnknown",
            location,
            upstream: new Problem.UpstreamDetail({ provider, operation: "ayoconnect.payment" })
          }
        )
      )
    }

    // A recorded decline (or a payment that was not carried out).
    const declined = (entry: Ledger.Entry): Effect.Effect<never, Problem.Declined> =>
      RequestContext.fail(
        422,
        "declined",
        `Payment ${entry.reference} failed: ${entry.upstreamMessage ?? "declined by Ayoconnect"}. Nothing was charged; use a new refNumber for a new payment.`,
        {
          kind: "Declined",
          upstream: new Problem.UpstreamDetail({
            provider,
            operation: "ayoconnect.payment",
            ...(entry.upstreamCode === undefined ? {} : { code: entry.upstreamCode }),
            ...(entry.upstreamMessage === undefined ? {} : { message: entry.upstreamMessage }),
            ...(entry.upstreamIds.messageID === undefined ? {} : { messageId: entry.upstreamIds.messageID })
          })
        }
      )

    // The answer from a ledger entry: its payment, its decline, or "not known yet".
    const fromEntry = (
      entry: Ledger.Entry
    ): Effect.Effect<Payment, Problem.Declined | Problem.OutcomeUnknown> => {
      const payment = entryToPayment(entry)
      if (payment === undefined) return notYetKnown(entry)
      return entry.state === "failed" ? declined(entry) : Effect.succeed(payment)
    }

    // The answer to "pay refNumber": its current state, or the decline of a failed one.
    const answer = (status: Ayoconnect.Status.TransactionStatus) =>
      status._tag === "Failed"
        ? Effect.flatMap(
            UpstreamError.toProblem(status.error, { provider, operation: "ayoconnect.payment" }),
            Effect.fail
          )
        : Effect.succeed(toPayment(status))

    return handlers
      .handle("balance", () => client.balance().pipe(call("balance")))
      .handle("products", () =>
        client.products().pipe(
          call("products"),
          Effect.map((products) => new Products({ products }))
        )
      )
      .handle("inquiry", ({ payload }) => client.inquiry(payload).pipe(call("inquiry")))
      .handle("payment", ({ payload }) =>
        RequestContext.recordReference("refNumber", payload.refNumber).pipe(
          Effect.zipRight(payments.payment({ ...withoutCallbacks(payload), ...callbacks })),
          Effect.catchTags({
            ReferenceReused: (reused) =>
              UpstreamError.referenceReused(reused, { provider, operation: "ayoconnect.payment" }),
            ReferenceInProgress: GatewayLedger.inProgress,
            LedgerUnavailable: GatewayLedger.unavailable
          }),
          Effect.flatMap((outcome) =>
            outcome._tag === "Sent"
              ? answer(outcome.status)
              : Effect.zipRight(GatewayLedger.markReplayed, fromEntry(outcome.entry))
          ),
          call("payment", paymentLocation(payload.refNumber))
        )
      )
      .handle("status", ({ path, urlParams }) =>
        Effect.gen(function* () {
          if (urlParams.refresh !== true) {
            // Reads pass through when the ledger is unavailable.
            const found = yield* ledger
              .get("ayoconnect", path.refNumber)
              .pipe(Effect.catchTag("LedgerUnavailable", () => Effect.succeed(Option.none<Ledger.Entry>())))
            // An entry whose outcome the ledger does not know yet is asked of Ayoconnect (below).
            if (Option.isSome(found) && found.value.state !== "sending" && found.value.state !== "unknown") {
              return yield* fromEntryRead(found.value)
            }
          }
          const refreshed = yield* payments.refresh(path.refNumber).pipe(
            Effect.catchTag("LedgerUnavailable", () =>
              Effect.map(client.status({ refNumber: path.refNumber }), (status) => ({
                status,
                entry: undefined
              }))
            ),
            call("status")
          )
          return toPayment(refreshed.status)
        })
      )
  })
)

// A read shows a failed payment as a payment in `failed` (it is not this request that failed).
const fromEntryRead = (entry: Ledger.Entry): Effect.Effect<Payment, Problem.OutcomeUnknown> => {
  const payment = entryToPayment(entry)
  if (payment !== undefined) return Effect.succeed(payment)
  const location = paymentLocation(entry.reference)
  return Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "location", location))
    ),
    RequestContext.fail(
      202,
      "outcome-unknown",
      `The outcome of payment ${entry.reference} is not known yet (${entry.state}). Poll this URL again, or add ?refresh=true to ask Ayoconnect now.`,
      {
        kind: "OutcomeUnknown",
        location,
        upstream: new Problem.UpstreamDetail({ provider, operation: "ayoconnect.payment" })
      }
    )
  )
}
