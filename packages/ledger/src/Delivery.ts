/**
 * Webhook delivery: every outbox event is POSTed, signed (Standard Webhooks v1, `Webhook.ts`),
 * to every configured endpoint, at least once, with retries — by any number of instances sharing
 * one database, without a coordinator.
 *
 * **Fan-out (event → deliveries).** Each endpoint row keeps a cursor into the event feed (the
 * ledger's commit-safe `(txid, seq)` order with its snapshot-xmin horizon, so the feed never
 * skips an event that commits late). `fanOut` runs one statement per endpoint: it locks the
 * endpoint row (`FOR UPDATE SKIP LOCKED`: if another instance is fanning it out, this one skips
 * it), reads the events after the cursor below the horizon, inserts a `pending` delivery for each
 * (`ON CONFLICT DO NOTHING`) and advances the cursor — all in that one statement, so the cursor
 * and the deliveries commit together or not at all, and two instances can never both advance one
 * cursor. Nothing on the API path changes: events are still written by the ledger in the
 * transaction of their state change, and the delivery rows follow within one poll interval. An
 * endpoint seen for the first time starts at the head of the feed (it gets new events; older ones
 * are in the feed and can be pushed with `redeliver`).
 *
 * **Claims.** `claim` takes due deliveries (`pending` and due, or `delivering` whose lease
 * ended: the instance that held it died) with `FOR UPDATE SKIP LOCKED` inside an `UPDATE`, marks
 * them `delivering` with a lease (`locked_by` / `locked_until`, and `next_attempt_at` = the end
 * of the lease, so one partial index serves both cases). The lease outlasts the per-attempt
 * timeout, so a live instance always finishes (or abandons) its attempt before anyone else may
 * take it. An interrupted attempt (drain) puts its delivery back as due at once.
 *
 * **An attempt.** The body is the event as JSON — `{"id","type","timestamp","data"}` with
 * `data` the event's payload (the entry as `GET /v1/transactions` shows it, and the transition) —
 * the same bytes on every attempt; it is signed with every configured secret at the attempt's
 * time and POSTed through the `HttpClient` in context (kasir's lean transport in the gateway)
 * with a per-attempt timeout (default 15 s). The answer decides:
 *
 * | answer | delivery |
 * |---|---|
 * | 2xx | `delivered` |
 * | 410 Gone | the endpoint is disabled; its open deliveries become `disabled-endpoint` |
 * | anything else (3xx, 4xx, 5xx, timeout, connection error) | due again after the schedule's next delay, or `Retry-After` if later (capped at 1 day) |
 * | … after the last attempt | `failed` (kept; `redeliver` re-queues it) |
 *
 * The schedule is the Standard Webhooks example: after the first attempt, 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — 10 attempts over ≈3 days 3 hours — each delay jittered by
 * ±20 % so instances and endpoints do not retry in lockstep. Each attempt is appended to
 * `webhook_attempts` (time, instance, duration, status or error kind, a short message — never a
 * secret, a signature or the receiver's body) in the same statement that ends the claim; if the
 * lease was lost meanwhile (only when an attempt outlived its lease), nothing is recorded and
 * the new holder's attempt stands — at least once, never silently dropped.
 *
 * Receivers must deduplicate by `webhook-id` (the event id): a crash after a 2xx and before its
 * record means the event is sent again.
 *
 * **Endpoints** come from configuration (`layerConfig`: `KASIR_WEBHOOK_URL`, comma-separated;
 * `KASIR_WEBHOOK_SECRET`, space-separated `whsec_…`). A URL must be `https:`, or `http:` to a
 * loopback host (`localhost`, `127.0.0.0/8`, `::1`) for development; credentials in the URL are
 * refused (the signature is the authentication). A bad value fails startup with one line naming
 * the variable, never its value. Secrets are never stored in the database.
 *
 * Metrics (Effect metrics, exported like core's): `kasir_webhook_attempts_total` by `outcome`
 * (`delivered`, `retry`, `failed`, `disabled`), `kasir_webhook_failures_total` (deliveries given
 * up after the last attempt), `kasir_webhook_delivery_lag_seconds` (from the event's state
 * change to its 2xx).
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Metrics as CoreMetrics, KasirError } from "@kasir/core"
import { createHash, randomUUID } from "node:crypto"
import {
  Cause,
  Config,
  type ConfigError,
  Context,
  DateTime,
  Duration,
  Effect,
  Either,
  Exit,
  Layer,
  Metric,
  MetricBoundaries,
  Option,
  Random,
  Redacted,
  Schedule,
  Schema
} from "effect"
import { LedgerUnavailable } from "./Errors.js"
import { describeSqlError } from "./internal/sqlError.js"
import * as Webhook from "./Webhook.js"

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const DeliveryState = Schema.Literal(
  "pending",
  "delivering",
  "delivered",
  "failed",
  "disabled-endpoint"
)
export type DeliveryState = typeof DeliveryState.Type

/**
 * One configured destination.
 */
