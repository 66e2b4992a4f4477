/**
 * The ledger's schema, as migrations in code, and the function that applies them.
 *
 * Tables (migration 1):
 *
 * - `ledger_entries` — one row per money movement, keyed by the caller's reference:
 *   `UNIQUE (provider, reference)` is the idempotency key, enforced by PostgreSQL so it holds
 *   across connections and gateway instances. `fingerprint` (SHA-256 of the defining fields) is
 *   compared first; `fields` (jsonb) keeps the canonical fields so a mismatch names them.
 *   `amount` is `bigint` (exact; read back as a JS `bigint`, never a float). `state` is one of
 *   sending | pending | succeeded | failed | unknown (CHECK). Upstream code, message and ids
 *   (jsonb, e.g. the upstream's transaction id) are what the upstream said — no secret, token or
 *   signature has a column. `version` counts writes. The lease columns serve recovery claims:
 *   `locked_by` / `locked_until` (a claim that expires, so a crashed instance's work is taken
 *   over), `next_check_at` (when the entry is due for a status read), `attempts`.
 * - `ledger_history` — append-only (a trigger refuses UPDATE and DELETE): every observed
 *   transition, with `from_state` (NULL for the write-ahead row), `to_state`, `source`
 *   (answer | status_read | callback | notification | reconciliation), the upstream code and the
 *   time. Transitions of one entry are serialised by its row lock, so `id` order is their order.
 * - `ledger_events` — the outbox for webhooks and the event feed, written in the same
 *   transaction as each state change: `id` (`evt_` + uuid, stable across redeliveries), `type`
 *   (`ayoconnect.payment.succeeded`, …), `entry_id`, `payload` (jsonb), `created_at`, plus two
 *   ordering columns, `txid` and `seq`.
 *
 * The feed's order. A `bigserial` is assigned at INSERT, not at COMMIT: transaction A can take
 * seq 5, B seq 6, and B commit first — a consumer that read 6 and moved its cursor past it would
 * never see 5. So each event also stores its writer's transaction id (`txid xid8 DEFAULT
 * pg_current_xact_id()`), the feed is ordered by `(txid, seq)`, and it only returns events whose
 * transaction is older than the oldest transaction still running
 * (`txid < pg_snapshot_xmin(pg_current_snapshot())`). Every transaction below that horizon has
 * ended, so the set of events before any position the feed has returned is final: nothing can
 * later appear behind a consumer's cursor. The cost: a long-running transaction holds the feed
 * back until it ends (ledger transactions are a few statements). Nothing serialises writers.
 *
 * Indexes: the unique key; `(provider, state, created_at, id)` and `(created_at, id)` for
 * listing with keyset (cursor) pagination, filtered or not; a partial index on `next_check_at`
 * over the non-final states for due recovery work; `(entry_id, id)` on history; `(txid, seq)`
 * and `entry_id` on events.
 *
 * Migration 2 (`2_webhooks`) adds webhook delivery: `webhook_endpoints`, `webhook_deliveries`
 * and the append-only `webhook_attempts` (described above `m0002`, used by `Delivery.ts`).
 *
 * Applying: `@effect/sql`'s `Migrator` — the engine `PgMigrator` wraps, used here without
 * `PgMigrator`'s schema-dump hook so a library user needs no FileSystem or CommandExecutor —
 * with its PostgreSQL dialect: it runs in one transaction under `LOCK TABLE … ACCESS EXCLUSIVE`
 * on its own table `kasir_ledger_migrations` (created beforehand under an advisory lock, so
 * instances starting together do not race to create it), so concurrent starts apply each
 * migration once. A
 * database that records a migration newer than this code's newest fails with `SchemaTooNew`.
 */
import { KasirError } from "@kasir/core"
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { Config, Effect, Layer } from "effect"
import { LedgerUnavailable, SchemaTooNew } from "./Errors.js"
import { describeSqlError } from "./internal/sqlError.js"

/**
 * The table recording applied migrations.
 */
export const table = "kasir_ledger_migrations"

