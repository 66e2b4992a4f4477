/**
 * The gateway's own metrics and where the Prometheus scrape is served.
 *
 * Every request is recorded at the edge, after the response is built: its duration in
 * `http_server_request_duration_seconds` by method, route template (never the concrete path:
 * references are not labels), and status; requests being served in `http_server_active_requests`.
 * Names and labels are the OpenTelemetry HTTP semantic conventions in Prometheus form.
 *
 * The scrape (`GET /metrics`, Prometheus text) is served:
 * - on the gateway's port, without an API key, like `/health` (the default);
 * - on its own port with `KASIR_METRICS_PORT` (and `KASIR_METRICS_HOST`, default `HOST`), so it can
 *   be bound to an internal interface; the gateway's `/metrics` then answers 404;
 * - nowhere with `KASIR_METRICS=off` (OTLP export, when configured, still runs).
 *
 * Before each scrape the ledger's `kasir_ledger_entries` gauge is refreshed (`Ledger.EntryCounts`,
 * one grouped COUNT), when the gateway has a ledger.
 */
import { Metrics as CoreMetrics } from "@kasir/core"
import { Prometheus } from "@kasir/telemetry"
import { createServer } from "node:http"
import {
  Config,
  type ConfigError,
  Context,
  Effect,
  Layer,
  Metric,
  Option,
  Runtime,
  Schema,
  type Scope
} from "effect"
import * as Ledger from "./Ledger.js"

/**
 * Request durations by `http_request_method`, `http_route` and `http_response_status_code`.
 */
export const requestDuration = Metric.histogram(
  "http_server_request_duration_seconds",
  CoreMetrics.latencyBoundaries,
  "Duration of HTTP requests served by the gateway, by method, route template and status"
)

/**
 * Requests being served now.
 */
export const activeRequests = Metric.counter("http_server_active_requests", {
  description: "HTTP requests the gateway is serving now"
})

const recordDuration = CoreMetrics.recorder(
  requestDuration,
  "http_request_method",
  "http_route",
  "http_response_status_code"
)
const recordActive = CoreMetrics.recorder(activeRequests)

// Methods outside the standard set are one label value, as the semantic conventions say.
const knownMethods = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"])

/**
 * Records one served request (the edge middleware calls it once per response).
 */
export const recordRequest = (method: string, route: string, status: number, seconds: number): void =>
  recordDuration(seconds, knownMethods.has(method) ? method : "_OTHER", route, String(status))

/**
 * Counts a request in (`+1`) or out (`-1`).
 */
export const recordActiveRequest = (delta: 1 | -1): void => recordActive(delta)

/**
 * Where the scrape goes.
 */
export type Exposure =
  | { readonly _tag: "Off" }
  | { readonly _tag: "Gateway" }
  | { readonly _tag: "Port"; readonly port: number; readonly host: Option.Option<string> }

/**
 * `KASIR_METRICS` (`on` / `off`, default on), `KASIR_METRICS_PORT`, `KASIR_METRICS_HOST`.
 */
export const exposure: Config.Config<Exposure> = Config.all({
  enabled: Config.literal("on", "off")("KASIR_METRICS").pipe(Config.withDefault("on" as const)),
  port: Config.option(
    Config.integer("KASIR_METRICS_PORT").pipe(
      Config.validate({
        message: "expected a port number from 0 to 65535",
        validation: (n) => n >= 0 && n <= 65535
      })
    )
  ),
  host: Config.option(Config.nonEmptyString("KASIR_METRICS_HOST"))
}).pipe(
  Config.map(({ enabled, port, host }): Exposure => {
    if (enabled === "off") return { _tag: "Off" }
    return Option.isSome(port) ? { _tag: "Port", port: port.value, host } : { _tag: "Gateway" }
  })
)

/**
 * The scrape the gateway's own `/metrics` route serves; absent when the scrape is elsewhere or off.
 */
export class GatewayScrape extends Context.Tag("@kasir/http/GatewayScrape")<
  GatewayScrape,
  Option.Option<Effect.Effect<string>>
>() {}

/**
 * The separate metrics server could not listen (the port is taken, the host is not local, …).
 */
export class MetricsServerError extends Schema.TaggedError<MetricsServerError>()("MetricsServerError", {
  host: Schema.String,
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `metrics server (KASIR_METRICS_PORT) cannot listen on ${this.host}:${this.port}: ${this.reason}`
  }
}

/**
 * A separate server answering `GET /metrics` only (everything else 404), for `KASIR_METRICS_PORT`.
 * It is closed with the gateway.
 */
export const serveSeparately = (
  scrape: Effect.Effect<string>,
  port: number,
  host: string
): Effect.Effect<{ readonly port: number }, MetricsServerError, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromise(runtime)
    const server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0]
      if (path !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n")
        return
      }
      run(scrape).then(
        (text) => {
          response.writeHead(200, { "content-type": Prometheus.contentType })
          response.end(request.method === "HEAD" ? undefined : text)
        },
        () => response.writeHead(500).end()
      )
    })
    yield* Effect.acquireRelease(
      Effect.async<void, MetricsServerError>((resume) => {
        server.once("error", (error: NodeJS.ErrnoException) =>
          resume(Effect.fail(new MetricsServerError({ host, port, reason: error.code ?? error.message })))
        )
        server.listen(port, host, () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const bound = typeof address === "object" && address !== null ? address.port : port
    yield* Effect.logInfo(`metrics listening on http://${host}:${bound}/metrics`)
    return { port: bound }
  })

/**
 * The scrape for the configured exposure: the gateway's route gets it, or a separate port serves
 * it, or nothing does.
 */
export const layer = (
  defaultHost: string
): Layer.Layer<GatewayScrape, ConfigError.ConfigError | MetricsServerError> =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const where = yield* exposure
      if (where._tag === "Off") return Layer.succeed(GatewayScrape, Option.none())
      const prometheus = Prometheus.layer({ serviceName: "kasir-gateway" })
      // The scrape, after the ledger's gauge is refreshed (when there is a ledger).
      const scrape = Effect.gen(function* () {
        const p = yield* Prometheus.Prometheus
        const counts = yield* Effect.serviceOption(Ledger.EntryCounts)
        return Option.match(counts, {
          onNone: () => p.scrape,
          onSome: (entries) => Effect.zipRight(entries.refresh, p.scrape)
        })
      })
      if (where._tag === "Gateway") {
        return Layer.effect(GatewayScrape, Effect.map(scrape, Option.some)).pipe(Layer.provide(prometheus))
      }
      return Layer.scoped(
        GatewayScrape,
        Effect.gen(function* () {
          yield* serveSeparately(
            yield* scrape,
            where.port,
            Option.getOrElse(where.host, () => defaultHost)
          )
          return Option.none()
        })
      ).pipe(Layer.provide(prometheus))
    })
  )
