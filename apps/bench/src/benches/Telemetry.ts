/**
 * `gateway.telemetry.nicepay.balance`: what observability costs the gateway (issue 15). Two
 * gateways in front of the same sandbox, under the same autocannon load, alternating:
 *
 * - on: `OTEL_EXPORTER_OTLP_ENDPOINT` at a stand-in OTLP/HTTP collector in its own process (so
 *   its work neither competes with the load generator inside this process nor hides in its CPU),
 *   so every request is a trace (server span, operation span, upstream attempt) exported in
 *   batches, metrics exported over OTLP every `METRIC_EXPORT_INTERVAL_MILLIS`, and `/metrics`
 *   scraped every `SCRAPE_INTERVAL_MILLIS`;
 * - off: no OTEL variables and `KASIR_METRICS=off` (the clients stay untraced).
 *
 * Both sides are warmed up with the same load for `WARMUP_SECONDS` first: the gateway's CPU per
 * request falls by half or more over its first 20–30 s under load (V8 optimising the hot paths),
 * so a short warm-up compares cold code, and the side with more code (telemetry on) is colder
 * longer. The warm-up is measured in slices and reported, so the plateau can be seen (measured:
 * the first 5 s slice cost 1.2–7× the CPU per request of the last one, on both sides, more on a
 * loaded machine).
 *
 * The ratio is the median over rounds of on-rps / off-rps; target ≥ 0.9. Server CPU per request
 * is reported for both, with the median of its per-round ratio: on 2 shared cores the gateway
 * rarely gets a whole core, so CPU per request is the steadier figure of what telemetry costs.
 *
 * `KASIR_BENCH_ON_SIDE=metrics` runs the "on" side with metrics and the `/metrics` scrape only (no
 * OTEL variables): what metrics cost alone.
 *
 * `KASIR_BENCH_CPU_PROF=<dir>` runs both gateways with `node --cpu-prof` into that directory (the
 * profiles are for reading; the figures of such a run include the profiler's cost).
 */
import { randomBytes } from "node:crypto"
import * as os from "node:os"
import * as path from "node:path"
import { cpuMicros, paths, type Running, serverNodeOptions, start } from "../Proc.js"
import type { Result } from "../Result.js"
import { median, round } from "../Stats.js"
import { gatewayEnv, routes, run } from "./Gateway.js"

const WARMUP_SLICE_SECONDS = 5
const WARMUP_SLICES = 6
const WARMUP_SECONDS = WARMUP_SLICE_SECONDS * WARMUP_SLICES
// Prometheus's built-in scrape interval is 1 min and its example configuration uses 15 s; the
// OTel SDK's metric export default is 60 s. The bench uses the shorter 15 s for both (a 1 s export
// is not a deployment setting, and it charged the "on" side a full export every second). `KASIR_BENCH_EXPORT_INTERVAL_MILLIS` overrides both, to compare.
const INTERVAL_MILLIS = Number(process.env.KASIR_BENCH_EXPORT_INTERVAL_MILLIS ?? 15_000)
const METRIC_EXPORT_INTERVAL_MILLIS = INTERVAL_MILLIS
const SCRAPE_INTERVAL_MILLIS = INTERVAL_MILLIS
const ROUNDS = 4
const ROUND_SECONDS = 8
const TARGET = 0.9
// Every request is traced unless `KASIR_BENCH_TRACES_SAMPLER` (and `_ARG`) name an OpenTelemetry
// sampler for the "on" side, e.g. `parentbased_traceidratio` and `0.1`: what sampling buys.
const sampler: Record<string, string> = Object.fromEntries(
  [
    ["OTEL_TRACES_SAMPLER", process.env.KASIR_BENCH_TRACES_SAMPLER],
    ["OTEL_TRACES_SAMPLER_ARG", process.env.KASIR_BENCH_TRACES_SAMPLER_ARG]
  ].filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
)
const samplerNote =
  sampler.OTEL_TRACES_SAMPLER === undefined
    ? "every request traced"
    : `sampler ${Object.values(sampler).join(" ")}`

type Figure = Awaited<ReturnType<typeof run>>

interface Received {
  readonly requests: number
  readonly bytes: number
  readonly traces: number
  readonly metrics: number
}

const received = async (receiver: Running): Promise<Received> =>
  (await (await fetch(`${receiver.url}/received`)).json()) as Received

