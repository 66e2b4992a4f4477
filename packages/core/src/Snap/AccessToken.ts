/**
 * SNAP B2B access tokens: the token request and a single-flight cache.
 *
 * The cache holds one token per key (a client uses `baseUrl + clientId`). A token is refreshed a
 * margin before it expires (default 60 s). However many fibers ask at once on a cold or expiring
 * cache, one token request is made and every caller awaits it; the request runs in the cache's
 * scope, so interrupting one waiter never strands the others. A token the upstream rejects
 * (`401xx01`) is invalidated — only if it is still the cached one, so a fresh token fetched by
 * another fiber is kept.
 */
import { type HttpClient, HttpClientRequest } from "@effect/platform"
import {
  Clock,
  Deferred,
  Duration,
  Effect,
  Either,
  type Exit,
  ParseResult,
  Redacted,
  Schema,
  type Scope
} from "effect"
import * as Timestamp from "../Timestamp.js"
import * as Upstream from "../Upstream.js"
import * as Response from "./Response.js"
import type * as ResponseCode from "./ResponseCode.js"
import type { Signer, SigningFailed } from "./Signer.js"

/**
 * A token as the upstream granted it.
 */
export interface Grant {
  readonly accessToken: Redacted.Redacted<string>
  /** Lifetime in seconds, from `expiresIn`. */
  readonly expiresInSeconds: number
}

/**
 * The B2B token path, relative to the provider's base URL. It has no `/api` segment.
 */
export const TOKEN_PATH = "/v1.0/access-token/b2b"

/**
 * The token request body, byte for byte.
 */
export const TOKEN_REQUEST_BODY = '{"grantType":"client_credentials","additionalInfo":{}}'

// `expiresIn` arrives as a string of seconds ("900"); accept a number too.
const Seconds = Schema.Union(
  Schema.NumberFromString.pipe(Schema.int(), Schema.positive()),
  Schema.Number.pipe(Schema.int(), Schema.positive())
)

// The token itself must never reach an error message: Effect's default messages quote the actual
// value ("…, actual \"eyJ…\""), and these errors reach logs, CLI output and problem details. Every
// check on it therefore says what is wrong without the value.
const AccessTokenValue = Schema.String.annotations({ message: () => "must be a string" }).pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(2048, { message: () => "must be at most 2048 characters long" })
)

const TokenResponse = Schema.Struct({
  accessToken: AccessTokenValue,
  tokenType: Schema.optional(Schema.String),
  expiresIn: Seconds
})

const decodeTokenResponse = Schema.decodeUnknownEither(TokenResponse)

/**
 * Why a token could not be obtained.
 */
export type TokenError = Response.Rejection | Upstream.TransportError | SigningFailed

/**
 * Requests one B2B access token (one attempt): `X-TIMESTAMP`, `X-CLIENT-KEY`, the RSA token
 * signature, and `{"grantType":"client_credentials","additionalInfo":{}}`.
 */
export const request = (options: {
  readonly client: HttpClient.HttpClient
  readonly baseUrl: string
  readonly signer: Signer
  readonly upstream: string
  readonly timeout: Duration.DurationInput
  /** How the provider reads response codes (default ASPI's general table). */
  readonly dialect?: ResponseCode.Dialect | undefined
}): Effect.Effect<Grant, TokenError> =>
  Effect.gen(function* () {
    const labels = { upstream: options.upstream, operation: "access-token" }
    const timestamp = yield* Timestamp.now
    const signature = yield* options.signer.tokenSignature(timestamp)
    const httpRequest = HttpClientRequest.post(`${options.baseUrl}${TOKEN_PATH}`).pipe(
      HttpClientRequest.setHeaders({
        "X-TIMESTAMP": timestamp,
        "X-CLIENT-KEY": options.signer.clientId,
        "X-SIGNATURE": signature
      }),
      HttpClientRequest.bodyText(TOKEN_REQUEST_BODY, "application/json")
    )
    const raw = yield* Upstream.exchange(options.client, httpRequest, { ...labels, timeout: options.timeout })
    const accepted = yield* Response.interpret(raw, labels, options.dialect)
    const decoded = decodeTokenResponse(accepted.json)
    if (Either.isLeft(decoded)) {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
      return yield* new Response.MalformedResponse({
        ...labels,
        httpStatus: raw.status,
        reason: `token response: ${issue === undefined ? "invalid" : `${issue.path.join(".")}: ${issue.message}`}`,
        body: Response.maskBody(raw.body)
      })
    }
    return {
      accessToken: Redacted.make(decoded.right.accessToken),
      expiresInSeconds: decoded.right.expiresIn
    }
  })

