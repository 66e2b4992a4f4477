/**
 * `webhooks.delivery`: events delivered per second by one gateway instance and by three on one
 * PostgreSQL, and the delivery lag from the state change to the receiver (issue 13).
 *
 * A throwaway PostgreSQL cluster (initdb / pg_ctl as for the ledger's tests), the built gateway
 * (`apps/http/dist/main.js`) in 1 or 3 processes against a sandbox process of their own, and a receiver in this
 * process that verifies nothing (the signature cost is the gateway's, not the receiver's) and
 * answers 204 at once. Per instance count, on a database of its own:
 *
 * 1. Backlog: the gateways run without webhooks while `PAYMENTS` payments go through their API
 *    (two events each: created, succeeded); that API rate is reported beside the delivery rate.
 *    The endpoint is then registered at the start of the feed (disabled until every instance is
 *    up) and the gateways restarted with `KASIR_WEBHOOK_URL`: events/s = distinct events received
 *    / (last receipt − first receipt).
 * 2. Lag: with delivery on, `LAG_PAYMENTS` more payments through the API (4 at a time); each
 *    event's lag is its receipt time minus its `timestamp` (the ledger's state-change time), as
 *    shipped: `KASIR_WEBHOOK_POLL_INTERVAL` at its default of 1 s.
 *
 * The ratio is three-instance events/s over one-instance events/s. There is no target on speed;
 * "met" means every event arrived (none lost).
 */
import { execFileSync } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import { createServer } from "node:http"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { paths, type Running, serverNodeOptions, start, startSandbox } from "../Proc.js"
import type { Result } from "../Result.js"
import { percentile, round } from "../Stats.js"
import { gatewayEnv } from "./Gateway.js"

const PAYMENTS = 500
const LAG_PAYMENTS = 200
const secret = `whsec_${randomBytes(32).toString("base64")}`

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

/** A throwaway PostgreSQL cluster on a free loopback port, or undefined without the binaries. */
const postgres = async (): Promise<{ url: string; stop: () => void } | undefined> => {
  const root = "/usr/lib/postgresql"
  const bin = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .map((version) => path.join(root, version, "bin"))
        .find((dir) => fs.existsSync(path.join(dir, "initdb")))
    : undefined
  if (bin === undefined) return undefined
  const asRoot = process.getuid?.() === 0
  const run = (tool: string, args: ReadonlyArray<string>) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args], { stdio: "pipe" })
      : execFileSync(path.join(bin, tool), args, { stdio: "pipe" })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasir-bench-pg-"))
  const data = path.join(dir, "data")
  fs.mkdirSync(data, { mode: 0o700 })
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir])
  const port = await freePort()
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
  run("pg_ctl", [
    "-D",
    data,
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    "-l",
    path.join(dir, "log"),
    "-w",
    "start"
  ])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

const query = async <R extends pg.QueryResultRow>(url: string, text: string, values: Array<unknown> = []) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}

// The receiver: the receipt time and lag of each event, by id.
const receiver = async () => {
  const receipts = new Map<string, { at: number; lagMillis: number }>()
  let requests = 0
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const at = performance.now()
      const wall = Date.now()
      requests++
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string; timestamp: string }
      if (!receipts.has(body.id)) receipts.set(body.id, { at, lagMillis: wall - Date.parse(body.timestamp) })
      response.writeHead(204).end()
    })
  })
  server.listen(0, "127.0.0.1")
  await new Promise((done) => server.once("listening", done))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    receipts,
    requests: () => requests,
    close: () => new Promise((done) => server.close(done))
  }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const pay = async (gateway: Running, apiKey: string, refNumber: string) => {
  const headers = { "x-api-key": apiKey, "content-type": "application/json" }
  const inquiry = await fetch(`${gateway.url}/v1/ayoconnect/inquiries`, {
    method: "POST",
    headers,
    body: JSON.stringify({ accountNumber: "0812345000", productCode: "PPLSIND12" })
  })
  const { inquiryId, amount } = (await inquiry.json()) as { inquiryId: number; amount: number }
  const payment = await fetch(`${gateway.url}/v1/ayoconnect/payments`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      inquiryId,
      accountNumber: "0812345000",
      productCode: "PPLSIND12",
      amount,
      refNumber
    })
  })
  await payment.text()
  if (payment.status !== 200) throw new Error(`payment ${refNumber}: HTTP ${payment.status}`)
}

// `count` payments round-robin through the gateways, `concurrency` at a time; payments/s.
const payments = async (
  gateways: ReadonlyArray<Running>,
  apiKey: string,
  prefix: string,
  count: number,
  concurrency: number
) => {
  const queue = Array.from({ length: count }, (_, n) => n)
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        await pay(gateways[n % gateways.length]!, apiKey, `${prefix}-${n}`)
      }
    })
  )
  return count / ((performance.now() - started) / 1000)
}

const one = async (
  instances: number,
  serverUrl: string,
  hooks: Awaited<ReturnType<typeof receiver>>,
  logDir: string
) => {
  // A sandbox of its own: a fresh partner deposit for this run's payments.
  const sandbox = await startSandbox(path.join(logDir, `sandbox-webhooks-${instances}.log`))
  try {
    return await measure(instances, serverUrl, sandbox.url, hooks, logDir)
  } finally {
    await sandbox.stop()
  }
}