export const telemetryBench = async (
  sandboxUrl: string,
  simulatorPid: number,
  logDir: string
): Promise<Result> => {
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const env = await gatewayEnv(sandboxUrl, apiKey)
  const profileDir = process.env.KASIR_BENCH_CPU_PROF
  const profiled =
    profileDir === undefined
      ? serverNodeOptions
      : [...serverNodeOptions, "--cpu-prof", `--cpu-prof-dir=${profileDir}`]
  const receiver = await start({
    name: "otlp-receiver",
    script: paths.otlpReceiver,
    args: (port) => ["--port", String(port)],
    readyPath: "/received",
    logFile: path.join(logDir, "otlp-receiver.log")
  })
  const servers: Record<"on" | "off", Running> = {
    on: await start({
      name: "gateway-telemetry-on",
      script: paths.gateway,
      env: {
        ...env,
        KASIR_ACCESS_LOG: "false",
        ...(process.env.KASIR_BENCH_ON_SIDE === "metrics"
          ? {}
          : {
              OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
              OTEL_SERVICE_NAME: "kasir-bench",
              OTEL_METRIC_EXPORT_INTERVAL: String(METRIC_EXPORT_INTERVAL_MILLIS),
              ...sampler
            })
      },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-telemetry-on.log"),
      nodeOptions: profiled
    }),
    off: await start({
      name: "gateway-telemetry-off",
      script: paths.gateway,
      env: { ...env, KASIR_ACCESS_LOG: "false", KASIR_METRICS: "off" },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-telemetry-off.log"),
      nodeOptions: profiled
    })
  }
  const scrapes = { count: 0, bytes: 0 }
  const scrape = () =>
    fetch(`${servers.on.url}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        scrapes.count++
        scrapes.bytes += text.length
      })
      .catch(() => undefined)
  // The load generator's own scrapes run only while the "on" side is under load.
  const withScraper = async <A>(which: "on" | "off", body: () => Promise<A>): Promise<A> => {
    // A scrape at the start of each "on" run, then every interval: at least as often as a
    // Prometheus server scraping at that interval would.
    if (which === "on") void scrape()
    const scraper = which === "on" ? setInterval(scrape, SCRAPE_INTERVAL_MILLIS) : undefined
    try {
      return await body()
    } finally {
      if (scraper !== undefined) clearInterval(scraper)
    }
  }
  try {
    const route = routes[0]!
    // Warm-up, interleaved slice by slice so that both sides see the same machine; CPU per
    // request of each slice is kept to show where it levels off.
    const warmup: Record<"on" | "off", Array<number>> = { on: [], off: [] }
    for (let slice = 0; slice < WARMUP_SLICES; slice++) {
      for (const which of ["on", "off"] as const) {
        const figure = await withScraper(which, () =>
          run(servers[which], apiKey, route, simulatorPid, WARMUP_SLICE_SECONDS)
        )
        warmup[which].push(figure.serverCpuMicrosPerRequest)
      }
    }
    const receiverCpu0 = cpuMicros(receiver.pid)
    // Measured rounds in alternating order (on/off, off/on, …), so drift in the machine's load
    // falls on both sides; each round's on/off ratio compares two runs seconds apart.
    const rounds: Array<Record<"on" | "off", Figure>> = []
    for (let index = 0; index < ROUNDS; index++) {
      const order: ReadonlyArray<"on" | "off"> = index % 2 === 0 ? ["on", "off"] : ["off", "on"]
      const pair: Partial<Record<"on" | "off", Figure>> = {}
      for (const which of order) {
        pair[which] = await withScraper(which, () =>
          run(servers[which], apiKey, route, simulatorPid, ROUND_SECONDS)
        )
      }
      rounds.push(pair as Record<"on" | "off", Figure>)
    }
    const receiverCpuMicros = cpuMicros(receiver.pid) - receiverCpu0
    const merge = (figures: ReadonlyArray<Figure>, warm: ReadonlyArray<number>) => ({
      requests: figures.reduce((sum, f) => sum + f.requests, 0),
      rps: round(median(figures.map((f) => f.rps)), 0),
      p50Millis: round(median(figures.map((f) => f.p50Millis)), 2),
      p99Millis: round(median(figures.map((f) => f.p99Millis)), 2),
      errors: figures.reduce((sum, f) => sum + f.errors, 0),
      serverCpuMicrosPerRequest: round(median(figures.map((f) => f.serverCpuMicrosPerRequest)), 0),
      serverCores: round(median(figures.map((f) => f.serverCores)), 2),
      loadGeneratorCores: round(median(figures.map((f) => f.loadGeneratorCores)), 2),
      roundRps: figures.map((f) => f.rps).join(" / "),
      roundCpuMicrosPerRequest: figures.map((f) => f.serverCpuMicrosPerRequest).join(" / "),
      warmupCpuMicrosPerRequest: warm.join(" / ")
    })
    const got = await received(receiver)
    const onRequests = rounds.reduce((sum, r) => sum + r.on.requests, 0)
    const cpuRatio = round(
      median(rounds.map((r) => r.on.serverCpuMicrosPerRequest / r.off.serverCpuMicrosPerRequest)),
      2
    )
    const on = {
      ...merge(
        rounds.map((r) => r.on),
        warmup.on
      ),
      cpuPerRequestVsOff: cpuRatio,
      otlpExports: got.requests,
      otlpTraceExports: got.traces,
      otlpMetricExports: got.metrics,
      otlpBytes: got.bytes,
      receiverCpuMicrosPerRequest: round(receiverCpuMicros / Math.max(1, onRequests), 1),
      metricsScrapes: scrapes.count
    }
    const off = merge(
      rounds.map((r) => r.off),
      warmup.off
    )
    const ratio = round(median(rounds.map((r) => r.on.rps / r.off.rps)), 2)
    return {
      name: "gateway.telemetry.nicepay.balance",
      kasir: on,
      baseline: off,
      ratio,
      target: `rps with tracing + metrics export ≥ ${TARGET} × without (issue 15), 0 errors, spans received`,
      met: ratio >= TARGET && on.errors === 0 && off.errors === 0 && got.traces > 0,
      note: `GET /v1/nicepay/balance, autocannon as the gateway benches, ${WARMUP_SECONDS} s warm-up per side (${WARMUP_SLICES} interleaved slices), then ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per side, ratio = median of per-round on/off rps (cpuPerRequestVsOff: the same for server CPU per request); on: OTLP/HTTP JSON traces (batched; ${samplerNote}) + OTLP metrics every ${METRIC_EXPORT_INTERVAL_MILLIS / 1000} s to a receiver in its own process + /metrics scraped every ${SCRAPE_INTERVAL_MILLIS / 1000} s; off: no OTEL_*, KASIR_METRICS=off; access log off on both; ${os.availableParallelism()} cores shared`
    }
  } finally {
    await Promise.all([servers.on.stop(), servers.off.stop(), receiver.stop()])
  }
}
