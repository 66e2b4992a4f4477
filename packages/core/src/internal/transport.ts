/**
 * The lean transport's machinery: one keep-alive undici `Pool` per origin and one exchange =
 * `dispatch` with a handler that collects the body into one buffer. No streams, no web
 * `Response`, no AbortController (undici hands the handler an abort function; interruption calls
 * it), and, when asked, the per-attempt deadline as one timer armed with the request.
 *
 * @internal
 */
import { Headers, type HttpClientRequest, UrlParams } from "@effect/platform"
import { Clock, Context, DefaultServices, Effect, Either, type Fiber, FiberRef } from "effect"
import { type Dispatcher, Pool } from "undici"

/** @internal */
export const TypeId: unique symbol = Symbol.for("@kasir/core/Transport")

/** @internal */
export type TypeId = typeof TypeId

/** A complete answer: status, headers (as undici parsed them) and the body's bytes. @internal */
export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: Buffer
}

/**
 * Why an exchange failed. `phase` says how far it got: `connect` (no socket, nothing sent),
 * `request` (the request may have been written), `response` (headers arrived, the body did not).
 *
 * @internal
 */
export type Failure =
  | { readonly _tag: "InvalidUrl"; readonly cause: unknown }
  | { readonly _tag: "Encode"; readonly description: string }
  | { readonly _tag: "Transport"; readonly phase: "request" | "response"; readonly cause: unknown }
  | { readonly _tag: "Deadline"; readonly timeoutMillis: number }

/** What a lean client carries under `TypeId`. @internal */
export interface Lean {
  /**
   * One exchange. With `timeoutMillis`, the whole exchange (connect, send, headers, body) runs
   * under one timer on the live clock; under any other `Clock` the deadline is an Effect sleep on
   * that clock, so `TestClock` drives it.
   */
  readonly exchange: (
    request: HttpClientRequest.HttpClientRequest,
    timeoutMillis: number | undefined
  ) => Effect.Effect<Answer, Failure>
  /** Whether spans were switched on when the transport was built (a tracer was configured). */
  readonly traced: boolean
}

/** @internal */
export const isLean = (u: unknown): u is { readonly [TypeId]: Lean } =>
  typeof u === "object" && u !== null && TypeId in u

// ---------------------------------------------------------------------------------------------
// pools

/** @internal */
export interface PoolOptions {
  readonly connections: number | undefined
  readonly keepAliveTimeoutMillis: number
}

/** One keep-alive `Pool` per origin, created on first use and closed together. @internal */
export class Pools {
  private readonly pools = new Map<string, Pool>()
  private closed = false
  constructor(private readonly options: PoolOptions) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin)
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.options.connections ?? null,
        keepAliveTimeout: this.options.keepAliveTimeoutMillis
      })
      if (!this.closed) this.pools.set(origin, pool)
    }
    return pool
  }

  close(): Promise<void> {
    this.closed = true
    const all = [...this.pools.values()]
    this.pools.clear()
    // `destroy`, not `close`: on shutdown nothing waits for requests a fiber has given up on.
    return Promise.all(all.map((pool) => pool.destroy())).then(() => undefined)
  }
}

// ---------------------------------------------------------------------------------------------
// one exchange

interface Target {
  readonly origin: string
  readonly path: string
}

const target = (request: HttpClientRequest.HttpClientRequest): Either.Either<Target, Failure> => {
  // The common case (no separate query parameters, no hash) parses the URL once.
  if (request.urlParams.length === 0 && request.hash._tag === "None") {
    try {
      const url = new URL(request.url)
      return Either.right({ origin: url.origin, path: `${url.pathname}${url.search}` })
    } catch (cause) {
      return Either.left({ _tag: "InvalidUrl", cause })
    }
  }
  return Either.match(UrlParams.makeUrl(request.url, request.urlParams, request.hash), {
    onLeft: (cause): Either.Either<Target, Failure> => Either.left({ _tag: "InvalidUrl", cause }),
    onRight: (url) => Either.right({ origin: url.origin, path: `${url.pathname}${url.search}` })
  })
}

