/**
 * Webhook delivery with the built gateway as child processes (`dist/main.js`, as deployed) and a
 * real receiver on a loopback socket in this process:
 *
 * - SIGKILL in the middle of a delivery (the receiver holds the request open), restart on the
 *   same ledger (a PGlite data directory): the delivery is taken over after its lease and the
 *   event arrives.
 * - Three gateway instances on one real PostgreSQL (the throwaway cluster of the ledger package's
 *   `postgres.globalSetup.ts`), payments through all three, the receiver counting: every event
 *   arrives at least once, none is lost, duplicates are counted and reported.
 *
 * Waits are for conditions, bounded by a number of polls; nothing asserts a speed.
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { Sandbox } from "@kasir/sandbox"
import { Layer, ManagedRuntime, Redacted } from "effect"
import { Webhook as Reference } from "standardwebhooks"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import * as Process from "./support/Process.js"

const apiKey = `kasir_test_${randomBytes(16).toString("hex")}`
const secret = `whsec_${randomBytes(32).toString("base64")}`
const verifier = new Reference(secret)

const runtime = ManagedRuntime.make(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)))
let sandbox: Sandbox.Service

// The receiver: verifies each delivery with the reference library, records its id, and answers
// as `mode` says — `ok` (204) or `hold` (never answers: the request stays open).
let mode: "ok" | "hold" = "ok"
const received: Array<string> = []
const held: Array<ServerResponse> = []
let refused = 0
const receiver = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8")
    try {
      verifier.verify(body, request.headers as Record<string, string>)
    } catch {
      refused++
      response.writeHead(400).end()
      return
    }
    received.push(String(request.headers["webhook-id"]))
    if (mode === "hold") held.push(response)
    else response.writeHead(204).end()
  })
})
let hooks = ""

// The gateway with the webhook settings of these tests (the demo sandbox partner, polled often).
const start = (env: Record<string, string>): Promise<Process.Started> =>
  Process.startGateway({
    KASIR_API_KEYS: Process.apiKeysFor(apiKey),
    KASIR_ACCESS_LOG: "false",
    AYOCONNECT_BASE_URL: sandbox.ayoconnect.baseUrl,
    AYOCONNECT_API_KEY: sandbox.ayoconnect.partner.apiKey,
    AYOCONNECT_API_SECRET: Redacted.value(sandbox.ayoconnect.partner.secret),
    KASIR_WEBHOOK_URL: hooks,
    KASIR_WEBHOOK_SECRET: secret,
    KASIR_WEBHOOK_POLL_INTERVAL: "200 millis",
    ...env
  })

const call = async (started: Process.Started, path: string, body?: unknown) => {
  const answer = await Process.call(started, apiKey, path, body)
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  return { status: answer.status, json: answer.json as any }
}

const pay = async (started: Process.Started, refNumber: string) => {
  const inquiry = await call(started, "/v1/ayoconnect/inquiries", {
    accountNumber: "0812345000",
    productCode: "PPLSIND12"
  })
  expect(inquiry.status, JSON.stringify(inquiry.json)).toBe(200)
  const payment = await call(started, "/v1/ayoconnect/payments", {
    inquiryId: inquiry.json.inquiryId,
    accountNumber: "0812345000",
    productCode: "PPLSIND12",
    amount: inquiry.json.amount,
    refNumber
  })
  expect(payment.status, JSON.stringify(payment.json)).toBe(200)
}

// Every event of the feed, paging through it.
const allEvents = async (started: Process.Started) => {
  const ids: Array<string> = []
  let after = ""
  for (let page = 0; page < 100; page++) {
    const { json } = await call(started, `/v1/events?limit=1000${after === "" ? "" : `&after=${after}`}`)
    ids.push(...json.events.map((e: { id: string }) => e.id))
    if (json.events.length === 0) break
    after = json.cursor
  }
  return ids
}

beforeAll(async () => {
  sandbox = await runtime.runPromise(Sandbox.Sandbox)
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", () => done()))
  hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
}, 120_000)

afterAll(async () => {
  for (const response of held) response.destroy()
  await new Promise((done) => receiver.close(done))
  await runtime.dispose()
})

describe("webhook delivery across processes", () => {
  it("SIGKILL mid-delivery: after a restart the delivery is taken over and the event arrives", async () => {
    received.length = 0
    const dataDir = mkdtempSync(join(tmpdir(), "kasir-webhooks-"))
    const env = {
      KASIR_DATA_DIR: dataDir,
      KASIR_WEBHOOK_TIMEOUT: "10 seconds",
      KASIR_WEBHOOK_LEASE: "12 seconds"
    }
    // A lease shorter than the timeout is refused at startup, in one line naming the variable.
    const refusedStart = spawn(process.execPath, ["dist/main.js"], {
      cwd: Process.root,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        KASIR_WEBHOOK_URL: hooks,
        KASIR_WEBHOOK_SECRET: secret,
        ...env,
        KASIR_WEBHOOK_TIMEOUT: "60 seconds"
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let refusedOutput = ""
    refusedStart.stdout!.on("data", (chunk) => {
      refusedOutput += chunk
    })
    const code = await new Promise((done) => refusedStart.once("exit", done))
    expect(code).toBe(1)
    expect(refusedOutput).toContain(
      "kasir gateway failed to start: KASIR_WEBHOOK_LEASE: must be longer than KASIR_WEBHOOK_TIMEOUT"
    )
    expect(refusedOutput).not.toContain(secret.slice(6, 20))

    const first = await start(env)
    mode = "hold"
    await pay(first, "wh-crash-1")
    // Both events' deliveries are in flight (well within the 10 s timeout): the receiver holds them open.
    for (let i = 0; i < 600 && received.length < 2; i++) await Process.sleep(50)
    expect(received).toHaveLength(2)
    await Process.kill(first)
    for (const response of held.splice(0)) response.destroy()

    mode = "ok"
    const second = await start(env)
    try {
      const events = await allEvents(second)
      expect(events).toHaveLength(2)
      const delivered = async () => {
        const details = await Promise.all(events.map((id) => call(second, `/v1/events/${id}`)))
        return details.map((d) => d.json.deliveries[0]?.state)
      }
      let states = await delivered()
      for (let i = 0; i < 600 && states.some((s) => s !== "delivered"); i++) {
        await Process.sleep(50)
        states = await delivered()
      }
      expect(states).toEqual(["delivered", "delivered"])
      // Each event twice at the receiver: the killed attempt and the one after the restart; one id each after dedup.
      expect(received.slice(0, 2).sort()).toEqual([...events].sort())
      expect(new Set(received)).toEqual(new Set(events))
      const detail = await call(second, `/v1/events/${events[1]}`)
      // The killed attempt left no record; the restarted instance's attempt is the first recorded.
      expect(detail.json.deliveries[0].history.map((a: { outcome: string }) => a.outcome)).toEqual([
        "delivered"
      ])
    } finally {
      await Process.stop(second)
    }
  }, 300_000)

  it("three gateways on one PostgreSQL, payments through all three: every event arrives, none lost", async () => {
    received.length = 0
    const admin = new pg.Client({ connectionString: inject("postgresUrl") })
    await admin.connect()
    const database = `wh_${process.pid}`
    await admin.query(`CREATE DATABASE ${database}`)
    await admin.end()
    const databaseUrl = inject("postgresUrl").replace(/\/postgres$/, `/${database}`)
    const gateways = await Promise.all(
      [0, 1, 2].map(() => start({ KASIR_DATABASE_URL: databaseUrl, KASIR_RECONCILE_INTERVAL: "1 second" }))
    )
    try {
      const payments = 30
      const queue = Array.from({ length: payments }, (_, n) => n)
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
            await pay(gateways[n % 3]!, `wh-three-${n}`)
          }
        })
      )
      const events = await allEvents(gateways[0]!)
      expect(events).toHaveLength(payments * 2)
      for (let i = 0; i < 1_200 && events.some((id) => !received.includes(id)); i++) await Process.sleep(50)
      const unique = new Set(received)
      const lost = events.filter((id) => !unique.has(id))
      const duplicates = received.length - unique.size
      console.log(
        `three gateways: ${events.length} events, ${received.length} deliveries received, ${lost.length} lost, ${duplicates} duplicates, ${refused} refused`
      )
      expect(lost).toEqual([])
      expect(unique.size).toBe(events.length)
      expect(refused).toBe(0)
      // Which instance delivered what: the work was shared, each delivery recorded once.
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      const rows = await client.query<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM webhook_deliveries GROUP BY state ORDER BY state"
      )
      const owners = await client.query<{ owners: number; n: number }>(
        "SELECT count(DISTINCT owner)::int AS owners, count(*)::int AS n FROM webhook_attempts WHERE outcome = 'delivered'"
      )
      await client.end()
      console.log(`three gateways: attempts by ${owners.rows[0]!.owners} instances`)
      // Deliveries are recorded after their 2xx: all of them once the receiver has every event.
      expect(rows.rows.filter((r) => r.state !== "delivered" && r.state !== "delivering")).toEqual([])
      expect(owners.rows[0]!.n).toBeLessThanOrEqual(received.length)
    } finally {
      await Promise.all(gateways.map((g) => Process.stop(g)))
    }
  }, 300_000)
})