export interface Endpoint {
  /** `we_` + the first 24 hex digits of SHA-256(url): the same on every instance. */
  readonly id: string
  readonly url: string
}

/**
 * The endpoint id of a URL.
 */
export const endpointId = (url: string): string =>
  `we_${createHash("sha256").update(url).digest("hex").slice(0, 24)}`

/**
 * One attempt as recorded.
 */
export interface Attempt {
  readonly attempt: number
  readonly owner: string
  readonly startedAt: DateTime.Utc
  readonly durationMs: number
  readonly status: number | undefined
  readonly outcome: "delivered" | "retry" | "failed" | "disabled"
  readonly errorKind: "status" | "timeout" | "connection" | undefined
  readonly error: string | undefined
}

/**
 * An event's delivery to one endpoint, with its attempts.
 */
export interface DeliveryRecord {
  readonly eventId: string
  readonly endpointId: string
  readonly url: string
  readonly state: DeliveryState
  readonly attempts: number
  readonly nextAttemptAt: DateTime.Utc | undefined
  readonly lastStatus: number | undefined
  readonly lastError: string | undefined
  readonly deliveredAt: DateTime.Utc | undefined
  readonly history: ReadonlyArray<Attempt>
}

/**
 * Delays between attempts (the first is immediate): the Standard Webhooks example schedule.
 */
export const defaultSchedule: ReadonlyArray<Duration.Duration> = [
  Duration.seconds(5),
  Duration.minutes(5),
  Duration.minutes(30),
  Duration.hours(2),
  Duration.hours(5),
  Duration.hours(10),
  Duration.hours(14),
  Duration.hours(20),
  Duration.hours(24)
]

export interface Options {
  /** Where to deliver; none: the worker only answers queries. */
  readonly endpoints?: ReadonlyArray<string> | undefined
  /** The signing secrets (all used for every attempt). Required with endpoints. */
  readonly secrets?: ReadonlyArray<Webhook.Secret> | undefined
  /** This instance's id in claims; default a random one. */
  readonly owner?: string | undefined
  /** Per attempt; default 15 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long a claim lasts; must exceed `timeout`; default 1 minute. */
  readonly lease?: Duration.DurationInput | undefined
  /** Delays between attempts; default `defaultSchedule`. */
  readonly schedule?: ReadonlyArray<Duration.DurationInput> | undefined
  /** ± this fraction of each delay, default 0.2. */
  readonly jitter?: number | undefined
  /** The longest `Retry-After` honoured; default 1 day. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** Between two polls when there was nothing to do; default 1 second. */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Deliveries claimed at once; default 32 (all sent concurrently). */
  readonly batch?: number | undefined
}

/**
 * What one claimed delivery came to.
 */
export interface Result {
  readonly eventId: string
  readonly endpointId: string
  readonly outcome: Attempt["outcome"] | "lease-lost"
  readonly status: number | undefined
}

export interface Service {
  readonly owner: string
  readonly endpoints: ReadonlyArray<Endpoint>
  /** Registers the configured endpoints (idempotent; new ones start at the feed's head). */
  readonly register: Effect.Effect<void, LedgerUnavailable>
  /** Turns the feed into deliveries for the configured endpoints; the number created. */
  readonly fanOut: Effect.Effect<number, LedgerUnavailable>
  /** `fanOut`, then one batch of claims, each attempted. */
  readonly runOnce: Effect.Effect<ReadonlyArray<Result>, LedgerUnavailable>
  /** `runOnce` until interrupted: again at once after a full batch, else after `pollInterval`. */
  readonly run: Effect.Effect<never>
  /** An event's deliveries with their attempts (any endpoint). */
  readonly deliveries: (eventId: string) => Effect.Effect<ReadonlyArray<DeliveryRecord>, LedgerUnavailable>
  /**
   * Queues an event again to every enabled endpoint: failed or delivered deliveries become due
   * now with a fresh schedule, missing ones are created; those already queued are left alone.
   * The number (re)queued.
   */
  readonly redeliver: (eventId: string) => Effect.Effect<number, LedgerUnavailable>
  /** Enables an endpoint that a 410 disabled (its disabled deliveries are queued again). */
  readonly enable: (url: string) => Effect.Effect<void, LedgerUnavailable>
}

