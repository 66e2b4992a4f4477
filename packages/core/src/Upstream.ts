/**
 * The HTTP exchange with an upstream, shared by every provider module.
 *
 * One attempt = send the request and read the whole body, under one per-attempt timeout (a body
 * that stalls half-way is a timeout too). Transport trouble becomes one of two typed errors that
 * say whether the request may have reached the upstream — the fact money-moving calls need to
 * decide between "safe to resend" and "outcome unknown". Retrying is the caller's decision
 * (`retryReads`), because only the caller knows whether the operation is safe to repeat and each
 * attempt may need a fresh timestamp and signature.
 *
 * Over the lean transport (`Transport`, kasir's default) the per-attempt timeout is one timer
 * inside the exchange and the answer is read straight from undici's buffers. Over any other
 * `HttpClient` the exchange goes through `client.execute` under `Effect.timeoutFail`, as before.
 * Either way the errors, their `sent` flag and the timeout's behaviour under `TestClock` are the
 * same.
 */
import { Headers, HttpClient, type HttpClientError, type HttpClientRequest } from "@effect/platform"
import { Duration, Effect, type Exit, Schedule, Schema } from "effect"
import type { ErrorKind } from "./ErrorKind.js"
import * as Lean from "./internal/transport.js"
import * as Metrics from "./Metrics.js"
import * as KasirError from "./KasirError.js"

/**
 * The headers whose values are secrets, for both upstreams. They are redacted in spans and logs.
 */
export const sensitiveHeaderNames: ReadonlyArray<string> = [
  "authorization",
  "token",
  "key",
  "x-signature",
  "x-client-key",
  "x-client-secret",
  "x-api-key",
  "cookie",
  "set-cookie"
]

/**
 * No complete response arrived within the per-attempt timeout. The request was (or may have
 * been) sent, so for a money-moving call the outcome is unknown.
 */
export class UpstreamTimeout extends Schema.TaggedError<UpstreamTimeout>()("UpstreamTimeout", {
  upstream: Schema.String,
  operation: Schema.String,
  timeoutMillis: Schema.Number
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return KasirError.providerOf(this.upstream)
  }

  get kind(): ErrorKind {
    return "Timeout"
  }

  override get message(): string {
    return `${this.upstream} ${this.operation}: no complete response within ${this.timeoutMillis} ms`
  }
}

/**
 * The upstream could not be reached or answered with something that is not an API response
 * (connection refused or reset, TLS failure). `sent` is false only when the request provably never
 * left this process (connection refused, unknown host, invalid URL).
 */
export class UpstreamUnavailable extends Schema.TaggedError<UpstreamUnavailable>()("UpstreamUnavailable", {
  upstream: Schema.String,
  operation: Schema.String,
  reason: Schema.String,
  sent: Schema.Boolean
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return KasirError.providerOf(this.upstream)
  }

  get kind(): ErrorKind {
    return "Unavailable"
  }

  override get message(): string {
    return `${this.upstream} ${this.operation}: upstream unavailable (${this.reason})`
  }
}

/**
 * A transport-level failure of one attempt.
 */
export type TransportError = UpstreamTimeout | UpstreamUnavailable

/**
 * A complete HTTP response, body read as text (the exact bytes decoded as UTF-8).
 */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: string
}

/**
 * Labels and limits of one exchange.
 */
export interface ExchangeOptions {
  readonly upstream: string
  readonly operation: string
  readonly timeout: Duration.DurationInput
}

// Error codes that prove the connection was never established, so nothing was sent.
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

const causeCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const toUnavailable = (
  error: HttpClientError.HttpClientError,
  options: ExchangeOptions
): UpstreamUnavailable => {
  const code = causeCode(error.cause)
  const notSent =
    error._tag === "RequestError" && (error.reason !== "Transport" || notSentCodes.has(code ?? ""))
  return new UpstreamUnavailable({
    upstream: options.upstream,
    operation: options.operation,
    reason: code === undefined ? `${error._tag} ${error.reason}` : `${error.reason} ${code}`,
    sent: !notSent
  })
}

// The lean transport also knows these never left: undici refused the options, the pool was
// closed, or no connection came up in time.
const leanNotSentCodes = new Set([
  ...notSentCodes,
  "UND_ERR_INVALID_ARG",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
  "UND_ERR_CONNECT_TIMEOUT"
])

const leanFailure = (failure: Lean.Failure, options: ExchangeOptions): TransportError => {
  const labels = { upstream: options.upstream, operation: options.operation }
  switch (failure._tag) {
    case "Deadline":
      return new UpstreamTimeout({ ...labels, timeoutMillis: failure.timeoutMillis })
    case "InvalidUrl":
      return new UpstreamUnavailable({ ...labels, reason: "RequestError InvalidUrl", sent: false })
    case "Encode":
      return new UpstreamUnavailable({ ...labels, reason: "RequestError Encode", sent: false })
    case "Transport": {
      const code = causeCode(failure.cause)
      // The same reasons `toUnavailable` gives for `@effect/platform`'s request / response errors.
      const reason =
        failure.phase === "request"
          ? code === undefined
            ? "RequestError Transport"
            : `Transport ${code}`
          : code === undefined
            ? "ResponseError Decode"
            : `Decode ${code}`
      const sent = failure.phase === "response" || !leanNotSentCodes.has(code ?? "")
      return new UpstreamUnavailable({ ...labels, reason, sent })
    }
  }
}

