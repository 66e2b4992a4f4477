/**
 * Inbound notifications: verified (Basic credentials / NICEPAY's signature), then confirmed with
 * the upstream before anything is believed, then logged as structured events. The gateway keeps
 * no state, so handling a duplicate delivery is the same as handling the first one.
 *
 * The rules are core's: Ayoconnect's `confirmCallbackClaim` (decode the hint, then ask `status`),
 * NICEPAY's `confirmNotification` and the SNAP answers with their codes
 * (`Nicepay.Notification.answer` / `verdictOf` / `refusesHeaders`). This module only maps the
 * HTTP body's refusal and records the outcome.
 */
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Effect, Either } from "effect"
import { Api } from "../Api.js"
import * as Body from "../Body.js"
import type * as Problem from "../Problem.js"
import { CallbackReceipt } from "../api/Callbacks.js"
import * as RequestContext from "../RequestContext.js"
import * as UpstreamError from "../UpstreamError.js"
import { toPayment } from "./Ayoconnect.js"

const fromAnswer = (answer: Nicepay.Notification.Answer) => {
  const { "content-type": contentType = "application/json", ...headers } = answer.headers
  return HttpServerResponse.text(answer.body, { status: answer.status, contentType, headers })
}

const answer = (verdict: Nicepay.Notification.Verdict) =>
  Effect.map(Nicepay.Notification.answer(verdict), fromAnswer)

export const layer = HttpApiBuilder.group(Api, "callbacks", (handlers) =>
  Effect.gen(function* () {
    const ayoconnect = yield* Ayoconnect.Ayoconnect
    const nicepay = yield* Nicepay.NicepayPayout

    return handlers
      .handleRaw("ayoconnect", ({ request }) =>
        Effect.gen(function* () {
          const raw = yield* Effect.catchAll(
            request.text,
            (error): Effect.Effect<never, Problem.BadRequest | Problem.PayloadTooLarge> => {
              const refused = Body.refusalOf(error)
              return refused === undefined
                ? RequestContext.fail(400, "malformed-body", "The callback body could not be read.")
                : refused.status === 413
                  ? RequestContext.fail(413, refused.slug, refused.detail)
                  : RequestContext.fail(400, refused.slug, refused.detail)
            }
          )
          // Unsigned: the body only says which refNumber to look at; core asks `status`.
          const { claimed, confirmed } = yield* ayoconnect
            .confirmCallbackClaim(raw)
            .pipe(UpstreamError.call({ provider: "ayoconnect", operation: "ayoconnect.confirmCallback" }))
          const payment = toPayment(confirmed)
          yield* Effect.logInfo("ayoconnect transaction confirmed").pipe(
            Effect.annotateLogs({
              event: "ayoconnect.transaction.confirmed",
              refNumber: payment.refNumber,
              state: payment.state,
              responseCode: payment.responseCode,
              claimedState: toPayment(claimed).state
            })
          )
          return new CallbackReceipt({
            refNumber: payment.refNumber,
            state: payment.state,
            responseCode: payment.responseCode,
            ...(confirmed.transaction === undefined ? {} : { amount: confirmed.transaction.amount })
          })
        })
      )
      .handleRaw("nicepayNotify", ({ request }) =>
        Effect.gen(function* () {
          // Everything that needs no body first: an unsigned or stale request is refused unread.
          const verified = yield* Effect.either(nicepay.verifyNotificationHeaders(request.headers))
          if (Either.isLeft(verified) && Nicepay.Notification.refusesHeaders(verified.left)) {
            yield* Effect.logWarning("nicepay notification refused").pipe(
              Effect.annotateLogs({ reason: verified.left.reason, detail: verified.left.detail })
            )
            yield* RequestContext.recordOutcome("unauthorized-signature")
            return yield* answer("refused")
          }
          const body = yield* Effect.either(request.arrayBuffer)
          if (Either.isLeft(body)) {
            if (Body.refusalOf(body.left)?.status === 413) {
              yield* RequestContext.recordOutcome("body-too-large")
              return yield* answer("tooLarge")
            }
            return yield* answer("invalid")
          }
          yield* RequestContext.recordOperation("nicepay.confirmNotification")
          // Core verifies X-SIGNATURE over the raw request, then parses the body, then inquires.
          const confirmed = yield* Effect.either(
            nicepay.confirmNotification({ headers: request.headers, rawBody: new Uint8Array(body.right) })
          )
          if (Either.isRight(confirmed)) {
            const payout = confirmed.right
            yield* Effect.logInfo("nicepay payout confirmed").pipe(
              Effect.annotateLogs({
                event: "nicepay.payout.confirmed",
                partnerReferenceNo: payout.partnerReferenceNo,
                originalReferenceNo: payout.originalReferenceNo,
                status: payout.status,
                ...(payout.amount === undefined ? {} : { amount: payout.amount })
              })
            )
            yield* RequestContext.recordOutcome("acknowledged")
            return yield* answer("acknowledged")
          }
          const error = confirmed.left
          const verdict = Nicepay.Notification.verdictOf(error)
          if (verdict !== "unconfirmed" && error._tag === "InvalidNotification") {
            yield* Effect.logWarning("nicepay notification refused").pipe(
              Effect.annotateLogs({ reason: error.reason, detail: error.detail })
            )
            yield* RequestContext.recordOutcome(
              verdict === "invalid" ? "invalid-notification" : "unauthorized-signature"
            )
            return yield* answer(verdict)
          }
          // Signed, but not confirmable now (no key configured, NICEPAY unreachable): NICEPAY retries.
          yield* Effect.logError("nicepay notification not confirmed").pipe(
            Effect.annotateLogs({ error: error.message })
          )
          yield* RequestContext.recordOutcome("unconfirmed")
          return yield* answer("unconfirmed")
        })
      )
  })
)
