/**
 * Choosing and reaching the database: `KASIR_DATABASE_URL` checked without echoing it, an
 * unreachable server reported as `LedgerUnavailable`, and the embedded default (file-backed PGlite
 * under `KASIR_DATA_DIR`) kept across restarts and guarded against a second user.
 */
import { KasirError } from "@kasir/core"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { Cause, ConfigProvider, Effect, Exit, Layer, Option } from "effect"
import { Database, Errors, Ledger, Migrations } from "../src/index.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  return Option.getOrThrow(Cause.failureOption(exit.cause))
}

const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = Net.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

const payment: Ledger.BeginInput = {
  provider: "ayoconnect",
  operation: "payment",
  reference: "REF-DB-1",
  fields: { accountNumber: "081234567890", productCode: "PLNPRE20" },
  amount: 20_000n
}

describe("KASIR_DATABASE_URL", () => {
  for (const [label, url] of [
    ["not a URL", "s3cr3t-pw at db.example"],
    ["a port that is not a number", "postgres://kasir:s3cr3t-pw@db.example:fivefourthreetwo/kasir"],
    ["another scheme", "mysql://kasir:s3cr3t-pw@db.example/kasir"],
    ["a broken percent-encoding", "postgres://kasir:s3cr3t-pw%zz@db.example/kasir"]
  ] as const) {
    it.effect(`${label}: InvalidConfig naming the variable, never the password`, () =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(
          Effect.scoped(Layer.build(Database.layerConfig)).pipe(withEnv({ KASIR_DATABASE_URL: url }))
        )
        const error = failure(exit)
        expect(error).toBeInstanceOf(KasirError.InvalidConfig)
        expect((error as KasirError.InvalidConfig).setting).toBe("KASIR_DATABASE_URL")
        expect(error.message.startsWith("KASIR_DATABASE_URL: ")).toBe(true)
        expect(
          `${error.message} ${JSON.stringify(error)} ${Cause.pretty((exit as Exit.Failure<never, unknown>).cause)}`
        ).not.toContain("s3cr3t")
      })
    )
  }

  it.live("an unreachable server: LedgerUnavailable from each operation, without the password", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(closedPort)
      const env = withEnv({ KASIR_DATABASE_URL: `postgres://kasir:s3cr3t-pw@127.0.0.1:${port}/kasir` })
      const result = yield* Effect.gen(function* () {
        const migrate = failure(yield* Effect.exit(Migrations.run))
        const ledger = yield* Ledger.make()
        const begin = failure(yield* Effect.exit(ledger.begin(payment)))
        const get = failure(yield* Effect.exit(ledger.get("ayoconnect", "REF-DB-1")))
        return [migrate, begin, get] as const
      }).pipe(Effect.provide(Database.layerConfig), env)
      for (const error of result) {
        expect(error).toBeInstanceOf(Errors.LedgerUnavailable)
        expect(error.message).toContain("ECONNREFUSED")
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("s3cr3t")
      }
      expect(result.map((e) => (e as Errors.LedgerUnavailable).operation)).toEqual([
        "migrate",
        "begin",
        "get"
      ])
    })
  )
})

describe("the embedded default", () => {
  it.live(
    "no KASIR_DATABASE_URL: PGlite under KASIR_DATA_DIR, kept across restarts, one process at a time",
    () =>
      Effect.gen(function* () {
        const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "kasir-ledger-data-"))
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true }))
        )
        const lock = Path.join(dataDir, "ledger", "kasir.lock")
        // A lock left by a process that died is taken over.
        const dead = spawnSync(process.execPath, ["-e", ""]).pid!
        Fs.mkdirSync(Path.dirname(lock), { recursive: true })
        Fs.writeFileSync(lock, String(dead))
        const env = withEnv({ KASIR_DATA_DIR: dataDir })

        const first = yield* Effect.gen(function* () {
          expect(yield* Migrations.run).toEqual([
            [1, "ledger"],
            [2, "webhooks"]
          ])
          expect(Fs.readFileSync(lock, "utf8")).toBe(String(process.pid))
          // While this process holds it, a second opening is refused before touching the files.
          const second = failure(yield* Effect.exit(Effect.scoped(Layer.build(Database.layerConfig))))
          expect(second).toBeInstanceOf(KasirError.InvalidConfig)
          expect(second.message).toBe(
            `KASIR_DATA_DIR: the embedded ledger in ${Path.join(dataDir, "ledger")} is in use by process ${process.pid}; stop it, or set KASIR_DATABASE_URL so several processes share one PostgreSQL`
          )
          const ledger = yield* Ledger.make()
          const outcome = yield* ledger.begin(payment)
          expect(outcome._tag).toBe("Claimed")
          return outcome.entry
        }).pipe(Effect.provide(Database.layerConfig), env)
        expect(Fs.existsSync(lock)).toBe(false)

        const reopened = yield* Effect.gen(function* () {
          expect(yield* Migrations.run).toEqual([])
          // The embedded ledger's buffer pool is sized for one process's ledger, not PostgreSQL's
          // 128 MB default (resident in the gateway's process from its first start).
          const sql = yield* SqlClient.SqlClient
          expect(yield* sql<{ shared_buffers: string }>`SHOW shared_buffers`).toEqual([
            { shared_buffers: Database.pgliteSharedBuffers }
          ])
          const ledger = yield* Ledger.make()
          return Option.getOrThrow(yield* ledger.get("ayoconnect", "REF-DB-1"))
        }).pipe(Effect.provide(Database.layerConfig), env)
        expect(reopened).toEqual(first)
      }).pipe(Effect.scoped),
    180_000
  )
})
