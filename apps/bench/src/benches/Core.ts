/**
 * `core.nicepay.balance`, `core.ayoconnect.inquiry` and `token.singleflight`: @kasir/core against
 * the sandbox in another process, beside the hand-written baselines, in the same process and the
 * same run. Rounds alternate kasir / baseline so that machine noise falls on both alike; CPU per
 * call is this process's CPU time (user + system, every thread) over a round, divided by its calls.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Nicepay as SandboxNicepay } from "@kasir/sandbox"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { makeAyoconnect } from "../baseline/Ayoconnect.js"
import { makeNicepay } from "../baseline/Nicepay.js"
import { cpuMicros } from "../Proc.js"
import type { Result } from "../Result.js"
import { median, percentile, round } from "../Stats.js"

const { Demo } = SandboxNicepay

export const AYOCONNECT_DEMO = { apiKey: "SANDBOXDEMO1", secret: "sandbox-demo-secret-not-for-production" }
export const INQUIRY = { accountNumber: "081234567890", productCode: "PPLSIND12" } as const

const CONCURRENCY = 16
const ROUNDS = 4
const CALLS_PER_ROUND = 1_500
const WARMUP_CALLS = 500

interface Round {
  readonly calls: number
  readonly wallMillis: number
  readonly cpuMicros: number
  readonly simulatorCpuMicros: number
  readonly latencies: ReadonlyArray<number>
}

type Runner = (calls: number, latencies: Array<number>) => Promise<void>

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()

/** Runs `calls` calls through `runner` and measures wall time, CPU time and the simulator's CPU. */
const measure = async (runner: Runner, calls: number, simulatorPid: number): Promise<Round> => {
  collectGarbage()
  const latencies: Array<number> = []
  const simulator0 = cpuMicros(simulatorPid)
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  await runner(calls, latencies)
  const wallMillis = performance.now() - wall0
  const cpu = process.cpuUsage(cpu0)
  if (latencies.length !== calls) throw new Error(`expected ${calls} calls, measured ${latencies.length}`)
  return {
    calls,
    wallMillis,
    cpuMicros: cpu.user + cpu.system,
    simulatorCpuMicros: cpuMicros(simulatorPid) - simulator0,
    latencies
  }
}

