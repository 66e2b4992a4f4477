/**
 * `kill -9` in the middle of a money flow, then a restart: the built gateway (`dist/main.js`) as
 * a child process with its ledger in a file-backed PGlite data directory, against a sandbox that
 * outlives it (served by this test process, so its state and request log survive the kill).
 *
 * Crash points covered here, each leaving only the write-ahead `sending` entry in the ledger:
 * - in flight: the simulator holds the payment's answer (latency fault) after processing it, and
 *   the gateway is killed while waiting for it;
 * - answered, not written: the gateway is stopped (SIGSTOP) while the simulator processes the
 *   payment, the answer is delivered into the gateway's socket (seen in `ss` as its receive
 *   queue), and the stopped process is killed before it could read and record it.
 * - before send: the write-ahead entry is committed and the request never reaches the simulator
 *   (a proxy in front of it holds every payment), the gateway is killed. After the restart the
 *   status read answers RC 188, which recovery trusts only 160 s after the entry was written
 *   (Ayoconnect's 150 s plus the payment deadline): then the entry is `failed`, and the simulator
 *   saw no payment at all.
 * After the restart, recovery claims the entry once the dead process's lease has ended
 * (`KASIR_LEDGER_SEND_LEASE`, shortened here) and resolves it by a status read: the entry reaches
 * `succeeded`, and the simulator saw exactly one payment.
 *
 * Every wait is for a condition, bounded by a count of polls; nothing asserts speed.
 */
import { execFileSync } from "node:child_process"
import { once } from "node:events"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { Sandbox } from "@kasir/sandbox"
import { Layer, ManagedRuntime, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Process from "./support/Process.js"

const { root, sleep } = Process
const apiKey = `kasir_test_${randomBytes(16).toString("hex")}`

const runtime = ManagedRuntime.make(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)))
let sandbox: Sandbox.Service

type Started = Process.Started

const start = (dataDir: string, baseUrl = sandbox.ayoconnect.baseUrl): Promise<Started> =>
  Process.startGateway({
    KASIR_API_KEYS: Process.apiKeysFor(apiKey),
    KASIR_DATA_DIR: dataDir,
    KASIR_LEDGER_SEND_LEASE: "2 seconds",
    KASIR_RECONCILE_INTERVAL: "1 second",
    AYOCONNECT_BASE_URL: baseUrl,
    AYOCONNECT_API_KEY: sandbox.ayoconnect.partner.apiKey,
    AYOCONNECT_API_SECRET: Redacted.value(sandbox.ayoconnect.partner.secret),
    AYOCONNECT_PAYMENT_TIMEOUT: "60 seconds"
  })

const call = (started: Started, path: string, body?: unknown) => Process.call(started, apiKey, path, body)

const requests = () => runtime.runPromise(sandbox.requestLog.entries)

// One data directory for the whole file: each restart reopens the same ledger.
const dataDir = mkdtempSync(join(tmpdir(), "kasir-crash-"))

// Whether a connection to the simulator holds received bytes nobody has read (`ss` Recv-Q).
const answerQueued = (): boolean => Process.answerQueued(new URL(sandbox.url).port)

const payThroughGateway = async (started: Started, accountNumber: string, refNumber: string) => {
  const inquiry = await call(started, "/v1/ayoconnect/inquiries", { accountNumber, productCode: "PPLSIND12" })
  expect(inquiry.status, JSON.stringify(inquiry.json)).toBe(200)
  return {
    inquiry,
    body: {
      inquiryId: inquiry.json.inquiryId,
      accountNumber,
      productCode: "PPLSIND12",
      amount: inquiry.json.amount,
      refNumber
    }
  }
}

const processedUpstream = async (refNumber: string) => {
  const partner = sandbox.ayoconnect.partner.apiKey
  for (let poll = 0; poll < 1_200; poll++) {
    const found = await runtime.runPromise(sandbox.ayoconnect.simulator.transaction(partner, refNumber))
    if (found._tag === "Some") return true
    await sleep(50)
  }
  return false
}

const awaitState = async (started: Started, refNumber: string, wanted: string) => {
  let state: unknown
  for (let poll = 0; poll < 600 && state !== wanted; poll++) {
    const read = await call(started, `/v1/ayoconnect/payments/${refNumber}`)
    state = read.json.state
    if (state !== wanted) await sleep(100)
  }
  return state
}

const paymentsOf = async (refNumber: string) =>
  (await requests()).filter(
    (entry) => entry.operation === "bill/payment" && entry.body.includes(`"${refNumber}"`)
  ).length

