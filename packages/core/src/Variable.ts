/**
 * The shape of one row of a provider's variable table (`Ayoconnect/Variables`,
 * `Nicepay/Variables`): an environment variable a client's `fromEnv` reads, described once so
 * that the apps (the CLI's flags and help, the gateway's configuration) derive from it instead of
 * re-listing names. A type only, so importing it costs nothing at run time.
 */

/**
 * One environment variable and what it means.
 */
export interface Variable {
  /** The environment variable, e.g. `AYOCONNECT_API_KEY`. */
  readonly name: string
  /** One or two sentences for help texts, including the default when there is one. */
  readonly description: string
  /** Read as `Redacted` and never printed. */
  readonly secret?: boolean | undefined
  /** Part of the credentials: with none set, the apps use the embedded sandbox instead. */
  readonly credential?: boolean | undefined
}