/** `concurrency` async workers sharing `calls` calls. */
const promiseRunner =
  (call: () => Promise<unknown>): Runner =>
  async (calls, latencies) => {
    let started = 0
    const worker = async () => {
      while (started < calls) {
        started++
        const t0 = performance.now()
        await call()
        latencies.push(performance.now() - t0)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  }

/** The same, as one Effect with bounded concurrency, run on the client's runtime. */
const effectRunner =
  <R>(runtime: ManagedRuntime.ManagedRuntime<R, unknown>, call: Effect.Effect<unknown, unknown, R>): Runner =>
  (calls, latencies) =>
    runtime.runPromise(
      Effect.forEach(
        Array.from({ length: calls }),
        () =>
          Effect.suspend(() => {
            const t0 = performance.now()
            return Effect.map(call, () => {
              latencies.push(performance.now() - t0)
            })
          }),
        { concurrency: CONCURRENCY, discard: true }
      )
    )

const summarise = (rounds: ReadonlyArray<Round>) => {
  const latencies = rounds.flatMap((r) => r.latencies)
  const calls = rounds.reduce((n, r) => n + r.calls, 0)
  const cpu = rounds.reduce((n, r) => n + r.cpuMicros, 0)
  const simulator = rounds.reduce((n, r) => n + r.simulatorCpuMicros, 0)
  const wall = rounds.reduce((n, r) => n + r.wallMillis, 0)
  return {
    calls,
    callsPerSecond: round(median(rounds.map((r) => (r.calls / r.wallMillis) * 1000)), 0),
    p50Millis: round(percentile(latencies, 50), 2),
    p99Millis: round(percentile(latencies, 99), 2),
    cpuMicrosPerCall: round(median(rounds.map((r) => r.cpuMicros / r.calls)), 1),
    // Of the CPU both processes spent, the simulator's part; and how many cores it kept busy.
    simulatorCpuShare: round(simulator / (simulator + cpu), 3),
    simulatorCores: round(simulator / 1000 / wall, 2),
    rounds: rounds.length
  }
}

/** Alternates kasir and baseline rounds after one warm-up each. */
const compare = async (kasir: Runner, baseline: Runner, simulatorPid: number) => {
  await measure(kasir, WARMUP_CALLS, simulatorPid)
  await measure(baseline, WARMUP_CALLS, simulatorPid)
  const k: Array<Round> = []
  const b: Array<Round> = []
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate who goes first, so neither side always runs on a warmer (or hotter) machine.
    if (i % 2 === 0) {
      k.push(await measure(kasir, CALLS_PER_ROUND, simulatorPid))
      b.push(await measure(baseline, CALLS_PER_ROUND, simulatorPid))
    } else {
      b.push(await measure(baseline, CALLS_PER_ROUND, simulatorPid))
      k.push(await measure(kasir, CALLS_PER_ROUND, simulatorPid))
    }
  }
  return { kasir: summarise(k), baseline: summarise(b) }
}

const nicepayConfig = (sandboxUrl: string) => ({
  baseUrl: `${sandboxUrl}/nicepay`,
  clientId: Demo.CLIENT_ID,
  clientSecret: Redacted.make(Demo.CLIENT_SECRET),
  privateKey: Redacted.make(Demo.PRIVATE_KEY)
})

const nicepayRuntime = (sandboxUrl: string) =>
  ManagedRuntime.make(
    Nicepay.layer(nicepayConfig(sandboxUrl)).pipe(Layer.provide(NodeHttpClient.layerUndici))
  )

const nicepayBaseline = (sandboxUrl: string) =>
  makeNicepay({
    baseUrl: `${sandboxUrl}/nicepay`,
    clientId: Demo.CLIENT_ID,
    clientSecret: Demo.CLIENT_SECRET,
    privateKeyPem: Demo.PRIVATE_KEY
  })

const cpuRatio = (
  name: string,
  kasir: ReturnType<typeof summarise>,
  baseline: ReturnType<typeof summarise>
) => {
  const ratio = round(kasir.cpuMicrosPerCall / baseline.cpuMicrosPerCall, 2)
  return {
    name,
    kasir,
    baseline,
    ratio,
    target: "CPU per call ≤ 1.5 × baseline",
    met: ratio <= 1.5
  }
}

export const coreNicepayBalance = async (sandboxUrl: string, simulatorPid: number): Promise<Result> => {
  const runtime = nicepayRuntime(sandboxUrl)
  const baseline = nicepayBaseline(sandboxUrl)
  try {
    const kasirCall = Effect.flatMap(Nicepay.NicepayPayout, (client) => client.balance())
    const figures = await compare(
      effectRunner(runtime, kasirCall),
      promiseRunner(baseline.balance),
      simulatorPid
    )
    return {
      ...cpuRatio("core.nicepay.balance", figures.kasir, figures.baseline),
      note: `NicepayPayout.balance vs a hand-written undici + node:crypto client (same signing, default keep-alive Agent); ${CONCURRENCY} calls in flight, token cached; ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND} after ${WARMUP_CALLS} warm-up calls each`
    }
  } finally {
    await runtime.dispose()
    await baseline.close()
  }
}

export const coreAyoconnectInquiry = async (sandboxUrl: string, simulatorPid: number): Promise<Result> => {
  const runtime = ManagedRuntime.make(
    Ayoconnect.layer({
      baseUrl: sandboxUrl,
      apiKey: AYOCONNECT_DEMO.apiKey,
      apiSecret: Redacted.make(AYOCONNECT_DEMO.secret)
    }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  )
  const baseline = makeAyoconnect({ baseUrl: sandboxUrl, ...AYOCONNECT_DEMO })
  try {
    const kasirCall = Effect.flatMap(Ayoconnect.Ayoconnect, (client) => client.inquiry(INQUIRY))
    const figures = await compare(
      effectRunner(runtime, kasirCall),
      promiseRunner(() => baseline.inquiry(INQUIRY)),
      simulatorPid
    )
    return {
      ...cpuRatio("core.ayoconnect.inquiry", figures.kasir, figures.baseline),
      note: `Ayoconnect.inquiry (input validated, HS256 JWT, answer decoded) vs a hand-written undici + node:crypto client; ${CONCURRENCY} calls in flight; ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND} after ${WARMUP_CALLS} warm-up calls each`
    }
  } finally {
    await runtime.dispose()
    await baseline.close()
  }
}

interface LogEntry {
  readonly upstream: string
  readonly operation: string
}

const sandboxLog = async (sandboxUrl: string): Promise<ReadonlyArray<LogEntry>> =>
  (await (await fetch(`${sandboxUrl}/_sandbox/requests`)).json()) as ReadonlyArray<LogEntry>

const clearLog = async (sandboxUrl: string) => {
  await fetch(`${sandboxUrl}/_sandbox/requests`, { method: "DELETE" })
}

const countTokens = (entries: ReadonlyArray<LogEntry>) =>
  entries.filter((e) => e.upstream === "nicepay" && e.operation === "access-token").length

const CONCURRENT_CALLS = 500

export const tokenSingleflight = async (sandboxUrl: string): Promise<Result> => {
  // kasir: a fresh client (cold cache), 500 balance calls at once.
  await clearLog(sandboxUrl)
  const runtime = nicepayRuntime(sandboxUrl)
  const k0 = performance.now()
  const kasirOk = await runtime.runPromise(
    Effect.flatMap(Nicepay.NicepayPayout, (client) =>
      Effect.forEach(Array.from({ length: CONCURRENT_CALLS }), () => client.balance(), {
        concurrency: "unbounded"
      })
    )
  )
  const kasirMillis = performance.now() - k0
  await runtime.dispose()
  const kasirEntries = await sandboxLog(sandboxUrl)

  await clearLog(sandboxUrl)
  const baseline = nicepayBaseline(sandboxUrl)
  const b0 = performance.now()
  const baselineOk = await Promise.all(Array.from({ length: CONCURRENT_CALLS }, () => baseline.balance()))
  const baselineMillis = performance.now() - b0
  await baseline.close()
  const baselineEntries = await sandboxLog(sandboxUrl)

  const kasirTokens = countTokens(kasirEntries)
  const baselineTokens = countTokens(baselineEntries)
  const balanceCalls = (entries: ReadonlyArray<LogEntry>) =>
    entries.filter((e) => e.upstream === "nicepay" && e.operation === "balance-inquiry").length
  return {
    name: "token.singleflight",
    kasir: {
      tokenRequests: kasirTokens,
      calls: CONCURRENT_CALLS,
      succeeded: kasirOk.length,
      balanceRequestsAtSimulator: balanceCalls(kasirEntries),
      wallMillis: round(kasirMillis, 0)
    },
    baseline: {
      tokenRequests: baselineTokens,
      calls: CONCURRENT_CALLS,
      succeeded: baselineOk.length,
      balanceRequestsAtSimulator: balanceCalls(baselineEntries),
      wallMillis: round(baselineMillis, 0)
    },
    ratio: baselineTokens === 0 ? Number.NaN : round(kasirTokens / baselineTokens, 4),
    target: "exactly 1 token request (counted at the simulator)",
    met: kasirTokens === 1 && kasirOk.length === CONCURRENT_CALLS,
    note: "500 concurrent balance calls on a cold token cache; the baseline's check-then-fetch cache (as in the SDKs of reference/peers.md) has no single flight"
  }
}
