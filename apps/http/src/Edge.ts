/**
 * What happens to every request at the edge of the gateway, around the HttpApi:
 *
 * - a request id (the caller's `X-Request-Id` when it is a sane token, else a fresh UUID), echoed
 *   on the response and attached to every log line of the request;
 * - the body limits: every route below reads its body through `Body.bounded`; the rest of a body
 *   refused before it was read whole (a 401 before the body, a 413) is discarded up to
 *   `Body.lingerBytes`, then the connection is cut;
 * - in-flight counting for the graceful drain, and `Connection: close` once draining;
 * - problem+json for whatever the HttpApi did not answer itself (unknown routes, defects) —
 *   never a stack trace;
 * - one structured access log line: request id, method, route, status, duration, upstream
 *   operations, outcome, caller fingerprint (`AccessLog.ts`). Never headers or bodies.
 *   `KASIR_ACCESS_LOG=false` turns it off (the request id still goes on every other log line);
 * - the request metrics (`Metrics.ts`): requests in flight, and the duration by method, route
 *   template and status;
 * - with a tracer configured, the server span of the request (joined to the caller's
 *   `traceparent`, no headers on it).
 */
import { type HttpApp, HttpServerRequest, HttpServerResponse, HttpTraceContext } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { randomUUID } from "node:crypto"
import { Cause, Effect, LogLevel, Option } from "effect"
import * as AccessLog from "./AccessLog.js"
import * as Body from "./Body.js"
import { InFlight } from "./Drain.js"
import * as Metrics from "./Metrics.js"
import * as Problem from "./Problem.js"
import * as RequestContext from "./RequestContext.js"
import { params, type Route, type RouteTable } from "./Routes.js"

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The request id to use: the caller's when it is 1–128 token characters, else a new UUID.
 */
export const requestIdFrom = (header: string | undefined): string =>
  header !== undefined && REQUEST_ID.test(header) ? header : randomUUID()

// Probes are polled every few seconds: log them only at debug level.
const quietPaths = new Set(["/health", "/ready"])

const outcomeOf = (status: number, state: RequestContext.RequestState): string =>
  state.outcome ?? (status < 300 ? "ok" : status < 500 ? "client_error" : "error")

const fallback = (cause: Cause.Cause<unknown>) =>
  Effect.gen(function* () {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure) && (failure.value as { _tag?: unknown })?._tag === "RouteNotFound") {
      return Problem.toResponse(
        yield* RequestContext.problem(404, "not-found", "No route matches this method and path.")
      )
    }
    if (Cause.isInterruptedOnly(cause)) return yield* Effect.interrupt
    // Log what broke (message only: causes can carry request material), answer without details.
    yield* Effect.logError("unhandled failure").pipe(
      Effect.annotateLogs({ error: String(Cause.squash(cause)).slice(0, 500) })
    )
    return Problem.toResponse(
      yield* RequestContext.problem(
        500,
        "internal",
        "The gateway failed unexpectedly; the request id identifies it in the logs."
      )
    )
  })

// Path parameters that are money references (`:refNumber`, `:referenceNo`); other parameters
// (an account number, say) are never copied into logs.
const referencesIn = (pathParams: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(pathParams).filter(([name]) => /ref/i.test(name)))

const leaving = Effect.sync(() => Metrics.recordActiveRequest(-1))

export interface Options {
  /**
   * The access log line: `true` (the default) writes it through the Effect logger
   * (`AccessLog.logger`), a sink writes it there (the gateway process: `AccessLog.stdout`),
   * `false` writes none.
   */
  readonly accessLog?: boolean | AccessLog.Sink | undefined
  /** A tracer is configured: make the server span (see `withServerSpan`). */
  readonly traced?: boolean | undefined
}

/**
 * The edge middleware, for `HttpApiBuilder.serve`.
 */
