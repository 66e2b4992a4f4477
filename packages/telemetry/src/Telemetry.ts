/**
 * Traces and metrics out of a kasir process, configured the way every OpenTelemetry SDK is: by
 * the standard `OTEL_*` environment variables.
 *
 * - Traces go out over OTLP/HTTP (JSON) when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
 *   `OTEL_EXPORTER_OTLP_ENDPOINT` is set, batched (`BatchSpanProcessor`), sampled per
 *   `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, with `OTEL_SERVICE_NAME` and
 *   `OTEL_RESOURCE_ATTRIBUTES` on the resource and `OTEL_EXPORTER_OTLP_HEADERS` on the requests.
 * - Effect metrics (kasir's and any others in the global registry) go out over OTLP/HTTP when
 *   `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set, every
 *   `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60 000).
 * - Nothing is set, `OTEL_SDK_DISABLED=true`, or `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`
 *   is `none`: nothing is exported, no tracer is installed, and kasir's clients stay untraced
 *   (they decide once, when their layers are built — see `@kasir/core`'s `Tracing`). Configure
 *   this layer before (outside) the layers that should be traced.
 *
 * The layer flushes on release: spans and metrics still buffered when the process ends are sent
 * (bounded by a shutdown timeout), so a CLI command's trace is complete.
 */
import * as OtelResource from "@effect/opentelemetry/Resource"
import { Config, type ConfigError, Effect, Layer, Option } from "effect"

/**
 * What the environment asks for.
 */
export interface Settings {
  /** Export traces (an OTLP traces endpoint is configured and nothing disables them). */
  readonly traces: boolean
  /** Export metrics over OTLP. */
  readonly metrics: boolean
  /** `OTEL_METRIC_EXPORT_INTERVAL`, in milliseconds. */
  readonly metricExportIntervalMillis: number
}

const optionalString = (name: string) =>
  Config.string(name).pipe(Config.option, Config.map(Option.filter((value) => value.trim() !== "")))

/**
 * The settings, from `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` and `OTEL_METRIC_EXPORT_INTERVAL`.
 */
export const settings: Config.Config<Settings> = Config.all({
  disabled: Config.boolean("OTEL_SDK_DISABLED").pipe(Config.withDefault(false)),
  tracesExporter: Config.string("OTEL_TRACES_EXPORTER").pipe(Config.withDefault("otlp")),
  metricsExporter: Config.string("OTEL_METRICS_EXPORTER").pipe(Config.withDefault("otlp")),
  endpoint: optionalString("OTEL_EXPORTER_OTLP_ENDPOINT"),
  tracesEndpoint: optionalString("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
  metricsEndpoint: optionalString("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
  interval: Config.integer("OTEL_METRIC_EXPORT_INTERVAL").pipe(
    Config.validate({ message: "must be a positive number of milliseconds", validation: (n) => n > 0 }),
    Config.withDefault(60_000)
  )
}).pipe(
  Config.map((env) => ({
    traces:
      !env.disabled &&
      env.tracesExporter.trim().toLowerCase() !== "none" &&
      (Option.isSome(env.tracesEndpoint) || Option.isSome(env.endpoint)),
    metrics:
      !env.disabled &&
      env.metricsExporter.trim().toLowerCase() !== "none" &&
      (Option.isSome(env.metricsEndpoint) || Option.isSome(env.endpoint)),
    metricExportIntervalMillis: env.interval
  }))
)

/**
 * What the process is, for the resource (`OTEL_SERVICE_NAME` overrides `serviceName`).
 */
export interface Options {
  readonly serviceName: string
  readonly serviceVersion?: string | undefined
  /** How long shutdown may spend flushing (default 3 s). */
  readonly shutdownTimeout?: number | undefined
}

/**
 * The resource: `service.name` (from `OTEL_SERVICE_NAME`, else `options.serviceName`),
 * `service.version`, and `OTEL_RESOURCE_ATTRIBUTES`.
 */
export const layerResource = (options: Options): Layer.Layer<OtelResource.Resource> =>
  Layer.unwrapEffect(
    Effect.map(Effect.orDie(optionalString("OTEL_SERVICE_NAME")), (name) =>
      OtelResource.layerFromEnv({
        "service.name": Option.getOrElse(name, () => options.serviceName),
        ...(options.serviceVersion === undefined ? {} : { "service.version": options.serviceVersion })
      })
    )
  )

/**
 * The exporters the environment asks for. Provide it to (around) the layers that should be
 * traced; with nothing configured it is empty and costs nothing: the OpenTelemetry SDK is loaded
 * only when something is exported (it is about 12 MB of resident memory in a process that never
 * uses it).
 */
export const layer = (options: Options): Layer.Layer<never, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.flatMap(settings, (configured) =>
      configured.traces || configured.metrics
        ? Effect.map(
            Effect.promise(() => import("./internal/exporters.js")),
            (exporters) => exporters.layer(options, configured)
          )
        : Effect.succeed(Layer.empty)
    )
  )
