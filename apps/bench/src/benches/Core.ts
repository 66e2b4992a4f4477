/**
 * `core.nicepay.balance`, `core.ayoconnect.inquiry` and `token.singleflight`: @kasir/core against
 * the sandbox in another process, beside the hand-written baselines, in the same process and the
 * same run. Rounds rotate through every side so that machine noise falls on all alike; CPU per
 * call is this process's CPU time (user + system, every thread) over a round, divided by its calls.
 *
 * Sides: kasir as shipped (the lean `Transport.layer`, no tracer), the hand-written baseline, two
 * floors (the baseline's own code sending through `NodeHttpClient.layerUndici` and through
 * kasir's lean transport), kasir over `layerUndici` (what the transport buys), and kasir with a
 * tracer configured (what tracing costs).
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect, Nicepay, Transport as KasirTransport } from "@kasir/core"
import { Nicepay as SandboxNicepay } from "@kasir/sandbox"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { makeAyoconnect } from "../baseline/Ayoconnect.js"
import { makeNicepay } from "../baseline/Nicepay.js"
import type { Transport } from "../baseline/Transport.js"
import { leanTransport, platformTransport } from "../PlatformTransport.js"
import { cpuMicros } from "../Proc.js"
import type { Result } from "../Result.js"
import { median, percentile, round } from "../Stats.js"
import { countingTracer } from "../Tracing.js"

const { Demo } = SandboxNicepay

export const AYOCONNECT_DEMO = { apiKey: "SANDBOXDEMO1", secret: "sandbox-demo-secret-not-for-production" }
export const INQUIRY = { accountNumber: "081234567890", productCode: "PPLSIND12" } as const

const CONCURRENCY = 16
// One round per side, so that each side goes first once.
const ROUNDS = 6
const CALLS_PER_ROUND = 1_000
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

type Side = "kasir" | "baseline" | "floor" | "leanFloor" | "kasirUndici" | "kasirTraced"
const sides: ReadonlyArray<Side> = ["kasir", "baseline", "floor", "leanFloor", "kasirUndici", "kasirTraced"]

/**
 * Rounds of every side after one warm-up each; who goes first rotates, so machine noise falls on
 * all alike. Besides each side's figures, the median over rounds of each side's CPU per call
 * divided by the baseline's in the same round.
 */
const compare = async (runners: Readonly<Record<Side, Runner>>, simulatorPid: number) => {
  for (const side of sides) await measure(runners[side], WARMUP_CALLS, simulatorPid)
  const rounds = Object.fromEntries(sides.map((side) => [side, [] as Array<Round>])) as Record<
    Side,
    Array<Round>
  >
  for (let i = 0; i < ROUNDS; i++) {
    for (let j = 0; j < sides.length; j++) {
      const side = sides[(i + j) % sides.length]!
      rounds[side].push(await measure(runners[side], CALLS_PER_ROUND, simulatorPid))
    }
  }
  const perCall = (round: Round) => round.cpuMicros / round.calls
  const roundRatio = (side: Side) =>
    round(median(rounds[side].map((r, i) => perCall(r) / perCall(rounds.baseline[i]!))), 2)
  const summary = Object.fromEntries(sides.map((side) => [side, summarise(rounds[side])])) as Record<
    Side,
    ReturnType<typeof summarise>
  >
  return { ...summary, roundRatio }
}

const nicepayConfig = (sandboxUrl: string) => ({
  baseUrl: `${sandboxUrl}/nicepay`,
  clientId: Demo.CLIENT_ID,
  clientSecret: Redacted.make(Demo.CLIENT_SECRET),
  privateKey: Redacted.make(Demo.PRIVATE_KEY)
})

const nicepayRuntime = (
  sandboxUrl: string,
  transport: Layer.Layer<HttpClient.HttpClient> = KasirTransport.layer,
  tracing: Layer.Layer<never> = Layer.empty
) =>
  ManagedRuntime.make(
    Nicepay.layer(nicepayConfig(sandboxUrl)).pipe(Layer.provide(transport), Layer.provide(tracing))
  )

