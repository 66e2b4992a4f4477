/**
 * The ledger a money command writes through: the same record the gateway keeps, so a payment made
 * from a terminal is one the gateway's reads and recovery see (and a repeat of it, from either, is
 * answered from the record without a second upstream call).
 *
 * The composition is the gateway's: `Database.layerConfig` (`KASIR_DATABASE_URL`, else the
 * embedded PGlite under `KASIR_DATA_DIR/ledger`, `.kasir/` in the directory `kasir` runs in), then
 * `Migrations.layerConfig` (migrated on open unless `KASIR_DATABASE_MIGRATE=false`), then
 * `Ledger.layer` and the provider module over core's client. No recovery fiber: a command lives
 * for one operation; the gateway's reconciler resolves what a command left open.
 *
 * It is opened only by the money commands (`kasir ayoconnect pay`, `kasir nicepay payout
 * register|approve|reject|cancel`) and loaded with their handlers, so `kasir --help` and the other
 * commands never load PGlite or pg. Opening it fails before anything is sent:
 *
 * - the embedded ledger held by another process (a gateway running on the same data directory):
 *   one line naming the directory and `KASIR_DATABASE_URL` (exit 2, a configuration problem);
 * - the database unreachable or refusing a statement (`LedgerUnavailable`): one line naming where
 *   the ledger is, and that nothing was sent (exit 3, unavailable).
 */
import * as Path from "node:path"
import { type ErrorKind, KasirError } from "@kasir/core"
import { Database, Errors, Ledger, Migrations } from "@kasir/ledger"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"

/**
 * Where the ledger is, for people: the server's host and database (never the user or password),
 * or the embedded database's directory.
 */
export const location: Effect.Effect<string> = Effect.gen(function* () {
  const url = yield* Config.option(Config.redacted(Database.variables.databaseUrl)).pipe(
    Effect.orElseSucceed(() => Option.none())
  )
  if (Option.isSome(url) && Redacted.value(url.value).trim() !== "") {
    const parsed = yield* Effect.option(Effect.try(() => new URL(Redacted.value(url.value).trim())))
    return Option.match(parsed, {
      onNone: () => `PostgreSQL (${Database.variables.databaseUrl})`,
      onSome: (u) => `PostgreSQL at ${u.host}${u.pathname} (${Database.variables.databaseUrl})`
    })
  }
  const dataDir = yield* Config.string(Database.variables.dataDir).pipe(
    Config.withDefault(Database.defaultDataDir),
    Effect.orElseSucceed(() => Database.defaultDataDir)
  )
  return `embedded PGlite in ${Path.resolve(dataDir.trim() === "" ? Database.defaultDataDir : dataDir, "ledger")}`
})

/**
 * The ledger could not be reached or refused a statement before the money command sent
 * anything. Exit code 3.
 */
export class LedgerUnreachable extends Schema.TaggedError<LedgerUnreachable>()("LedgerUnreachable", {
  where: Schema.String,
  upstream: Schema.String,
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Unavailable"
  }

  override get message(): string {
    return `the ledger (${this.where}) is unavailable (${this.detail}); nothing was sent to ${this.upstream}`
  }

  get hint(): string {
    return "kasir records every money movement before sending it. Retry with the same reference once the database is reachable."
  }
}

// Ledger operations that run before a money request leaves: failing there means nothing was
// sent. A failure recording an outcome (after the answer) is not one: it stays the ledger's own
// error, which says nothing was recorded, and exits 3 (outcome unknown).
const beforeSending: ReadonlySet<string> = new Set(["open", "migrate", "version", "begin", "get"])

/**
 * Turns a ledger failure before sending into one clear line; others pass through.
 */
export const refused =
  (upstream: string) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | LedgerUnreachable | KasirError.InvalidConfig, R> =>
    Effect.catchAll(
      effect,
      (error): Effect.Effect<never, E | LedgerUnreachable | KasirError.InvalidConfig> => {
        if (error instanceof KasirError.InvalidConfig) {
          return Effect.fail(
            new KasirError.InvalidConfig({
              provider: "kasir",
              reason: `nothing was sent to ${upstream}: ${error.message}`
            })
          )
        }
        if (error instanceof Errors.LedgerUnavailable && beforeSending.has(error.operation)) {
          return Effect.flatMap(location, (where) =>
            Effect.fail(new LedgerUnreachable({ where, upstream, detail: error.detail }))
          )
        }
        return Effect.fail(error)
      }
    )

/**
 * The ledger, opened (and migrated unless `KASIR_DATABASE_MIGRATE=false`) for one command.
 */
export const layer: Layer.Layer<
  Ledger.Ledger,
  KasirError.InvalidConfig | Errors.LedgerUnavailable | Errors.SchemaTooNew
> = Ledger.layer().pipe(Layer.provide(Migrations.layerConfig), Layer.provide(Database.layerConfig))

const upstreamNames = { ayoconnect: "Ayoconnect", nicepay: "NICEPAY" } as const

/**
 * A repeated money command whose recorded outcome is a failure (exit 1) or not known yet
 * (`unknown`: its answer was lost; exit 3). Nothing was sent again.
 */
export class RecordedOutcome extends Schema.TaggedError<RecordedOutcome>()("RecordedOutcome", {
  provider: Schema.Literal("ayoconnect", "nicepay"),
  operation: Schema.String,
  referenceField: Schema.String,
  reference: Schema.String,
  state: Schema.String,
  responseCode: Schema.optional(Schema.String),
  responseMessage: Schema.optional(Schema.String),
  hint: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get kind(): ErrorKind.ErrorKind {
    return this.state === "failed" ? "Declined" : "OutcomeUnknown"
  }

  override get message(): string {
    const said = this.responseMessage === undefined ? "" : `: ${this.responseMessage}`
    const upstream = upstreamNames[this.provider]
    return this.state === "failed"
      ? `${upstream} ${this.operation} ${this.reference} failed earlier (as kasir's ledger recorded it)${said}; nothing was sent again`
      : `the outcome of ${upstream} ${this.operation} ${this.reference} is not known yet (${this.state}${said}); nothing was sent again`
  }
}

/**
 * The failure a replayed entry without a usable answer stands for.
 */
export const recordedOutcome = (
  entry: Ledger.Entry,
  options: {
    readonly provider: "ayoconnect" | "nicepay"
    readonly operation: string
    readonly referenceField: string
    readonly hint: string
  }
): RecordedOutcome =>
  new RecordedOutcome({
    ...options,
    reference: entry.reference,
    state: entry.state,
    ...(entry.upstreamCode === undefined ? {} : { responseCode: entry.upstreamCode }),
    ...(entry.upstreamMessage === undefined ? {} : { responseMessage: entry.upstreamMessage })
  })