const measure = async (
  instances: number,
  serverUrl: string,
  sandboxUrl: string,
  hooks: Awaited<ReturnType<typeof receiver>>,
  logDir: string
) => {
  const database = `wh_bench_${instances}`
  await query(serverUrl, `CREATE DATABASE ${database}`)
  const databaseUrl = serverUrl.replace(/\/postgres$/, `/${database}`)
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const base = {
    ...(await gatewayEnv(sandboxUrl, apiKey)),
    KASIR_DATABASE_URL: databaseUrl,
    KASIR_ACCESS_LOG: "false",
    KASIR_RECONCILE: "false"
  }
  const launch = (env: Record<string, string>, round: string) =>
    Promise.all(
      Array.from({ length: instances }, (_, i) =>
        start({
          name: `gateway-webhooks-${instances}-${round}-${i}`,
          script: paths.gateway,
          env: { ...base, ...env },
          readyPath: "/health",
          logFile: path.join(logDir, `gateway-webhooks-${instances}-${round}-${i}.log`),
          nodeOptions: serverNodeOptions
        })
      )
    )

  // 1. The backlog, written through the API with delivery off.
  let gateways = await launch({}, "backlog")
  const apiPaymentsPerSecond = await payments(gateways, apiKey, `backlog-${instances}`, PAYMENTS, 16)
  await Promise.all(gateways.map((g) => g.stop()))
  const expected = PAYMENTS * 2
  // The endpoint at the start of the feed (as `Delivery.register` writes it, cursor 0).
  const endpointId = `we_${createHash("sha256").update(new URL(hooks.url).toString()).digest("hex").slice(0, 24)}`
  // Registered disabled, so no instance starts draining while the others still boot (their start
  // would take the CPU from the first one's deliveries); enabled once all of them are up.
  await query(
    databaseUrl,
    "INSERT INTO webhook_endpoints (id, url, created_at, disabled_at) VALUES ($1, $2, now(), now())",
    [endpointId, new URL(hooks.url).toString()]
  )
  hooks.receipts.clear()
  gateways = await launch({ KASIR_WEBHOOK_URL: hooks.url, KASIR_WEBHOOK_SECRET: secret }, "deliver")
  try {
    await sleep(2_000)
    await query(databaseUrl, "UPDATE webhook_endpoints SET disabled_at = NULL WHERE id = $1", [endpointId])
    // Until every event arrived (bounded: 6,000 polls of 50 ms).
    for (let i = 0; i < 6_000 && hooks.receipts.size < expected; i++) await sleep(50)
    const times = [...hooks.receipts.values()].map((r) => r.at).sort((a, b) => a - b)
    const backlogReceived = hooks.receipts.size
    const eventsPerSecond =
      times.length > 1 ? (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000) : 0

    // 2. Lag under a steady trickle of payments, delivery on.
    hooks.receipts.clear()
    const before = hooks.requests()
    await payments(gateways, apiKey, `lag-${instances}`, LAG_PAYMENTS, 4)
    for (let i = 0; i < 6_000 && hooks.receipts.size < LAG_PAYMENTS * 2; i++) await sleep(50)
    const lags = [...hooks.receipts.values()].map((r) => r.lagMillis)
    const duplicates = hooks.requests() - before - hooks.receipts.size
    return {
      instances,
      apiPaymentsPerSecond: round(apiPaymentsPerSecond, 1),
      eventsPerSecond: round(eventsPerSecond, 1),
      backlogLost: expected - backlogReceived,
      lagP50Millis: round(percentile(lags, 50), 0),
      lagP99Millis: round(percentile(lags, 99), 0),
      lagLost: LAG_PAYMENTS * 2 - hooks.receipts.size,
      duplicates
    }
  } finally {
    await Promise.all(gateways.map((g) => g.stop()))
  }
}

export const webhooksBench = async (logDir: string): Promise<Result> => {
  const server = await postgres()
  if (server === undefined) {
    return {
      name: "webhooks.delivery",
      kasir: {},
      baseline: {},
      ratio: 0,
      target: "every event delivered",
      met: false,
      note: "skipped: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install -y postgresql)"
    }
  }
  const hooks = await receiver()
  try {
    const single = await one(1, server.url, hooks, logDir)
    const three = await one(3, server.url, hooks, logDir)
    const lost = single.backlogLost + single.lagLost + three.backlogLost + three.lagLost
    return {
      name: "webhooks.delivery",
      kasir: {
        eventsPerSecond: three.eventsPerSecond,
        lagP50Millis: three.lagP50Millis,
        lagP99Millis: three.lagP99Millis,
        apiPaymentsPerSecond: three.apiPaymentsPerSecond,
        lost: three.backlogLost + three.lagLost,
        duplicates: three.duplicates
      },
      baseline: {
        eventsPerSecond: single.eventsPerSecond,
        lagP50Millis: single.lagP50Millis,
        lagP99Millis: single.lagP99Millis,
        apiPaymentsPerSecond: single.apiPaymentsPerSecond,
        lost: single.backlogLost + single.lagLost,
        duplicates: single.duplicates
      },
      ratio: single.eventsPerSecond === 0 ? 0 : round(three.eventsPerSecond / single.eventsPerSecond, 2),
      target: "every event delivered (speed reported, no target)",
      met: lost === 0,
      note: `"kasir" is three gateway instances on one PostgreSQL, "baseline" one instance; events/s drains a backlog of ${PAYMENTS * 2} events (${PAYMENTS} payments made through the API first, apiPaymentsPerSecond at 16 concurrent); lag = receipt − the event's state-change time over ${LAG_PAYMENTS * 2} events while ${LAG_PAYMENTS} payments go through the API 4 at a time, poll interval 1 s (the default); receiver on loopback answers 204 at once; ${os.availableParallelism()} cores shared by everything`
    }
  } finally {
    await hooks.close()
    server.stop()
  }
}