export const middleware =
  (routes: RouteTable, limits: Body.Limits, options: Options = {}) =>
  <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<never, R | InFlight> => {
    const accessLog =
      options.accessLog === false
        ? undefined
        : options.accessLog === true || options.accessLog === undefined
          ? AccessLog.logger
          : options.accessLog
    const traced = options.traced ?? false
    const handle = (request: HttpServerRequest.HttpServerRequest, path: string, route: Route | undefined) =>
      Effect.gen(function* () {
        const inFlight = yield* InFlight
        const started = performance.now()
        const state: RequestContext.RequestState = {
          requestId: requestIdFrom(request.headers["x-request-id"]),
          method: request.method,
          path,
          route,
          operations: [],
          references: route === undefined ? {} : referencesIn(params(route.path, path)),
          outcome: undefined,
          caller: undefined
        }
        Metrics.recordActiveRequest(1)
        const response = yield* app.pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, Body.bounded(request, limits)),
          Effect.catchAllCause(fallback),
          Effect.locally(RequestContext.current, state),
          Effect.annotateLogs({ requestId: state.requestId }),
          (self) => inFlight.track(self, state),
          Effect.ensuring(leaving)
        )
        const draining = yield* inFlight.draining
        const status = response.status
        Metrics.recordRequest(
          state.method,
          state.route?.path ?? "(unmatched)",
          status,
          (performance.now() - started) / 1000
        )
        if (accessLog !== undefined) {
          yield* accessLog.write(quietPaths.has(path) && status < 400 ? LogLevel.Debug : LogLevel.Info, {
            requestId: state.requestId,
            method: state.method,
            route: state.route?.path ?? "(unmatched)",
            status,
            durationMillis: Math.round((performance.now() - started) * 10) / 10,
            operations: state.operations,
            outcome: outcomeOf(status, state),
            caller: state.caller
          })
        }
        const withId = HttpServerResponse.setHeader(response, "x-request-id", state.requestId)
        // Refused before its body was read (401, 413): the rest is discarded, within a bound.
        const source = NodeHttpServerRequest.toIncomingMessage(request)
        if (status >= 400 && !source.complete) Body.linger(source)
        return draining ? HttpServerResponse.setHeader(withId, "connection", "close") : withId
      })
    // The path is parsed and the route matched once per request, for the span and the handling.
    return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const path = new URL(request.url, "http://gateway").pathname
      const route = routes.match(request.method, path)
      return traced
        ? withServerSpan(request, path, route, handle(request, path, route))
        : handle(request, path, route)
    })
  }

// The server span, when a tracer is configured: named `METHOD /route/template`, joined to the
// caller's `traceparent`, with the method, path, route template and status — and no headers, so
// no credential or signature an inbound request carries (`X-API-Key`, `Authorization`,
// `X-SIGNATURE` on notifications) can reach a span. (`@effect/platform`'s own server span, which
// copies every header, is turned off in `Gateway`.)
const withServerSpan = <E, R>(
  request: HttpServerRequest.HttpServerRequest,
  path: string,
  route: Route | undefined,
  handle: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.useSpan(
    route === undefined ? request.method : `${request.method} ${route.path}`,
    {
      parent: Option.getOrUndefined(HttpTraceContext.fromHeaders(request.headers)),
      kind: "server",
      captureStackTrace: false
    },
    (span) => {
      span.attribute("http.request.method", request.method)
      span.attribute("url.path", path)
      span.attribute("url.scheme", "http")
      if (route !== undefined) span.attribute("http.route", route.path)
      // A trace the sampler (or the caller's `traceparent`) left unsampled records nothing below
      // the server span either, so the request runs with tracing off: its operations, upstream
      // attempts and ledger statements make no-op spans instead of spans that would be dropped
      // (making those cost CPU even when nothing is exported).
      const traced = span.sampled
        ? Effect.withParentSpan(handle, span)
        : Effect.withTracerEnabled(handle, false)
      return Effect.tap(traced, (response) => span.attribute("http.response.status_code", response.status))
    }
  )
