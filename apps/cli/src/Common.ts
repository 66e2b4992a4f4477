/**
 * Options every operation command accepts.
 */
import { Options } from "@effect/cli"
import { Config, type Option } from "effect"

/**
 * `--json`: print exactly one JSON document on stdout instead of the readable summary.
 */
export const json: Options.Options<boolean> = Options.boolean("json").pipe(
  Options.withDescription("Print exactly one JSON document on stdout instead of the readable summary.")
)

/**
 * `--sandbox`: use the embedded simulator even when credentials are configured.
 */
export const sandbox: Options.Options<boolean> = Options.boolean("sandbox").pipe(
  Options.withDescription(
    "Run against the embedded simulator (started in-process on a free loopback port, with its demo " +
      "credentials) even when credentials are configured. Without credentials this is the default."
  )
)

/**
 * The environment variable naming a running sandbox.
 */
export const urlEnv = "KASIR_SANDBOX_URL"

/**
 * `--sandbox-url URL`: use a running `kasir sandbox` instead of starting one.
 */
export const sandboxUrl: Options.Options<Option.Option<string>> = Options.text("sandbox-url").pipe(
  Options.withDescription(
    "When the sandbox is used (--sandbox, or no credentials), use the one running at this URL " +
      `(from \`kasir sandbox\`) instead of starting one in-process, so state survives between commands. Overrides ${urlEnv}.`
  ),
  Options.withFallbackConfig(Config.string(urlEnv)),
  Options.optional
)
