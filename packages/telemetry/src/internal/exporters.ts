/**
 * The OpenTelemetry SDK side of `Telemetry.layer`: the tracer provider with its batch processor
 * and OTLP/HTTP exporter, the tracer, and the metric reader. Loaded by `Telemetry.layer` only
 * when the environment asks for an export.
 *
 * @internal
 */
import * as OtelMetrics from "@effect/opentelemetry/Metrics"
import * as OtelResource from "@effect/opentelemetry/Resource"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Context, DefaultServices, Effect, Layer, Tracer } from "effect"
import { layerResource, type Options, type Settings } from "../Telemetry.js"

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
// links and the inbound `traceparent` work the same without it. The fiber runtime calls `context`
// around every instruction, so it is the built-in tracer's own function: one call target, which
// V8 inlines (a function of our own, however trivial, measured 1 % of the gateway's CPU).
const builtInContext = Context.get(DefaultServices.liveServices, Tracer.Tracer).context
const layerTracer = Layer.unwrapEffect(
  Effect.map(OtelTracer.make, (otel) =>
    Layer.setTracer(Tracer.make({ span: otel.span, context: builtInContext }))
  )
)

/** The exporters `configured` asks for. @internal */
export const layer = (options: Options, configured: Settings): Layer.Layer<never> => {
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
  return Layer.mergeAll(traces, metrics).pipe(Layer.provide(layerResource(options)))
}
