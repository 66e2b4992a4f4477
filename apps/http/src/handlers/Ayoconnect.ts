/**
 * The Ayoconnect routes: each one core call, its errors mapped by kind.
 *
 * Payments are idempotent by refNumber without any state in the gateway: a repeated refNumber
 * makes Ayoconnect answer "duplicate transaction", which core reports as `PaymentOutcomeUnknown`;
 * the gateway then asks for that payment's status and answers with it. Nothing is ever resent.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder } from "@effect/platform"
import { Ayoconnect } from "@kasir/core"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { Payment, Products } from "../api/Ayoconnect.js"
import * as RequestContext from "../RequestContext.js"
import * as UpstreamError from "../UpstreamError.js"

const provider = "ayoconnect"

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
 * @since 0.1.0
 */
export const layer = HttpApiBuilder.group(Api, "ayoconnect", (handlers) =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
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

    // The outcome is unknown (a duplicate refNumber, a timeout after sending): look it up.
    const resolveUnknown = (refNumber: string, unknown: Ayoconnect.PaymentOutcomeUnknown) =>
      client.recoverPayment(refNumber).pipe(
        call("recoverPayment"),
        Effect.matchEffect({
          // The lookup failed too: the outcome stays unknown, the caller polls.
          onFailure: () =>
            Effect.flatMap(
              UpstreamError.toProblem(unknown, {
                provider,
                operation: "ayoconnect.payment",
                location: paymentLocation(refNumber)
              }),
              Effect.fail
            ),
          onSuccess: (recovery) =>
            recovery._tag === "Found"
              ? answer(recovery.status)
              : RequestContext.fail(
                  502,
                  "payment-not-created",
                  `Ayoconnect has no payment ${refNumber} (${unknown.reason}): nothing was charged. Sending the same request again is safe.`,
                  { kind: "Unavailable" }
                )
        })
      )

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
        client.payment(payload).pipe(
          Effect.map(toPayment),
          Effect.catchTag("PaymentOutcomeUnknown", (unknown) => resolveUnknown(payload.refNumber, unknown)),
          call("payment")
        )
      )
      .handle("status", ({ path }) =>
        client.status({ refNumber: path.refNumber }).pipe(call("status"), Effect.map(toPayment))
      )
  })
)
