/**
 * "Tracing on" for the benches: a tracer that is configured (so kasir builds its operations and
 * HTTP exchanges traced) and creates Effect's native spans, but exports nothing. It counts the
 * spans, so a run can show that they were there. The cost it measures is the spans themselves,
 * the least any real tracer adds (an exporter such as OpenTelemetry's costs more on top).
 */
import { Effect, Layer, Tracer } from "effect"

export interface CountingTracer {
  readonly tracer: Tracer.Tracer
  readonly spans: () => number
  /** Configures the tracer for the layers it is provided to (build them after it). */
  readonly layer: Layer.Layer<never>
}

export const countingTracer = (): CountingTracer => {
  const native = Effect.runSync(Effect.tracer)
  let spans = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      spans++
      return native.span(name, parent, context, links, startTime, kind, options)
    },
    context: native.context
  })
  return { tracer, spans: () => spans, layer: Layer.setTracer(tracer) }
}
