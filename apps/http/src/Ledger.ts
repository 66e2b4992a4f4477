/**
 * The ledger in the gateway: where it lives, migrating it at start, and how its answers and
 * failures look over HTTP.
 *
 * Composition: `Database.layerConfig` (`KASIR_DATABASE_URL`, else PGlite under
 * `KASIR_DATA_DIR/ledger`, default `.kasir/`), then `Migrations.layer` unless
 * `KASIR_DATABASE_MIGRATE=false` (deploys that migrate separately), then `Ledger.layer` and the
 * ledger's provider modules over core's clients (a request waits `KASIR_IDEMPOTENCY_WAIT`,
 * default 10 s, for a concurrent one holding its reference), and recovery
 * (`Reconciler.layerConfig`: a fiber that resolves entries a crash or a lost answer left open, at
 * start and every `KASIR_RECONCILE_INTERVAL`; `KASIR_RECONCILE=false` turns it off; interrupted at
 * shutdown), and webhook delivery (`Delivery.layerConfig`: `KASIR_WEBHOOK_URL`,
 * `KASIR_WEBHOOK_SECRET`; a fiber that fans the outbox out to the endpoints and delivers it,
 * interrupted at shutdown), and the `kasir_ledger_entries` gauge (`EntryCounts`: one grouped
 * COUNT over the ledger's SQL client, run when metrics are scraped). The gateway starts listening only after the
 * migrations ran; a database migrated by a newer kasir (`SchemaTooNew`) or a malformed
 * `KASIR_DATABASE_URL` (`InvalidConfig`, naming the variable, never its value) fail startup.
 *
 * Over HTTP:
 *
 * | ledger answer | HTTP |
 * |---|---|
 * | `Replayed` (answered from the ledger, nothing sent) | the stored answer, `Idempotent-Replayed: true` |
 * | `ReferenceInProgress` | 409 problem `in-progress`, `Retry-After` (seconds) |
 * | `LedgerUnavailable` before sending | 503 problem `ledger-unavailable`; nothing was sent |
 * | `ReferenceReused` | 409 `idempotency-key-reused`, as before the ledger |
 */
import { type HttpClient, HttpApp, HttpServerResponse } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { type Ayoconnect, Metrics as CoreMetrics, type Nicepay, type KasirError } from "@kasir/core"
import {
  Ayoconnect as LedgerAyoconnect,
  Database,
  Delivery,
  type Errors,
  Ledger,
  Migrations,
  Nicepay as LedgerNicepay,
  Reconciler
} from "@kasir/ledger"
import { Config, type ConfigError, Context, Duration, Effect, Layer, Metric } from "effect"
import type * as Problem from "./Problem.js"
import * as RequestContext from "./RequestContext.js"

/**
 * The variable that turns migrations at start off (`false`) for deploys that run them separately.
 */
export const migrateVariable = Migrations.migrateVariable

/**
 * How long a request waits for a concurrent one holding its reference before answering 409
 * `in-progress` (default 10 seconds; `0 seconds`: answer at once).
 */
export const waitVariable = "KASIR_IDEMPOTENCY_WAIT"

/**
 * How long a money request holds its entry before recovery may take it over (default 2 minutes:
 * longer than a money call's deadline). Recovery only reads, so a shorter lease is safe, only
 * busier.
 */
export const sendLeaseVariable = "KASIR_LEDGER_SEND_LEASE"

/**
 * Why the ledger can fail to start.
 */
export type LedgerStartError =
  | KasirError.InvalidConfig
  | Errors.LedgerUnavailable
  | Errors.SchemaTooNew
  | ConfigError.ConfigError

/**
 * The services the handlers use.
 */
export type Services =
  | Ledger.Ledger
  | LedgerAyoconnect.AyoconnectPayments
  | LedgerNicepay.NicepayPayouts
  | Delivery.Delivery
  | EntryCounts

/**
 * Ledger entries by `provider` and `state` (`sending`, `pending`, `succeeded`, `failed`,
 * `unknown`), as counted at the last refresh: a gauge, every provider × state pair present (0
 * when there are none), so a series never disappears when its last entry moves on.
 */
export const entriesMetric = Metric.gauge("kasir_ledger_entries", {
  description: "Ledger entries by provider and state, counted when metrics are read"
})

/**
 * Sets `kasir_ledger_entries` from the ledger: `refresh` runs one grouped COUNT over
 * `ledger_entries` (the `(provider, state, …)` index answers it) and sets every provider × state
 * pair. The scrape runs it before reading the registry. It never fails: with the ledger
 * unreachable the gauge keeps its last values and a warning is logged.
 */