export class Delivery extends Context.Tag("@kasir/ledger/Delivery")<Delivery, Service>() {}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

/**
 * Delivery attempts by `outcome`: `delivered`, `retry`, `failed`, `disabled`.
 */
export const attemptsMetric = Metric.counter("kasir_webhook_attempts", {
  description: "Webhook delivery attempts, by outcome",
  incremental: true
})

/**
 * Deliveries given up after the last attempt.
 */
export const failuresMetric = Metric.counter("kasir_webhook_failures", {
  description: "Webhook deliveries marked failed after their last attempt",
  incremental: true
})

/**
 * From the event's state change to the receiver's 2xx.
 */
export const lagMetric = Metric.histogram(
  "kasir_webhook_delivery_lag_seconds",
  MetricBoundaries.fromIterable([
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000, 86400, 259200
  ]),
  "Time from an event's state change to its delivery (2xx), in seconds"
)

const recordAttempt = CoreMetrics.recorder(attemptsMetric, "outcome")
const recordFailure = CoreMetrics.recorder(failuresMetric)
const recordLag = CoreMetrics.recorder(lagMetric)

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const Timestamp = Schema.DateTimeUtcFromDate

const ClaimRow = Schema.Struct({
  event_id: Schema.String,
  endpoint_id: Schema.String,
  attempts: Schema.Number,
  type: Schema.String,
  payload: Schema.Unknown,
  event_created_at: Timestamp
})

const DeliveryRow = Schema.Struct({
  event_id: Schema.String,
  endpoint_id: Schema.String,
  url: Schema.String,
  state: DeliveryState,
  attempts: Schema.Number,
  next_attempt_at: Schema.NullOr(Timestamp),
  last_status: Schema.NullOr(Schema.Number),
  last_error: Schema.NullOr(Schema.String),
  delivered_at: Schema.NullOr(Timestamp)
})

const AttemptRow = Schema.Struct({
  endpoint_id: Schema.String,
  attempt: Schema.Number,
  owner: Schema.String,
  started_at: Timestamp,
  duration_ms: Schema.Number,
  status: Schema.NullOr(Schema.Number),
  outcome: Schema.Literal("delivered", "retry", "failed", "disabled"),
  error_kind: Schema.NullOr(Schema.Literal("status", "timeout", "connection")),
  error: Schema.NullOr(Schema.String)
})

const decodeClaims = Schema.decodeUnknown(Schema.Array(ClaimRow))
const decodeDeliveries = Schema.decodeUnknown(Schema.Array(DeliveryRow))
const decodeAttempts = Schema.decodeUnknown(Schema.Array(AttemptRow))

const unavailable =
  (operation: string) =>
  (error: SqlError): LedgerUnavailable =>
    new LedgerUnavailable({ operation, detail: describeSqlError(error) })

/**
 * The exact bytes POSTed for an event.
 */
export const body = (event: {
  readonly id: string
  readonly type: string
  readonly createdAt: DateTime.Utc
  readonly payload: unknown
}): string =>
  JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: DateTime.formatIso(event.createdAt),
    data: event.payload
  })

/**
 * The delay before the attempt after `made` attempts, jittered by `random` in [0, 1): ±`jitter`.
 * `undefined` when the schedule is exhausted.
 */
export const nextDelay = (
  schedule: ReadonlyArray<Duration.Duration>,
  made: number,
  jitter: number,
  random: number
): Duration.Duration | undefined => {
  const base = schedule[made - 1]
  if (base === undefined) return undefined
  const factor = 1 + jitter * (2 * random - 1)
  return Duration.millis(Math.round(Duration.toMillis(base) * factor))
}

/**
 * A `Retry-After` value (seconds or an HTTP date) as a duration from `now`, if valid.
 */
export const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^[0-9]{1,9}$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Duration.millis(Math.max(0, at - now))
}

const bounded = (text: string): string => (text.length > 200 ? `${text.slice(0, 197)}...` : text)

