/**
 * The Ayoconnect settings: the environment variables @kasir/core reads (`AYOCONNECT_*`), each
 * with the flag that overrides it.
 *
 * @since 0.1.0
 */
import type { Options } from "@effect/cli"
import * as Settings from "../Settings.js"

/**
 * The settings @kasir/core reads for Ayoconnect, each with its overriding flag.
 *
 * @since 0.1.0
 */
export const settings: ReadonlyArray<Settings.Setting> = [
  {
    env: "AYOCONNECT_BASE_URL",
    flag: "ayoconnect-base-url",
    description: "Ayoconnect base URL, e.g. https://dev.openapi.ayopop.id.",
    credential: true
  },
  {
    env: "AYOCONNECT_API_KEY",
    flag: "ayoconnect-api-key",
    description: "Partner API key (the KEY header).",
    credential: true
  },
  {
    env: "AYOCONNECT_API_SECRET",
    flag: "ayoconnect-api-secret",
    description: "Partner API secret that signs the TOKEN JWT; never printed.",
    secret: true,
    credential: true
  },
  {
    env: "AYOCONNECT_API_VERSION",
    flag: "ayoconnect-api-version",
    description: "API version, 1 or 2 (default 2)."
  },
  {
    env: "AYOCONNECT_READ_TIMEOUT",
    flag: "ayoconnect-read-timeout",
    description: 'Per-attempt timeout of reads, e.g. "30 seconds" (the default).'
  },
  {
    env: "AYOCONNECT_PAYMENT_TIMEOUT",
    flag: "ayoconnect-payment-timeout",
    description: 'Timeout of the single payment attempt, e.g. "10 seconds" (the default).'
  }
]

/**
 * The settings' flags.
 *
 * @since 0.1.0
 */
export const options: Options.Options<Settings.Flags> = Settings.options(settings)