// A response read by the lean transport; its headers are converted only when someone reads them.
class LeanResponse implements RawResponse {
  readonly status: number
  readonly body: string
  private readonly source: Lean.Answer["headers"]
  private converted: Headers.Headers | undefined = undefined
  constructor(answer: Lean.Answer) {
    this.status = answer.status
    this.body = answer.body.toString("utf8")
    this.source = answer.headers
  }
  get headers(): Headers.Headers {
    if (this.converted === undefined) this.converted = Lean.toHeaders(this.source)
    return this.converted
  }
}

const toLeanResponse = (answer: Lean.Answer): RawResponse => new LeanResponse(answer)

/**
 * Sends one request and reads the complete body under one per-attempt timeout. Never retries.
 * Secret headers are redacted from spans; trace headers are not sent upstream. Each attempt is
 * recorded in `Metrics.upstreamRequestDuration` (provider, operation, outcome).
 */
export const exchange = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  options: ExchangeOptions
): Effect.Effect<RawResponse, TransportError> =>
  Effect.clockWith((clock) => {
    const started = clock.unsafeCurrentTimeNanos()
    return Effect.onExit(send(client, request, options), (exit) =>
      Effect.sync(() =>
        recordAttempt(
          Number(clock.unsafeCurrentTimeNanos() - started) / 1e9,
          options.upstream,
          options.operation,
          attemptOutcome(exit)
        )
      )
    )
  })

// Every attempt goes into `kasir_upstream_request_duration_seconds`.
const recordAttempt = Metrics.recorder(Metrics.upstreamRequestDuration, "provider", "operation", "outcome")

const attemptOutcome = (exit: Exit.Exit<RawResponse, TransportError>): string =>
  exit._tag === "Success"
    ? "answered"
    : exit.cause._tag !== "Fail"
      ? "interrupted"
      : exit.cause.error._tag === "UpstreamTimeout"
        ? "timeout"
        : "unavailable"

const send = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  options: ExchangeOptions
): Effect.Effect<RawResponse, TransportError> => {
  if (Lean.isLean(client)) {
    // The deadline is inside the transport; its spans redact the secret headers themselves.
    return Effect.mapBoth(client[Lean.TypeId].exchange(request, Duration.toMillis(options.timeout)), {
      onFailure: (failure) => leanFailure(failure, options),
      onSuccess: toLeanResponse
    })
  }
  return client.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(
        response.text,
        (body): RawResponse => ({ status: response.status, headers: response.headers, body })
      )
    ),
    // No `Effect.scoped`: `execute` needs no Scope here (the response is released by reading its
    // body, or aborted on interruption), and an empty scope per call costs ~14 µs.
    Effect.mapError((error) => toUnavailable(error, options)),
    Effect.timeoutFail({
      duration: options.timeout,
      onTimeout: () =>
        new UpstreamTimeout({
          upstream: options.upstream,
          operation: options.operation,
          timeoutMillis: Duration.toMillis(options.timeout)
        })
    }),
    Effect.locally(Headers.currentRedactedNames, sensitiveHeaderNames)
  )
}

/**
 * Prepares an `HttpClient` for upstream use: no trace-context headers leak to the provider. The
 * lean transport never sends them, so it is returned as it is (and keeps its in-transport
 * deadline).
 */
export const prepareClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  Lean.isLean(client) ? client : HttpClient.withTracerPropagation(client, false)

/**
 * How reads are retried: bounded exponential backoff with jitter.
 */
export interface RetryPolicy {
  /** Attempts after the first. 0 disables retrying. */
  readonly retries: number
  /** The first backoff; each next one doubles (then jittered between 80 % and 120 %). */
  readonly baseDelay: Duration.DurationInput
  /** No single backoff exceeds this. */
  readonly maxDelay: Duration.DurationInput
}

/**
 * Defaults: 3 retries after 200 ms, 400 ms, 800 ms (±20 % jitter), capped at 5 s.
 */
export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelay: "200 millis", maxDelay: "5 seconds" }

/**
 * The schedule a `RetryPolicy` describes.
 */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<unknown> => {
  const cap = Duration.decode(policy.maxDelay)
  return Schedule.exponential(policy.baseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((delay) => Duration.min(delay, cap)),
    Schedule.intersect(Schedule.recurs(policy.retries))
  )
}

/**
 * Retries an effect that is safe to repeat (a read) while its error is transient. The effect is
 * re-run whole, so each attempt builds its own request: fresh timestamp, id and signature.
 */
export const retryReads = <E>(
  policy: RetryPolicy,
  isTransient: (error: E) => boolean
): (<A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) => {
  if (policy.retries <= 0) return (self) => self
  // Built once per policy, not per call.
  const options = { schedule: retrySchedule(policy), while: isTransient }
  // The first attempt runs bare; `Effect.retry` (schedule driver, context per attempt) is only set up
  // after it fails, and is handed that failure as its own first attempt — the same attempts, delays
  // and outcome as retrying `self` from the start.
  return (self) =>
    Effect.catchAll(self, (error) => {
      let first = true
      const replay = Effect.suspend(() => {
        if (!first) return self
        first = false
        return Effect.fail(error)
      })
      return Effect.retry(replay, options)
    })
}

/**
 * Whether a failure is transport-level and therefore worth retrying for a read.
 */
export const isTransportError = (error: unknown): error is TransportError =>
  isTimeout(error) || isUnavailable(error)

const isTimeout = Schema.is(UpstreamTimeout)
const isUnavailable = Schema.is(UpstreamUnavailable)
