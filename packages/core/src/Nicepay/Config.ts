/**
 * NICEPAY merchant configuration: where to call and with which credentials, given in code
 * (`NicepayConfig`) or read from the environment (`fromEnv`, the `NICEPAY_*` variables).
 *
 * The shape is Ayoconnect's: the credentials (the secrets included) are required, the tuning is
 * optional, and `Options` is the configuration without the secrets, which the signer holds. The
 * retry policy and the `awaitFinal` schedule have no environment form; to use them with the
 * environment, map it: `layerConfig(Config.map(fromEnv, (config) => ({ ...config, retryPolicy })))`.
 */
import { existsSync, readFileSync } from "node:fs"
import { Config, Duration, Effect, Option, Redacted, type Schedule } from "effect"
import type { KeyInput } from "../Snap/Signature.js"
import type { RetryPolicy } from "../Upstream.js"
import { InvalidConfig } from "../KasirError.js"
import { configuredBy, variables } from "./Variables.js"

/**
 * NICEPAY's SNAP base URLs. Each includes the `/nicepay` context, which is not part of the signed
 * path. NICEPAY assigns some merchants the "cloud" hosts instead (pass those as `baseUrl`).
 */
export const baseUrls = {
  sandbox: "https://dev.nicepay.co.id/nicepay",
  production: "https://www.nicepay.co.id/nicepay",
  sandboxCloud: "https://dev-services.nicepay.co.id/nicepay",
  productionCloud: "https://services.nicepay.co.id/nicepay"
} as const

/**
 * How to reach NICEPAY and sign for one merchant.
 */
export interface NicepayConfig {
  /** Everything before `/api/...`, e.g. `https://dev.nicepay.co.id/nicepay`. */
  readonly baseUrl: string
  /** The merchant id (iMid), e.g. `IONPAYTEST`: X-CLIENT-KEY, X-PARTNER-ID and `merchantId`. */
  readonly clientId: string
  /** The HMAC key of service signatures. */
  readonly clientSecret: Redacted.Redacted<string>
  /** The merchant's RSA private key (PEM, bare base64 DER or a KeyObject), for token signatures. */
  readonly privateKey: KeyInput
  /** NICEPAY's notification public key (sent by NICEPAY by email); needed to verify notifications. */
  readonly notificationPublicKey?: KeyInput | undefined
  /** `CHANNEL-ID`; default `clientId + "01"`. */
  readonly channelId?: string | undefined
  /** Per attempt, including reading the body; default 30 s. */
  readonly timeout?: Duration.DurationInput | undefined
  /** How reads are retried; default `Upstream.defaultRetryPolicy`. */
  readonly retryPolicy?: RetryPolicy | undefined
  /** How `awaitFinal` polls a payout that is not final; default `Poll.defaultSchedule`. */
  readonly awaitSchedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** How long before expiry a token is replaced; default 60 s. */
  readonly tokenRefreshMargin?: Duration.DurationInput | undefined
  /** How far a notification's X-TIMESTAMP may be from now; default 5 minutes. */
  readonly notificationTolerance?: Duration.DurationInput | undefined
}

/**
 * Client settings other than the keys (which the `NicepaySigner` holds).
 */
export type Options = Omit<NicepayConfig, "clientId" | "clientSecret" | "privateKey">

/**
 * The environment variables `fromEnv` reads and those that mark the provider as configured, from
 * the data-only table in `Variables.ts`.
 */
export { configuredBy, variables }

const trimSlash = (url: string) => url.replace(/\/+$/, "")

const baseUrl: Config.Config<string> = Config.string(variables.baseUrl).pipe(
  Config.validate({
    message: "expected an http(s) URL such as https://dev.nicepay.co.id/nicepay",
    validation: (url) => /^https?:\/\/[^\s/]+/.test(url)
  }),
  Config.map(trimSlash),
  Config.orElse(() =>
    Config.literal("sandbox", "production")(variables.env).pipe(Config.map((env) => baseUrls[env]))
  )
)

// A key variable holds the key itself (PEM or base64 DER) or the path of a file holding it.
const looksLikeKeyMaterial = (value: string) => {
  const text = value.trim()
  return text.includes("-----BEGIN") || (text.length >= 64 && /^[A-Za-z0-9+/=\s]+$/.test(text))
}

