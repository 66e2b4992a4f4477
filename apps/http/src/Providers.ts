/**
 * Routes each provider to its configured upstream, or — when none of its variables is set — to the
 * embedded sandbox, saying so in one log line.
 *
 * A provider counts as configured as soon as any of its variables is set; core then reads the
 * full configuration and fails startup with a message naming what is missing, so a half-set
 * configuration never silently falls back to the sandbox.
 *
 * @since 0.1.0
 */
import type { HttpClient, HttpServerError } from "@effect/platform"
import { Ayoconnect, Nicepay, type Snap } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { Config, type ConfigError, type Context, Effect, Layer, Option } from "effect"
import { type Mode, ProviderModes } from "./ProviderModes.js"

/**
 * The variables that mark Ayoconnect as configured.
 *
 * @since 0.1.0
 */
export const ayoconnectVariables: ReadonlyArray<string> = [
  "AYOCONNECT_BASE_URL",
  "AYOCONNECT_API_KEY",
  "AYOCONNECT_API_SECRET"
]

/**
 * The variables that mark NICEPAY as configured.
 *
 * @since 0.1.0
 */
export const nicepayVariables: ReadonlyArray<string> = [
  "NICEPAY_BASE_URL",
  "NICEPAY_ENV",
  "NICEPAY_CLIENT_ID",
  "NICEPAY_CLIENT_SECRET",
  "NICEPAY_PRIVATE_KEY"
]

const modeOf = (variables: ReadonlyArray<string>): Config.Config<Mode> =>
  Config.map(Config.all(variables.map((name) => Config.option(Config.string(name)))), (values) =>
    values.some(Option.isSome) ? "upstream" : "sandbox"
  )

/**
 * Where each provider goes, from the environment.
 *
 * @since 0.1.0
 */
export const modes: Config.Config<Context.Tag.Service<ProviderModes>> = Config.all({
  ayoconnect: modeOf(ayoconnectVariables),
  nicepay: modeOf(nicepayVariables)
})

const ayoconnectFromSandbox = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Ayoconnect.layer({
      baseUrl: sandbox.ayoconnect.baseUrl,
      apiKey: sandbox.ayoconnect.partner.apiKey,
      apiSecret: sandbox.ayoconnect.partner.secret
    })
  )
)

const nicepayFromSandbox = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Nicepay.layer({
      baseUrl: sandbox.nicepay.baseUrl,
      clientId: sandbox.nicepay.merchant.clientId,
      clientSecret: sandbox.nicepay.merchant.clientSecret,
      privateKey: sandbox.nicepay.merchant.privateKey,
      notificationPublicKey: sandbox.nicepay.notificationPublicKey
    })
  )
)

const announce = (
  sandboxed: ReadonlyArray<{ readonly name: string; readonly variables: ReadonlyArray<string> }>
) =>
  Layer.effectDiscard(
    Effect.flatMap(Sandbox.Sandbox, (sandbox) =>
      Effect.forEach(sandboxed, ({ name, variables }) =>
        Effect.logWarning(
          `${name}: no credentials configured (${variables.join(", ")}) — routed to the embedded sandbox at ${sandbox.url}`
        ).pipe(Effect.annotateLogs({ provider: name, mode: "sandbox", sandboxUrl: sandbox.url }))
      )
    )
  )

/**
 * Why the provider layer can fail to build: configuration, keys, or the sandbox's port.
 *
 * @since 0.1.0
 */
export type ProviderError =
  | ConfigError.ConfigError
  | Ayoconnect.InvalidConfig
  | Nicepay.Config.InvalidConfig
  | Snap.InvalidKey
  | HttpServerError.ServeError

/**
 * The provider clients and their modes.
 *
 * @since 0.1.0
 */
export const layer = (
  providerModes: Context.Tag.Service<ProviderModes>
): Layer.Layer<
  Ayoconnect.Ayoconnect | Nicepay.NicepayPayout | ProviderModes,
  ProviderError,
  HttpClient.HttpClient
> => {
  const modesLayer = Layer.succeed(ProviderModes, providerModes)
  const sandboxed = [
    ...(providerModes.ayoconnect === "sandbox"
      ? [{ name: "ayoconnect", variables: ayoconnectVariables }]
      : []),
    ...(providerModes.nicepay === "sandbox" ? [{ name: "nicepay", variables: nicepayVariables }] : [])
  ]
  if (sandboxed.length === 0) {
    return Layer.mergeAll(Ayoconnect.layerConfig(), Nicepay.layerConfig(), modesLayer)
  }
  return Layer.mergeAll(
    providerModes.ayoconnect === "upstream" ? Ayoconnect.layerConfig() : ayoconnectFromSandbox,
    providerModes.nicepay === "upstream" ? Nicepay.layerConfig() : nicepayFromSandbox,
    modesLayer,
    announce(sandboxed)
  ).pipe(Layer.provide(Sandbox.layer()))
}
