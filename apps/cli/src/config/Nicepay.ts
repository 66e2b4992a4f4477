/**
 * The NICEPAY settings: the environment variables @kasir/core reads (`NICEPAY_*`), each with the
 * flag that overrides it.
 *
 * @since 0.1.0
 */
import type { Options } from "@effect/cli"
import * as Settings from "../Settings.js"

/**
 * The settings @kasir/core reads for NICEPAY, each with its overriding flag.
 *
 * @since 0.1.0
 */
export const settings: ReadonlyArray<Settings.Setting> = [
  {
    env: "NICEPAY_BASE_URL",
    flag: "nicepay-base-url",
    description: "SNAP base URL including /nicepay, e.g. https://dev.nicepay.co.id/nicepay."
  },
  {
    env: "NICEPAY_ENV",
    flag: "nicepay-env",
    description: "sandbox or production: picks NICEPAY's base URL when none is given."
  },
  {
    env: "NICEPAY_CLIENT_ID",
    flag: "nicepay-client-id",
    description: "Merchant ID (iMid), e.g. IONPAYTEST.",
    credential: true
  },
  {
    env: "NICEPAY_CLIENT_SECRET",
    flag: "nicepay-client-secret",
    description: "Client secret that keys the HMAC service signatures; never printed.",
    secret: true,
    credential: true
  },
  {
    env: "NICEPAY_PRIVATE_KEY",
    flag: "nicepay-private-key",
    description:
      "Merchant RSA private key: the path of a PEM file (see `kasir keys generate`), PEM text or base64 DER; never printed.",
    secret: true,
    credential: true
  },
  {
    env: "NICEPAY_NOTIFICATION_PUBLIC_KEY",
    flag: "nicepay-notification-public-key",
    description: "NICEPAY's notification public key: a file path, PEM text or base64 DER (optional)."
  },
  {
    env: "NICEPAY_CHANNEL_ID",
    flag: "nicepay-channel-id",
    description: "CHANNEL-ID header (default: client ID + 01)."
  },
  {
    env: "NICEPAY_TIMEOUT",
    flag: "nicepay-timeout",
    description: 'Per-attempt timeout, including reading the answer, e.g. "10 seconds" (default 30 seconds).'
  }
]

/**
 * The settings' flags.
 *
 * @since 0.1.0
 */
export const options: Options.Options<Settings.Flags> = Settings.options(settings)
