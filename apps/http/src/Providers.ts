/**
 * Routes each provider to its configured upstream, or — when none of its variables is set — to the
 * embedded sandbox, saying so in one log line.
 *
 * A provider counts as configured as soon as any of its variables is set; core then reads the
 * full configuration and fails startup with a message naming what is missing, so a half-set
 * configuration never silently falls back to the sandbox.
 */
import type { HttpClient, HttpServerError } from "@effect/platform"
import { Ayoconnect, Nicepay, type Snap, type KasirError } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { createPublicKey } from "node:crypto"
import { Config, type ConfigError, type Context, Deferred, Effect, Layer, Option, Redacted } from "effect"
import { type Mode, ProviderModes } from "./ProviderModes.js"

/**
 * The variables that mark Ayoconnect as configured (core's `Ayoconnect.Config.configuredBy`).
 */
export const ayoconnectVariables: ReadonlyArray<string> = Ayoconnect.Config.configuredBy

/**
 * The variables that mark NICEPAY as configured (core's `Nicepay.Config.configuredBy`).
 */
export const nicepayVariables: ReadonlyArray<string> = Nicepay.Config.configuredBy

const modeOf = (variables: ReadonlyArray<string>): Config.Config<Mode> =>
  Config.map(Config.all(variables.map((name) => Config.option(Config.string(name)))), (values) =>
    values.some(Option.isSome) ? "upstream" : "sandbox"
  )

/**
 * Where each provider goes, from the environment.
 */
export const modes: Config.Config<Context.Tag.Service<ProviderModes>> = Config.all({
  ayoconnect: modeOf(ayoconnectVariables),
  nicepay: modeOf(nicepayVariables)
})

const ayoconnectFromSandbox = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) => Ayoconnect.layer(sandbox.ayoconnect.client))
)

const nicepayFromSandbox = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) => Nicepay.layer(sandbox.nicepay.client))
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
 * The gateway's own inbound routes, for the embedded sandbox: its simulated Ayoconnect sends
 * callbacks to `/callbacks/ayoconnect` and its simulated NICEPAY sends notifications to
 * `/api/v1.0/transfer/notify`, as the real upstreams would once configured in their dashboards.
 */
export interface Inbound {
  /** Completed with the gateway's base URL (e.g. `http://127.0.0.1:8080`) once it listens. */
  readonly baseUrl: Deferred.Deferred<string>
  /** The HTTP Basic credentials `/callbacks/ayoconnect` accepts, if any. */
  readonly callbackCredentials: Option.Option<{
    readonly username: string
    readonly password: Redacted.Redacted<string>
  }>
}

// Re-registers the sandbox's demo partner and merchant with the gateway's inbound URLs once the
// gateway listens (its port is only known then). Runs beside startup; a failure is logged, since
// the gateway works without callbacks (status reads are the truth).
const wireInbound = (providerModes: Context.Tag.Service<ProviderModes>, inbound: Inbound) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      const wire = (baseUrl: string) =>
        Effect.gen(function* () {
          if (providerModes.ayoconnect === "sandbox") {
            const { partner, simulator } = sandbox.ayoconnect
            const deposit = yield* simulator.balance(partner.apiKey)
            yield* simulator.registerPartner({
              ...partner,
              deposit: Option.getOrUndefined(deposit),
              callbackUrl: `${baseUrl}/callbacks/ayoconnect`,
              callbackCredentials: Option.getOrUndefined(inbound.callbackCredentials)
            })
          }
          if (providerModes.nicepay === "sandbox") {
            const { merchant, simulator } = sandbox.nicepay
            const balance = yield* simulator.balance(merchant.clientId)
            yield* simulator.registerMerchant({
              clientId: merchant.clientId,
              clientSecret: merchant.clientSecret,
              publicKey: createPublicKey(Redacted.value(merchant.privateKey)),
              notificationUrl: `${baseUrl}/api/v1.0/transfer/notify`,
              balance: Option.getOrUndefined(balance)
            })
          }
          yield* Effect.logInfo(
            `embedded sandbox: callbacks and notifications are sent to this gateway at ${baseUrl}`
          )
        })
      yield* Deferred.await(inbound.baseUrl).pipe(
        Effect.flatMap(wire),
        Effect.catchAllCause((cause) =>
          Effect.logWarning("embedded sandbox: callbacks and notifications stay off", cause)
        ),
        Effect.forkScoped
      )
    })
  )

/**
 * Why the provider layer can fail to build: configuration, keys, or the sandbox's port.
 */
export type ProviderError =
  | ConfigError.ConfigError
  | KasirError.InvalidConfig
  | Snap.Signature.InvalidKey
  | HttpServerError.ServeError

/**
 * The provider clients and their modes.
 */
export const layer = (
  providerModes: Context.Tag.Service<ProviderModes>,
  inbound: Inbound
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
    announce(sandboxed),
    wireInbound(providerModes, inbound)
  ).pipe(Layer.provide(Sandbox.layer()))
}
