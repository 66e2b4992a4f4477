/**
 * Two gateway instances on one real PostgreSQL server (the throwaway cluster of the ledger
 * package's `postgres.globalSetup.ts`), in front of one sandbox: 50 concurrent payments with one
 * refNumber make exactly one upstream money call and one ledger entry.
 */
import { expect, layer } from "@effect/vitest"
import { HttpServer } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { NodeHttpClient } from "@effect/platform-node"
import { Transport } from "@kasir/core"
import { Database, Migrations } from "@kasir/ledger"
import { Sandbox } from "@kasir/sandbox"
import { generateKeyPairSync } from "node:crypto"
import { Cause, ConfigProvider, Context, Effect, Exit, Layer, Logger, LogLevel, Redacted } from "effect"
import { inject } from "vitest"
import * as Gateway from "../src/Gateway.js"
import { API_KEY, envFor } from "./support/Harness.js"

declare module "vitest" {
  export interface ProvidedContext {
    readonly postgresUrl: string
  }
}

const serverUrl = inject("postgresUrl")
const database = `gw_${process.pid}`
const databaseUrl = Redacted.make(serverUrl.replace(/\/postgres$/, `/${database}`))

// One database for this file, created on the throwaway server.
const createDatabase = Layer.effectDiscard(
  Effect.gen(function* () {
    const admin = yield* SqlClient.SqlClient
    yield* admin.unsafe(`CREATE DATABASE ${database}`)
  }).pipe(Effect.provide(Database.layerPostgres({ url: Redacted.make(serverUrl) })), Effect.orDie)
)

class Instances extends Context.Tag("test/Instances")<
  Instances,
  { readonly urls: ReadonlyArray<string>; readonly sandbox: Sandbox.Service }
>() {}

// A gateway on its own pool to the shared database, configured like an operator's.
const instance = (env: ReadonlyMap<string, string>) =>
  Effect.map(
    Layer.build(
      Gateway.layer({
        port: 0,
        host: "127.0.0.1",
        database: Database.layerPostgres({ url: databaseUrl })
      }).pipe(
        Layer.provide(Transport.layer),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(env))))
      )
    ),
    (context) =>
      `http://127.0.0.1:${(Context.get(context, HttpServer.HttpServer).address as HttpServer.TcpAddress).port}`
  )

const instances = Layer.scoped(
  Instances,
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.Sandbox
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const env = envFor(sandbox, publicKey.export({ type: "spki", format: "pem" }).toString())
    // Both start together: migrations at start are serialised by the ledger.
    const urls = yield* Effect.all([instance(env), instance(env)], { concurrency: 2 })
    return { urls, sandbox }
  })
).pipe(
  Layer.provide(Sandbox.layer({})),
  Layer.provide(NodeHttpClient.layerUndici),
  Layer.provide(createDatabase),
  Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
)

const post = (url: string, path: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "x-api-key": API_KEY, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
    const json = (await response.json()) as any
    return { status: response.status, headers: response.headers, json }
  })

const get = (url: string, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, { headers: { "x-api-key": API_KEY } })
    // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
    const json = (await response.json()) as any
    return { status: response.status, headers: response.headers, json }
  })

