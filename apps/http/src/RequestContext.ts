/**
 * What the gateway knows about the request being served: its id, its route, which upstream
 * operations it called, how it ended. Filled in along the way, written once as the access log line.
 *
 * It lives in a FiberRef rather than a service so that handlers can record into it without the
 * HttpApi groups requiring a per-request service at layer-build time.
 */
import { Effect, FiberRef } from "effect"
import * as Problem from "./Problem.js"
import type { Route } from "./Routes.js"

export interface RequestState {
  readonly requestId: string
  readonly method: string
  /** The path as requested, without the query string. */
  readonly path: string
  /** The route aimed at (template e.g. `/v1/ayoconnect/payments/:refNumber`), when there is one. */
  readonly route: Route | undefined
  /** Upstream operations called while serving, in order (e.g. `ayoconnect.payment`). */
  readonly operations: Array<string>
  /**
   * The money references (idempotency keys such as `refNumber`) the request is about, as far as
   * they are known: path parameters, and whatever a handler records. Never secrets.
   */
  readonly references: Record<string, string>
  /** The problem type slug when the request ended in a problem. */
  outcome: string | undefined
  /** A short fingerprint of the API key used (never the key). */
  caller: string | undefined
}

export const current: FiberRef.FiberRef<RequestState | undefined> = FiberRef.unsafeMake<
  RequestState | undefined
>(undefined)

/**
 * Records that an upstream operation is being called for this request.
 */
export const recordOperation = (operation: string): Effect.Effect<void> =>
  Effect.map(FiberRef.get(current), (state) => {
    state?.operations.push(operation)
  })

/**
 * Records a money reference (e.g. `refNumber`, `partnerReferenceNo`) the request is about, so that
 * a shutdown that abandons the request can say which payment's outcome is unknown.
 */
export const recordReference = (name: string, value: string): Effect.Effect<void> =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.references[name] = value
  })

/**
 * Records the API key fingerprint of the caller.
 */
export const recordCaller = (fingerprint: string): Effect.Effect<void> =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.caller = fingerprint
  })

/**
 * Records how the request ended, for answers that are not problems (e.g. SNAP acknowledgements).
 */
export const recordOutcome = (outcome: string): Effect.Effect<void> =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.outcome = outcome
  })

/**
 * Builds a problem for the current request: `instance` and `requestId` filled in, and the
 * request's outcome recorded for the access log.
 */
export const problem = <S extends Problem.Status>(
  status: S,
  slug: string,
  detail: string,
  extra?: Omit<Partial<Problem.Fields>, "type" | "status" | "detail" | "instance" | "requestId">
): Effect.Effect<ReturnType<typeof Problem.make<S>>> =>
  Effect.map(FiberRef.get(current), (state) => {
    if (state !== undefined) state.outcome = slug
    return Problem.make(status, slug, detail, {
      ...extra,
      ...(state === undefined ? {} : { instance: state.path, requestId: state.requestId })
    })
  })

/**
 * Fails with a problem for the current request.
 */
export const fail = <S extends Problem.Status>(
  status: S,
  slug: string,
  detail: string,
  extra?: Omit<Partial<Problem.Fields>, "type" | "status" | "detail" | "instance" | "requestId">
): Effect.Effect<never, ReturnType<typeof Problem.make<S>>> =>
  Effect.flatMap(problem(status, slug, detail, extra), Effect.fail)
