/**
 * The lean transport: an `HttpClient` over undici for upstream calls, kasir's default.
 *
 * `NodeHttpClient.layerUndici` costs about twice a hand-written undici client's CPU per call:
 * a web-style response object with a body stream, an AbortController and a finalization
 * registration per request, a span per request even when nobody traces, and a per-call fiber
 * pair for the deadline. This transport keeps what kasir needs and drops the rest:
 *
 * - one keep-alive undici `Pool` per origin, closed with the layer's scope;
 * - the request body is sent as the exact bytes the caller serialised (and signed);
 * - the response body is read once, into one buffer;
 * - interruption aborts the request through undici's own abort (no AbortController);
 * - the per-attempt deadline is one timer inside the exchange (`Upstream.exchange` uses it);
 *   under any `Clock` other than the live one (e.g. `TestClock`) the deadline follows that clock;
 * - a span per request (`http.client POST`, the attributes `@effect/platform` records, secret
 *   headers redacted) only when a tracer was configured where the layer was built;
 * - no trace-context headers are ever sent (upstreams do not get them).
 *
 * It is a plain `HttpClient.HttpClient` made with `HttpClient.makeWith`, so it also works for any
 * other use (bodies must be bytes, text or empty: no streams or form data). Combinators that wrap
 * it (`HttpClient.mapRequest`, …) give an ordinary client; `Upstream.exchange` then falls back to
 * `Effect.timeoutFail`, as it does for any other `HttpClient`.
 */
import { HttpClient, type HttpClientRequest, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Layer, type Scope } from "effect"
import * as internal from "./internal/transport.js"
import * as Tracing from "./internal/tracing.js"
import { sensitiveHeaderNames } from "./Upstream.js"

export interface Options {
  /** Connections per origin; unbounded by default (as undici's default `Agent`). */
  readonly connections?: number | undefined
  /** How long an idle keep-alive connection is kept; default 4 seconds (undici's default). */
  readonly keepAlive?: Duration.DurationInput | undefined
}

// Statuses whose web `Response` may not have a body.
const nullBodyStatus = new Set([101, 103, 204, 205, 304])

const toHttpClientError = (
  request: HttpClientRequest.HttpClientRequest,
  failure: internal.Failure
): HttpClientError.HttpClientError => {
  switch (failure._tag) {
    case "InvalidUrl":
      return new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: failure.cause })
    case "Encode":
      return new HttpClientError.RequestError({ request, reason: "Encode", description: failure.description })
    case "Transport":
      return new HttpClientError.RequestError({
        request,
        reason: "Transport",
        cause: failure.cause,
        ...(failure.phase === "response"
          ? { description: "the connection failed while reading the body" }
          : {})
      })
    case "Deadline":
      return new HttpClientError.RequestError({
        request,
        reason: "Transport",
        description: `no complete response within ${failure.timeoutMillis} ms`
      })
  }
}

const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  answer: internal.Answer
): HttpClientResponse.HttpClientResponse => {
  const headers: Array<[string, string]> = []
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.push([name, v])
    else if (value !== undefined) headers.push([name, value])
  }
  const body = nullBodyStatus.has(answer.status) ? null : answer.body
  return HttpClientResponse.fromWeb(request, new Response(body, { status: answer.status, headers }))
}

/**
 * Builds the transport in a scope; its pools are destroyed when the scope closes. Whether it
 * records spans is decided here, once.
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const pools = new internal.Pools({
      connections: options.connections,
      keepAliveTimeoutMillis: Duration.toMillis(options.keepAlive ?? "4 seconds")
    })
    yield* Effect.addFinalizer(() => Effect.promise(() => pools.close()))
    const traced = yield* Tracing.configured
    const bare = internal.exchange(pools)
    const exchange = traced ? internal.traced(bare, sensitiveHeaderNames) : bare
    // The generic `HttpClient` face: the same exchange without a deadline, its answer wrapped as
    // an `HttpClientResponse` (a web `Response` over the bytes already read).
    const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (effect) =>
        Effect.flatMap(effect, (request) =>
          Effect.mapBoth(exchange(request, undefined), {
            onFailure: (failure) => toHttpClientError(request, failure),
            onSuccess: (answer) => toResponse(request, answer)
          })
        ),
      Effect.succeed
    )
    const lean: internal.Lean = { exchange, traced }
    return Object.assign(client, { [internal.TypeId]: lean })
  })

/**
 * The transport as a layer, with default options.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(HttpClient.HttpClient, make())

/**
 * The transport as a layer, with options.
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, make(options))

/**
 * Whether a client is this transport (unwrapped), so that `Upstream.exchange` can put the
 * deadline inside it.
 */
export const isTransport = (client: HttpClient.HttpClient): boolean => internal.isLean(client)

/**
 * The `HttpClient` from the context when one is provided, else a fresh lean transport in the
 * current scope: how `layerConfig` makes the transport the default while any other client still
 * works.
 */
export const fromContextOrMake: Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> = Effect.flatMap(
  Effect.serviceOption(HttpClient.HttpClient),
  (client) => (client._tag === "Some" ? Effect.succeed(client.value) : make())
)

/**
 * `fromContextOrMake` as a layer.
 */
export const layerFromContextOrMake: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  fromContextOrMake
)