// ---------------------------------------------------------------------------------------------
// make
// ---------------------------------------------------------------------------------------------

/**
 * The delivery worker over the `SqlClient` (migrated) and `HttpClient` in context.
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const client = yield* HttpClient.HttpClient
    const owner = options.owner ?? `kasir-${process.pid}-${randomUUID().slice(0, 8)}`
    const endpoints: ReadonlyArray<Endpoint> = (options.endpoints ?? []).map((url) => ({
      id: endpointId(url),
      url
    }))
    const secrets = options.secrets ?? []
    const timeout = Duration.decode(options.timeout ?? "15 seconds")
    const lease = Duration.decode(options.lease ?? "1 minute")
    const schedule = (options.schedule ?? defaultSchedule).map(Duration.decode)
    const jitter = options.jitter ?? 0.2
    const maxRetryAfter = Duration.decode(options.maxRetryAfter ?? "1 day")
    const pollInterval = Duration.decode(options.pollInterval ?? "1 second")
    const batch = options.batch ?? 32
    const urls = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url]))
    const ids = endpoints.map((endpoint) => endpoint.id)
    if (endpoints.length > 0 && secrets.length === 0) {
      return yield* Effect.dieMessage("Delivery: endpoints need at least one secret")
    }
    if (Duration.lessThanOrEqualTo(lease, timeout)) {
      return yield* Effect.dieMessage("Delivery: the lease must be longer than the per-attempt timeout")
    }

    const now = Effect.map(DateTime.now, (t) => ({ t, date: DateTime.toDateUtc(t) }))
    const plus = (t: DateTime.Utc, d: Duration.Duration) => DateTime.toDateUtc(DateTime.addDuration(t, d))

    const register: Service["register"] = Effect.flatMap(now, ({ date }) =>
      Effect.forEach(
        endpoints,
        (endpoint) =>
          sql`
            INSERT INTO webhook_endpoints (id, url, cursor_txid, cursor_seq, created_at)
            SELECT ${endpoint.id}, ${endpoint.url},
                   coalesce(head.txid, '0'::xid8), coalesce(head.seq, 0), ${date}
            FROM (SELECT 1) AS one
            LEFT JOIN (
              SELECT txid, seq FROM ledger_events
              WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY txid DESC, seq DESC LIMIT 1
            ) AS head ON true
            ON CONFLICT (id) DO NOTHING`,
        { discard: true }
      )
    ).pipe(Effect.mapError(unavailable("webhooks.register")))

    const fanOutOne = (endpoint: Endpoint, date: Date) =>
      Effect.map(
        sql<{ readonly n: number }>`
          WITH ep AS (
            SELECT id, cursor_txid, cursor_seq FROM webhook_endpoints
            WHERE id = ${endpoint.id} AND disabled_at IS NULL
            FOR UPDATE SKIP LOCKED
          ), ev AS (
            SELECT e.id, e.txid, e.seq FROM ledger_events e, ep
            WHERE (e.txid, e.seq) > (ep.cursor_txid, ep.cursor_seq)
              AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.txid, e.seq
            LIMIT 500
          ), last AS (
            SELECT txid, seq FROM ev ORDER BY txid DESC, seq DESC LIMIT 1
          ), ins AS (
            INSERT INTO webhook_deliveries (event_id, endpoint_id, state, next_attempt_at, created_at, updated_at)
            SELECT ev.id, ${endpoint.id}, 'pending', ${date}, ${date}, ${date} FROM ev
            ON CONFLICT (event_id, endpoint_id) DO NOTHING
          ), moved AS (
            UPDATE webhook_endpoints SET cursor_txid = last.txid, cursor_seq = last.seq
            FROM last WHERE webhook_endpoints.id = ${endpoint.id}
          )
          SELECT count(*)::int AS n FROM ev`.withoutTransform,
        (rows) => rows[0]?.n ?? 0
      )

    const fanOut: Service["fanOut"] = Effect.gen(function* () {
      const { date } = yield* now
      let total = 0
      for (const endpoint of endpoints) {
        // A full page means there may be more: continue (bounded per run, the next run goes on).
        for (let page = 0; page < 20; page++) {
          const n = yield* fanOutOne(endpoint, date)
          total += n
          if (n < 500) break
        }
      }
      return total
    }).pipe(Effect.mapError(unavailable("webhooks.fanOut")))

    const claim = Effect.gen(function* () {
      if (ids.length === 0) return []
      const { t, date } = yield* now
      const until = plus(t, lease)
      const rows = yield* sql`
        WITH due AS (
          SELECT event_id, endpoint_id FROM webhook_deliveries
          WHERE state IN ('pending', 'delivering') AND next_attempt_at <= ${date}
            AND endpoint_id IN ${sql.in(ids)}
          ORDER BY next_attempt_at
          LIMIT ${batch}
          FOR UPDATE SKIP LOCKED
        ), claimed AS (
          UPDATE webhook_deliveries d
          SET state = 'delivering', locked_by = ${owner}, locked_until = ${until},
              next_attempt_at = ${until}, updated_at = ${date}
          FROM due WHERE d.event_id = due.event_id AND d.endpoint_id = due.endpoint_id
          RETURNING d.event_id, d.endpoint_id, d.attempts
        )
        SELECT c.event_id, c.endpoint_id, c.attempts, e.type, e.payload, e.created_at AS event_created_at
        FROM claimed c JOIN ledger_events e ON e.id = c.event_id`.withoutTransform
      return yield* Effect.orDie(decodeClaims(rows))
    }).pipe(Effect.mapError(unavailable("webhooks.claim")))

    // Ends a claim with an attempt's result, in one statement; no row when the lease was lost.
    const finish = (
      row: typeof ClaimRow.Type,
      attempt: {
        readonly startedAt: Date
        readonly durationMs: number
        readonly status: number | undefined
        readonly outcome: Attempt["outcome"]
        readonly errorKind: Attempt["errorKind"]
        readonly error: string | undefined
        readonly state: DeliveryState
        readonly nextAttemptAt: Date | undefined
        readonly at: Date
      }
    ) =>
      Effect.map(
        sql<{ readonly attempts: number }>`
          WITH d AS (
            UPDATE webhook_deliveries
            SET state = ${attempt.state}, attempts = attempts + 1, next_attempt_at = ${attempt.nextAttemptAt ?? null},
                locked_by = NULL, locked_until = NULL, last_status = ${attempt.status ?? null},
                last_error = ${attempt.error ?? null}, updated_at = ${attempt.at},
                delivered_at = CASE WHEN ${attempt.state} = 'delivered' THEN ${attempt.at}::timestamptz ELSE delivered_at END
            WHERE event_id = ${row.event_id} AND endpoint_id = ${row.endpoint_id}
              AND state = 'delivering' AND locked_by = ${owner}
            RETURNING attempts
          ), a AS (
            INSERT INTO webhook_attempts (event_id, endpoint_id, attempt, owner, started_at, duration_ms, status,
              outcome, error_kind, error)
            SELECT ${row.event_id}, ${row.endpoint_id}, d.attempts, ${owner}, ${attempt.startedAt},
              ${attempt.durationMs}, ${attempt.status ?? null}, ${attempt.outcome}, ${attempt.errorKind ?? null},
              ${attempt.error ?? null}
            FROM d
          )
          SELECT attempts FROM d`.withoutTransform,
        (rows) => rows.length === 1
      )

    const disable = (endpointIdValue: string, date: Date) =>
      sql`
        WITH ep AS (
          UPDATE webhook_endpoints SET disabled_at = ${date}, disabled_reason = '410 Gone'
          WHERE id = ${endpointIdValue} AND disabled_at IS NULL
        )
        UPDATE webhook_deliveries SET state = 'disabled-endpoint', next_attempt_at = NULL,
          locked_by = NULL, locked_until = NULL, updated_at = ${date}
        WHERE endpoint_id = ${endpointIdValue} AND state = 'pending'`

    // Puts an interrupted claim back, due at once (shutdown while an attempt was in flight).
    const putBack = (row: typeof ClaimRow.Type) =>
      Effect.flatMap(
        now,
        ({ date }) =>
          sql`
          UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ${date}, locked_by = NULL,
            locked_until = NULL, updated_at = ${date}
          WHERE event_id = ${row.event_id} AND endpoint_id = ${row.endpoint_id}
            AND state = 'delivering' AND locked_by = ${owner}`
      ).pipe(Effect.ignore)

    const attempt = (row: typeof ClaimRow.Type): Effect.Effect<Result, LedgerUnavailable> =>
      Effect.gen(function* () {
        const url = urls.get(row.endpoint_id)
        if (url === undefined)
          return yield* Effect.dieMessage("Delivery: claimed an endpoint not configured here")
        const bytes = body({
          id: row.event_id,
          type: row.type,
          createdAt: row.event_created_at,
          payload: row.payload
        })
        const started = yield* now
        const request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.setHeaders({
            ...Webhook.headers({
              id: row.event_id,
              timestamp: Math.floor(started.date.getTime() / 1000),
              body: bytes,
              secrets
            }),
            "user-agent": "kasir-webhooks"
          }),
          HttpClientRequest.bodyText(bytes, "application/json")
        )
        const exit = yield* client.execute(request).pipe(
          Effect.flatMap((response) =>
            Effect.as(Effect.ignore(response.arrayBuffer), {
              status: response.status,
              retryAfter: response.headers["retry-after"]
            })
          ),
          Effect.timeoutFail({ duration: timeout, onTimeout: () => "timeout" as const }),
          Effect.exit
        )
        const ended = yield* now
        const durationMs = Math.max(0, DateTime.distance(started.t, ended.t))
        const made = row.attempts + 1
        const status = Exit.isSuccess(exit) ? exit.value.status : undefined
        const common = { startedAt: started.date, durationMs, status, at: ended.date }
        let outcome: Attempt["outcome"]
        let result: Parameters<typeof finish>[1]
        if (status !== undefined && status >= 200 && status < 300) {
          outcome = "delivered"
          result = {
            ...common,
            outcome,
            errorKind: undefined,
            error: undefined,
            state: "delivered",
            nextAttemptAt: undefined
          }
        } else if (status === 410) {
          outcome = "disabled"
          result = {
            ...common,
            outcome,
            errorKind: "status",
            error: "410 Gone: the endpoint was disabled",
            state: "disabled-endpoint",
            nextAttemptAt: undefined
          }
        } else {
          const errorKind: Attempt["errorKind"] =
            status !== undefined
              ? "status"
              : Exit.isFailure(exit) && Option.contains(Cause.failureOption(exit.cause), "timeout")
                ? "timeout"
                : "connection"
          const error =
            errorKind === "status"
              ? `HTTP ${status}`
              : errorKind === "timeout"
                ? `no answer within ${Duration.format(timeout)}`
                : bounded(
                    Exit.isFailure(exit)
                      ? Option.match(Cause.failureOption(exit.cause), {
                          onNone: () => "the request failed",
                          onSome: (e) => (typeof e === "string" ? e : e.message)
                        })
                      : "the request failed"
                  )
          const delay = nextDelay(schedule, made, jitter, yield* Random.next)
          if (delay === undefined) {
            outcome = "failed"
            result = { ...common, outcome, errorKind, error, state: "failed", nextAttemptAt: undefined }
          } else {
            const asked = Exit.isSuccess(exit)
              ? parseRetryAfter(exit.value.retryAfter, ended.date.getTime())
              : undefined
            const wait = asked === undefined ? delay : Duration.max(delay, Duration.min(asked, maxRetryAfter))
            outcome = "retry"
            result = {
              ...common,
              outcome,
              errorKind,
              error,
              state: "pending",
              nextAttemptAt: plus(ended.t, wait)
            }
          }
        }
        const kept = yield* finish(row, result)
        if (!kept) {
          yield* Effect.logDebug(
            `webhook ${row.event_id}: the claim was lost before the attempt was recorded`
          )
          return {
            eventId: row.event_id,
            endpointId: row.endpoint_id,
            outcome: "lease-lost",
            status
          } satisfies Result
        }
        recordAttempt(1, outcome)
        if (outcome === "delivered") {
          recordLag(Math.max(0, DateTime.distance(row.event_created_at, ended.t)) / 1000)
        } else if (outcome === "failed") {
          recordFailure(1)
          yield* Effect.logWarning(`webhook ${row.event_id} to ${url}: failed after ${made} attempts`)
        } else if (outcome === "disabled") {
          yield* disable(row.endpoint_id, ended.date)
          yield* Effect.logWarning(`webhook endpoint ${url} answered 410 Gone: disabled`)
        }
        return { eventId: row.event_id, endpointId: row.endpoint_id, outcome, status } satisfies Result
      }).pipe(
        Effect.onInterrupt(() => putBack(row)),
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("webhooks.attempt")(e)))
      )

    const runOnce: Service["runOnce"] = Effect.gen(function* () {
      if (ids.length === 0) return []
      yield* fanOut
      const claimed = yield* claim
      return yield* Effect.forEach(claimed, attempt, { concurrency: "unbounded" })
    })

    const run: Service["run"] = Effect.gen(function* () {
      yield* register.pipe(Effect.retry({ schedule: Schedule.spaced(pollInterval) }))
      while (true) {
        const results = yield* runOnce.pipe(
          Effect.catchAllCause((cause) =>
            Effect.as(Effect.logWarning("webhook delivery run failed; the next run retries", cause), [])
          )
        )
        if (results.length < batch) yield* Effect.sleep(pollInterval)
      }
    }) as Effect.Effect<never>

    const deliveries: Service["deliveries"] = (eventId) =>
      Effect.gen(function* () {
        const rows = yield* Effect.flatMap(
          sql`SELECT d.event_id, d.endpoint_id, w.url, d.state, d.attempts, d.next_attempt_at, d.last_status,
                     d.last_error, d.delivered_at
              FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
              WHERE d.event_id = ${eventId} ORDER BY w.url`.withoutTransform,
          (rows) => Effect.orDie(decodeDeliveries(rows))
        )
        const attemptRows = yield* Effect.flatMap(
          sql`SELECT endpoint_id, attempt, owner, started_at, duration_ms, status, outcome, error_kind, error
              FROM webhook_attempts WHERE event_id = ${eventId} ORDER BY id`.withoutTransform,
          (rows) => Effect.orDie(decodeAttempts(rows))
        )
        return rows.map(
          (row): DeliveryRecord => ({
            eventId: row.event_id,
            endpointId: row.endpoint_id,
            url: row.url,
            state: row.state,
            attempts: row.attempts,
            nextAttemptAt: row.next_attempt_at ?? undefined,
            lastStatus: row.last_status ?? undefined,
            lastError: row.last_error ?? undefined,
            deliveredAt: row.delivered_at ?? undefined,
            history: attemptRows
              .filter((a) => a.endpoint_id === row.endpoint_id)
              .map((a) => ({
                attempt: a.attempt,
                owner: a.owner,
                startedAt: a.started_at,
                durationMs: a.duration_ms,
                status: a.status ?? undefined,
                outcome: a.outcome,
                errorKind: a.error_kind ?? undefined,
                error: a.error ?? undefined
              }))
          })
        )
      }).pipe(Effect.mapError(unavailable("webhooks.deliveries")))

    const redeliver: Service["redeliver"] = (eventId) =>
      Effect.flatMap(
        now,
        ({ date }) =>
          sql<{ readonly endpoint_id: string }>`
          INSERT INTO webhook_deliveries (event_id, endpoint_id, state, attempts, next_attempt_at, created_at, updated_at)
          SELECT e.id, w.id, 'pending', 0, ${date}, ${date}, ${date}
          FROM ledger_events e, webhook_endpoints w
          WHERE e.id = ${eventId} AND w.disabled_at IS NULL
          ON CONFLICT (event_id, endpoint_id) DO UPDATE
            SET state = 'pending', attempts = 0, next_attempt_at = ${date}, updated_at = ${date}
            WHERE webhook_deliveries.state IN ('failed', 'delivered')
          RETURNING endpoint_id`.withoutTransform
      ).pipe(
        Effect.map((rows) => rows.length),
        Effect.mapError(unavailable("webhooks.redeliver"))
      )

    const enable: Service["enable"] = (url) =>
      Effect.flatMap(
        now,
        ({ date }) =>
          sql`
          WITH ep AS (
            UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE id = ${endpointId(url)}
          )
          UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ${date}, updated_at = ${date}
          WHERE endpoint_id = ${endpointId(url)} AND state = 'disabled-endpoint'`
      ).pipe(Effect.asVoid, Effect.mapError(unavailable("webhooks.enable")))

    return {
      owner,
      endpoints,
      register,
      fanOut,
      runOnce,
      run,
      deliveries,
      redeliver,
      enable
    } satisfies Service
  })

/**
 * The `Delivery` service, without running it.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Delivery, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Layer.effect(Delivery, make(options))

/**
 * The service, and `run` in a fiber for the life of the layer (when endpoints are configured),
 * interrupted when its scope closes; an attempt in flight then puts its delivery back.
 */
