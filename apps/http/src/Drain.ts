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
 */
import type { Server } from "node:http"
import { Context, Duration, Effect, Fiber, Layer } from "effect"
import type { RequestState } from "./RequestContext.js"

/**
 * Counts the requests being served.
 */
export class InFlight extends Context.Tag("@kasir/http/InFlight")<
  InFlight,
  {
    /**
     * Runs `self` counted as one in-flight request (released on success, failure or interruption).
     * `request` is what is known about it, for the warning logged if shutdown abandons it.
     */
    readonly track: <A, E, R>(self: Effect.Effect<A, E, R>, request?: RequestState) => Effect.Effect<A, E, R>
    readonly active: Effect.Effect<number>
    /** True once shutdown has begun: not ready, and connections are closed after each response. */
    readonly draining: Effect.Effect<boolean>
    readonly beginDraining: Effect.Effect<void>
    /**
     * Interrupts every request still in flight (past the deadline), ending their upstream calls,
     * and logs one WARN line per request: its id, route, upstream operations and references.
     */
    readonly abandon: Effect.Effect<void>
  }
>() {}

export const makeInFlight: Effect.Effect<Context.Tag.Service<InFlight>> = Effect.sync(() => {
  const active = new Map<Fiber.RuntimeFiber<unknown, unknown>, RequestState | undefined>()
  let draining = false
  return {
    track: <A, E, R>(self: Effect.Effect<A, E, R>, request?: RequestState) =>
      Effect.withFiberRuntime<A, E, R>((fiber) => {
        active.set(fiber, request)
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
    abandon: Effect.suspend(() =>
      Effect.forEach(
        Array.from(active),
        ([fiber, request]) => Effect.zipRight(warnAbandoned(request), Fiber.interruptFork(fiber)),
        { discard: true }
      )
    )
  }
})

// One line per abandoned request. A money call cut off here may have gone through upstream: the
// caller gets no answer, so the line names what is needed to resolve it by status. No headers,
// bodies or secrets: the request id, route, operations and references only.
const warnAbandoned = (request: RequestState | undefined): Effect.Effect<void> => {
  if (request === undefined)
    return Effect.logWarning("shutdown: abandoned an in-flight request at the deadline")
  const route = request.route?.path ?? "(unmatched)"
  const operations = request.operations.length === 0 ? "none" : request.operations.join(", ")
  const references = Object.entries(request.references)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ")
  return Effect.logWarning(
    `shutdown: abandoned request ${request.requestId} (${request.method} ${route}) at the deadline; upstream operations: ${operations}${
      references === "" ? "" : `; references: ${references}`
    }. Its outcome is unknown to the caller: resolve it by status`
  ).pipe(
    Effect.annotateLogs({
      requestId: request.requestId,
      method: request.method,
      route,
      operations: request.operations,
      references: request.references
    })
  )
}

export const layerInFlight: Layer.Layer<InFlight> = Layer.effect(InFlight, makeInFlight)

/**
 * The drain step, as a layer with nothing but a finalizer. Build it after the server layers so
 * that it is released before them.
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
