/**
 * How an Ayoconnect client is configured: an `AyoconnectConfig` given in code, or read from the
 * environment (`fromEnv`: `AYOCONNECT_BASE_URL`, `AYOCONNECT_API_KEY`, `AYOCONNECT_API_SECRET`, and
 * the optional `AYOCONNECT_API_VERSION`, `AYOCONNECT_READ_TIMEOUT`, `AYOCONNECT_PAYMENT_TIMEOUT`).
 *
 * The shape is NICEPAY's: the credentials (the secret included) are required, the tuning is
 * optional, and `Options` is the configuration without the secret, which the signer holds. The
 * retry policy and the `awaitFinal` schedule have no environment form; to use them with the
 * environment, map it: `layerConfig(Config.map(fromEnv, (config) => ({ ...config, retryPolicy })))`.
 */
import { Config, ConfigError, Duration, Effect, Either, Redacted, type Schedule } from "effect"
import type * as Upstream from "../Upstream.js"
import { InvalidConfig } from "../KasirError.js"
import { configuredBy, variables } from "./Variables.js"

/**
 * The API version: selects the path (`/api/v2/…`) and the `VERSION` header (`2.0`).
 */
export type ApiVersion = 1 | 2

/**
 * How to reach Ayoconnect and sign for one partner.
 */
export interface AyoconnectConfig {
  /** e.g. `https://dev.openapi.ayopop.id`; the `/api/v2/...` paths are appended. */
  readonly baseUrl: string
  /** The partner API key: the `KEY` header and the token's `partnerId` claim. */
  readonly apiKey: string
  /** The HS256 secret of the `TOKEN`; held by the signer only. */
  readonly apiSecret: Redacted.Redacted<string>
  /** Default 2. */
  readonly apiVersion?: ApiVersion | undefined
  /** Per-attempt timeout of balance, products, inquiry and status. Default 30 seconds. */
  readonly readTimeout?: Duration.DurationInput | undefined
  /** The timeout of the (single) payment attempt. Default 10 seconds. */
  readonly paymentTimeout?: Duration.DurationInput | undefined
  /** How reads are retried on transport failures. Default `Upstream.defaultRetryPolicy`. */
  readonly retryPolicy?: Upstream.RetryPolicy | undefined
  /** How `awaitFinal` polls a pending transaction. Default `defaultAwaitSchedule`. */
  readonly awaitSchedule?: Schedule.Schedule<unknown, unknown> | undefined
}

/**
 * Client settings other than the secret (which the `AyoconnectSigner` holds).
 */
export type Options = Omit<AyoconnectConfig, "apiSecret">

/**
 * Default per-attempt timeout of reads (the value production integrations use).
 */
export const DEFAULT_READ_TIMEOUT: Duration.Duration = Duration.seconds(30)

/**
 * Default timeout of the payment attempt (the value production integrations use).
 */
export const DEFAULT_PAYMENT_TIMEOUT: Duration.Duration = Duration.seconds(10)

const parseVersion = (raw: string): Either.Either<ApiVersion, string> => {
  const value = raw.trim()
  if (value === "1" || value === "1.0") return Either.right(1)
  if (value === "2" || value === "2.0") return Either.right(2)
  return Either.left(`must be 1 or 2, got ${JSON.stringify(value)}`)
}

/**
 * The environment variables `fromEnv` reads and those that mark the provider as configured, from
 * the data-only table in `Variables.ts`.
 */
export { configuredBy, variables }

/**
 * `AYOCONNECT_API_VERSION`: `1`, `2`, `1.0` or `2.0`; default 2.
 */
export const apiVersion: Config.Config<ApiVersion> = Config.string(variables.apiVersion).pipe(
  Config.mapOrFail((raw) =>
    Either.mapLeft(parseVersion(raw), (detail) => ConfigError.InvalidData([], detail))
  ),
  Config.withDefault<ApiVersion>(2)
)

/**
 * The configuration read from the environment (or any `ConfigProvider`). The secret is read
 * with `Config.redacted` and never leaves a `Redacted`.
 */
export const fromEnv: Config.Config<AyoconnectConfig> = Config.all({
  baseUrl: Config.string(variables.baseUrl),
  apiKey: Config.string(variables.apiKey),
  apiSecret: Config.redacted(variables.apiSecret),
  apiVersion,
  readTimeout: Config.withDefault(Config.duration(variables.readTimeout), DEFAULT_READ_TIMEOUT),
  paymentTimeout: Config.withDefault(Config.duration(variables.paymentTimeout), DEFAULT_PAYMENT_TIMEOUT)
})

/**
 * Options checked and completed with defaults.
 */
export interface Resolved {
  readonly baseUrl: string
  readonly apiKey: string
  readonly apiVersion: ApiVersion
  readonly readTimeout: Duration.Duration
  readonly paymentTimeout: Duration.Duration
  readonly retryPolicy: Upstream.RetryPolicy | undefined
}

const checkDuration = (
  field: string,
  input: Duration.DurationInput | undefined,
  fallback: Duration.Duration
) => {
  if (input === undefined) return Effect.succeed(fallback)
  const duration = Duration.decodeUnknown(input)
  return duration._tag === "Some" && Duration.greaterThan(duration.value, Duration.zero)
    ? Effect.succeed(duration.value)
    : Effect.fail(
        new InvalidConfig({ provider: "ayoconnect", setting: field, reason: "must be a positive duration" })
      )
}

/**
 * Checks the secret is not blank (used by `signerLayer`). It is read only for that: never kept
 * or printed.
 */
export const resolveSecret = (
  secret: Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<string>, InvalidConfig> =>
  Effect.suspend(() =>
    Redacted.value(secret).trim() === ""
      ? Effect.fail(
          new InvalidConfig({ provider: "ayoconnect", setting: "apiSecret", reason: "must not be empty" })
        )
      : Effect.succeed(secret)
  )

/**
 * Validates options: an http(s) base URL, a non-empty API key of printable characters, positive
 * timeouts (the secret is the signer's, checked by `resolveSecret`).
 */
export const resolve = (options: Options) =>
  Effect.gen(function* () {
    let url: URL
    try {
      url = new URL(options.baseUrl)
    } catch {
      return yield* new InvalidConfig({
        provider: "ayoconnect",
        setting: "baseUrl",
        reason: "is not a URL (e.g. https://dev.openapi.ayopop.id)"
      })
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return yield* new InvalidConfig({
        provider: "ayoconnect",
        setting: "baseUrl",
        reason: `must be http(s), got ${url.protocol}`
      })
    }
    if (!/^[\x21-\x7e]{1,128}$/.test(options.apiKey)) {
      return yield* new InvalidConfig({
        provider: "ayoconnect",
        setting: "apiKey",
        reason: "must be 1 to 128 printable characters"
      })
    }
    const version = options.apiVersion ?? 2
    if (version !== 1 && version !== 2) {
      return yield* new InvalidConfig({
        provider: "ayoconnect",
        setting: "apiVersion",
        reason: "must be 1 or 2"
      })
    }
    const resolved: Resolved = {
      baseUrl: url.toString().replace(/\/+$/, ""),
      apiKey: options.apiKey,
      apiVersion: version,
      readTimeout: yield* checkDuration("readTimeout", options.readTimeout, DEFAULT_READ_TIMEOUT),
      paymentTimeout: yield* checkDuration("paymentTimeout", options.paymentTimeout, DEFAULT_PAYMENT_TIMEOUT),
      retryPolicy: options.retryPolicy
    }
    return resolved
  })