type Body = string | Uint8Array | null

const bodyOf = (
  request: HttpClientRequest.HttpClientRequest
): Either.Either<{ readonly body: Body; readonly contentType: string | undefined }, Failure> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Either.right({ body: null, contentType: undefined })
    case "Uint8Array":
      // The exact bytes the caller serialised (and signed).
      return Either.right({ body: body.body, contentType: body.contentType })
    case "Raw":
      if (typeof body.body === "string" || body.body instanceof Uint8Array) {
        return Either.right({ body: body.body, contentType: body.contentType })
      }
      return Either.left({ _tag: "Encode", description: "a raw body must be a string or bytes" })
    default:
      return Either.left({
        _tag: "Encode",
        description: `the lean transport sends bytes only, not a ${body._tag} body`
      })
  }
}

const headersOf = (
  headers: Headers.Headers,
  contentType: string | undefined
): Record<string, string> | Array<string> => {
  if (contentType === undefined || "content-type" in headers) return headers
  const flat: Array<string> = ["content-type", contentType]
  for (const name of Object.keys(headers)) flat.push(name, headers[name]!)
  return flat
}

const aborted = new Error("aborted by the caller")

/**
 * The dispatch handler: status and headers once, the body's chunks into one list, one callback.
 * `settle` runs at most once, whichever comes first: the end of the body, an error, the deadline
 * or the caller's abort.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined
  private done = false
  private status = 0
  private headers: Answer["headers"] = {}
  private chunks: Array<Buffer> = []
  private length = 0
  private phase: "request" | "response" = "request"
  timer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor(private readonly resume: (result: Either.Either<Answer, Failure>) => void) {}

  settle(result: Either.Either<Answer, Failure>): void {
    if (this.done) return
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.resume(result)
  }

  /** Ends the exchange from outside (interruption, deadline); undici closes the request. */
  abort(failure: Failure | undefined): void {
    if (this.done) return
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.controller?.abort(aborted)
    if (failure !== undefined) this.resume(Either.left(failure))
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Aborted while the request waited for a connection: it never leaves.
    if (this.done) controller.abort(aborted)
    else this.controller = controller
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Answer["headers"]
  ): void {
    this.phase = "response"
    this.status = statusCode
    this.headers = headers
    this.chunks = []
    this.length = 0
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length)
    this.settle(Either.right({ status: this.status, headers: this.headers, body }))
  }

  onResponseError(_controller: Dispatcher.DispatchController, cause: Error): void {
    this.settle(Either.left({ _tag: "Transport", phase: this.phase, cause }))
  }
}

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

const onLiveClock = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  Context.get(
    fiber.getFiberRef(
      DefaultServices.currentServices as FiberRef.FiberRef<Context.Context<DefaultServices.DefaultServices>>
    ),
    Clock.Clock
  ) === liveClock

const fromEither = (result: Either.Either<Answer, Failure>): Effect.Effect<Answer, Failure> =>
  result._tag === "Right" ? Effect.succeed(result.right) : Effect.fail(result.left)

/**
 * Dispatches one request. The deadline timer (when `timeoutMillis` is given and the clock is the
 * live one) is armed before the request is handed to undici and covers the whole exchange.
 *
 * @internal
 */
