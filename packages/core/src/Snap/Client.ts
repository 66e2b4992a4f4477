/**
 * The generic SNAP signed call, for any provider.
 *
 * A call serialises its body once and signs and sends exactly those bytes. Each attempt gets its
 * own `X-TIMESTAMP` (one value, in the header and the signature), its own `X-EXTERNAL-ID` and its
 * own signature. A `401xx01` answer invalidates the cached token and the call is made once more.
 *
 * Reads (`safeToRetry: true`) are retried on transient failures with backoff and jitter.
 * Money-moving calls are sent once: when their outcome cannot be known (the connection broke after
 * sending, a 5xx or 504 code, an answer that is not a SNAP response) they fail with
 * `KasirError.OutcomeUnknown`, carrying the references needed to look the transaction up.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type Duration, Effect, type Exit, Option, Redacted, Schema, type Scope } from "effect"
import { ExternalId, layer as defaultExternalIds } from "../ExternalId.js"
import * as Tracing from "../internal/tracing.js"
import * as Metrics from "../Metrics.js"
import * as Timestamp from "../Timestamp.js"
import * as Upstream from "../Upstream.js"
import * as AccessToken from "./AccessToken.js"
import * as Response from "./Response.js"
import type * as ResponseCode from "./ResponseCode.js"
import type { Signer, SigningFailed } from "./Signer.js"
import * as KasirError from "../KasirError.js"
import { OutcomeUnknown } from "../KasirError.js"

/**
 * The references of a money-moving call, so its outcome can be looked up.
 */
export const References = Schema.Struct({
  partnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.optional(Schema.String),
  beneficiaryAccountNo: Schema.optional(Schema.String)
})

export type References = typeof References.Type

/**
 * The `OutcomeUnknown` of a money-moving call whose answer was unclear: keyed by its
 * `partnerReferenceNo`, carrying every reference given (NICEPAY: `originalReferenceNo` and
 * `beneficiaryAccountNo` once known), so it can be looked up (NICEPAY: `NicepayPayout.recover`).
 */
export const outcomeUnknown = (
  upstream: string,
  operation: string,
  references: References,
  cause: { readonly _tag: string; readonly message: string }
): OutcomeUnknown =>
  new OutcomeUnknown({
    provider: KasirError.providerOf(upstream),
    operation,
    referenceField: "partnerReferenceNo",
    reference: references.partnerReferenceNo,
    references: Object.fromEntries(
      Object.entries(references).filter((entry): entry is [string, string] => entry[1] !== undefined)
    ),
    reason: cause.message,
    causeTag: cause._tag
  })

/**
 * Everything a signed call can fail with.
 */
export type CallError = AccessToken.TokenError | OutcomeUnknown

/**
 * One signed call.
 */
export interface CallRequest {
  /** The operation's name in spans and errors, e.g. `transfer/registration`. */
  readonly operation: string
  /** The path after the base URL, which is also the signed path, e.g. `/api/v1.0/transfer/approve`. */
  readonly path: string
  /** The body value; serialised once with `JSON.stringify`. */
  readonly body: unknown
  /** Reads may be retried; money-moving calls are sent once. */
  readonly safeToRetry: boolean
  /** For money-moving calls: the references `OutcomeUnknown` carries. */
  readonly references?: References | undefined
}

/**
 * A SNAP client for one merchant at one base URL.
 */
export interface SnapClient {
  readonly call: (request: CallRequest) => Effect.Effect<Response.Accepted, CallError>
  /** The current access token (cached; fetched when cold or expiring). */
  readonly accessToken: Effect.Effect<Redacted.Redacted<string>, AccessToken.TokenError>
  /**
   * A fresh access token with its lifetime, bypassing the cache (to prove the credentials work,
   * or to show when a token expires). Reads retry as any read does.
   */
  readonly grant: Effect.Effect<AccessToken.Grant, AccessToken.TokenError>
}

/**
 * How to reach and sign for one SNAP merchant.
 */
