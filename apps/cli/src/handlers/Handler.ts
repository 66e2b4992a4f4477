/**
 * The shape of a command's work. Failures stay typed at this boundary: a command fails with a
 * kasir error (`KasirError`, which `Failure` classifies by its `kind`, whatever module it comes
 * from) or an Effect `ConfigError` (a variable missing or malformed), and the compiler checks
 * that nothing else escapes.
 */
import type { KasirError } from "@kasir/core"
import type { ConfigError, Effect, Option } from "effect"
import type { Output } from "../Output.js"
import type * as Settings from "../Settings.js"

/**
 * The failures a command may end in.
 */
export type Failure = KasirError.KasirError | ConfigError.ConfigError

/**
 * What running a command does: print on stdout/stderr, or fail with a `Failure`.
 */
export type Run<E extends Failure = Failure> = Effect.Effect<void, E, Output>

/**
 * What every upstream command receives besides its own arguments.
 */
export interface Connection {
  readonly json: boolean
  readonly sandbox: boolean
  readonly sandboxUrl: Option.Option<string>
  readonly config: Settings.Flags
}