export const layerRunning = (
  options: Options = {}
): Layer.Layer<Delivery, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Layer.scoped(
    Delivery,
    Effect.tap(make(options), (service) =>
      service.endpoints.length === 0 ? Effect.void : Effect.forkScoped(service.run)
    )
  )

/**
 * The variables of `layerConfig`.
 */
export const variables = {
  /** Where to deliver: one URL or several, comma-separated. */
  url: "KASIR_WEBHOOK_URL",
  /** The signing secret(s): `whsec_…`, several space-separated during a rotation. */
  secret: "KASIR_WEBHOOK_SECRET",
  /** Per-attempt timeout, default `15 seconds`. */
  timeout: "KASIR_WEBHOOK_TIMEOUT",
  /** How long a claim lasts (longer than the timeout), default `1 minute`. */
  lease: "KASIR_WEBHOOK_LEASE",
  /** Between polls of the outbox when idle, default `1 second`. */
  pollInterval: "KASIR_WEBHOOK_POLL_INTERVAL"
} as const

const loopbackHosts = new Set(["localhost", "[::1]", "::1"])

/**
 * Checks one endpoint URL: `https:`, or `http:` to a loopback host; no credentials. The reason
 * never contains the URL.
 */
export const checkUrl = (value: string): Either.Either<string, string> => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return Either.left("is not an absolute URL")
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("must not carry credentials (the signature authenticates kasir to the receiver)")
  }
  if (url.protocol === "https:") return Either.right(url.toString())
  if (url.protocol === "http:") {
    const loopback = loopbackHosts.has(url.hostname) || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(url.hostname)
    return loopback
      ? Either.right(url.toString())
      : Either.left("must be https (plain http is accepted only for loopback hosts, in development)")
  }
  return Either.left("must be an https URL")
}

