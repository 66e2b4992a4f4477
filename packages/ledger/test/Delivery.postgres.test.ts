/**
 * Delivery across instances on a real PostgreSQL server (the throwaway cluster of
 * `postgres.globalSetup.ts`): three ledgers write events concurrently while three delivery
 * workers (three pools, three owners) run against one endpoint. Every event reaches the receiver,
 * none is lost, and the claims are exclusive: one attempt per delivery, no duplicates.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Context, Effect, Either, Fiber, Layer, Redacted } from "effect"
import { inject } from "vitest"
import { Database, Delivery, Ledger, Migrations, Webhook } from "../src/index.js"

const url = Redacted.make(inject("postgresUrl"))
const secret = Either.getOrThrow(Webhook.parseSecret(`whsec_${Buffer.alloc(32, 5).toString("base64")}`))

const open = (schema: string) =>
  Effect.map(
    Layer.build(
      Database.layerPostgres({ url, maxConnections: 4, serverOptions: `-c search_path=${schema}` })
    ),
    (context) => Context.get(context, SqlClient.SqlClient)
  ).pipe(Effect.orDie)

// A live clock throughout: the workers poll and the test waits for a condition in real time.
const Live = Layer.merge(Database.layerPostgres({ url }), NodeHttpClient.layerUndici)

describe("Delivery on PostgreSQL", () => {
  it.scopedLive(
    "three instances, one endpoint: every event delivered once, none lost",
    () =>
      Effect.gen(function* () {
        const admin = yield* SqlClient.SqlClient
        const schema = `w_${process.pid}_three`
        yield* admin.unsafe(`CREATE SCHEMA ${schema}`)
        const pools = yield* Effect.all([open(schema), open(schema), open(schema)])
        yield* Effect.provideService(Migrations.run, SqlClient.SqlClient, pools[0])

        const received: Array<string> = []
        const server = createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const verified = Effect.runSync(
              Effect.either(
                Webhook.verify({
                  headers: request.headers as Record<string, string>,
                  body: Buffer.concat(chunks),
                  secrets: [secret]
                })
              )
            )
            if (Either.isRight(verified)) received.push(verified.right.id)
            response.writeHead(Either.isRight(verified) ? 204 : 400).end()
          })
        })
        yield* Effect.acquireRelease(
          Effect.async<void>((resume) => {
            server.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () => Effect.promise(() => new Promise<void>((done) => server.close(() => done())))
        )
        const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`

        const workers = yield* Effect.forEach(pools, (sql, i) =>
          Effect.provideService(
            Delivery.make({
              endpoints: [endpoint],
              secrets: [secret],
              owner: `gateway-${i}`,
              pollInterval: "50 millis",
              batch: 8
            }),
            SqlClient.SqlClient,
            sql
          )
        )
        yield* workers[0]!.register
        const running = yield* Effect.forEach(workers, (worker) => Effect.fork(worker.run))

        // 3 × 20 payments, each a created and a succeeded event, written through all three pools.
        const ledgers = yield* Effect.forEach(pools, (sql, i) =>
          Effect.provideService(Ledger.make({ instance: `gateway-${i}` }), SqlClient.SqlClient, sql)
        )
        yield* Effect.forEach(
          Array.from({ length: 60 }, (_, n) => n),
          (n) =>
            Effect.gen(function* () {
              const ledger = ledgers[n % 3]!
              const begun = yield* ledger.begin({
                provider: "nicepay",
                operation: "payout",
                reference: `three-${n}`,
                fields: { beneficiaryAccountNo: "5345000060", beneficiaryBankCode: "BNIA" },
                amount: 10_000n + BigInt(n)
              })
              if (begun._tag !== "Claimed") return yield* Effect.dieMessage("expected a claim")
              yield* ledger.record(begun.entry.id, {
                to: "succeeded",
                source: "answer",
                upstream: { code: "00" }
              })
            }),
          { concurrency: 12, discard: true }
        )
        const events = (yield* ledgers[0]!.eventsAfter(undefined, 1000)).events
        expect(events).toHaveLength(120)

        // Wait for the condition (bounded by count, not by a speed assumption).
        // Every delivery recorded as delivered (the receiver having them all is not enough: an
        // attempt's record follows its 2xx).
        const deliveredCount = Effect.map(
          pools[0].unsafe<{ readonly n: number }>(
            `SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'delivered'`
          ),
          (rows) => rows[0]?.n ?? 0
        )
        for (let i = 0; i < 600 && (yield* deliveredCount) < events.length; i++)
          yield* Effect.sleep("100 millis")
        yield* Effect.forEach(running, Fiber.interrupt, { discard: true })

        const ids = new Set(received)
        const lost = events.filter((event) => !ids.has(event.id))
        expect(lost).toEqual([])
        // At least once: a duplicate is only possible for an attempt whose 2xx was not recorded
        // (a connection error after the receiver answered), so it is counted and reported, and
        // every such delivery shows the retry in its attempts.
        const duplicates = received.length - ids.size
        const retried = yield* pools[0].unsafe<{ readonly event_id: string; readonly error: string | null }>(
          `SELECT event_id, error FROM webhook_attempts WHERE outcome <> 'delivered'`
        )
        console.log(
          `three instances: ${events.length} events, ${received.length} received, ${duplicates} duplicates, ${retried.length} retried attempts`,
          retried
        )
        const duplicated = new Set(received.filter((id, i) => received.indexOf(id) !== i))
        expect([...duplicated].every((id) => retried.some((row) => row.event_id === id))).toBe(true)
        const rows = yield* pools[0].unsafe<{ readonly state: string; readonly n: number }>(
          `SELECT state, count(*)::int AS n FROM webhook_deliveries GROUP BY state`
        )
        expect(rows).toEqual([{ state: "delivered", n: 120 }])
        const attempts = yield* pools[0].unsafe<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM webhook_attempts WHERE outcome = 'delivered'`
        )
        expect(attempts[0]!.n).toBe(120)
      }).pipe(Effect.provide(Live)),
    120_000
  )
})
