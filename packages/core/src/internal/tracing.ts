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
 * The operation builders a client uses: with tracing, a span per call named `name` and span
 * annotations; without, `Effect.fnUntraced` and nothing.
 *
 * @internal
 */
export interface Operations {
  readonly traced: boolean
  readonly fn: (name: string) => typeof Effect.fnUntraced
  readonly annotate: (attributes: Record<string, unknown>) => Effect.Effect<void>
}

const spanOptions = { captureStackTrace: false } as const

/**
 * `Effect.fn(name)` without its stack capture: `Effect.fn` makes an `Error` on every call (the
 * call site, for the span's trace in `Cause.pretty`), which was a measurable part of what tracing
 * cost per request (issue 15). The span is the same — name, parent, attributes, status, the
 * exception on failure — only the source location is not attached to it. The body (a generator,
 * as every client operation is) and the pipeables run as `Effect.fnUntraced` runs them, inside
 * the span.
 *
 * @internal
 */
export const spanned = (name: string): typeof Effect.fnUntraced =>
  ((body: Function, ...pipeables: Array<Function>) => {
    const untraced = (Effect.fnUntraced as Function)(body, ...pipeables) as (
      ...args: Array<unknown>
    ) => Effect.Effect<unknown, unknown, unknown>
    const call = function (this: unknown, ...args: Array<unknown>) {
      return Effect.withSpan(untraced.apply(this, args), name, spanOptions)
    }
    return Object.defineProperty(call, "length", { value: body.length, configurable: true })
  }) as unknown as typeof Effect.fnUntraced

/**
 * `Effect.annotateCurrentSpan` without its failure path: that reads the current span through
 * `Effect.currentPropagatedSpan`, which fails with a `NoSuchElementException` (an `Error`, its
 * stack captured) whenever the span is a no-op one — every call of a request that tracing left
 * unsampled. The attributes go on the operation's own span; a no-op span takes none.
 */
const annotateCurrentSpan = (attributes: Record<string, unknown>): Effect.Effect<void> =>
  Effect.contextWith((context: Context.Context<never>) => {
    const span = Context.getOrElse(context, Tracer.ParentSpan, () => undefined)
    if (span?._tag !== "Span") return
    for (const key in attributes) span.attribute(key, attributes[key])
  })

/** @internal */
export const operations = (traced: boolean): Operations =>
  traced
    ? {
        traced,
        fn: spanned,
        annotate: annotateCurrentSpan
      }
    : { traced, fn: () => Effect.fnUntraced, annotate: () => Effect.void }

/** `operations` for where the layer is being built. @internal */
export const current: Effect.Effect<Operations> = Effect.map(configured, operations)
