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
import * as OtelMetrics from "@effect/opentelemetry/Metrics"
import * as OtelResource from "@effect/opentelemetry/Resource"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Config, type ConfigError, Effect, Layer, Option, Tracer } from "effect"

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

const layerTracerProvider = (options: Options) =>
  Layer.scoped(
    OtelTracer.OtelTracerProvider,
    Effect.flatMap(OtelResource.Resource, (resource) =>
      Effect.acquireRelease(
        Effect.sync(
          () =>
            // The exporter reads the endpoint and headers from the OTEL_EXPORTER_OTLP_* variables;
            // the provider reads the sampler from OTEL_TRACES_SAMPLER(_ARG).
            new NodeTracerProvider({
              resource,
              spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())]
            })
        ),
        (provider) =>
          Effect.promise(() => provider.forceFlush().then(() => provider.shutdown())).pipe(
            Effect.ignoreLogged,
            Effect.interruptible,
            Effect.timeoutOption(options.shutdownTimeout ?? 3000)
          )
      )
    )
  )

// `@effect/opentelemetry`'s tracer, without its `context` hook: that hook makes the span the
// OpenTelemetry *active context* around every step of every fiber, for OpenTelemetry
// instrumentations of other libraries. kasir has none (its spans are Effect's, and the parent is
// carried by Effect), and the hook was most of the tracing cost per request. Spans, parents,
// links and the inbound `traceparent` work the same without it.
const layerTracer = Layer.unwrapEffect(
  Effect.map(OtelTracer.make, (otel) =>
    Layer.setTracer(Tracer.make({ span: otel.span, context: (execution) => execution() }))
  )
)

/**
 * The exporters the environment asks for. Provide it to (around) the layers that should be
 * traced; with nothing configured it is empty and costs nothing.
 */
export const layer = (options: Options): Layer.Layer<never, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(settings, (configured) => {
      const traces = configured.traces
        ? layerTracer.pipe(Layer.provide(OtelTracer.layerTracer), Layer.provide(layerTracerProvider(options)))
        : Layer.empty
      const metrics = configured.metrics
        ? OtelMetrics.layer(
            () =>
              new PeriodicExportingMetricReader({
                exporter: new OTLPMetricExporter(),
                exportIntervalMillis: configured.metricExportIntervalMillis,
                exportTimeoutMillis: Math.min(30_000, configured.metricExportIntervalMillis)
              }),
            { shutdownTimeout: options.shutdownTimeout ?? 3000 }
          )
        : Layer.empty
      return configured.traces || configured.metrics
        ? Layer.mergeAll(traces, metrics).pipe(Layer.provide(layerResource(options)))
        : Layer.empty
    })
  )
