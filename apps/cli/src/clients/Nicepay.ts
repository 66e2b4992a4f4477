/**
 * The NICEPAY merchant a command runs as: the configured one (flags over `NICEPAY_*`
 * environment variables, read with @kasir/core's own `Config.fromEnv`, key files resolved), or
 * the embedded sandbox's demo merchant.
 */
import { Nicepay, type Snap, Transport, type KasirError } from "@kasir/core"
import type { HttpClient } from "@effect/platform"
import { type ConfigError, Context, Effect, Layer, type Option } from "effect"
import type { SandboxUnavailable } from "../CliError.js"
import * as Embedded from "../Embedded.js"
import type { Output } from "../Output.js"
import * as Settings from "../Settings.js"
import { settings } from "../config/Nicepay.js"

/**
 * The merchant configuration the command runs with.
 */
export class Merchant extends Context.Tag("@kasir/cli/NicepayMerchant")<
  Merchant,
  Nicepay.Config.NicepayConfig
>() {}

/**
 * Why the merchant configuration is unusable.
 */
export type MerchantError =
  | KasirError.InvalidConfig
  | SandboxUnavailable
  | ConfigError.ConfigError
  | KasirError.InvalidConfig

const fromSandbox = Layer.effect(
  Merchant,
  Effect.map(Embedded.Endpoint, (sandbox): Nicepay.Config.NicepayConfig => sandbox.nicepay)
)

/**
 * The merchant: the embedded sandbox's with `--sandbox` or without credentials, the configured
 * one otherwise (key variables may name files; a missing or malformed key fails here).
 */
export const merchantLayer = (
  flags: Settings.Flags,
  sandbox: boolean,
  sandboxUrl: Option.Option<string>
): Layer.Layer<Merchant, MerchantError, HttpClient.HttpClient | Output> =>
  Layer.unwrapEffect(
    Effect.map(
      Settings.target("NICEPAY", settings, flags, sandbox),
      (target): Layer.Layer<Merchant, MerchantError, HttpClient.HttpClient | Output> =>
        target === "configured"
          ? Layer.effect(
              Merchant,
              Effect.withConfigProvider(
                Effect.flatMap(Nicepay.Config.fromEnv, Nicepay.Config.resolveKeyFiles),
                Settings.configProvider(flags)
              )
            )
          : fromSandbox.pipe(
              Layer.provide(
                Embedded.layer({
                  provider: "NICEPAY",
                  envPrefix: "NICEPAY_",
                  reason: sandbox ? "flag" : "unconfigured",
                  url: sandboxUrl
                })
              )
            )
    )
  )

/**
 * The payout client for the merchant, with the merchant configuration alongside.
 */
export const layer = (
  flags: Settings.Flags,
  sandbox: boolean,
  sandboxUrl: Option.Option<string>
): Layer.Layer<Merchant | Nicepay.NicepayPayout, MerchantError | Snap.Signature.InvalidKey, Output> =>
  Layer.unwrapEffect(Effect.map(Merchant, (merchant) => Nicepay.layer(merchant))).pipe(
    Layer.provideMerge(merchantLayer(flags, sandbox, sandboxUrl)),
    Layer.provide(Transport.layer)
  )
