/**
 * The shape of a command's work. Failures are left untyped at this boundary on purpose: `Failure`
 * classifies every one of them by its `kind`, whatever module it comes from.
 *
 * @since 0.1.0
 */
import type { Effect, Option } from "effect"
import type { Output } from "../Output.js"
import type * as Settings from "../Settings.js"

/**
 * What running a command does: print on stdout/stderr, or fail.
 *
 * @since 0.1.0
 */
export type Run = Effect.Effect<void, unknown, Output>

/**
 * What every upstream command receives besides its own arguments.
 *
 * @since 0.1.0
 */
export interface Connection {
  readonly json: boolean
  readonly sandbox: boolean
  readonly sandboxUrl: Option.Option<string>
  readonly config: Settings.Flags
}