describe("crash and restart: recovery by status reads, zero resends", () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: root, stdio: "inherit" })
    sandbox = await runtime.runPromise(Sandbox.Sandbox)
  }, 180_000)

  afterAll(() => runtime.dispose())

  it("SIGKILL while the payment is in flight: after restart the entry is succeeded, paid once", async () => {
    const first = await start(dataDir)
    const refNumber = "crash-in-flight-1"
    const accountNumber = "081234565551"
    let second: Started | undefined
    try {
      const inquiry = await call(first, "/v1/ayoconnect/inquiries", {
        accountNumber,
        productCode: "PPLSIND12"
      })
      expect(inquiry.status).toBe(200)
      await runtime.runPromise(
        sandbox.faults.inject({
          upstream: "ayoconnect",
          operation: "bill/payment",
          fault: "latency",
          latencyMillis: 600_000
        })
      )
      const payment = fetch(`${first.url}/v1/ayoconnect/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({
          inquiryId: inquiry.json.inquiryId,
          accountNumber,
          productCode: "PPLSIND12",
          amount: inquiry.json.amount,
          refNumber
        })
      }).catch(() => "connection lost")
      // The simulator has processed the payment (its transaction exists) and holds the answer.
      const partner = sandbox.ayoconnect.partner.apiKey
      for (let poll = 0; poll < 1_200; poll++) {
        const found = await runtime.runPromise(sandbox.ayoconnect.simulator.transaction(partner, refNumber))
        if (found._tag === "Some") break
        await sleep(50)
      }
      const exited = once(first.child, "exit")
      first.child.kill("SIGKILL")
      await exited
      expect(await payment).toBe("connection lost")

      second = await start(dataDir)
      let state: unknown
      for (let poll = 0; poll < 600 && state !== "succeeded"; poll++) {
        const read = await call(second, `/v1/ayoconnect/payments/${refNumber}`)
        state = read.json.state
        if (state !== "succeeded") await sleep(100)
      }
      expect(state).toBe("succeeded")

      const payments = (await requests()).filter(
        (entry) => entry.operation === "bill/payment" && entry.body.includes(`"${refNumber}"`)
      )
      expect(payments.length).toBe(1)
      // Recovery, not a resend, took the entry out of `sending`: straight to succeeded, or through
      // pending when its read came before the simulator settled the payment.
      expect(second.output()).toMatch(
        new RegExp(`reconciled ayoconnect ${refNumber}: sending → (succeeded|pending)`)
      )
    } finally {
      first.child.kill("SIGKILL")
      second?.child.kill("SIGTERM")
      if (second !== undefined && second.child.exitCode === null) await once(second.child, "exit")
    }
  }, 240_000)

  it("SIGKILL after the answer arrived but before it was recorded: succeeded after restart, paid once", async () => {
    const first = await start(dataDir)
    const refNumber = "crash-answered-1"
    let second: Started | undefined
    try {
      const { body } = await payThroughGateway(first, "081234565552", refNumber)
      // A short hold, so the answer comes while the gateway is stopped.
      await runtime.runPromise(
        sandbox.faults.inject({
          upstream: "ayoconnect",
          operation: "bill/payment",
          fault: "latency",
          latencyMillis: 500
        })
      )
      const payment = fetch(`${first.url}/v1/ayoconnect/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify(body)
      }).catch(() => "connection lost")
      expect(await processedUpstream(refNumber)).toBe(true)
      first.child.kill("SIGSTOP")
      // The answer sits in the stopped gateway's socket, unread.
      let queued = false
      for (let poll = 0; poll < 1_200 && !queued; poll++) {
        queued = answerQueued()
        if (!queued) await sleep(50)
      }
      expect(queued).toBe(true)
      const exited = once(first.child, "exit")
      first.child.kill("SIGKILL")
      await exited
      expect(await payment).toBe("connection lost")

      second = await start(dataDir)
      expect(await awaitState(second, refNumber, "succeeded")).toBe("succeeded")
      expect(await paymentsOf(refNumber)).toBe(1)
      // Recovery, not a resend, took the entry out of `sending`: straight to succeeded, or through
      // pending when its read came before the simulator settled the payment.
      expect(second.output()).toMatch(
        new RegExp(`reconciled ayoconnect ${refNumber}: sending → (succeeded|pending)`)
      )
    } finally {
      first.child.kill("SIGKILL")
      second?.child.kill("SIGTERM")
      if (second !== undefined && second.child.exitCode === null) await once(second.child, "exit")
    }
  }, 240_000)

  it("SIGKILL before the payment reached Ayoconnect: failed (RC 188) once 150 s have passed, never sent", async () => {
    // Forwards everything to the simulator except payments, which it holds unanswered.
    const proxy = await Process.holdingProxy(sandbox.url, "/bill/payment")
    const proxyUrl = proxy.url
    const first = await start(dataDir, proxyUrl)
    const refNumber = "crash-before-send-1"
    let second: Started | undefined
    try {
      const { body } = await payThroughGateway(first, "081234565553", refNumber)
      const payment = fetch(`${first.url}/v1/ayoconnect/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify(body)
      }).catch(() => "connection lost")
      for (let poll = 0; poll < 1_200 && proxy.held() === 0; poll++) await sleep(50)
      expect(proxy.held()).toBe(1)
      const exited = once(first.child, "exit")
      first.child.kill("SIGKILL")
      await exited
      expect(await payment).toBe("connection lost")

      second = await start(dataDir)
      // Up to 3,000 polls of 100 ms: Ayoconnect's rule makes recovery wait 160 s here.
      let state: unknown
      for (let poll = 0; poll < 3_000 && state !== "failed"; poll++) {
        const read = await call(second, `/v1/ayoconnect/payments/${refNumber}`)
        state = read.json.state
        if (state !== "failed") await sleep(100)
      }
      expect(state).toBe("failed")
      expect(await paymentsOf(refNumber)).toBe(0)
      expect(second.output()).toContain(`reconciled ayoconnect ${refNumber}: sending → failed`)
    } finally {
      first.child.kill("SIGKILL")
      second?.child.kill("SIGTERM")
      if (second !== undefined && second.child.exitCode === null) await once(second.child, "exit")
      proxy.close()
    }
  }, 480_000)
})