export interface Options {
  /** Used in spans and errors, e.g. `nicepay`. */
  readonly upstream: string
  /** Everything before the signed path, e.g. `https://dev.nicepay.co.id/nicepay`. */
  readonly baseUrl: string
  readonly signer: Signer
  /** `CHANNEL-ID`; default `clientId + "01"`. */
  readonly channelId?: string | undefined
  /** Per attempt, including reading the body. */
  readonly timeout: Duration.DurationInput
  readonly retryPolicy: Upstream.RetryPolicy
  /** Default 60 s. */
  readonly tokenRefreshMargin?: Duration.DurationInput | undefined
  /** Share one cache between clients; by default each client has its own. */
  readonly tokenCache?: AccessToken.Cache | undefined
  /**
   * How this provider reads response codes where its table differs from ASPI's (e.g.
   * `Nicepay.ResponseCode.dialect`); default ASPI's general table.
   */
  readonly dialect?: ResponseCode.Dialect | undefined
}

/**
 * Whether a failure is worth another read: transport trouble, or an answer whose class says a
 * read may be retried (5xx, 429, 504).
 */
export const isTransient = (error: unknown): boolean =>
  Upstream.isTransportError(error) ||
  (typeof error === "object" &&
    error !== null &&
    (error as { readonly transient?: unknown }).transient === true)

// Whether a failure of a money-moving call leaves its outcome unknown. 4xx codes, 429 and
// "never sent" mean the upstream did not act; everything that happened after sending without a
// clear answer does not.
const leavesOutcomeUnknown = (error: Response.Rejection | Upstream.TransportError): boolean => {
  switch (error._tag) {
    case "UpstreamTimeout":
    case "MalformedResponse":
    case "StatusMismatch":
      return true
    case "UpstreamUnavailable":
      return error.sent
    case "UnknownSnapResponse":
      return error.httpStatus >= 500 || error.httpStatus < 400
    case "TooManyRequests":
      return false
    default:
      return error.kind === "Unavailable" || error.kind === "Timeout"
  }
}

/**
 * Makes a client. The HttpClient is prepared once (no trace headers upstream); `ExternalId` is
 * taken from the context when provided, else the default generator is used.
 */