/**
 * Reads a key variable's value: key text as-is, or the contents of the file it names.
 */
export const resolveKey = (
  variable: string,
  value: Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<string>, InvalidConfig> =>
  Effect.suspend(() => {
    const text = Redacted.value(value)
    if (looksLikeKeyMaterial(text)) return Effect.succeed(value)
    const path = text.trim()
    if (path === "" || !existsSync(path)) {
      return Effect.fail(
        new InvalidConfig({
          provider: "nicepay",
          setting: variable,
          reason: "neither PEM / base64 key text nor the path of an existing file"
        })
      )
    }
    // The value names an existing file, so it is a path, not key material: it may be shown.
    return Effect.try({
      try: () => Redacted.make(readFileSync(path, "utf8")),
      catch: (error) =>
        new InvalidConfig({
          provider: "nicepay",
          setting: variable,
          reason: `the key file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`
        })
    })
  })

/**
 * The configuration from the environment:
 *
 * | variable                          | meaning                                                    |
 * |-----------------------------------|------------------------------------------------------------|
 * | `NICEPAY_BASE_URL`                | the base URL; or                                           |
 * | `NICEPAY_ENV`                     | `sandbox` or `production` (when NICEPAY_BASE_URL is unset) |
 * | `NICEPAY_CLIENT_ID`               | the merchant id                                            |
 * | `NICEPAY_CLIENT_SECRET`           | secret                                                     |
 * | `NICEPAY_PRIVATE_KEY`             | secret; PEM text, base64 DER, or a file path               |
 * | `NICEPAY_NOTIFICATION_PUBLIC_KEY` | optional; PEM text, base64 DER, or a file path             |
 * | `NICEPAY_CHANNEL_ID`              | optional; default clientId + "01"                          |
 * | `NICEPAY_TIMEOUT`                 | optional; per attempt, e.g. "10 seconds"; default 30 s     |
 *
 * Key files are read, and every key parsed, when the layer is built (`layerConfig`): a malformed
 * key — `NICEPAY_NOTIFICATION_PUBLIC_KEY` included — fails the layer with `InvalidKey`.
 */
export const fromEnv: Config.Config<NicepayConfig> = Config.all({
  baseUrl,
  clientId: Config.string(variables.clientId).pipe(
    Config.validate({ message: "must not be empty", validation: (s) => s.trim().length > 0 })
  ),
  clientSecret: Config.redacted(variables.clientSecret),
  privateKey: Config.redacted(variables.privateKey),
  notificationPublicKey: Config.option(Config.redacted(variables.notificationPublicKey)),
  channelId: Config.option(Config.string(variables.channelId)),
  timeout: Config.option(
    Config.duration(variables.timeout).pipe(
      Config.validate({
        message: 'must be a positive duration, e.g. "30 seconds"',
        validation: (duration) => Duration.greaterThan(duration, Duration.zero)
      })
    )
  )
}).pipe(
  Config.map(
    ({ notificationPublicKey, channelId, timeout, ...rest }): NicepayConfig => ({
      ...rest,
      notificationPublicKey: Option.getOrUndefined(notificationPublicKey),
      channelId: Option.getOrUndefined(channelId),
      timeout: Option.getOrUndefined(timeout)
    })
  )
)

/**
 * Resolves key variables that name files (used by `layerConfig`).
 */
export const resolveKeyFiles = (config: NicepayConfig): Effect.Effect<NicepayConfig, InvalidConfig> =>
  Effect.gen(function* () {
    const privateKey = Redacted.isRedacted(config.privateKey)
      ? yield* resolveKey(variables.privateKey, config.privateKey as Redacted.Redacted<string>)
      : config.privateKey
    const notificationPublicKey =
      config.notificationPublicKey !== undefined && Redacted.isRedacted(config.notificationPublicKey)
        ? yield* resolveKey(
            variables.notificationPublicKey,
            config.notificationPublicKey as Redacted.Redacted<string>
          )
        : config.notificationPublicKey
    return { ...config, privateKey, notificationPublicKey }
  })

/**
 * Default per-attempt timeout.
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * Default notification timestamp tolerance.
 */
export const defaultNotificationTolerance: Duration.Duration = Duration.minutes(5)
