/**
 * Provider settings: each environment variable a core layer reads (`AYOCONNECT_*`, `NICEPAY_*`)
 * has a flag that overrides it. Flags become a `ConfigProvider` layered over the environment, so
 * the core's own `Config` definitions stay the one source of truth for names and validation.
 */
import * as KasirError from "@kasir/core/KasirError"
import type * as Variable from "@kasir/core/Variable"
import { Options } from "@effect/cli"
import { ConfigProvider, Effect, Option, Redacted } from "effect"

/**
 * One setting: an environment variable and the flag that overrides it.
 */
export interface Setting {
  /** The environment variable, e.g. `AYOCONNECT_API_KEY`. */
  readonly env: string
  /** The flag without dashes, e.g. `ayoconnect-api-key`. */
  readonly flag: string
  readonly description: string
  /** Parsed as `Redacted` and never printed. */
  readonly secret?: boolean
  /** Part of the credentials: when none is set, the command uses the embedded sandbox. */
  readonly credential?: boolean
}

/**
 * The flag that overrides an environment variable: its name lowercased, `_` becoming `-`
 * (`AYOCONNECT_API_KEY` → `ayoconnect-api-key`).
 */
export const flagOf = (env: string): string => env.toLowerCase().replaceAll("_", "-")

/**
 * The settings of a core variable table, in its order, each with its derived flag.
 */
export const fromVariables = (table: ReadonlyArray<Variable.Variable>): ReadonlyArray<Setting> =>
  table.map((variable) => ({
    env: variable.name,
    flag: flagOf(variable.name),
    description: variable.description,
    ...(variable.secret === true ? { secret: true } : {}),
    ...(variable.credential === true ? { credential: true } : {})
  }))

/**
 * Values given on the command line, by environment variable name.
 */
export type Flags = Readonly<Record<string, Option.Option<string | Redacted.Redacted<string>>>>

const option = (setting: Setting): Options.Options<Option.Option<string | Redacted.Redacted<string>>> => {
  const base: Options.Options<string | Redacted.Redacted<string>> =
    setting.secret === true ? Options.redacted(setting.flag) : Options.text(setting.flag)
  return base.pipe(
    Options.withDescription(`${setting.description} Overrides ${setting.env}.`),
    Options.optional
  )
}

/**
 * The flags of a group of settings, parsed into `Flags`.
 */
export const options = (settings: ReadonlyArray<Setting>): Options.Options<Flags> =>
  Options.all(Object.fromEntries(settings.map((setting) => [setting.env, option(setting)])))

const reveal = (value: string | Redacted.Redacted<string>): string =>
  Redacted.isRedacted(value) ? Redacted.value(value) : value

/**
 * Flags first, then the environment. Extra values (e.g. a key file's contents) may be given too.
 */
export const configProvider = (
  flags: Flags,
  extra: Readonly<Record<string, string>> = {}
): ConfigProvider.ConfigProvider => {
  const given = new Map<string, string>(Object.entries(extra))
  for (const [env, value] of Object.entries(flags)) {
    if (Option.isSome(value)) given.set(env, reveal(value.value))
  }
  return ConfigProvider.fromMap(given).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
}

/**
 * Whether a setting has a non-blank value from its flag or the environment.
 */
export const isSet = (setting: Setting, flags: Flags): boolean => {
  const flag = flags[setting.env]
  const value = flag !== undefined && Option.isSome(flag) ? reveal(flag.value) : process.env[setting.env]
  return value !== undefined && value.trim() !== ""
}

/**
 * How a provider is reached: its configured upstream, or the embedded sandbox.
 */
export type Target = "configured" | "sandbox"

/**
 * Decides the target. `--sandbox` always wins; no credential at all means the sandbox; some but
 * not all credentials is a configuration error rather than a silent fallback to the sandbox.
 */
export const target = (
  provider: string,
  settings: ReadonlyArray<Setting>,
  flags: Flags,
  sandbox: boolean
): Effect.Effect<Target, KasirError.InvalidConfig> => {
  if (sandbox) return Effect.succeed("sandbox")
  const credentials = settings.filter((setting) => setting.credential === true)
  const missing = credentials.filter((setting) => !isSet(setting, flags))
  if (missing.length === credentials.length) return Effect.succeed("sandbox")
  if (missing.length === 0) return Effect.succeed("configured")
  return Effect.fail(
    new KasirError.InvalidConfig({
      provider: "kasir",
      reason: `${provider} credentials are incomplete: ${missing.map((setting) => setting.env).join(", ")} not set`,
      hint: `Set ${missing.map((setting) => `${setting.env} (or --${setting.flag})`).join(", ")}, or unset them all to use the embedded sandbox.`
    })
  )
}

/**
 * A readable list of the settings for help texts and the README.
 */
export const describe = (settings: ReadonlyArray<Setting>): string =>
  settings.map((setting) => `${setting.env} (--${setting.flag})`).join(", ")
