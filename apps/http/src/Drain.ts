/**
 * Graceful shutdown for the Node server.
 *
 * Effect 3's Node server forks each request onto the runtime, unowned by any scope: its finalizer
 * only calls `server.close()`, and the layers the handlers use (HTTP clients, the embedded
 * sandbox) may be torn down under a request still running. So the gateway counts in-flight
 * requests itself (for readiness and logs), and the drain step — the first finalizer to run on
 * SIGTERM/SIGINT — marks the gateway not ready, stops accepting connections, waits until every
 * connection has finished its response (up to the deadline), and only then lets the rest of the
 * application close.
 *
 * @since 0.1.0
 */
import type { Server } from "node:http"
import { Context, Duration, Effect, Fiber, Layer } from "effect"

/**
 * Counts the requests being served.
 *
 * @since 0.1.0
 */
export class InFlight extends Context.Tag("@kasir/http/InFlight")<
  InFlight,
  {
    /** Runs `self` counted as one in-flight request (released on success, failure or interruption). */
    readonly track: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    readonly active: Effect.Effect<number>
    /** True once shutdown has begun: not ready, and connections are closed after each response. */
    readonly draining: Effect.Effect<boolean>
    readonly beginDraining: Effect.Effect<void>
    /** Interrupts every request still in flight (past the deadline), ending their upstream calls. */
    readonly abandon: Effect.Effect<void>
  }
>() {}

/**
 * @since 0.1.0
 */
export const makeInFlight: Effect.Effect<Context.Tag.Service<InFlight>> = Effect.sync(() => {
  const active = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  let draining = false
  return {
    track: <A, E, R>(self: Effect.Effect<A, E, R>) =>
      Effect.withFiberRuntime<A, E, R>((fiber) => {
        active.add(fiber)
        return Effect.ensuring(
          self,
          Effect.sync(() => {
            active.delete(fiber)
          })
        )
      }),
    active: Effect.sync(() => active.size),
    draining: Effect.sync(() => draining),
    beginDraining: Effect.sync(() => {
      draining = true
    }),
    abandon: Effect.suspend(() => Effect.forEach(Array.from(active), Fiber.interruptFork, { discard: true }))
  }
})

/**
 * @since 0.1.0
 */
export const layerInFlight: Layer.Layer<InFlight> = Layer.effect(InFlight, makeInFlight)

/**
 * The drain step, as a layer with nothing but a finalizer. Build it after the server layers so
 * that it is released before them.
 *
 * @since 0.1.0
 */
export const layerGracefulShutdown = (options: {
  readonly server: Server
  readonly timeout: Duration.Duration
}): Layer.Layer<never, never, InFlight> =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const inFlight = yield* InFlight
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* inFlight.beginDraining
          const started = Date.now()
          const pending = yield* inFlight.active
          yield* Effect.logInfo("shutdown: draining").pipe(
            Effect.annotateLogs({ inFlight: pending, deadlineMillis: Duration.toMillis(options.timeout) })
          )
          // Stop accepting. Node closes idle keep-alive sockets now and busy ones after their response
          // (which carries `Connection: close`); the callback fires once the last socket is gone, so
          // every response has been flushed, not just produced.
          // Finalizers run uninterruptibly: the wait must be made interruptible for the deadline to cut it.
          const closed = yield* Effect.async<boolean>((resume) => {
            options.server.close(() => resume(Effect.succeed(true)))
          }).pipe(
            Effect.interruptible,
            Effect.timeoutTo({ duration: options.timeout, onSuccess: (done) => done, onTimeout: () => false })
          )
          const abandoned = yield* inFlight.active
          if (!closed) {
            // Past the deadline: end the stragglers (their upstream calls are aborted with them),
            // so that nothing keeps the clients or the embedded sandbox from closing.
            yield* inFlight.abandon
            options.server.closeAllConnections()
          }
          yield* Effect.logInfo(
            closed ? "shutdown: drained" : "shutdown: deadline reached, connections closed"
          ).pipe(Effect.annotateLogs({ durationMillis: Date.now() - started, abandoned }))
        })
      )
    })
  )
