/**
 * The environment variables an Ayoconnect client reads (`Config.fromEnv`), as data: their names
 * by setting, which of them mark Ayoconnect as configured, and a description of each. Defined
 * here once; the CLI derives its flags and help from this table and the gateway its
 * configuration. Data only, importing nothing at run time, so a command line can list its flags
 * without loading the client (`@kasir/core/Ayoconnect/Variables`).
 */
import type { Variable } from "../Variable.js"

/**
 * The environment variables `fromEnv` reads, by setting.
 */
export const variables = {
  baseUrl: "AYOCONNECT_BASE_URL",
  apiKey: "AYOCONNECT_API_KEY",
  apiSecret: "AYOCONNECT_API_SECRET",
  apiVersion: "AYOCONNECT_API_VERSION",
  readTimeout: "AYOCONNECT_READ_TIMEOUT",
  paymentTimeout: "AYOCONNECT_PAYMENT_TIMEOUT"
} as const

/**
 * The variables whose presence means Ayoconnect is configured (the credentials and where to send).
 */
export const configuredBy: ReadonlyArray<string> = [variables.baseUrl, variables.apiKey, variables.apiSecret]

/**
 * Every variable with its description, in the order help texts list them.
 */
export const table: ReadonlyArray<Variable> = [
  {
    name: variables.baseUrl,
    description: "Ayoconnect base URL, e.g. https://dev.openapi.ayopop.id.",
    credential: true
  },
  {
    name: variables.apiKey,
    description: "Partner API key (the KEY header).",
    credential: true
  },
  {
    name: variables.apiSecret,
    description: "Partner API secret that signs the TOKEN JWT; never printed.",
    secret: true,
    credential: true
  },
  {
    name: variables.apiVersion,
    description: "API version, 1 or 2 (default 2)."
  },
  {
    name: variables.readTimeout,
    description: 'Per-attempt timeout of reads, e.g. "30 seconds" (the default).'
  },
  {
    name: variables.paymentTimeout,
    description: 'Timeout of the single payment attempt, e.g. "10 seconds" (the default).'
  }
]
