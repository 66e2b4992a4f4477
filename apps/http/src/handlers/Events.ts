/**
 * `GET /v1/events`, `GET /v1/events/{id}`, `POST /v1/events/{id}/redeliver`: the ledger's feed
 * and the delivery worker's records (`@kasir/ledger`'s `Ledger` and `Delivery`).
 */
import { HttpApiBuilder } from "@effect/platform"
import { Delivery, type Errors, Ledger } from "@kasir/ledger"
import { DateTime, Effect, Option } from "effect"
import { Api } from "../Api.js"
import { DeliveryAttempt, Event, EventDetail, EventPage, Redelivery, WebhookDelivery } from "../api/Events.js"
import { LedgerEntry } from "../api/Transactions.js"
import * as RequestContext from "../RequestContext.js"

/**
 * An event as the API shows it (and as a webhook's body carries it).
 */
export const toEvent = (event: Ledger.Event): Event =>
  new Event({
    id: event.id,
    type: event.type,
    timestamp: DateTime.formatIso(event.createdAt),
    data: {
      entry: new LedgerEntry(event.payload.entry),
      transition: event.payload.transition
    }
  })

const optional = <K extends string, A>(key: K, value: A | undefined): { [P in K]?: A } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: A }

const toDelivery = (record: Delivery.DeliveryRecord): WebhookDelivery =>
  new WebhookDelivery({
    url: record.url,
    state: record.state,
    attempts: record.attempts,
    ...optional("nextAttemptAt", record.nextAttemptAt && DateTime.formatIso(record.nextAttemptAt)),
    ...optional("lastStatus", record.lastStatus),
    ...optional("lastError", record.lastError),
    ...optional("deliveredAt", record.deliveredAt && DateTime.formatIso(record.deliveredAt)),
    history: record.history.map(
      (a) =>
        new DeliveryAttempt({
          attempt: a.attempt,
          instance: a.owner,
          startedAt: DateTime.formatIso(a.startedAt),
          durationMs: a.durationMs,
          outcome: a.outcome,
          ...optional("status", a.status),
          ...optional("errorKind", a.errorKind),
          ...optional("error", a.error)
        })
    )
  })

const unavailable = (error: Errors.LedgerUnavailable) =>
  Effect.zipRight(
    Effect.logWarning("ledger unavailable").pipe(Effect.annotateLogs({ ledgerOperation: error.operation })),
    RequestContext.fail(
      503,
      "ledger-unavailable",
      "The ledger (kasir's durable record of money movements and their events) is unavailable; retry later.",
      { kind: error.kind }
    )
  )

const notFound = (id: string) =>
  RequestContext.fail(
    404,
    "not-found",
    `No event ${id} in the ledger. Event ids come from GET /v1/events or a webhook's webhook-id header.`
  )

export const layer = HttpApiBuilder.group(Api, "events", (handlers) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    const delivery = yield* Delivery.Delivery
    const find = (id: string) =>
      Effect.flatMap(
        Effect.catchTag(ledger.event(id), "LedgerUnavailable", unavailable),
        Option.match({ onNone: () => notFound(id), onSome: Effect.succeed })
      )
    return handlers
      .handle("list", ({ urlParams }) =>
        ledger.eventsAfter(urlParams.after, urlParams.limit ?? 100).pipe(
          Effect.map((page) => new EventPage({ events: page.events.map(toEvent), cursor: page.cursor })),
          Effect.catchTags({
            InvalidInput: (invalid) =>
              RequestContext.fail(
                400,
                "invalid-request",
                invalid.field === "cursor"
                  ? "after is not a cursor this gateway issued: pass the cursor of a previous GET /v1/events page, or omit it to start from the first event."
                  : invalid.message,
                {
                  kind: invalid.kind,
                  errors: [
                    {
                      path: `query.${invalid.field === "cursor" ? "after" : invalid.field}`,
                      message: invalid.reason
                    }
                  ]
                }
              ),
            LedgerUnavailable: unavailable
          })
        )
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const event = yield* find(path.id)
          const deliveries = yield* Effect.catchTag(
            delivery.deliveries(path.id),
            "LedgerUnavailable",
            unavailable
          )
          return new EventDetail({ event: toEvent(event), deliveries: deliveries.map(toDelivery) })
        })
      )
      .handle("redeliver", ({ path }) =>
        Effect.gen(function* () {
          yield* find(path.id)
          const requeued = yield* Effect.catchTag(
            delivery.redeliver(path.id),
            "LedgerUnavailable",
            unavailable
          )
          return new Redelivery({ requeued })
        })
      )
  })
)