/**
 * Reads `KASIR_WEBHOOK_URL` / `KASIR_WEBHOOK_SECRET` (and the timing variables) into `Options`.
 * No URL: no endpoints. A bad value fails with `KasirError.InvalidConfig` naming the variable, never the value.
 */
export const config: Effect.Effect<Options, KasirError.InvalidConfig | ConfigError.ConfigError> = Effect.gen(
  function* () {
    const rawUrls = yield* Config.string(variables.url).pipe(Config.withDefault(""))
    const rawSecret = yield* Config.redacted(variables.secret).pipe(Config.option)
    const timeout = yield* Config.duration(variables.timeout).pipe(Config.withDefault(Duration.seconds(15)))
    const lease = yield* Config.duration(variables.lease).pipe(Config.withDefault(Duration.minutes(1)))
    const pollInterval = yield* Config.duration(variables.pollInterval).pipe(
      Config.withDefault(Duration.seconds(1))
    )
    const parts = rawUrls
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
    const urls: Array<string> = []
    for (const [index, part] of parts.entries()) {
      const checked = checkUrl(part)
      if (Either.isLeft(checked)) {
        return yield* new KasirError.InvalidConfig({
          provider: "kasir",
          setting: variables.url,
          reason: `URL ${index + 1} of ${parts.length} ${checked.left}`
        })
      }
      urls.push(checked.right)
    }
    if (Duration.lessThanOrEqualTo(lease, timeout)) {
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variables.lease,
        reason: `must be longer than ${variables.timeout}`
      })
    }
    if (urls.length === 0) {
      if (Option.isSome(rawSecret)) {
        return yield* new KasirError.InvalidConfig({
          provider: "kasir",
          setting: variables.secret,
          reason: `is set but ${variables.url} is not: set both, or neither`
        })
      }
      return { endpoints: [], timeout, lease, pollInterval }
    }
    if (Option.isNone(rawSecret)) {
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variables.secret,
        reason: `is required with ${variables.url}: a whsec_ secret (kasir webhooks listen prints one)`
      })
    }
    const secrets = Webhook.parseSecrets(Redacted.value(rawSecret.value))
    if (Either.isLeft(secrets))
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variables.secret,
        reason: secrets.left
      })
    return { endpoints: urls, secrets: secrets.right, timeout, lease, pollInterval }
  }
)

/**
 * `layerRunning` from the environment (`config`).
 */
export const layerConfig = (
  options: Omit<Options, "endpoints" | "secrets" | "timeout" | "lease" | "pollInterval"> = {}
): Layer.Layer<
  Delivery,
  KasirError.InvalidConfig | ConfigError.ConfigError,
  SqlClient.SqlClient | HttpClient.HttpClient
> => Layer.unwrapEffect(Effect.map(config, (configured) => layerRunning({ ...options, ...configured })))