const m0001 = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE ledger_entries (
      id text PRIMARY KEY,
      provider text NOT NULL CHECK (provider IN ('ayoconnect', 'nicepay')),
      operation text NOT NULL CHECK (operation IN ('payment', 'payout')),
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 128),
      fingerprint text NOT NULL,
      fields jsonb NOT NULL,
      amount bigint NOT NULL CHECK (amount >= 0),
      state text NOT NULL CHECK (state IN ('sending', 'pending', 'succeeded', 'failed', 'unknown')),
      upstream_code text,
      upstream_message text,
      upstream_ids jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 1,
      locked_by text,
      locked_until timestamptz,
      next_check_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      CONSTRAINT ledger_entries_reference_key UNIQUE (provider, reference),
      CONSTRAINT ledger_entries_final_not_due CHECK (state IN ('sending', 'pending', 'unknown') OR next_check_at IS NULL)
    )`
  yield* sql`CREATE INDEX ledger_entries_list ON ledger_entries (provider, state, created_at, id)`
  yield* sql`CREATE INDEX ledger_entries_created ON ledger_entries (created_at, id)`
  yield* sql`
    CREATE INDEX ledger_entries_due ON ledger_entries (next_check_at)
    WHERE state IN ('sending', 'pending', 'unknown')`
  yield* sql`
    CREATE TABLE ledger_history (
      id bigserial PRIMARY KEY,
      entry_id text NOT NULL REFERENCES ledger_entries (id),
      from_state text,
      to_state text NOT NULL,
      source text NOT NULL CHECK (source IN ('request', 'answer', 'status_read', 'callback', 'notification', 'reconciliation')),
      code text,
      at timestamptz NOT NULL
    )`
  yield* sql`CREATE INDEX ledger_history_entry ON ledger_history (entry_id, id)`
  yield* sql`
    CREATE TABLE ledger_events (
      id text PRIMARY KEY,
      seq bigserial NOT NULL UNIQUE,
      txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      type text NOT NULL,
      entry_id text NOT NULL REFERENCES ledger_entries (id),
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`
  yield* sql`CREATE INDEX ledger_events_feed ON ledger_events (txid, seq)`
  yield* sql`CREATE INDEX ledger_events_entry ON ledger_events (entry_id, seq)`
  yield* sql`
    CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END
    $$`
  yield* sql`
    CREATE TRIGGER ledger_history_append_only BEFORE UPDATE OR DELETE ON ledger_history
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`
  yield* sql`
    CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`
})

// Migration 2: webhook delivery (see `Delivery.ts` for how the tables are used).
//
// - `webhook_endpoints`: one row per destination URL (the id is derived from the URL, so every
//   instance configured with it shares the row). `cursor_txid` / `cursor_seq` is how far the
//   event feed has been fanned out into deliveries for it; `disabled_at` is set when the endpoint
//   answered 410 Gone. No secret is stored: secrets are each instance's configuration.
// - `webhook_deliveries`: one row per (event, endpoint): state (pending | delivering | delivered |
//   failed | disabled-endpoint), attempts made, `next_attempt_at` (when it is due; while
//   delivering, when the lease ends), the lease (`locked_by` / `locked_until`), the last HTTP
//   status and error, `delivered_at`. A partial index over the due states serves the claim.
// - `webhook_attempts`: append-only (the same trigger as the history), one row per attempt: when,
//   by which instance, how long, the HTTP status or the error kind and a short bounded message.
//   Never a secret, a signature or the receiver's body.
const m0002 = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE webhook_endpoints (
      id text PRIMARY KEY,
      url text NOT NULL UNIQUE,
      cursor_txid xid8 NOT NULL DEFAULT '0'::xid8,
      cursor_seq bigint NOT NULL DEFAULT 0,
      disabled_at timestamptz,
      disabled_reason text,
      created_at timestamptz NOT NULL
    )`
  yield* sql`
    CREATE TABLE webhook_deliveries (
      event_id text NOT NULL REFERENCES ledger_events (id),
      endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
      state text NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'disabled-endpoint')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      locked_by text,
      locked_until timestamptz,
      last_status integer,
      last_error text CHECK (length(last_error) <= 300),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      delivered_at timestamptz,
      PRIMARY KEY (event_id, endpoint_id),
      CONSTRAINT webhook_deliveries_due CHECK (state NOT IN ('pending', 'delivering') OR next_attempt_at IS NOT NULL)
    )`
  yield* sql`
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE state IN ('pending', 'delivering')`
  yield* sql`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, state)`
  yield* sql`
    CREATE TABLE webhook_attempts (
      id bigserial PRIMARY KEY,
      event_id text NOT NULL,
      endpoint_id text NOT NULL,
      attempt integer NOT NULL,
      owner text NOT NULL,
      started_at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      status integer,
      outcome text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed', 'disabled')),
      error_kind text CHECK (error_kind IN ('status', 'timeout', 'connection')),
      error text CHECK (length(error) <= 300),
      FOREIGN KEY (event_id, endpoint_id) REFERENCES webhook_deliveries (event_id, endpoint_id)
    )`
  yield* sql`CREATE INDEX webhook_attempts_event ON webhook_attempts (event_id, id)`
  yield* sql`
    CREATE TRIGGER webhook_attempts_append_only BEFORE UPDATE OR DELETE ON webhook_attempts
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`
})

