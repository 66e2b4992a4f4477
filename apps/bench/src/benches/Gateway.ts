/**
 * `gateway.nicepay.balance` and `gateway.ayoconnect.inquiry`: the built gateway
 * (`apps/http/dist/main.js`) under autocannon at 64 connections, its upstreams a sandbox in a
 * separate process configured as real upstreams, beside the node:http pass-through baseline in
 * front of the same sandbox. A second gateway with `KASIR_ACCESS_LOG=false` runs beside them, to
 * show what the access log line costs.
 *
 * The issue compares throughput, not start-up, so every side first runs warm: measured per 5 s
 * window, the gateway's CPU per request falls from ≈3.7 ms to a steady ≈0.8 ms only after 20–30 s
 * of load (JIT), while the pass-through is steady in its first window. Each side gets the same
 * `WARMUP_SECONDS` per route, then `ROUNDS` rounds alternate the order of the sides; the ratio is
 * the median of the per-round ratios.
 *
 * The gateway's embedded ledger is opened on a data directory that a previous start initialised:
 * a first start runs PGlite's initdb in WebAssembly, whose heap peaks at ≈700 MB and is never
 * returned, while a reopened directory — every later start of a deployed gateway — is the steady
 * figure. The first start's RSS is reported beside it.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import autocannon from "autocannon"
import { cpuMicros, paths, type Running, rssBytes, serverNodeOptions, start } from "../Proc.js"
import type { Result } from "../Result.js"
import { median, round } from "../Stats.js"
import { AYOCONNECT_DEMO, INQUIRY } from "./Core.js"

const CONNECTIONS = 64
const DURATION_SECONDS = 10
const WARMUP_SECONDS = 30
const ROUNDS = 3
const FLOOR_SECONDS = 5
const RSS_LIMIT_MB = 200
const RPS_TARGET = 0.45

export interface Servers {
  readonly gateway: Running
  /** The same gateway with `KASIR_ACCESS_LOG=false`. */
  readonly quiet: Running
  readonly baseline: Running
  readonly apiKey: string
  /** The gateway's RSS right after its first start, on a fresh data directory (initdb). */
  readonly firstStartRssBytes: number
  readonly stop: () => Promise<void>
}

const demoNicepay = async () => {
  const { Nicepay } = await import("@kasir/sandbox")
  return Nicepay.Demo
}

/** The environment that points a gateway at the sandbox with the demo credentials. */
export const gatewayEnv = async (sandboxUrl: string, apiKey: string) => {
  const demo = await demoNicepay()
  return {
    KASIR_API_KEYS: createHash("sha256").update(apiKey).digest("hex"),
    AYOCONNECT_BASE_URL: sandboxUrl,
    AYOCONNECT_API_KEY: AYOCONNECT_DEMO.apiKey,
    AYOCONNECT_API_SECRET: AYOCONNECT_DEMO.secret,
    NICEPAY_BASE_URL: `${sandboxUrl}/nicepay`,
    NICEPAY_CLIENT_ID: demo.CLIENT_ID,
    NICEPAY_CLIENT_SECRET: demo.CLIENT_SECRET,
    NICEPAY_PRIVATE_KEY: demo.PRIVATE_KEY
  }
}

/**
 * A gateway on a data directory of its own that a first start has initialised: the first start
 * runs initdb and stops, the returned process reopens the directory as a deployed gateway does.
 */
const startInitialised = async (
  name: string,
  env: Readonly<Record<string, string>>,
  logDir: string
): Promise<{ readonly running: Running; readonly firstStartRssBytes: number }> => {
  const dataEnv = { ...env, KASIR_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `kasir-${name}-data-`)) }
  const options = { name, script: paths.gateway, readyPath: "/health", nodeOptions: serverNodeOptions }
  const first = await start({ ...options, env: dataEnv, logFile: path.join(logDir, `${name}-first.log`) })
  const firstStartRssBytes = rssBytes(first.pid)
  await first.stop()
  const running = await start({ ...options, env: dataEnv, logFile: path.join(logDir, `${name}.log`) })
  return { running, firstStartRssBytes }
}

export const startServers = async (sandboxUrl: string, logDir: string): Promise<Servers> => {
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const env = await gatewayEnv(sandboxUrl, apiKey)
  const gateway = await startInitialised("gateway", env, logDir)
  const quiet = await startInitialised("gateway-quiet", { ...env, KASIR_ACCESS_LOG: "false" }, logDir)
  const baseline = await start({
    name: "passthrough",
    script: paths.passthrough,
    env,
    readyPath: "/health",
    logFile: path.join(logDir, "passthrough.log"),
    nodeOptions: serverNodeOptions
  })
  return {
    gateway: gateway.running,
    quiet: quiet.running,
    baseline,
    apiKey,
    firstStartRssBytes: gateway.firstStartRssBytes,
    stop: async () => {
      await Promise.all([gateway.running.stop(), quiet.running.stop(), baseline.stop()])
    }
  }
}

export interface Route {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly body?: string
}

export const routes: ReadonlyArray<Route> = [
  { name: "gateway.nicepay.balance", method: "GET", path: "/v1/nicepay/balance" },
  {
    name: "gateway.ayoconnect.inquiry",
    method: "POST",
    path: "/v1/ayoconnect/inquiries",
    body: JSON.stringify(INQUIRY)
  }
]

const health: Route = { name: "gateway.health", method: "GET", path: "/health" }

