/**
 * The environment variables a NICEPAY client reads (`Config.fromEnv`), as data: their names by
 * setting, which of them mark NICEPAY as configured, and a description of each. Defined here
 * once; the CLI derives its flags and help from this table and the gateway its configuration.
 * Data only, importing nothing at run time, so a command line can list its flags without loading
 * the client (`@kasir/core/Nicepay/Variables`).
 */
import type { Variable } from "../Variable.js"

/**
 * The environment variables `fromEnv` reads, by setting.
 */
export const variables = {
  baseUrl: "NICEPAY_BASE_URL",
  env: "NICEPAY_ENV",
  clientId: "NICEPAY_CLIENT_ID",
  clientSecret: "NICEPAY_CLIENT_SECRET",
  privateKey: "NICEPAY_PRIVATE_KEY",
  notificationPublicKey: "NICEPAY_NOTIFICATION_PUBLIC_KEY",
  channelId: "NICEPAY_CHANNEL_ID",
  timeout: "NICEPAY_TIMEOUT"
} as const

/**
 * The variables whose presence means NICEPAY is configured (the credentials and where to send).
 */
export const configuredBy: ReadonlyArray<string> = [
  variables.baseUrl,
  variables.env,
  variables.clientId,
  variables.clientSecret,
  variables.privateKey
]

/**
 * Every variable with its description, in the order help texts list them.
 */
export const table: ReadonlyArray<Variable> = [
  {
    name: variables.baseUrl,
    description: "SNAP base URL including /nicepay, e.g. https://dev.nicepay.co.id/nicepay."
  },
  {
    name: variables.env,
    description: "sandbox or production: picks NICEPAY's base URL when none is given."
  },
  {
    name: variables.clientId,
    description: "Merchant ID (iMid), e.g. IONPAYTEST.",
    credential: true
  },
  {
    name: variables.clientSecret,
    description: "Client secret that keys the HMAC service signatures; never printed.",
    secret: true,
    credential: true
  },
  {
    name: variables.privateKey,
    description:
      "Merchant RSA private key: the path of a PEM file (see `kasir keys generate`), PEM text or base64 DER; never printed.",
    secret: true,
    credential: true
  },
  {
    name: variables.notificationPublicKey,
    description: "NICEPAY's notification public key: a file path, PEM text or base64 DER (optional)."
  },
  {
    name: variables.channelId,
    description: "CHANNEL-ID header (default: client ID + 01)."
  },
  {
    name: variables.timeout,
    description: 'Per-attempt timeout, including reading the answer, e.g. "10 seconds" (default 30 seconds).'
  }
]