/**
 * A cache of tokens, one per key.
 */
export interface Cache {
  /**
   * The cached token, or the result of the one in-flight `fetch` for this key. `onHit` runs
   * (synchronously) when a ready token is served from the cache (metrics).
   */
  readonly get: <E, R>(
    key: string,
    fetch: Effect.Effect<Grant, E, R>,
    onHit?: () => void
  ) => Effect.Effect<Redacted.Redacted<string>, E, R>
  /** Drops `token` if it is still the cached one (after the upstream rejected it). */
  readonly invalidate: (key: string, token: Redacted.Redacted<string>) => Effect.Effect<void>
}

type Entry =
  | {
      readonly _tag: "Ready"
      readonly token: Redacted.Redacted<string>
      readonly refreshAt: number
    }
  | { readonly _tag: "Fetching"; readonly deferred: Deferred.Deferred<Redacted.Redacted<string>, unknown> }

/**
 * Makes a cache. `refreshMargin` (default 60 s) is how long before expiry a token is replaced; a
 * token living shorter than twice the margin is replaced at half its life.
 */
export const makeCache = (options?: {
  readonly refreshMargin?: Duration.DurationInput | undefined
}): Effect.Effect<Cache, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const margin = Duration.toMillis(options?.refreshMargin ?? Duration.seconds(60))
    const entries = new Map<string, Entry>()

    const get = <E, R>(
      key: string,
      fetch: Effect.Effect<Grant, E, R>,
      onHit?: () => void
    ): Effect.Effect<Redacted.Redacted<string>, E, R> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.fiberIdWith((fiberId) => {
          // Decide and claim atomically: no yield between reading and writing the entry. The
          // Deferred is only made when this fiber leads a fetch, not on every cache hit.
          const entry = entries.get(key)
          if (entry?._tag === "Ready" && now < entry.refreshAt) {
            onHit?.()
            return Effect.succeed(entry.token)
          }
          if (entry?._tag === "Fetching")
            return Deferred.await(entry.deferred) as Effect.Effect<Redacted.Redacted<string>, E>
          const candidate = Deferred.unsafeMake<Redacted.Redacted<string>, E>(fiberId)
          entries.set(key, {
            _tag: "Fetching",
            deferred: candidate as unknown as Deferred.Deferred<Redacted.Redacted<string>, unknown>
          })
          const settle = (exit: Exit.Exit<Grant, E>) =>
            Effect.flatMap(Clock.currentTimeMillis, (fetchedAt) =>
              Effect.suspend(() => {
                if (exit._tag === "Success") {
                  const lifetime = exit.value.expiresInSeconds * 1000
                  entries.set(key, {
                    _tag: "Ready",
                    token: exit.value.accessToken,
                    refreshAt: fetchedAt + lifetime - Math.min(margin, lifetime / 2)
                  })
                  return Deferred.succeed(candidate, exit.value.accessToken)
                }
                entries.delete(key)
                return Deferred.failCause(candidate, exit.cause)
              })
            )
          // The fetch belongs to the cache, not to this caller: it survives the caller's interruption
          // and stops when the cache's scope closes.
          return Effect.zipRight(
            fetch.pipe(Effect.exit, Effect.flatMap(settle), Effect.interruptible, Effect.forkIn(scope)),
            Deferred.await(candidate)
          )
        })
      )

    const invalidate = (key: string, token: Redacted.Redacted<string>) =>
      Effect.sync(() => {
        const entry = entries.get(key)
        if (entry?._tag === "Ready" && Redacted.value(entry.token) === Redacted.value(token))
          entries.delete(key)
      })

    return { get, invalidate } satisfies Cache
  })
