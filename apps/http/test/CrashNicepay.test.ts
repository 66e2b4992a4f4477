/**
 * `kill -9` in the middle of a NICEPAY payout, then a restart — as `Crash.test.ts` does for an
 * Ayoconnect payment: the built gateway (`dist/main.js`) as a child process with its ledger in a
 * file-backed PGlite data directory, against a sandbox served by this test process (its state and
 * request log outlive the gateway).
 *
 * Crash points, and what recovery makes of them after the restart (read, never resent):
 * - registration before send (a proxy holds every registration; the write-ahead entry is
 *   committed, nothing reached NICEPAY) and registration in flight (the simulator processed it
 *   and holds the answer: latency fault): the entry has no payout id (`originalReferenceNo`),
 *   which NICEPAY's inquiry needs, so recovery cannot read it; resending is the caller's decision,
 *   never recovery's, so it is recorded `unknown` (source `reconciliation`) and looked at hourly.
 *   NICEPAY saw 0 and 1 registrations.
 * - approve in flight (latency fault after the simulator approved it) and approve answered but not
 *   recorded (the gateway stopped with SIGSTOP, the answer delivered into its socket, then
 *   SIGKILL): the entry was `pending` with its payout id, the step wrote it ahead as `sending`;
 *   recovery reads the payout (`transfer/inquiry`) and records `succeeded`. NICEPAY saw exactly
 *   one approve.
 *
 * The final state and history are read from the ledger itself once the gateway has stopped.
 * Every wait is for a condition, bounded by a count of polls; nothing asserts speed.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { Database, Ledger } from "@kasir/ledger"
import { Sandbox } from "@kasir/sandbox"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { payoutRequest } from "./support/Harness.js"
import * as Process from "./support/Process.js"

const { root, sleep } = Process
const apiKey = `kasir_test_${randomBytes(16).toString("hex")}`

const runtime = ManagedRuntime.make(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)))
let sandbox: Sandbox.Service

// One data directory for the whole file: each restart reopens the same ledger.
const dataDir = mkdtempSync(join(tmpdir(), "kasir-crash-nicepay-"))

const start = (baseUrl = sandbox.nicepay.baseUrl): Promise<Process.Started> =>
  Process.startGateway({
    KASIR_API_KEYS: Process.apiKeysFor(apiKey),
    KASIR_DATA_DIR: dataDir,
    KASIR_LEDGER_SEND_LEASE: "2 seconds",
    KASIR_RECONCILE_INTERVAL: "1 second",
    NICEPAY_BASE_URL: baseUrl,
    NICEPAY_CLIENT_ID: sandbox.nicepay.merchant.clientId,
    NICEPAY_CLIENT_SECRET: Redacted.value(sandbox.nicepay.merchant.clientSecret),
    NICEPAY_PRIVATE_KEY: Redacted.value(sandbox.nicepay.merchant.privateKey),
    NICEPAY_NOTIFICATION_PUBLIC_KEY: sandbox.nicepay.notificationPublicKey,
    NICEPAY_TIMEOUT: "60 seconds"
  })

const call = (started: Process.Started, path: string, body?: unknown) =>
  Process.call(started, apiKey, path, body)

// How many requests of `operation` NICEPAY received for the reference.
const upstreamCount = async (operation: string, needle: string) =>
  (await runtime.runPromise(sandbox.requestLog.entries)).filter(
    (entry) => entry.operation === operation && entry.body.includes(needle)
  ).length

const simulatorStatus = async (reference: string) =>
  Option.getOrUndefined(
    await runtime.runPromise(sandbox.nicepay.simulator.payout(sandbox.nicepay.merchant.clientId, reference))
  )?.status

// The entry's state as the gateway lists it (a read of the ledger only: nothing asks NICEPAY).
const listedState = async (started: Process.Started, reference: string) => {
  const page = await call(started, "/v1/transactions?provider=nicepay&limit=100")
  const entries = page.json.entries as ReadonlyArray<{ readonly reference: string; readonly state: string }>
  return entries.find((entry) => entry.reference === reference)?.state
}

const awaitListed = async (started: Process.Started, reference: string, wanted: string) => {
  let state: string | undefined
  for (let poll = 0; poll < 600 && state !== wanted; poll++) {
    state = await listedState(started, reference)
    if (state !== wanted) await sleep(100)
  }
  return state
}

// The recovery's log line (printed just after its write, so it may trail the listed state).
const awaitOutput = async (started: Process.Started, text: string) => {
  for (let poll = 0; poll < 600 && !started.output().includes(text); poll++) await sleep(50)
  return started.output().includes(text)
}

// The entry and its history, read from the ledger's own files (the gateway must have stopped).
const recorded = (reference: string) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    const entry = yield* Effect.flatMap(ledger.get("nicepay", reference), Effect.orDie)
    const history = yield* ledger.history(entry.id)
    return {
      state: entry.state,
      originalReferenceNo: entry.upstreamIds.originalReferenceNo,
      status: entry.upstreamIds.status,
      history: history.map((h) => [h.from ?? null, h.to, h.source] as const)
    }
  }).pipe(
    Effect.provide(Ledger.layer().pipe(Layer.provide(Database.layerPglite({ dataDir })))),
    Effect.runPromise
  )

// Registers through the gateway and returns the payout id.
const register = async (started: Process.Started, reference: string, account: string) => {
  const registered = await call(started, "/v1/nicepay/payouts", payoutRequest(reference, account))
  expect(registered.status, JSON.stringify(registered.json)).toBe(200)
  expect(registered.json.status).toBe("Pending")
  return String(registered.json.originalReferenceNo)
}

describe("NICEPAY payouts: crash and restart, recovery by reads, zero resends", () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: root, stdio: "inherit" })
    sandbox = await runtime.runPromise(Sandbox.Sandbox)
  }, 180_000)

  afterAll(() => runtime.dispose())

  it("SIGKILL before the registration reached NICEPAY: unknown after restart, never sent", async () => {
    const proxy = await Process.holdingProxy(sandbox.url, "/transfer/registration")
    const proxied = `${proxy.url}${new URL(sandbox.nicepay.baseUrl).pathname}`
    const first = await start(proxied)
    const reference = `crash-np-before-${randomBytes(3).toString("hex")}`
    let second: Process.Started | undefined
    try {
      const answer = Process.sendUnanswered(first, apiKey, "/v1/nicepay/payouts", payoutRequest(reference))
      for (let poll = 0; poll < 1_200 && proxy.held() === 0; poll++) await sleep(50)
      expect(proxy.held()).toBe(1)
      await Process.kill(first)
      expect(await answer).toBe("connection lost")

      second = await start()
      expect(await awaitListed(second, reference, "unknown")).toBe("unknown")
      expect(await awaitOutput(second, `reconciled nicepay ${reference}: sending → unknown`)).toBe(true)
    } finally {
      await Process.kill(first)
      await Process.stop(second)
      proxy.close()
    }
    expect(await upstreamCount("transfer/registration", `"${reference}"`)).toBe(0)
    expect(await simulatorStatus(reference)).toBeUndefined()
    expect(await recorded(reference)).toEqual({
      state: "unknown",
      originalReferenceNo: undefined,
      status: undefined,
      history: [
        [null, "sending", "request"],
        ["sending", "unknown", "reconciliation"]
      ]
    })
  }, 240_000)

  it("SIGKILL while the registration is in flight: unknown after restart, registered once", async () => {
    const first = await start()
    const reference = `crash-np-register-${randomBytes(3).toString("hex")}`
    let second: Process.Started | undefined
    try {
      await runtime.runPromise(
        sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/registration",
          fault: "latency",
          latencyMillis: 600_000
        })
      )
      const answer = Process.sendUnanswered(first, apiKey, "/v1/nicepay/payouts", payoutRequest(reference))
      // The simulator has registered it and holds the answer.
      let status: string | undefined
      for (let poll = 0; poll < 1_200 && status === undefined; poll++) {
        status = await simulatorStatus(reference)
        if (status === undefined) await sleep(50)
      }
      expect(status).toBe("03")
      await Process.kill(first)
      expect(await answer).toBe("connection lost")

      second = await start()
      expect(await awaitListed(second, reference, "unknown")).toBe("unknown")
      expect(await awaitOutput(second, `reconciled nicepay ${reference}: sending → unknown`)).toBe(true)
    } finally {
      await Process.kill(first)
      await Process.stop(second)
    }
    expect(await upstreamCount("transfer/registration", `"${reference}"`)).toBe(1)
    expect(await recorded(reference)).toEqual({
      state: "unknown",
      originalReferenceNo: undefined,
      status: undefined,
      history: [
        [null, "sending", "request"],
        ["sending", "unknown", "reconciliation"]
      ]
    })
  }, 240_000)

  it("SIGKILL while the approve is in flight: succeeded after restart, approved once", async () => {
    const first = await start()
    const reference = `crash-np-approve-${randomBytes(3).toString("hex")}`
    const account = "5345000061"
    let second: Process.Started | undefined
    let payoutId = ""
    try {
      payoutId = await register(first, reference, account)
      await runtime.runPromise(
        sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/approve",
          fault: "latency",
          latencyMillis: 600_000
        })
      )
      const answer = Process.sendUnanswered(first, apiKey, `/v1/nicepay/payouts/${payoutId}/approve`, {
        partnerReferenceNo: reference,
        beneficiaryAccountNo: account
      })
      // The simulator has approved it and holds the answer.
      let status: string | undefined
      for (let poll = 0; poll < 1_200 && (status === undefined || status === "03"); poll++) {
        status = await simulatorStatus(reference)
        if (status === undefined || status === "03") await sleep(50)
      }
      expect(status).toBe("00")
      await Process.kill(first)
      expect(await answer).toBe("connection lost")

      second = await start()
      expect(await awaitListed(second, reference, "succeeded")).toBe("succeeded")
      expect(await awaitOutput(second, `reconciled nicepay ${reference}: sending → succeeded`)).toBe(true)
    } finally {
      await Process.kill(first)
      await Process.stop(second)
    }
    expect(await upstreamCount("transfer/registration", `"${reference}"`)).toBe(1)
    expect(await upstreamCount("transfer/approve", `"${reference}"`)).toBe(1)
    expect(await recorded(reference)).toEqual({
      state: "succeeded",
      originalReferenceNo: payoutId,
      status: "Success",
      history: [
        [null, "sending", "request"],
        ["sending", "pending", "answer"],
        ["pending", "sending", "request"],
        ["sending", "succeeded", "reconciliation"]
      ]
    })
  }, 240_000)

  it("SIGKILL after the approve was answered but before it was recorded: succeeded after restart, approved once", async () => {
    const first = await start()
    const reference = `crash-np-answered-${randomBytes(3).toString("hex")}`
    const account = "5345000062"
    let second: Process.Started | undefined
    let payoutId = ""
    try {
      payoutId = await register(first, reference, account)
      // A short hold, so the answer comes while the gateway is stopped.
      await runtime.runPromise(
        sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/approve",
          fault: "latency",
          latencyMillis: 500
        })
      )
      const answer = Process.sendUnanswered(first, apiKey, `/v1/nicepay/payouts/${payoutId}/approve`, {
        partnerReferenceNo: reference,
        beneficiaryAccountNo: account
      })
      let status: string | undefined
      for (let poll = 0; poll < 1_200 && status !== "00"; poll++) {
        status = await simulatorStatus(reference)
        if (status !== "00") await sleep(10)
      }
      expect(status).toBe("00")
      first.child.kill("SIGSTOP")
      // The answer sits in the stopped gateway's socket, unread.
      let queued = false
      for (let poll = 0; poll < 1_200 && !queued; poll++) {
        queued = Process.answerQueued(new URL(sandbox.url).port)
        if (!queued) await sleep(50)
      }
      expect(queued).toBe(true)
      await Process.kill(first)
      expect(await answer).toBe("connection lost")

      second = await start()
      expect(await awaitListed(second, reference, "succeeded")).toBe("succeeded")
      expect(await awaitOutput(second, `reconciled nicepay ${reference}: sending → succeeded`)).toBe(true)
    } finally {
      await Process.kill(first)
      await Process.stop(second)
    }
    expect(await upstreamCount("transfer/approve", `"${reference}"`)).toBe(1)
    expect(await recorded(reference)).toEqual({
      state: "succeeded",
      originalReferenceNo: payoutId,
      status: "Success",
      history: [
        [null, "sending", "request"],
        ["sending", "pending", "answer"],
        ["pending", "sending", "request"],
        ["sending", "succeeded", "reconciliation"]
      ]
    })
  }, 240_000)
})
