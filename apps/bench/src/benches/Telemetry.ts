/**
 * `gateway.telemetry.nicepay.balance`: what observability costs the gateway (issue 15). Two
 * gateways in front of the same sandbox, under the same autocannon load, alternating:
 *
 * - on: `OTEL_EXPORTER_OTLP_ENDPOINT` at a local OTLP/HTTP receiver (in the bench process), so
 *   every request is a trace (server span, operation span, upstream attempt) exported in batches,
 *   metrics exported over OTLP every second, and `/metrics` scraped every second;
 * - off: no OTEL variables and `KASIR_METRICS=off` (the clients stay untraced).
 *
 * The ratio is on-rps / off-rps; target ≥ 0.9.
 */
import { randomBytes } from "node:crypto"
import { once } from "node:events"
import { createServer } from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import { paths, type Running, serverNodeOptions, start } from "../Proc.js"
import type { Result } from "../Result.js"
import { round } from "../Stats.js"
import { gatewayEnv, load, routes, run } from "./Gateway.js"

const WARMUP_SECONDS = 2
const TARGET = 0.9

// Counts what arrives; answers every export at once.
const receiver = async () => {
  const received = { requests: 0, bytes: 0 }
  const server = createServer((request, response) => {
    request.on("data", (chunk: Buffer) => {
      received.bytes += chunk.length
    })
    request.on("end", () => {
      received.requests++
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, received, close: () => server.close() }
}

export const telemetryBench = async (
  sandboxUrl: string,
  simulatorPid: number,
  logDir: string
): Promise<Result> => {
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const env = await gatewayEnv(sandboxUrl, apiKey)
  const otlp = await receiver()
  const servers: Record<"on" | "off", Running> = {
    on: await start({
      name: "gateway-telemetry-on",
      script: paths.gateway,
      env: {
        ...env,
        KASIR_ACCESS_LOG: "false",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_SERVICE_NAME: "kasir-bench",
        OTEL_METRIC_EXPORT_INTERVAL: "1000"
      },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-telemetry-on.log"),
      nodeOptions: serverNodeOptions
    }),
    off: await start({
      name: "gateway-telemetry-off",
      script: paths.gateway,
      env: { ...env, KASIR_ACCESS_LOG: "false", KASIR_METRICS: "off" },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-telemetry-off.log"),
      nodeOptions: serverNodeOptions
    })
  }
  try {
    const route = routes[0]!
    for (const which of ["on", "off"] as const) await load(servers[which], apiKey, route, WARMUP_SECONDS)
    const scrapes = { count: 0, bytes: 0 }
    const figures: Record<string, Awaited<ReturnType<typeof run>>> = {}
    // Two rounds in alternating order, so drift in the machine's load falls on both sides.
    for (const [roundIndex, order] of [
      ["on", "off"],
      ["off", "on"]
    ].entries()) {
      for (const which of order as ReadonlyArray<"on" | "off">) {
        const scraper =
          which === "on"
            ? setInterval(() => {
                fetch(`${servers.on.url}/metrics`)
                  .then((r) => r.text())
                  .then((text) => {
                    scrapes.count++
                    scrapes.bytes += text.length
                  })
                  .catch(() => undefined)
              }, 1000)
            : undefined
        const figure = await run(servers[which], apiKey, route, simulatorPid)
        if (scraper !== undefined) clearInterval(scraper)
        const key = `${which}${roundIndex}`
        figures[key] = figure
      }
    }
    const merge = (a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) => ({
      requests: a.requests + b.requests,
      rps: round((a.rps + b.rps) / 2, 0),
      p50Millis: round((a.p50Millis + b.p50Millis) / 2, 2),
      p99Millis: round((a.p99Millis + b.p99Millis) / 2, 2),
      errors: a.errors + b.errors,
      serverCpuMicrosPerRequest: round((a.serverCpuMicrosPerRequest + b.serverCpuMicrosPerRequest) / 2, 0),
      roundRps: `${a.rps} / ${b.rps}`
    })
    const on = {
      ...merge(figures.on0!, figures.on1!),
      otlpExports: otlp.received.requests,
      otlpBytes: otlp.received.bytes,
      metricsScrapes: scrapes.count
    }
    const off = merge(figures.off0!, figures.off1!)
    const ratio = round(on.rps / off.rps, 2)
    return {
      name: "gateway.telemetry.nicepay.balance",
      kasir: on,
      baseline: off,
      ratio,
      target: `rps with tracing + metrics export ≥ ${TARGET} × without (issue 15), 0 errors, spans received`,
      met: ratio >= TARGET && on.errors === 0 && off.errors === 0 && otlp.received.requests > 0,
      note: `GET /v1/nicepay/balance, autocannon as the gateway benches, two alternating rounds per side; on: OTLP/HTTP JSON traces (batched) + OTLP metrics every 1 s to a receiver in the bench process + /metrics scraped every 1 s; off: no OTEL_*, KASIR_METRICS=off; access log off on both; ${os.availableParallelism()} cores shared`
    }
  } finally {
    await Promise.all([servers.on.stop(), servers.off.stop()])
    otlp.close()
  }
}