const nicepayBaseline = (sandboxUrl: string, transport?: Transport) =>
  makeNicepay({
    baseUrl: `${sandboxUrl}/nicepay`,
    clientId: Demo.CLIENT_ID,
    clientSecret: Demo.CLIENT_SECRET,
    privateKeyPem: Demo.PRIVATE_KEY,
    ...(transport === undefined ? {} : { transport })
  })

// Issue 7 asked for 1.5; issue 14 set 1.8 as what kasir on Effect can reach (the lean floor
// alone is 1.3–1.6). Both are reported; `met` is issue 14's.
const CPU_TARGET = 1.8

const cpuRatio = (name: string, figures: Awaited<ReturnType<typeof compare>>, tracedSpansPerCall: number) => {
  const perCall = (side: Side) => figures[side].cpuMicrosPerCall
  const ratio = round(perCall("kasir") / perCall("baseline"), 2)
  const toBaseline = (side: Side) => round(perCall(side) / perCall("baseline"), 2)
  return {
    name,
    kasir: {
      ...figures.kasir,
      cpuRatioMedianOfRounds: figures.roundRatio("kasir"),
      // The same kasir with a tracer configured (spans created, nothing exported).
      tracedCpuMicrosPerCall: perCall("kasirTraced"),
      tracedCpuRatioToBaseline: toBaseline("kasirTraced"),
      tracedCpuRatioMedianOfRounds: figures.roundRatio("kasirTraced"),
      tracedSpansPerCall,
      // The same kasir over NodeHttpClient.layerUndici (the deadline then Effect.timeoutFail).
      layerUndiciCpuMicrosPerCall: perCall("kasirUndici"),
      layerUndiciCpuRatioToBaseline: toBaseline("kasirUndici"),
      layerUndiciCpuRatioMedianOfRounds: figures.roundRatio("kasirUndici")
    },
    baseline: figures.baseline,
    ratio,
    target: `CPU per call ≤ ${CPU_TARGET} × baseline (issue 14; issue 7 asked ≤ 1.5)`,
    met: ratio <= CPU_TARGET,
    floor: {
      ...figures.floor,
      // What sending through @effect/platform alone costs, against the baseline; and what kasir
      // costs beyond that floor.
      cpuRatioToBaseline: toBaseline("floor"),
      kasirCpuRatioToFloor: round(perCall("kasir") / perCall("floor"), 2),
      // The same for kasir's lean transport.
      leanCpuMicrosPerCall: perCall("leanFloor"),
      leanCpuRatioToBaseline: toBaseline("leanFloor"),
      leanCpuRatioMedianOfRounds: figures.roundRatio("leanFloor"),
      kasirCpuRatioToLeanFloor: round(perCall("kasir") / perCall("leanFloor"), 2)
    }
  }
}

const FLOOR_NOTE =
  "floor = the baseline's own code sending through @effect/platform's HttpClient (NodeHttpClient.layerUndici, one runPromise per call) instead of raw undici; lean floor = the same through kasir's Transport.layer; kasir's tracing-on figures use a configured tracer that creates spans and exports nothing"

