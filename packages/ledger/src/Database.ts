/**
 * Where the ledger lives: a PostgreSQL server, or PGlite embedded in the process.
 *
 * Both are served through the same `@effect/sql-pg` `PgClient`, so the SQL and the migrations
 * are identical on both engines:
 *
 * - `KASIR_DATABASE_URL` set (a `postgres://` / `postgresql://` URL, read as `Redacted`): a
 *   node-postgres pool on that server — the production setup, shared by any number of gateway
 *   instances and CLIs. A malformed URL fails with `KasirError.InvalidConfig` naming the variable, never its
 *   value. The pool connects lazily: an unreachable server does not fail the layer, each
 *   operation fails with `LedgerUnavailable` instead (a gateway can still serve reads and refuse
 *   money movements with 503 before sending anything), and migrations fail the same way.
 * - unset: PGlite (PostgreSQL compiled to WebAssembly) with its files under
 *   `KASIR_DATA_DIR/ledger` (default `.kasir/ledger` in the working directory), wired as a
 *   node-postgres pool of **one** over `@electric-sql/pglite/node-postgres`'s `createPgConfig`:
 *   PGlite has a single connection, so `max: 1` makes every statement and transaction queue for
 *   it. PGlite does not guard its files against a second process, so the layer takes a lock file
 *   beside them (`kasir.lock`, holding the owner's pid) and fails with `KasirError.InvalidConfig` while a
 *   live process holds it: two processes that must share a ledger need `KASIR_DATABASE_URL`.
 *   A new data directory takes seconds to initialise; reopening one about a second. PGlite's
 *   WebAssembly is compiled by V8's baseline compiler only, which saves about 55 MB of resident
 *   memory for ~10 % more CPU per statement (`internal/baselineWasm.ts`).
 *
 * `layerPgliteMemory` is an in-memory PGlite for tests and demos.
 */
import { KasirError } from "@kasir/core"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import { PGlite } from "@electric-sql/pglite"
import { createPgConfig } from "@electric-sql/pglite/node-postgres"
import { Config, Duration, Effect, Layer, Option, Redacted } from "effect"
import * as Pg from "pg"
import { LedgerUnavailable } from "./Errors.js"
import * as BaselineWasm from "./internal/baselineWasm.js"
import { describeSqlError } from "./internal/sqlError.js"

/**
 * The environment variables the ledger reads.
 */
export const variables = {
  databaseUrl: "KASIR_DATABASE_URL",
  dataDir: "KASIR_DATA_DIR"
} as const

/**
 * The default data directory of the embedded ledger, relative to the working directory.
 */
export const defaultDataDir = ".kasir"

/**
 * The services a database layer provides.
 */
export type Database = PgClient.PgClient | SqlClient.SqlClient

/**
 * Options of a PostgreSQL server connection.
 */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (the password stays redacted). */
  readonly url: Redacted.Redacted<string>
  /** Pool size; default 10. */
  readonly maxConnections?: number | undefined
  /** How long to wait for a connection before `LedgerUnavailable`; default 5 s. */
  readonly connectTimeout?: Duration.DurationInput | undefined
  /** The server cancels a statement that runs longer (then `LedgerUnavailable`); default 15 s. */
  readonly statementTimeout?: Duration.DurationInput | undefined
  /** Extra server options sent at connect, e.g. `-c search_path=tenant_a`. */
  readonly serverOptions?: string | undefined
}

/**
 * Checks a database URL without ever putting it (or its password) in a message.
 */
export const validateUrl = (
  url: Redacted.Redacted<string>,
  variable: string = variables.databaseUrl
): Effect.Effect<Redacted.Redacted<string>, KasirError.InvalidConfig> =>
  Effect.suspend(() => {
    const value = Redacted.value(url).trim()
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      return new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variable,
        reason: "is not a URL; expected postgres://user:password@host:5432/database"
      })
    }
    if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
      return new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variable,
        reason: `must be a postgres:// or postgresql:// URL, got a ${parsed.protocol}// URL`
      })
    }
    try {
      decodeURIComponent(parsed.username)
      decodeURIComponent(parsed.password)
      decodeURIComponent(parsed.pathname)
    } catch {
      return new KasirError.InvalidConfig({
        provider: "kasir",
        setting: variable,
        reason: "has a malformed percent-encoding"
      })
    }
    return Effect.succeed(Redacted.make(value))
  })

const acquirePool = (config: Pg.PoolConfig) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const pool = new Pg.Pool(config)
      // An idle client losing its connection must not crash the process; the next query fails
      // and is reported as LedgerUnavailable.
      pool.on("error", () => {})
      return pool
    }),
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption("2 seconds"))
  )

const unavailable = (operation: string) => (error: { readonly message: string; readonly cause?: unknown }) =>
  new LedgerUnavailable({ operation, detail: describeSqlError(error) })

/**
 * A PostgreSQL server.
 */
export const layerPostgres = (options: PostgresOptions): Layer.Layer<Database, KasirError.InvalidConfig> =>
  Layer.unwrapEffect(
    Effect.map(validateUrl(options.url), (url) =>
      PgClient.layerFromPool({
        acquire: acquirePool({
          connectionString: Redacted.value(url),
          max: options.maxConnections ?? 10,
          connectionTimeoutMillis: Duration.toMillis(options.connectTimeout ?? "5 seconds"),
          idleTimeoutMillis: 30_000,
          statement_timeout: Duration.toMillis(options.statementTimeout ?? "15 seconds"),
          application_name: "kasir-ledger",
          ...(options.serverOptions === undefined ? {} : { options: options.serverOptions })
        }),
        applicationName: "kasir-ledger"
      }).pipe(Layer.orDie)
    )
  )