export class EntryCounts extends Context.Tag("@kasir/http/Ledger/EntryCounts")<
  EntryCounts,
  { readonly refresh: Effect.Effect<void> }
>() {}

const recordEntries = CoreMetrics.recorder(entriesMetric, "provider", "state")

/**
 * `EntryCounts` over the ledger's SQL client.
 */
export const layerEntryCounts: Layer.Layer<EntryCounts, never, SqlClient.SqlClient> = Layer.effect(
  EntryCounts,
  Effect.map(SqlClient.SqlClient, (sql) => ({
    refresh: sql<{ readonly provider: string; readonly state: string; readonly entries: number }>`
      SELECT provider, state, count(*)::int AS entries FROM ledger_entries GROUP BY provider, state`.pipe(
      Effect.tap((rows) => {
        const counted = new Map(rows.map((row) => [`${row.provider} ${row.state}`, Number(row.entries)]))
        for (const provider of Ledger.Provider.literals) {
          for (const state of Ledger.State.literals) {
            recordEntries(counted.get(`${provider} ${state}`) ?? 0, provider, state)
          }
        }
      }),
      // (No details: a driver's error can carry connection material.)
      Effect.catchAllCause(() =>
        Effect.logWarning("kasir_ledger_entries not refreshed: the ledger did not answer")
      ),
      Effect.withTracerEnabled(false)
    )
  }))
)

/**
 * The ledger over `database` (default `Database.layerConfig`), migrated at start unless
 * `KASIR_DATABASE_MIGRATE=false`.
 */
export const layer = (
  database: Layer.Layer<
    Database.Database,
    KasirError.InvalidConfig | Errors.LedgerUnavailable
  > = Database.layerConfig
): Layer.Layer<
  Services,
  LedgerStartError,
  Ayoconnect.Ayoconnect | Nicepay.NicepayPayout | HttpClient.HttpClient
> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        awaitTimeout: Config.duration(waitVariable).pipe(Config.withDefault(Duration.seconds(10))),
        sendLease: Config.duration(sendLeaseVariable).pipe(Config.withDefault(Duration.minutes(2)))
      }),
      ({ awaitTimeout, sendLease }) =>
        Layer.mergeAll(
          LedgerAyoconnect.layer({ awaitTimeout }),
          LedgerNicepay.layer({ awaitTimeout }),
          Reconciler.layerConfig()
        ).pipe(
          Layer.provideMerge(Ledger.layer({ sendLease })),
          // Webhook delivery (KASIR_WEBHOOK_URL / KASIR_WEBHOOK_SECRET): a fiber for the life of
          // the gateway, beside the API path, through the gateway's HttpClient (the lean transport).
          Layer.merge(Delivery.layerConfig()),
          Layer.merge(layerEntryCounts),
          Layer.provide(Migrations.layerConfig),
          Layer.provide(database)
        )
    )
  )

/**
 * Marks the answer as a replay from the ledger: `Idempotent-Replayed: true`.
 */
export const markReplayed: Effect.Effect<void> = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(HttpServerResponse.setHeader(response, "idempotent-replayed", "true"))
)

/**
 * 409 `in-progress` with `Retry-After`: another request is sending this reference.
 */
export const inProgress = (error: Errors.ReferenceInProgress): Effect.Effect<never, Problem.Conflict> =>
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(error.retryAfterSeconds)))
    ),
    RequestContext.fail(
      409,
      "in-progress",
      `${error.referenceField} ${error.reference} is being sent by another request right now. Nothing was sent by this one; repeat it after ${error.retryAfterSeconds} s (Retry-After) to get its outcome.`,
      { kind: error.kind }
    )
  )

/**
 * 503 `ledger-unavailable`: the record could not be written, so nothing was sent.
 */
export const unavailable = (
  error: Errors.LedgerUnavailable
): Effect.Effect<never, Problem.ServiceUnavailable> =>
  Effect.zipRight(
    Effect.logWarning("ledger unavailable: money movement refused before sending").pipe(
      Effect.annotateLogs({ ledgerOperation: error.operation })
    ),
    RequestContext.fail(
      503,
      "ledger-unavailable",
      "The ledger (kasir's durable record of money movements) is unavailable, so this money movement was refused before anything was sent to the upstream. Retry later with the same reference; reads still work.",
      { kind: error.kind }
    )
  )