export const load = (server: Running, apiKey: string, route: Route, seconds: number) =>
  autocannon({
    url: `${server.url}${route.path}`,
    method: route.method,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    ...(route.body === undefined ? {} : { body: route.body })
  })

const megabytes = (bytes: number) => round(bytes / 1024 / 1024, 1)

/** One measured run: autocannon's figures plus every process's CPU over the run. */
export const run = async (
  server: Running,
  apiKey: string,
  route: Route,
  simulatorPid: number,
  seconds: number = DURATION_SECONDS
) => {
  const sim0 = cpuMicros(simulatorPid)
  const srv0 = cpuMicros(server.pid)
  const self0 = process.cpuUsage()
  const result = await load(server, apiKey, route, seconds)
  const self = process.cpuUsage(self0)
  const wallMicros = result.duration * 1_000_000
  const simulator = cpuMicros(simulatorPid) - sim0
  const serverCpu = cpuMicros(server.pid) - srv0
  const generator = self.user + self.system
  return {
    requests: result.requests.total,
    rps: round(result.requests.average, 0),
    p50Millis: result.latency.p50,
    p99Millis: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    serverCores: round(serverCpu / wallMicros, 2),
    serverCpuMicrosPerRequest: round(serverCpu / Math.max(1, result.requests.total), 0),
    simulatorCores: round(simulator / wallMicros, 2),
    loadGeneratorCores: round(generator / wallMicros, 2),
    simulatorCpuShare: round(simulator / (simulator + serverCpu + generator), 3)
  }
}

export const gatewayBenches = async (
  servers: Servers,
  simulatorPid: number
): Promise<ReadonlyArray<Result>> => {
  const results: Array<Result> = []
  const rssBefore = { gateway: rssBytes(servers.gateway.pid), baseline: rssBytes(servers.baseline.pid) }
  // The gateway's floor: `GET /health` goes through the same server, HttpApi router and edge
  // middleware as every route, with no API key check and no upstream call.
  await load(servers.gateway, servers.apiKey, health, WARMUP_SECONDS)
  const healthRun = await run(servers.gateway, servers.apiKey, health, simulatorPid, FLOOR_SECONDS)
  const floor = {
    route: "GET /health (HttpApi + edge middleware, no auth, no upstream)",
    rps: healthRun.rps,
    serverCores: healthRun.serverCores,
    serverCpuMicrosPerRequest: healthRun.serverCpuMicrosPerRequest
  }
  const sides = ["gateway", "baseline", "quiet"] as const
  for (const route of routes) {
    for (const which of sides) {
      await load(servers[which], servers.apiKey, route, WARMUP_SECONDS)
    }
    const rounds: Array<Record<(typeof sides)[number], Awaited<ReturnType<typeof run>>>> = []
    for (let index = 0; index < ROUNDS; index++) {
      const order = index % 2 === 0 ? sides : ([...sides].reverse() as ReadonlyArray<(typeof sides)[number]>)
      const figures: Partial<Record<(typeof sides)[number], Awaited<ReturnType<typeof run>>>> = {}
      for (const which of order) {
        figures[which] = await run(servers[which], servers.apiKey, route, simulatorPid)
      }
      rounds.push(figures as Record<(typeof sides)[number], Awaited<ReturnType<typeof run>>>)
    }
    const roundRatios = rounds.map((figures) => round(figures.gateway.rps / figures.baseline.rps, 2))
    const ratio = round(median(roundRatios), 2)
    // The figures shown are the round whose ratio is the median; errors count over every round.
    const figures = rounds[roundRatios.indexOf(ratio)] ?? rounds[0]!
    const quiet = figures.quiet
    const kasir = {
      ...figures.gateway,
      errors: rounds.reduce((sum, each) => sum + each.gateway.errors, 0),
      roundRatios: roundRatios.join(" / "),
      rssFirstStartMB: megabytes(servers.firstStartRssBytes),
      rssBeforeMB: megabytes(rssBefore.gateway),
      rssAfterMB: megabytes(rssBytes(servers.gateway.pid)),
      // The same gateway without the access log line: its rps, and the line's CPU per request.
      accessLogOffRps: quiet.rps,
      accessLogOffRatio: round(quiet.rps / figures.baseline.rps, 2),
      accessLogOffErrors: quiet.errors,
      accessLogCpuMicrosPerRequest:
        figures.gateway.serverCpuMicrosPerRequest - quiet.serverCpuMicrosPerRequest
    }
    const baseline = {
      ...figures.baseline,
      rssBeforeMB: megabytes(rssBefore.baseline),
      rssAfterMB: megabytes(rssBytes(servers.baseline.pid))
    }
    results.push({
      name: route.name,
      kasir,
      baseline,
      ratio,
      target: `rps ≥ ${RPS_TARGET} × baseline (issue 14; issue 7 asked ≥ 0.6), 0 errors, RSS < ${RSS_LIMIT_MB} MB`,
      met: ratio >= RPS_TARGET && kasir.errors === 0 && kasir.rssAfterMB < RSS_LIMIT_MB,
      floor,
      note: `autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up per side, then ${ROUNDS} rounds of ${DURATION_SECONDS} s per side in alternating order (ratio: median of the per-round ratios); RSS after load on a reopened data directory (first start on a fresh one, initdb: rssFirstStartMB); on ${os.availableParallelism()} cores shared by load generator, server and simulator (separate processes); baseline: a node:http pass-through doing the same signed upstream call (API key digest check, no logging, no schema validation); both servers run with node ${serverNodeOptions.join(" ")}`
    })
  }
  return results
}
