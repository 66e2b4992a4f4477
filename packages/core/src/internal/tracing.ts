/**
 * Spans only when someone is tracing. `Effect.fn` and `Effect.annotateCurrentSpan` cost
 * 100–180 µs per call even when the spans go to Effect's built-in tracer, which nobody reads. A
 * client decides once, when its layer is built, whether a tracer is configured (any tracer other
 * than the built-in one, with tracing enabled) and builds its operations traced or untraced.
 *
 * @internal
 */
import { Context, DefaultServices, Effect, FiberRef, Tracer } from "effect"

const builtIn = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/**
 * Whether a tracer is configured where this effect runs (e.g. `NodeSdk.layer` from
 * `@effect/opentelemetry`, or `Effect.withTracer`). Read once, at layer construction.
 *
 * @internal
 */
export const configured: Effect.Effect<boolean> = Effect.zipWith(
  Effect.tracer,
  FiberRef.get(FiberRef.currentTracerEnabled),
  (tracer, enabled) => enabled && tracer !== builtIn
)

/**
 * The operation builders a client uses: with tracing, `Effect.fn(name)` and span annotations;
 * without, `Effect.fnUntraced` and nothing.
 *
 * @internal
 */
export interface Operations {
  readonly traced: boolean
  readonly fn: (name: string) => typeof Effect.fnUntraced
  readonly annotate: (attributes: Record<string, unknown>) => Effect.Effect<void>
}

/** @internal */
export const operations = (traced: boolean): Operations =>
  traced
    ? {
        traced,
        fn: (name) => Effect.fn(name) as unknown as typeof Effect.fnUntraced,
        annotate: (attributes) => Effect.annotateCurrentSpan(attributes)
      }
    : { traced, fn: () => Effect.fnUntraced, annotate: () => Effect.void }

/** `operations` for where the layer is being built. @internal */
export const current: Effect.Effect<Operations> = Effect.map(configured, operations)
