/**
 * What the upstreams send to the gateway.
 *
 * - `POST /callbacks/ayoconnect`: Ayoconnect's transaction callback. It carries no signature, so
 *   it is protected by HTTP Basic credentials the operator configures with Ayoconnect, and the
 *   body is only a hint: the gateway asks Ayoconnect for the refNumber's status and logs that.
 * - `POST /api/v1.0/transfer/notify`: NICEPAY's payout notification, at the path NICEPAY uses.
 *   Its signature (over `X-CLIENT-KEY|X-TIMESTAMP` only) is checked on the raw request before the
 *   body is parsed, the payout is confirmed with an inquiry, and the answer is SNAP-shaped, as
 *   NICEPAY expects: `2000000` to acknowledge, 401 `4010000` for a bad or stale signature. The
 *   headers, timestamp, client key and signature are checked before the body is read; the body is
 *   then read up to `KASIR_MAX_BODY_BYTES` (413 `4130000` beyond it).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Ayoconnect, Money, Nicepay } from "@kasir/core"
import { Schema } from "effect"
import { CallbackAuth } from "../Authentication.js"
import * as Problem from "../Problem.js"

/**
 * What the gateway confirmed for an Ayoconnect callback.
 */
export class CallbackReceipt extends Schema.Class<CallbackReceipt>("AyoconnectCallbackReceipt")({
  refNumber: Schema.String,
  /** The state Ayoconnect's status call reports (not the callback's claim). */
  state: Schema.Literal("succeeded", "pending", "failed"),
  responseCode: Schema.Int,
  /** The confirmed amount in whole rupiah, when Ayoconnect reported the transaction. */
  amount: Schema.optional(Schema.typeSchema(Money.Rupiah))
}) {}

/**
 * A SNAP answer to NICEPAY.
 */
export const SnapAnswer = Schema.Struct({
  responseCode: Schema.String,
  responseMessage: Schema.String
}).annotations({ identifier: "SnapAnswer" })

const snapResponse = (description: string, example: typeof SnapAnswer.Type) => ({
  description,
  content: {
    "application/json": {
      schema: { $ref: "#/components/schemas/SnapAnswer" },
      example
    }
  }
})

// The notify route answers NICEPAY in SNAP's format, not with problems: document exactly that.
// The examples are core's answers (`Nicepay.Notification.answers`), so the document cannot drift.
const example = (verdict: Nicepay.Notification.Verdict) => ({
  responseCode: Nicepay.Notification.answers[verdict].responseCode,
  responseMessage: Nicepay.Notification.answers[verdict].responseMessage
})

const notifyResponses = {
  "200": snapResponse(
    "Acknowledged: signature valid and payout confirmed with an inquiry",
    example("acknowledged")
  ),
  "400": snapResponse("Signed, but the body is not a payout notification", example("invalid")),
  "413": snapResponse(
    "The body exceeds KASIR_MAX_BODY_BYTES (checked after the signature)",
    example("tooLarge")
  ),
  "401": snapResponse("Missing, stale or invalid signature", example("refused")),
  "500": snapResponse("The payout could not be confirmed now (NICEPAY retries)", example("unconfirmed"))
}

export class CallbacksGroup extends HttpApiGroup.make("callbacks")
  .add(
    HttpApiEndpoint.post("ayoconnect", "/callbacks/ayoconnect")
      .setPayload(Ayoconnect.Schemas.Envelope)
      .addSuccess(CallbackReceipt)
      .addError(Problem.Unauthorized)
      .addError(Problem.NotFound)
      .addError(Problem.Declined)
      .addError(Problem.OutcomeUnknown)
      .addError(Problem.BadGateway)
      .addError(Problem.GatewayTimeout)
      .middleware(CallbackAuth)
      .annotate(
        OpenApi.Summary,
        "Ayoconnect transaction callback (HTTP Basic); confirmed with a status call before it is trusted"
      )
  )
  .add(
    HttpApiEndpoint.post("nicepayNotify", "/api/v1.0/transfer/notify")
      .setPayload(Nicepay.Schemas.NotificationBody)
      .addSuccess(SnapAnswer)
      .annotate(
        OpenApi.Summary,
        "NICEPAY payout notification: X-SIGNATURE verified over the raw request, payout confirmed with an inquiry"
      )
      .annotate(OpenApi.Transform, (operation) => ({ ...operation, responses: notifyResponses }))
  )
  .annotate(OpenApi.Description, "Inbound notifications from the upstreams") {}