/**
 * The migrations, by `<id>_<name>`.
 */
export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "1_ledger": m0001,
  "2_webhooks": m0002
}

/**
 * The newest schema version this code ships.
 */
export const latest: number = Math.max(...Object.keys(migrations).map((key) => Number.parseInt(key, 10)))

const migrate = Migrator.make({})

// An arbitrary constant key for pg_advisory_xact_lock: "kasirldg" as 8 bytes.
const advisoryLock = 0x6b617369726c6467n

/**
 * Applies the migrations the database lacks; returns those applied (`[id, name]`). Fails with
 * `SchemaTooNew` when the database was migrated by newer code, and `LedgerUnavailable` when it
 * cannot be reached.
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  SchemaTooNew | LedgerUnavailable,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // The Migrator creates its table outside its transaction, and two instances starting together
  // would race to create it (one failing on a duplicate). Create it first, serialised by a
  // transaction-scoped advisory lock; the Migrator's own LOCK TABLE serialises the rest.
  yield* sql.withTransaction(
    Effect.zipRight(
      sql`SELECT pg_advisory_xact_lock(${advisoryLock})`,
      sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
            migration_id integer PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            name text NOT NULL
          )`
    )
  )
  const applied = yield* migrate({ loader: Migrator.fromRecord(migrations), table })
  const rows = yield* sql<{ readonly newest: number | null }>`
    SELECT max(migration_id) AS newest FROM ${sql(table)}`.withoutTransform
  const newest = rows[0]?.newest ?? 0
  if (newest > latest) return yield* new SchemaTooNew({ database: newest, code: latest })
  return applied
}).pipe(
  Effect.catchTags({
    SqlError: (error) => new LedgerUnavailable({ operation: "migrate", detail: describeSqlError(error) }),
    MigrationError: (error) => new LedgerUnavailable({ operation: "migrate", detail: error.message })
  }),
  Effect.withSpan("ledger.migrate")
)

/**
 * `run` as a layer, for composing "migrate, then serve".
 */
export const layer: Layer.Layer<never, SchemaTooNew | LedgerUnavailable, SqlClient.SqlClient> =
  Layer.effectDiscard(run)

/**
 * The variable that turns migrating when the ledger opens off (`false`), for deploys that run
 * them separately (`kasir db migrate`).
 */
export const migrateVariable = "KASIR_DATABASE_MIGRATE"

/**
 * `layer` unless `KASIR_DATABASE_MIGRATE=false`: what every process that opens the ledger to
 * write (the gateway, the CLI's money commands) runs first, so one variable governs them all.
 */
export const layerConfig: Layer.Layer<
  never,
  SchemaTooNew | LedgerUnavailable | KasirError.InvalidConfig,
  SqlClient.SqlClient
> = Layer.unwrapEffect(
  Config.boolean(migrateVariable).pipe(
    Config.withDefault(true),
    Effect.mapError(
      () =>
        new KasirError.InvalidConfig({
          provider: "kasir",
          setting: migrateVariable,
          reason: "must be true or false"
        })
    ),
    Effect.map((migrate) => (migrate ? layer : Layer.empty))
  )
)

/**
 * The database's schema version: the newest migration recorded in it (0 before the first).
 */
export const version: Effect.Effect<number, LedgerUnavailable, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    const exists = yield* sql<{ readonly found: string | null }>`
    SELECT to_regclass(${table})::text AS found`.withoutTransform
    if (exists[0]?.found === null || exists[0]?.found === undefined) return 0
    const rows = yield* sql<{ readonly newest: number | null }>`
    SELECT max(migration_id) AS newest FROM ${sql(table)}`.withoutTransform
    return rows[0]?.newest ?? 0
  }
).pipe(
  Effect.catchTag("SqlError", (error) =>
    Effect.fail(new LedgerUnavailable({ operation: "version", detail: describeSqlError(error) }))
  )
)