const lockFile = (dir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        Fs.mkdirSync(dir, { recursive: true })
        const file = Path.join(dir, "kasir.lock")
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            Fs.writeFileSync(file, String(process.pid), { flag: "wx" })
            return file
          } catch (error) {
            if ((error as { code?: unknown }).code !== "EEXIST") throw error
            const holder = Number.parseInt(Fs.readFileSync(file, "utf8"), 10)
            if (Number.isInteger(holder) && (holder === process.pid || isAlive(holder))) {
              throw new KasirError.InvalidConfig({
                provider: "kasir",
                setting: variables.dataDir,
                reason: `the embedded ledger in ${dir} is in use by process ${holder}; stop it, or set ${variables.databaseUrl} so several processes share one PostgreSQL`
              })
            }
            // A lock left by a process that died: take it over.
            Fs.rmSync(file, { force: true })
          }
        }
        throw new Error(`could not take ${file}`)
      },
      catch: (error) =>
        error instanceof KasirError.InvalidConfig
          ? error
          : new KasirError.InvalidConfig({
              provider: "kasir",
              setting: variables.dataDir,
              reason: `cannot use ${dir}: ${(error as Error).message}`
            })
    }),
    (file) => Effect.sync(() => Fs.rmSync(file, { force: true }))
  )

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM"
  }
}

const layerPgliteWith = (
  open: Effect.Effect<PGlite, LedgerUnavailable | KasirError.InvalidConfig, import("effect/Scope").Scope>
): Layer.Layer<Database, LedgerUnavailable | KasirError.InvalidConfig> =>
  Layer.unwrapScoped(
    Effect.map(open, (db) =>
      PgClient.layerFromPool({
        acquire: acquirePool({ ...createPgConfig(db), max: 1 }),
        applicationName: "kasir-ledger"
      }).pipe(Layer.mapError(unavailable("open")))
    )
  )

/**
 * PGlite's `shared_buffers`. PostgreSQL's default, 128 MB, is resident in the process from the
 * first start (PGlite touches its whole buffer pool in the WebAssembly heap): measured, a reopened
 * data directory costs about 310 MB of RSS with it and 180 MB with 16 MB; a loaded gateway 8 MB
 * less again with 8 MB. The embedded ledger is one process's ledger — a few thousand rows a day —
 * whose working set is a few megabytes; anything it does not cache is read back from the data
 * directory's files through the OS page cache. Measured on a 36 MB table of 100,000 entries, well
 * past either pool: a lookup by reference took 530–600 µs with 16 MB and 560–680 µs with 8 MB,
 * an insert and update 1.15–1.34 ms with either (PGlite's own cost per statement dominates).
 */
export const pgliteSharedBuffers = "8MB"

// PGlite's own start parameters, plus the buffer pool size.
const pgliteOptions = () => ({
  startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers}`]
})

const openPglite = (dataDir?: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () =>
        BaselineWasm.compiled(() =>
          dataDir === undefined ? PGlite.create(pgliteOptions()) : PGlite.create(dataDir, pgliteOptions())
        ),
      catch: (cause) =>
        new LedgerUnavailable({
          operation: "open",
          detail: `PGlite could not open ${dataDir ?? "an in-memory database"}: ${(cause as Error)?.message ?? String(cause)}`
        })
    }),
    (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
  )

/**
 * PGlite with its files in `dataDir/ledger`, guarded by `dataDir/ledger/kasir.lock`.
 */
export const layerPglite = (options: {
  readonly dataDir: string
}): Layer.Layer<Database, LedgerUnavailable | KasirError.InvalidConfig> => {
  const dir = Path.resolve(options.dataDir, "ledger")
  return layerPgliteWith(Effect.zipRight(lockFile(dir), openPglite(dir)))
}

/**
 * PGlite in memory: a fresh, empty database that lives as long as the layer.
 */
export const layerPgliteMemory: Layer.Layer<Database, LedgerUnavailable | KasirError.InvalidConfig> =
  layerPgliteWith(openPglite())

/**
 * `KASIR_DATABASE_URL` when set, else PGlite under `KASIR_DATA_DIR` (default `.kasir`).
 */
export const layerConfig: Layer.Layer<Database, LedgerUnavailable | KasirError.InvalidConfig> =
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const url = yield* Config.option(Config.redacted(variables.databaseUrl)).pipe(
        Effect.mapError(
          () =>
            new KasirError.InvalidConfig({
              provider: "kasir",
              setting: variables.databaseUrl,
              reason: "could not be read"
            })
        )
      )
      if (Option.isSome(url) && Redacted.value(url.value).trim() !== "") {
        return layerPostgres({ url: url.value })
      }
      const dataDir = yield* Config.string(variables.dataDir).pipe(
        Config.withDefault(defaultDataDir),
        Effect.mapError(
          () =>
            new KasirError.InvalidConfig({
              provider: "kasir",
              setting: variables.dataDir,
              reason: "could not be read"
            })
        )
      )
      return layerPglite({ dataDir: dataDir.trim() === "" ? defaultDataDir : dataDir })
    })
  )