export const make = (
  options: Options
): Effect.Effect<SnapClient, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function* () {
    const client = Upstream.prepareClient(yield* HttpClient.HttpClient)
    const ids = yield* Effect.serviceOption(ExternalId).pipe(
      Effect.flatMap(
        Option.match({
          onSome: Effect.succeed,
          onNone: () => Effect.provide(ExternalId, defaultExternalIds)
        })
      )
    )
    const cache =
      options.tokenCache ?? (yield* AccessToken.makeCache({ refreshMargin: options.tokenRefreshMargin }))
    const { signer, upstream, baseUrl } = options
    const channelId = options.channelId ?? `${signer.clientId}01`
    const cacheKey = `${baseUrl} ${signer.clientId}`

    // Spans only when a tracer is configured where the layer is built (decided once).
    const { traced, annotate } = yield* Tracing.current
    const countFetch = Metrics.recorder(Metrics.tokenFetches, "provider", "outcome")
    const countHit = Metrics.recorder(Metrics.tokenCacheHits, "provider")
    const countMoney = Metrics.recorder(Metrics.moneyOperations, "provider", "operation", "outcome")
    const requestToken = AccessToken.request({
      client,
      baseUrl,
      signer,
      upstream,
      timeout: options.timeout,
      dialect: options.dialect
    }).pipe(
      Upstream.retryReads<AccessToken.TokenError>(options.retryPolicy, isTransient),
      Effect.onExit((exit) => Effect.sync(() => countFetch(1, upstream, Metrics.outcomeOf(exit))))
    )
    // The token fetch is its own span (`snap.accessToken`), a child of the operation that needed
    // it; the token itself is never an attribute.
    const fetchToken = traced
      ? Effect.withSpan(requestToken, `${upstream}.accessToken`, {
          attributes: { "kasir.provider": upstream, "kasir.operation": "access-token" },
          captureStackTrace: false
        })
      : requestToken
    const accessToken = cache.get(cacheKey, fetchToken, () => countHit(1, upstream))
    const retryCall = Upstream.retryReads<CallError>(options.retryPolicy, isTransient)

    const send = (
      request: CallRequest,
      raw: string,
      token: Redacted.Redacted<string>
    ): Effect.Effect<Response.Accepted, Response.Rejection | Upstream.TransportError | SigningFailed> =>
      Effect.gen(function* () {
        const labels = { upstream, operation: request.operation }
        const timestamp = yield* Timestamp.now
        const externalId = yield* ids.next
        const signature = yield* signer.serviceSignature({
          method: "POST",
          path: request.path,
          accessToken: Redacted.value(token),
          body: raw,
          timestamp
        })
        const httpRequest = HttpClientRequest.post(`${baseUrl}${request.path}`).pipe(
          HttpClientRequest.setHeaders({
            Authorization: `Bearer ${Redacted.value(token)}`,
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": signer.clientId,
            "X-EXTERNAL-ID": externalId,
            "CHANNEL-ID": channelId
          }),
          HttpClientRequest.bodyText(raw, "application/json")
        )
        const response = yield* Upstream.exchange(client, httpRequest, {
          ...labels,
          timeout: options.timeout
        })
        return yield* Response.interpret(response, labels, options.dialect)
      })

    const call = (request: CallRequest): Effect.Effect<Response.Accepted, CallError> => {
      // Serialise once: every attempt signs and sends these very bytes.
      const raw = JSON.stringify(request.body)
      const classify = (error: Response.Rejection | Upstream.TransportError | SigningFailed): CallError =>
        !request.safeToRetry && error._tag !== "SigningFailed" && leavesOutcomeUnknown(error)
          ? outcomeUnknown(
              upstream,
              request.operation,
              request.references ?? { partnerReferenceNo: "" },
              error
            )
          : error
      // Only the signed exchange is retried here: the token fetch has its own retries, and wrapping
      // it again would multiply the attempts (and the deadline) when the token endpoint is down.
      const attempt = (token: Redacted.Redacted<string>) => {
        const sent = Effect.mapError(send(request, raw, token), classify)
        return request.safeToRetry ? retryCall(sent) : sent
      }
      const called = Effect.flatMap(accessToken, (token) =>
        attempt(token).pipe(
          Effect.catchIf(
            (error): error is ResponseCode.InvalidToken => error._tag === "InvalidToken",
            () => Effect.zipRight(cache.invalidate(cacheKey, token), Effect.flatMap(accessToken, attempt))
          )
        )
      )
      const counted = request.safeToRetry
        ? called
        : Effect.onExit(called, (exit) =>
            Effect.sync(() => countMoney(1, upstream, request.operation, Metrics.outcomeOf(exit)))
          )
      return traced ? Effect.onExit(counted, (exit) => annotateCall(request, exit)) : counted
    }

    // The operation span (the caller's `nicepay.register`, …) gets the provider, the SNAP
    // operation, the partner reference, the upstream code and the outcome: never a body or a header.
    const annotateCall = (request: CallRequest, exit: Exit.Exit<Response.Accepted, CallError>) => {
      const failure: unknown =
        exit._tag === "Failure" && exit.cause._tag === "Fail" ? exit.cause.error : undefined
      const failed = (failure as { readonly code?: unknown } | undefined)?.code
      const code =
        exit._tag === "Success" ? exit.value.code.code : typeof failed === "string" ? failed : undefined
      return annotate({
        "kasir.provider": upstream,
        "kasir.operation": request.operation,
        "kasir.outcome": Metrics.outcomeOf(exit),
        ...(request.references?.partnerReferenceNo
          ? { "kasir.partnerReferenceNo": request.references.partnerReferenceNo }
          : {}),
        ...(code === undefined ? {} : { "kasir.upstream.code": code })
      })
    }

    return { call, accessToken, grant: fetchToken } satisfies SnapClient
  })
