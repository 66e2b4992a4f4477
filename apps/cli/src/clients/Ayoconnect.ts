/**
 * The Ayoconnect client a command runs with: the configured upstream (flags over `AYOCONNECT_*`
 * environment variables, read by @kasir/core's own `layerConfig`), or the embedded sandbox.
 */
import { Ayoconnect, Transport, type KasirError } from "@kasir/core"
import type { HttpClient } from "@effect/platform"
import { type ConfigError, Effect, Layer, type Option } from "effect"
import type { SandboxUnavailable } from "../CliError.js"
import * as Embedded from "../Embedded.js"
import type { Output } from "../Output.js"
import * as Settings from "../Settings.js"
import { settings } from "../config/Ayoconnect.js"

const fromSandbox = Layer.unwrapEffect(
  Effect.map(Embedded.Endpoint, (sandbox) => Ayoconnect.layer(sandbox.ayoconnect))
)

/**
 * The client for a command: the embedded sandbox with `--sandbox` or without credentials, the
 * configured upstream otherwise.
 */
export const layer = (
  flags: Settings.Flags,
  sandbox: boolean,
  sandboxUrl: Option.Option<string>
): Layer.Layer<
  Ayoconnect.Ayoconnect,
  KasirError.InvalidConfig | SandboxUnavailable | ConfigError.ConfigError | KasirError.InvalidConfig,
  Output
> =>
  Layer.unwrapEffect(
    Effect.map(
      Settings.target("Ayoconnect", settings, flags, sandbox),
      (
        target
      ): Layer.Layer<
        Ayoconnect.Ayoconnect,
        SandboxUnavailable | ConfigError.ConfigError | KasirError.InvalidConfig,
        HttpClient.HttpClient | Output
      > =>
        target === "configured"
          ? Ayoconnect.layerConfig().pipe(
              Layer.provide(Layer.setConfigProvider(Settings.configProvider(flags)))
            )
          : fromSandbox.pipe(
              Layer.provide(
                Embedded.layer({
                  provider: "Ayoconnect",
                  envPrefix: "AYOCONNECT_",
                  reason: sandbox ? "flag" : "unconfigured",
                  url: sandboxUrl
                })
              )
            )
    )
  ).pipe(Layer.provide(Transport.layer))