export const exchange =
  (pools: Pools) =>
  (
    request: HttpClientRequest.HttpClientRequest,
    timeoutMillis: number | undefined
  ): Effect.Effect<Answer, Failure> =>
    Effect.withFiberRuntime<Answer, Failure>((fiber) => {
      const where = target(request)
      if (where._tag === "Left") return Effect.fail(where.left)
      const payload = bodyOf(request)
      if (payload._tag === "Left") return Effect.fail(payload.left)
      const live = timeoutMillis !== undefined && onLiveClock(fiber)
      const options: Dispatcher.DispatchOptions = {
        origin: where.right.origin,
        path: where.right.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: headersOf(request.headers, payload.right.contentType),
        body: payload.right.body
      }
      const run = Effect.async<Answer, Failure>((resume) => {
        const handler = new Exchange((result) => resume(fromEither(result)))
        if (live) {
          handler.timer = setTimeout(() => handler.abort({ _tag: "Deadline", timeoutMillis }), timeoutMillis)
        }
        try {
          pools.get(where.right.origin).dispatch(options, handler)
        } catch (cause) {
          // undici rejected the options before queueing anything (e.g. an invalid header).
          handler.settle(Either.left({ _tag: "Encode", description: String(cause) }))
        }
        return Effect.sync(() => handler.abort(undefined))
      })
      if (timeoutMillis === undefined || live) return run
      // Another clock (TestClock): the deadline is a sleep on it.
      return Effect.timeoutFail(run, {
        duration: timeoutMillis,
        onTimeout: (): Failure => ({ _tag: "Deadline", timeoutMillis })
      })
    })

/** A header record as `@effect/platform` keeps it, built on demand from undici's. @internal */
export const toHeaders = (headers: Answer["headers"]): Headers.Headers => Headers.fromInput(headers)

// Whether a header is one whose value never goes on a span: the names `Headers.redact` would
// redact (strings compared lower-case, or patterns) plus the client's own secret headers.
const isSecret = (
  name: string,
  configured: ReadonlyArray<string | RegExp>,
  secret: ReadonlySet<string>
): boolean => {
  if (secret.has(name)) return true
  for (const entry of configured) {
    if (typeof entry === "string" ? entry.toLowerCase() === name : entry.test(name)) return true
  }
  return false
}

/**
 * The exchange inside a client span like `@effect/platform`'s (`http.client <METHOD>`, kind
 * client, the method, server, URL and status attributes, the request headers with secret ones
 * redacted), for transports built while a tracer was configured. Trace-context headers are never
 * added: upstreams do not get them.
 *
 * Response headers are not recorded (OpenTelemetry's `http.response.header.*` is opt-in): they
 * carried nothing the status and the operation span's upstream code do not, and were a third of
 * the attributes a request exported (issue 15's overhead).
 *
 * @internal
 */
export const traced = (
  run: (
    request: HttpClientRequest.HttpClientRequest,
    timeoutMillis: number | undefined
  ) => Effect.Effect<Answer, Failure>,
  secretHeaderNames: ReadonlyArray<string>
) => {
  const secret = new Set(secretHeaderNames.map((name) => name.toLowerCase()))
  return (
    request: HttpClientRequest.HttpClientRequest,
    timeoutMillis: number | undefined
  ): Effect.Effect<Answer, Failure> =>
    Effect.useSpan(`http.client ${request.method}`, { kind: "client", captureStackTrace: false }, (span) =>
      Effect.flatMap(FiberRef.get(Headers.currentRedactedNames), (configured) => {
        const url = Either.getOrUndefined(UrlParams.makeUrl(request.url, request.urlParams, request.hash))
        span.attribute("http.request.method", request.method)
        if (url !== undefined) {
          span.attribute("server.address", url.origin)
          if (url.port !== "") span.attribute("server.port", +url.port)
          span.attribute("url.full", url.toString())
          span.attribute("url.path", url.pathname)
          span.attribute("url.scheme", url.protocol.slice(0, -1))
          const query = url.search.slice(1)
          if (query !== "") span.attribute("url.query", query)
        }
        const headers = request.headers
        for (const name in headers) {
          span.attribute(
            `http.request.header.${name}`,
            isSecret(name, configured, secret) ? "<redacted>" : headers[name]!
          )
        }
        // The exchange makes no spans of its own: no parent to set for it.
        return Effect.tap(run(request, timeoutMillis), (answer) => {
          span.attribute("http.response.status_code", answer.status)
        })
      })
    )
}
