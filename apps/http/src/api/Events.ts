/**
 * Events out over HTTP: the outbox as a feed (`GET /v1/events`, commit order, an opaque cursor),
 * one event with its webhook deliveries and their attempts (`GET /v1/events/{id}`), and pushing
 * an event again to the configured endpoints (`POST /v1/events/{id}/redeliver`).
 *
 * Each event is the ledger's: a stable id (`evt_…`, also the `webhook-id` of its deliveries), a
 * type (`<provider>.<operation>.<created|pending|succeeded|failed|unknown|sending>`), when the
 * state change happened, and `data`: the entry as `GET /v1/transactions` shows it after the
 * change, with the change itself. A webhook's body is `{id, type, timestamp, data}` with the same
 * values.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ApiKeyAuth } from "../Authentication.js"
import * as Problem from "../Problem.js"
import { reportAll } from "./Decoding.js"
import { LedgerEntry, LedgerState } from "./Transactions.js"

export const Transition = Schema.Struct({
  /** `null` for the write-ahead row (`created`). */
  from: Schema.NullOr(LedgerState),
  to: LedgerState,
  /** Where it was learned: `request`, `answer`, `status_read`, `callback`, `notification`, `reconciliation`. */
  source: Schema.String
}).annotations({ identifier: "Transition" })

/**
 * One event of the feed.
 */
export class Event extends Schema.Class<Event>("Event")({
  /** `evt_` + uuid: the same on every redelivery (`webhook-id`); deduplicate by it. */
  id: Schema.String,
  /** e.g. `ayoconnect.payment.succeeded`, `nicepay.payout.failed`. */
  type: Schema.String,
  /** When the state change happened (ISO 8601). */
  timestamp: Schema.String,
  data: Schema.Struct({ entry: LedgerEntry, transition: Transition })
}) {}

export class EventPage extends Schema.Class<EventPage>("EventPage")({
  /** In commit order: nothing can later appear before an event already returned. */
  events: Schema.Array(Event),
  /** Where to continue (`after=`): the same as the one given when nothing is new. */
  cursor: Schema.String
}) {}

export const EventQuery = Schema.Struct({
  /** The `cursor` of the previous page; absent: from the first event. */
  after: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  /** 1–1000, default 100. */
  limit: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(1, 1000, { message: () => "must be 1 to 1000" })
    )
  )
}).annotations(reportAll)

export class DeliveryAttempt extends Schema.Class<DeliveryAttempt>("DeliveryAttempt")({
  attempt: Schema.Number,
  /** The gateway instance that made it. */
  instance: Schema.String,
  startedAt: Schema.String,
  durationMs: Schema.Number,
  /** The endpoint's HTTP status, when it answered. */
  status: Schema.optional(Schema.Number),
  outcome: Schema.Literal("delivered", "retry", "failed", "disabled"),
  errorKind: Schema.optional(Schema.Literal("status", "timeout", "connection")),
  error: Schema.optional(Schema.String)
}) {}

export class WebhookDelivery extends Schema.Class<WebhookDelivery>("WebhookDelivery")({
  /** The endpoint (`KASIR_WEBHOOK_URL`). */
  url: Schema.String,
  state: Schema.Literal("pending", "delivering", "delivered", "failed", "disabled-endpoint"),
  attempts: Schema.Number,
  nextAttemptAt: Schema.optional(Schema.String),
  lastStatus: Schema.optional(Schema.Number),
  lastError: Schema.optional(Schema.String),
  deliveredAt: Schema.optional(Schema.String),
  history: Schema.Array(DeliveryAttempt)
}) {}

export class EventDetail extends Schema.Class<EventDetail>("EventDetail")({
  event: Event,
  deliveries: Schema.Array(WebhookDelivery)
}) {}

export class Redelivery extends Schema.Class<Redelivery>("Redelivery")({
  /** Deliveries queued again (failed or delivered ones, and endpoints that had none); those already queued are left as they are. */
  requeued: Schema.Number
}) {}

const EventPath = Schema.Struct({
  id: Schema.String.pipe(
    Schema.pattern(/^evt_[0-9a-f-]{36}$/, { message: () => "must be an event id (evt_…)" })
  )
}).annotations(reportAll)

export class EventsGroup extends HttpApiGroup.make("events")
  .add(
    HttpApiEndpoint.get("list", "/events")
      .setUrlParams(EventQuery)
      .addSuccess(EventPage)
      .annotate(
        OpenApi.Summary,
        "The event feed in commit order: continue with `after=<cursor>`; for consumers that pull instead of (or as well as) receiving webhooks"
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/events/:id")
      .setPath(EventPath)
      .addSuccess(EventDetail)
      .annotate(OpenApi.Summary, "One event, with its webhook deliveries and every attempt")
  )
  .add(
    HttpApiEndpoint.post("redeliver", "/events/:id/redeliver")
      .setPath(EventPath)
      .addSuccess(Redelivery, { status: 202 })
      .annotate(
        OpenApi.Summary,
        "Queue an event again to every enabled webhook endpoint (failed or delivered deliveries start a fresh schedule)"
      )
  )
  .addError(Problem.Unauthorized)
  .addError(Problem.NotFound)
  .addError(Problem.ServiceUnavailable)
  .middleware(ApiKeyAuth)
  .prefix("/v1")
  .annotate(OpenApi.Description, "Events out: the outbox feed and webhook deliveries") {}