layer(instances, { timeout: 180_000, excludeTestServices: true })("two gateways on one PostgreSQL", (it) => {
  it.effect("50 concurrent payments with one refNumber: one upstream payment, one entry, 49 replays", () =>
    Effect.gen(function* () {
      const { urls, sandbox } = yield* Instances
      const [a, b] = urls as [string, string]
      const inquiry = yield* post(a, "/v1/ayoconnect/inquiries", {
        accountNumber: "0812345000",
        productCode: "PPLSIND12"
      })
      expect(inquiry.status).toBe(200)
      const body = {
        inquiryId: inquiry.json.inquiryId,
        accountNumber: "0812345000",
        productCode: "PPLSIND12",
        amount: inquiry.json.amount,
        refNumber: "pg-concurrent-1"
      }
      // The one payment that reaches Ayoconnect is answered after 1.5 s: the others arrive meanwhile.
      yield* sandbox.faults.inject({
        upstream: "ayoconnect",
        operation: "bill/payment",
        fault: "latency",
        latencyMillis: 1500
      })
      const replies = yield* Effect.all(
        Array.from({ length: 50 }, (_, i) => post(i % 2 === 0 ? a : b, "/v1/ayoconnect/payments", body)),
        { concurrency: "unbounded" }
      )
      expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200))
      expect(
        replies.every((r) => r.json.state === "succeeded" && r.json.refNumber === "pg-concurrent-1")
      ).toBe(true)
      const replayed = replies.filter((r) => r.headers.get("idempotent-replayed") === "true")
      expect(replayed).toHaveLength(49)

      const payments = (yield* sandbox.requestLog.entries).filter(
        (e) => e.operation === "bill/payment" && e.body.includes("pg-concurrent-1")
      )
      expect(payments.map((e) => e.responseCode)).toEqual(["0"])

      // One entry, seen alike by both instances.
      for (const url of [a, b]) {
        const page = yield* get(url, "/v1/transactions?provider=ayoconnect")
        expect(page.status).toBe(200)
        const entries = page.json.entries.filter(
          (e: { reference: string }) => e.reference === "pg-concurrent-1"
        )
        expect(entries).toHaveLength(1)
        expect(entries[0]).toMatchObject({
          state: "succeeded",
          amount: String(body.amount),
          upstream: { code: "0" }
        })
      }

      // A repeat after the final answer, on either instance: from the ledger, nothing sent.
      const again = yield* post(b, "/v1/ayoconnect/payments", body)
      expect(again.status).toBe(200)
      expect(again.headers.get("idempotent-replayed")).toBe("true")
      expect(
        (yield* sandbox.requestLog.entries).filter(
          (e) => e.operation === "bill/payment" && e.body.includes("pg-concurrent-1")
        )
      ).toHaveLength(1)
    })
  )
})

layer(Layer.empty, { timeout: 120_000 })("a database migrated by a newer kasir", (it) => {
  it.effect("refuses to start with one line saying so, before listening", () =>
    Effect.gen(function* () {
      const newer = `gw_newer_${process.pid}`
      const url = Redacted.make(serverUrl.replace(/\/postgres$/, `/${newer}`))
      yield* Effect.gen(function* () {
        const admin = yield* SqlClient.SqlClient
        yield* admin.unsafe(`CREATE DATABASE ${newer}`)
      }).pipe(Effect.provide(Database.layerPostgres({ url: Redacted.make(serverUrl) })))
      yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* Migrations.run
        yield* sql.unsafe(
          `INSERT INTO ${Migrations.table} (migration_id, name) VALUES (${Migrations.latest + 1}, 'from_the_future')`
        )
      }).pipe(Effect.provide(Database.layerPostgres({ url })))

      const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const exit = yield* Effect.gen(function* () {
        const sandbox = yield* Sandbox.Sandbox
        const env = envFor(sandbox, publicKey.export({ type: "spki", format: "pem" }).toString())
        return yield* Effect.exit(
          Layer.build(
            Gateway.layer({ port: 0, host: "127.0.0.1", database: Database.layerPostgres({ url }) }).pipe(
              Layer.provide(Transport.layer),
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(env)))
            )
          )
        )
      }).pipe(Effect.provide(Sandbox.layer({})), Effect.provide(NodeHttpClient.layerUndici), Effect.scoped)
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const failure = Cause.squash(exit.cause) as { readonly _tag: string; readonly message: string }
        expect(failure._tag).toBe("SchemaTooNew")
        expect(failure.message).toBe(
          `the ledger database is at schema version ${Migrations.latest + 1}, newer than this kasir's ${Migrations.latest}; upgrade kasir (or point KASIR_DATABASE_URL at a database of this version)`
        )
        expect(failure.message).not.toContain("\n")
      }
    }).pipe(Effect.orDie)
  )
})