export const coreNicepayBalance = async (sandboxUrl: string, simulatorPid: number): Promise<Result> => {
  const tracing = countingTracer()
  const runtime = nicepayRuntime(sandboxUrl)
  const undiciRuntime = nicepayRuntime(sandboxUrl, NodeHttpClient.layerUndici)
  const tracedRuntime = nicepayRuntime(sandboxUrl, KasirTransport.layer, tracing.layer)
  const baseline = nicepayBaseline(sandboxUrl)
  const floor = nicepayBaseline(sandboxUrl, platformTransport())
  const leanFloor = nicepayBaseline(sandboxUrl, leanTransport())
  try {
    const kasirCall = Effect.flatMap(Nicepay.NicepayPayout, (client) => client.balance())
    const spans = await tracedSpans(tracing.spans, () => tracedRuntime.runPromise(kasirCall))
    const figures = await compare(
      {
        kasir: effectRunner(runtime, kasirCall),
        baseline: promiseRunner(baseline.balance),
        floor: promiseRunner(floor.balance),
        leanFloor: promiseRunner(leanFloor.balance),
        kasirUndici: effectRunner(undiciRuntime, kasirCall),
        kasirTraced: effectRunner(tracedRuntime, kasirCall)
      },
      simulatorPid
    )
    return {
      ...cpuRatio("core.nicepay.balance", figures, spans),
      note: `NicepayPayout.balance vs a hand-written undici + node:crypto client (same signing, default keep-alive Agent); ${CONCURRENCY} calls in flight, token cached; ${ROUNDS} rotating rounds of ${CALLS_PER_ROUND} after ${WARMUP_CALLS} warm-up calls each; ${FLOOR_NOTE}`
    }
  } finally {
    await Promise.all([runtime.dispose(), undiciRuntime.dispose(), tracedRuntime.dispose()])
    await Promise.all([baseline.close(), floor.close(), leanFloor.close()])
  }
}

/** Spans one warm call creates under the tracer (after a first call has fetched the token). */
const tracedSpans = async (count: () => number, call: () => Promise<unknown>): Promise<number> => {
  await call()
  const before = count()
  await call()
  return count() - before
}

export const coreAyoconnectInquiry = async (sandboxUrl: string, simulatorPid: number): Promise<Result> => {
  const ayoconnectRuntime = (
    transport: Layer.Layer<HttpClient.HttpClient> = KasirTransport.layer,
    tracing: Layer.Layer<never> = Layer.empty
  ) =>
    ManagedRuntime.make(
      Ayoconnect.layer({
        baseUrl: sandboxUrl,
        apiKey: AYOCONNECT_DEMO.apiKey,
        apiSecret: Redacted.make(AYOCONNECT_DEMO.secret)
      }).pipe(Layer.provide(transport), Layer.provide(tracing))
    )
  const tracing = countingTracer()
  const runtime = ayoconnectRuntime()
  const undiciRuntime = ayoconnectRuntime(NodeHttpClient.layerUndici)
  const tracedRuntime = ayoconnectRuntime(KasirTransport.layer, tracing.layer)
  const baseline = makeAyoconnect({ baseUrl: sandboxUrl, ...AYOCONNECT_DEMO })
  const floor = makeAyoconnect({ baseUrl: sandboxUrl, ...AYOCONNECT_DEMO, transport: platformTransport() })
  const leanFloor = makeAyoconnect({ baseUrl: sandboxUrl, ...AYOCONNECT_DEMO, transport: leanTransport() })
  try {
    const kasirCall = Effect.flatMap(Ayoconnect.Ayoconnect, (client) => client.inquiry(INQUIRY))
    const spans = await tracedSpans(tracing.spans, () => tracedRuntime.runPromise(kasirCall))
    const figures = await compare(
      {
        kasir: effectRunner(runtime, kasirCall),
        baseline: promiseRunner(() => baseline.inquiry(INQUIRY)),
        floor: promiseRunner(() => floor.inquiry(INQUIRY)),
        leanFloor: promiseRunner(() => leanFloor.inquiry(INQUIRY)),
        kasirUndici: effectRunner(undiciRuntime, kasirCall),
        kasirTraced: effectRunner(tracedRuntime, kasirCall)
      },
      simulatorPid
    )
    return {
      ...cpuRatio("core.ayoconnect.inquiry", figures, spans),
      note: `Ayoconnect.inquiry (input validated, HS256 JWT, answer decoded) vs a hand-written undici + node:crypto client; ${CONCURRENCY} calls in flight; ${ROUNDS} rotating rounds of ${CALLS_PER_ROUND} after ${WARMUP_CALLS} warm-up calls each; ${FLOOR_NOTE}`
    }
  } finally {
    await Promise.all([runtime.dispose(), undiciRuntime.dispose(), tracedRuntime.dispose()])
    await Promise.all([baseline.close(), floor.close(), leanFloor.close()])
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
