/**
 * The delivery worker against a real receiver on a loopback socket, with the ledger on PGlite and
 * the schedule driven by TestClock: the receiver down through several retries and then back
 * (every event arrives, each once), the schedule exhausted (failed, then redelivered), 410
 * disabling the endpoint, Retry-After honoured, and a dead instance's claim taken over after its
 * lease.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { NodeHttpClient } from "@effect/platform-node"
import { expect, layer } from "@effect/vitest"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { ConfigProvider, DateTime, Duration, Effect, Either, Layer, TestClock } from "effect"
import { Database, Delivery, Ledger, Migrations, Webhook } from "../src/index.js"

const secretText = `whsec_${Buffer.alloc(32, 3).toString("base64")}`
const secret = Either.getOrThrow(Webhook.parseSecret(secretText))

interface Received {
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

// A real HTTP receiver: answers with `answer()`'s status (and headers) and records every request.
const receiver = (answer: () => { status: number; headers?: Record<string, string> }) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; received: Array<Received>; server: Server }>((resume) => {
      const received: Array<Received> = []
      const server = createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
          const { headers, status } = answer()
          response.writeHead(status, headers).end("ok")
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/hooks`, received, server }))
      })
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((done) => server.close(() => done())))
  )

let schemas = 0

// A fresh schema with the migrations and a ledger holding `count` entries' events.
const fresh = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const schema = `d_${++schemas}`
  yield* sql.unsafe(`CREATE SCHEMA ${schema}`)
  yield* sql.unsafe(`SET search_path TO ${schema}`)
  yield* Migrations.run
  return yield* Ledger.make({ instance: "gateway-a" })
})

const pay = (ledger: Ledger.LedgerService, reference: string) =>
  Effect.gen(function* () {
    const begun = yield* ledger.begin({
      provider: "ayoconnect",
      operation: "payment",
      reference,
      fields: { accountNumber: "512345678901", productCode: "PLNPRA" },
      amount: 51_000n
    })
    if (begun._tag !== "Claimed") return yield* Effect.dieMessage("expected a claim")
    yield* ledger.record(begun.entry.id, { to: "succeeded", source: "answer", upstream: { code: "0" } })
  })

const verifiedIds = (received: ReadonlyArray<Received>) =>
  Effect.forEach(received, (r) =>
    Effect.map(
      Webhook.verify({
        headers: r.headers as Record<string, string>,
        body: r.body,
        secrets: [secret],
        tolerance: Number.MAX_SAFE_INTEGER
      }),
      (verified) => verified.id
    )
  )

const Live = Layer.merge(Database.layerPgliteMemory, NodeHttpClient.layerUndici)

layer(Live, { timeout: "120 seconds" })("Delivery on PGlite", (it) => {
  it.scoped("the receiver down through four retries, then back: every event arrives, each once", () =>
    Effect.gen(function* () {
      const ledger = yield* fresh
      let up = false
      const hook = yield* receiver(() => ({ status: up ? 204 : 503 }))
      const worker = yield* Delivery.make({ endpoints: [hook.url], secrets: [secret], owner: "a" })
      yield* worker.register
      for (const n of [1, 2, 3]) yield* pay(ledger, `down-${n}`)
      const feed = yield* ledger.eventsAfter(undefined, 100)
      expect(feed.events).toHaveLength(6)

      // First attempt: all six refused (503) and due again after 5 s ± 20 %.
      const first = yield* worker.runOnce
      expect(first.map((r) => r.outcome)).toEqual(Array(6).fill("retry"))
      const [one] = yield* worker.deliveries(feed.events[0]!.id)
      expect(one!.state).toBe("pending")
      expect(one!.attempts).toBe(1)
      expect(one!.lastStatus).toBe(503)
      const wait = DateTime.toEpochMillis(one!.nextAttemptAt!) - (yield* TestClock.currentTimeMillis)
      expect(wait).toBeGreaterThanOrEqual(4000)
      expect(wait).toBeLessThanOrEqual(6000)

      // Before the earliest jittered time nothing is due.
      yield* TestClock.adjust("3900 millis")
      expect(yield* worker.runOnce).toEqual([])

      // Through 5 s, 5 min, 30 min (each adjusted past its +20 %): still down.
      for (const delay of [Duration.seconds(5), Duration.minutes(5), Duration.minutes(30)]) {
        yield* TestClock.adjust(Duration.times(delay, 1.2))
        const results = yield* worker.runOnce
        expect(results.map((r) => r.outcome)).toEqual(Array(6).fill("retry"))
      }
      // Back up before the 2 h retry.
      up = true
      yield* TestClock.adjust(Duration.times(Duration.hours(2), 1.2))
      const results = yield* worker.runOnce
      expect(results.map((r) => r.outcome)).toEqual(Array(6).fill("delivered"))
      expect(yield* worker.runOnce).toEqual([])

      // 5 attempts each: 30 requests; after deduplicating by webhook-id, each event exactly once.
      expect(hook.received).toHaveLength(30)
      const ids = yield* verifiedIds(hook.received)
      expect(new Set(ids)).toEqual(new Set(feed.events.map((e) => e.id)))
      const delivered = hook.received.slice(24)
      expect(delivered.map((r) => JSON.parse(r.body).id).sort()).toEqual(feed.events.map((e) => e.id).sort())
      // The body: the event, with the entry as the API shows it.
      const last = feed.events[5]!
      const posted = JSON.parse(delivered.find((r) => JSON.parse(r.body).id === last.id)!.body)
      expect(posted).toEqual({
        id: last.id,
        type: "ayoconnect.payment.succeeded",
        timestamp: DateTime.formatIso(last.createdAt),
        data: JSON.parse(JSON.stringify(last.payload))
      })
      expect(posted.data.entry.amount).toBe("51000")
      expect(posted.data.transition).toEqual({ from: "sending", to: "succeeded", source: "answer" })

      const [record] = yield* worker.deliveries(last.id)
      expect(record!.state).toBe("delivered")
      expect(record!.attempts).toBe(5)
      expect(record!.history.map((a) => [a.attempt, a.outcome, a.status ?? null])).toEqual([
        [1, "retry", 503],
        [2, "retry", 503],
        [3, "retry", 503],
        [4, "retry", 503],
        [5, "delivered", 204]
      ])
      expect(record!.history.every((a) => a.owner === "a")).toBe(true)
    })
  )

  it.scoped("after the last attempt the delivery is failed; redeliver re-queues it", () =>
    Effect.gen(function* () {
      const ledger = yield* fresh
      let status = 500
      const hook = yield* receiver(() => ({ status }))
      const worker = yield* Delivery.make({
        endpoints: [hook.url],
        secrets: [secret],
        owner: "a",
        schedule: ["1 second", "2 seconds"],
        jitter: 0
      })
      yield* worker.register
      yield* pay(ledger, "fail-1")
      const events = (yield* ledger.eventsAfter(undefined, 10)).events
      expect((yield* worker.runOnce).map((r) => r.outcome)).toEqual(["retry", "retry"])
      yield* TestClock.adjust("1 second")
      expect((yield* worker.runOnce).map((r) => r.outcome)).toEqual(["retry", "retry"])
      yield* TestClock.adjust("2 seconds")
      expect((yield* worker.runOnce).map((r) => r.outcome)).toEqual(["failed", "failed"])
      yield* TestClock.adjust("1 day")
      expect(yield* worker.runOnce).toEqual([])
      const [failed] = yield* worker.deliveries(events[0]!.id)
      expect([failed!.state, failed!.attempts, failed!.lastError]).toEqual(["failed", 3, "HTTP 500"])

      status = 200
      expect(yield* worker.redeliver(events[0]!.id)).toBe(1)
      // Queued already: a second redeliver changes nothing.
      expect(yield* worker.redeliver(events[0]!.id)).toBe(0)
      expect((yield* worker.runOnce).map((r) => [r.eventId, r.outcome])).toEqual([
        [events[0]!.id, "delivered"]
      ])
      const [again] = yield* worker.deliveries(events[0]!.id)
      expect([again!.state, again!.attempts]).toEqual(["delivered", 1])
      expect(again!.history.map((a) => a.outcome)).toEqual(["retry", "retry", "failed", "delivered"])
      // Delivered events can be pushed again too; an unknown event queues nothing.
      expect(yield* worker.redeliver(events[0]!.id)).toBe(1)
      expect(yield* worker.redeliver("evt_nope")).toBe(0)
      expect(hook.received).toHaveLength(7)
    })
  )

  it.scoped("410 Gone disables the endpoint and its queued deliveries; enable resumes them", () =>
    Effect.gen(function* () {
      const ledger = yield* fresh
      let status = 410
      const hook = yield* receiver(() => ({ status }))
      const worker = yield* Delivery.make({ endpoints: [hook.url], secrets: [secret], owner: "a", batch: 1 })
      yield* worker.register
      yield* pay(ledger, "gone-1")
      const events = (yield* ledger.eventsAfter(undefined, 10)).events
      expect((yield* worker.runOnce).map((r) => r.outcome)).toEqual(["disabled"])
      yield* TestClock.adjust("1 hour")
      expect(yield* worker.runOnce).toEqual([])
      const states = yield* Effect.forEach(events, (e) =>
        Effect.map(worker.deliveries(e.id), (d) => d.map((x) => x.state))
      )
      expect(states).toEqual([["disabled-endpoint"], ["disabled-endpoint"]])
      // New events are not fanned out to a disabled endpoint.
      yield* pay(ledger, "gone-2")
      expect(yield* worker.fanOut).toBe(0)
      expect(hook.received).toHaveLength(1)

      status = 200
      yield* worker.enable(hook.url)
      const resumed = [...(yield* worker.runOnce)]
      resumed.push(...(yield* worker.runOnce), ...(yield* worker.runOnce), ...(yield* worker.runOnce))
      expect(resumed.map((r) => r.outcome)).toEqual(Array(4).fill("delivered"))
    })
  )

  it.scoped("Retry-After is honoured when later than the schedule, and bounded", () =>
    Effect.gen(function* () {
      const ledger = yield* fresh
      let retryAfter = "120"
      const hook = yield* receiver(() => ({ status: 429, headers: { "retry-after": retryAfter } }))
      const worker = yield* Delivery.make({
        endpoints: [hook.url],
        secrets: [secret],
        owner: "a",
        jitter: 0,
        batch: 1,
        maxRetryAfter: "1 hour"
      })
      yield* worker.register
      yield* pay(ledger, "slow-1")
      const events = (yield* ledger.eventsAfter(undefined, 10)).events
      const t0 = yield* TestClock.currentTimeMillis
      yield* worker.runOnce
      const [first] = yield* worker.deliveries(events[0]!.id)
      expect(DateTime.toEpochMillis(first!.nextAttemptAt!) - t0).toBe(120_000)
      retryAfter = "999999"
      yield* worker.runOnce // the second event: Retry-After capped at 1 hour
      const [second] = yield* worker.deliveries(events[1]!.id)
      expect(DateTime.toEpochMillis(second!.nextAttemptAt!) - t0).toBe(3_600_000)
    })
  )

  it.scoped("a dead instance's claim is taken over after its lease, not before", () =>
    Effect.gen(function* () {
      const ledger = yield* fresh
      const sql = yield* SqlClient.SqlClient
      const hook = yield* receiver(() => ({ status: 200 }))
      const worker = yield* Delivery.make({ endpoints: [hook.url], secrets: [secret], owner: "b" })
      yield* worker.register
      yield* pay(ledger, "crash-1")
      yield* worker.fanOut
      // Instance "a" claimed both deliveries and died (its claim is as `claim` writes it).
      const t = DateTime.toDateUtc(DateTime.unsafeMake(yield* TestClock.currentTimeMillis))
      const until = new Date(t.getTime() + 60_000)
      yield* sql`UPDATE webhook_deliveries SET state = 'delivering', locked_by = 'a', locked_until = ${until},
                   next_attempt_at = ${until}`
      expect(yield* worker.runOnce).toEqual([])
      yield* TestClock.adjust("59 seconds")
      expect(yield* worker.runOnce).toEqual([])
      yield* TestClock.adjust("1 second")
      expect((yield* worker.runOnce).map((r) => r.outcome)).toEqual(["delivered", "delivered"])
      expect(hook.received).toHaveLength(2)
    })
  )

  it.effect("configuration: URLs and secrets are checked, never echoed", () =>
    Effect.gen(function* () {
      const load = (env: Record<string, string>) =>
        Effect.flip(
          Delivery.config.pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
          )
        )
      const message = (env: Record<string, string>) => Effect.map(load(env), (e) => e.message)
      expect(
        yield* message({
          KASIR_WEBHOOK_URL: "http://merchant.example/hooks",
          KASIR_WEBHOOK_SECRET: secretText
        })
      ).toBe(
        "KASIR_WEBHOOK_URL: URL 1 of 1 must be https (plain http is accepted only for loopback hosts, in development)"
      )
      expect(
        yield* message({
          KASIR_WEBHOOK_URL: "https://a.example/x, not a url",
          KASIR_WEBHOOK_SECRET: secretText
        })
      ).toBe("KASIR_WEBHOOK_URL: URL 2 of 2 is not an absolute URL")
      expect(
        yield* message({ KASIR_WEBHOOK_URL: "https://user:pw@a.example/x", KASIR_WEBHOOK_SECRET: secretText })
      ).toBe(
        "KASIR_WEBHOOK_URL: URL 1 of 1 must not carry credentials (the signature authenticates kasir to the receiver)"
      )
      expect(yield* message({ KASIR_WEBHOOK_URL: "https://a.example/x" })).toBe(
        "KASIR_WEBHOOK_SECRET: is required with KASIR_WEBHOOK_URL: a whsec_ secret (kasir webhooks listen prints one)"
      )
      const bad = yield* message({
        KASIR_WEBHOOK_URL: "https://a.example/x",
        KASIR_WEBHOOK_SECRET: "sk_secretvalue123"
      })
      expect(bad).toBe("KASIR_WEBHOOK_SECRET: secret 1 of 1: a secret must start with whsec_")
      expect(yield* message({ KASIR_WEBHOOK_SECRET: secretText })).toBe(
        "KASIR_WEBHOOK_SECRET: is set but KASIR_WEBHOOK_URL is not: set both, or neither"
      )
      expect(
        yield* message({
          KASIR_WEBHOOK_URL: "https://a.example/x",
          KASIR_WEBHOOK_SECRET: secretText,
          KASIR_WEBHOOK_TIMEOUT: "20 seconds",
          KASIR_WEBHOOK_LEASE: "10 seconds"
        })
      ).toBe("KASIR_WEBHOOK_LEASE: must be longer than KASIR_WEBHOOK_TIMEOUT")
      const ok = yield* Delivery.config.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["KASIR_WEBHOOK_URL", "https://a.example/x,http://127.0.0.1:9/h, http://localhost:8/"],
              ["KASIR_WEBHOOK_SECRET", `${secretText} ${secretText}`]
            ])
          )
        )
      )
      expect(ok.endpoints).toEqual(["https://a.example/x", "http://127.0.0.1:9/h", "http://localhost:8/"])
      expect(ok.secrets).toHaveLength(2)
    })
  )
})
