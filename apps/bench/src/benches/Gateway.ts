/**
 * `gateway.nicepay.balance` and `gateway.ayoconnect.inquiry`: the built gateway
 * (`apps/http/dist/main.js`) under autocannon at 64 connections, its upstreams a sandbox in a
 * separate process configured as real upstreams, beside the node:http pass-through baseline in
 * front of the same sandbox. Kasir and baseline runs alternate per route. A second gateway with
 * `KASIR_ACCESS_LOG=false` runs beside them, to show what the access log line costs.
 */
import { createHash, randomBytes } from "node:crypto"
import * as os from "node:os"
import * as path from "node:path"
import autocannon from "autocannon"
import { cpuMicros, paths, type Running, rssBytes, serverNodeOptions, start } from "../Proc.js"
import type { Result } from "../Result.js"
import { round } from "../Stats.js"
import { AYOCONNECT_DEMO, INQUIRY } from "./Core.js"

const CONNECTIONS = 64
const DURATION_SECONDS = 10
const WARMUP_SECONDS = 2
const FLOOR_SECONDS = 5
const RSS_LIMIT_MB = 200
const RPS_TARGET = 0.45

export interface Servers {
  readonly gateway: Running
  /** The same gateway with `KASIR_ACCESS_LOG=false`. */
  readonly quiet: Running
  readonly baseline: Running
  readonly apiKey: string
  readonly stop: () => Promise<void>
}

const demoNicepay = async () => {
  const { Nicepay } = await import("@kasir/sandbox")
  return Nicepay.Demo
}

/** The gateway and the pass-through, both pointed at the sandbox with the same credentials. */
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

export const startServers = async (sandboxUrl: string, logDir: string): Promise<Servers> => {
  const demo = await demoNicepay()
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const env = {
    KASIR_API_KEYS: createHash("sha256").update(apiKey).digest("hex"),
    AYOCONNECT_BASE_URL: sandboxUrl,
    AYOCONNECT_API_KEY: AYOCONNECT_DEMO.apiKey,
    AYOCONNECT_API_SECRET: AYOCONNECT_DEMO.secret,
    NICEPAY_BASE_URL: `${sandboxUrl}/nicepay`,
    NICEPAY_CLIENT_ID: demo.CLIENT_ID,
    NICEPAY_CLIENT_SECRET: demo.CLIENT_SECRET,
    NICEPAY_PRIVATE_KEY: demo.PRIVATE_KEY
  }
  const gateway = await start({
    name: "gateway",
    script: paths.gateway,
    env,
    readyPath: "/health",
    logFile: path.join(logDir, "gateway.log"),
    nodeOptions: serverNodeOptions
  })
  const quiet = await start({
    name: "gateway-quiet",
    script: paths.gateway,
    env: { ...env, KASIR_ACCESS_LOG: "false" },
    readyPath: "/health",
    logFile: path.join(logDir, "gateway-quiet.log"),
    nodeOptions: serverNodeOptions
  })
  const baseline = await start({
    name: "passthrough",
    script: paths.passthrough,
    env,
    readyPath: "/health",
    logFile: path.join(logDir, "passthrough.log"),
    nodeOptions: serverNodeOptions
  })
  return {
    gateway,
    quiet,
    baseline,
    apiKey,
    stop: async () => {
      await Promise.all([gateway.stop(), quiet.stop(), baseline.stop()])
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
  for (const [index, route] of routes.entries()) {
    await load(servers.gateway, servers.apiKey, route, WARMUP_SECONDS)
    await load(servers.quiet, servers.apiKey, route, WARMUP_SECONDS)
    await load(servers.baseline, servers.apiKey, route, WARMUP_SECONDS)
    const order =
      index % 2 === 0
        ? (["gateway", "baseline", "quiet"] as const)
        : (["quiet", "baseline", "gateway"] as const)
    const figures: Record<string, Awaited<ReturnType<typeof run>>> = {}
    for (const which of order) {
      figures[which] = await run(servers[which], servers.apiKey, route, simulatorPid)
    }
    const quiet = figures.quiet!
    const kasir = {
      ...figures.gateway!,
      rssBeforeMB: megabytes(rssBefore.gateway),
      rssAfterMB: megabytes(rssBytes(servers.gateway.pid)),
      // The same gateway without the access log line: its rps, and the line's CPU per request.
      accessLogOffRps: quiet.rps,
      accessLogOffRatio: round(quiet.rps / figures.baseline!.rps, 2),
      accessLogOffErrors: quiet.errors,
      accessLogCpuMicrosPerRequest:
        figures.gateway!.serverCpuMicrosPerRequest - quiet.serverCpuMicrosPerRequest
    }
    const baseline = {
      ...figures.baseline!,
      rssBeforeMB: megabytes(rssBefore.baseline),
      rssAfterMB: megabytes(rssBytes(servers.baseline.pid))
    }
    const ratio = round(kasir.rps / baseline.rps, 2)
    results.push({
      name: route.name,
      kasir,
      baseline,
      ratio,
      target: `rps ≥ ${RPS_TARGET} × baseline (issue 14; issue 7 asked ≥ 0.6), 0 errors, RSS < ${RSS_LIMIT_MB} MB`,
      met: ratio >= RPS_TARGET && kasir.errors === 0 && kasir.rssAfterMB < RSS_LIMIT_MB,
      floor,
      note: `autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per side after ${WARMUP_SECONDS} s warm-up, on ${os.availableParallelism()} cores shared by load generator, server and simulator (separate processes); baseline: a node:http pass-through doing the same signed upstream call (API key digest check, no logging, no schema validation); both servers run with node ${serverNodeOptions.join(" ")}`
    })
  }
  return results
}
