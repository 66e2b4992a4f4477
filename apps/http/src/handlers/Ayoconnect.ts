/**
 * The Ayoconnect routes: each one core call, its errors mapped by kind.
 *
 * Payments are idempotent by refNumber without any state in the gateway: a repeated refNumber
 * makes Ayoconnect answer "duplicate transaction", which core reports as `PaymentOutcomeUnknown`;
 * the gateway then asks for that payment's status and answers with it — when it is the payment
 * requested (same accountNumber, productCode and amount), else 409 `idempotency-key-reused`.
 * Nothing is ever resent. Right after an unclear outcome, "no such transaction" (188) is not
 * "nothing was charged" (Ayoconnect may not have recorded the refNumber yet): the answer is 202.
 *
 * Callers do not choose callback URLs (`callbackUrls` is refused): the gateway sets its own,
 * `KASIR_PUBLIC_URL/callbacks/ayoconnect`, when a public URL is configured.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder } from "@effect/platform"
import { Ayoconnect, Idempotency } from "@kasir/core"
import { Context, Effect, Option } from "effect"
import { Api } from "../Api.js"
import { Payment, Products } from "../api/Ayoconnect.js"
import type * as Problem from "../Problem.js"
import * as RequestContext from "../RequestContext.js"
import * as UpstreamError from "../UpstreamError.js"

const provider = "ayoconnect"

const withoutCallbacks = <A extends { readonly callbackUrls?: unknown }>({ callbackUrls: _, ...rest }: A) =>
  rest

/**
 * Where to poll a payment.
 *
 * @since 0.1.0
 */
export const paymentLocation = (refNumber: string): string =>
  `/v1/ayoconnect/payments/${encodeURIComponent(refNumber)}`

/**
 * A transaction state as the API shows it.
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
 */
export class CallbackTarget extends Context.Tag("@kasir/http/CallbackTarget")<
  CallbackTarget,
  Option.Option<string>
>() {}

/**
 * @since 0.1.0
 */
export const layer = HttpApiBuilder.group(Api, "ayoconnect", (handlers) =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    const target = yield* CallbackTarget
    // The operator configured the URL: that is the explicit opt-in for a non-public one.
    const callbacks = Option.match(target, {
      onNone: () => ({}),
      onSome: (url) => ({ callbackUrls: [url], allowPrivateCallbackUrls: true })
    })
    const call = (operation: string, location?: string) =>
      UpstreamError.call({ provider, operation: `ayoconnect.${operation}`, location })

    // The answer to "pay refNumber": its current state, or the decline of a failed one.
    const answer = (status: Ayoconnect.Status.TransactionStatus) =>
      status._tag === "Failed"
        ? Effect.flatMap(
            UpstreamError.toProblem(status.error, { provider, operation: "ayoconnect.payment" }),
            Effect.fail
          )
        : Effect.succeed(toPayment(status))

    // The outcome is unknown (a duplicate refNumber, a timeout or error page after sending):
    // look it up. A request that provably never left fails with UpstreamUnavailable instead and
    // never gets here.
    const resolveUnknown = (
      request: Ayoconnect.Schemas.PaymentRequest,
      unknown: Ayoconnect.PaymentOutcomeUnknown
    ) => {
      const location = paymentLocation(request.refNumber)
      const stillUnknown = (detail?: string) =>
        Effect.flatMap(
          UpstreamError.toProblem(unknown, { provider, operation: "ayoconnect.payment", location, detail }),
          Effect.fail
        )
      return client.recoverPayment(request.refNumber).pipe(
        call("recoverPayment"),
        Effect.matchEffect({
          // The lookup failed too: the outcome stays unknown, the caller polls.
          onFailure: () => stillUnknown(),
          onSuccess: (recovery): Effect.Effect<Payment, UpstreamError.UpstreamProblem | Problem.Conflict> => {
            if (recovery._tag === "NotCreated") {
              // Ayoconnect may not have recorded the refNumber yet (it asks to wait 150 s).
              return stillUnknown(
                `The outcome of payment ${request.refNumber} is unknown (${unknown.reason}) and Ayoconnect has no transaction under it yet. Right after an unclear outcome that does not mean nothing was charged: Ayoconnect may not have recorded it yet and asks to wait 150 s before trusting its status`
              )
            }
            const differing = Ayoconnect.Status.differingFields(request, recovery.status)
            return differing.length > 0
              ? UpstreamError.referenceReused(
                  new Idempotency.ReferenceReused({
                    upstream: provider,
                    operation: "payment",
                    referenceField: "refNumber",
                    reference: request.refNumber,
                    fields: differing
                  }),
                  { provider, operation: "ayoconnect.payment" }
                )
              : answer(recovery.status)
          }
        })
      )
    }

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
          Effect.zipRight(client.payment({ ...withoutCallbacks(payload), ...callbacks })),
          Effect.map(toPayment),
          Effect.catchTag("PaymentOutcomeUnknown", (unknown) => resolveUnknown(payload, unknown)),
          call("payment")
        )
      )
      .handle("status", ({ path }) =>
        client.status({ refNumber: path.refNumber }).pipe(call("status"), Effect.map(toPayment))
      )
  })
)
