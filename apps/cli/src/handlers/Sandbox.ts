/**
 * What `kasir sandbox` does, loaded only when it runs.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect, Nicepay, Snap } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { Clock, Config, Effect, Option } from "effect"
import { SandboxUnavailable } from "../CliError.js"
import { urlEnv } from "../Common.js"
import { emit } from "../Report.js"
import * as SandboxState from "../SandboxState.js"
import type { Run } from "./Handler.js"

// The credentials of the environment, registered so configured commands work against it too.
const registrations = Effect.gen(function* () {
  const ayoconnect = Ayoconnect.Variables.variables
  const nicepay = Nicepay.Variables.variables
  const apiKey = yield* Config.option(Config.string(ayoconnect.apiKey))
  const apiSecret = yield* Config.option(Config.redacted(ayoconnect.apiSecret))
  const clientId = yield* Config.option(Config.string(nicepay.clientId))
  const clientSecret = yield* Config.option(Config.redacted(nicepay.clientSecret))
  const privateKey = yield* Config.option(Config.redacted(nicepay.privateKey))
  const ayoconnectPartners =
    Option.isSome(apiKey) && Option.isSome(apiSecret)
      ? [{ apiKey: apiKey.value, secret: apiSecret.value }]
      : []
  const nicepayMerchants =
    Option.isSome(clientId) && Option.isSome(clientSecret) && Option.isSome(privateKey)
      ? [
          {
            clientId: clientId.value,
            clientSecret: clientSecret.value,
            publicKey: yield* Snap.Signature.publicKeyPem(
              yield* Nicepay.Config.resolveKey(nicepay.privateKey, privateKey.value)
            )
          }
        ]
      : []
  return { ayoconnectPartners, nicepayMerchants }
})

const announce = (
  sandbox: Sandbox.Service,
  registered: Effect.Effect.Success<typeof registrations>,
  json: boolean
) =>
  emit(
    {
      json: {
        url: sandbox.url,
        ayoconnect: { baseUrl: sandbox.ayoconnect.baseUrl, ...Sandbox.demoCredentials.ayoconnect },
        nicepay: { baseUrl: sandbox.nicepay.baseUrl, ...Sandbox.demoCredentials.nicepay },
        admin: { requests: `${sandbox.url}/_sandbox/requests`, faults: `${sandbox.url}/_sandbox/faults` },
        env: { [urlEnv]: sandbox.url }
      },
      text: [
        // The same banner as every other entry point of the sandbox (`pnpm sandbox`, `kasir-sandbox`).
        Sandbox.banner(sandbox, {
          ayoconnectApiKey: registered.ayoconnectPartners[0]?.apiKey,
          nicepayClientId: registered.nicepayMerchants[0]?.clientId
        }),
        "",
        "Point kasir at it, so state is shared between commands and with other clients:",
        `  export ${urlEnv}=${sandbox.url}`,
        "Stop with Ctrl-C."
      ].join("\n")
    },
    { json }
  )

/**
 * Serves until interrupted.
 */
export const serve = (args: { readonly port: number; readonly host: string; readonly json: boolean }): Run =>
  Effect.gen(function* () {
    const registered = yield* registrations
    return yield* Effect.flatMap(Sandbox.Sandbox, (sandbox) =>
      Effect.zipRight(announce(sandbox, registered, args.json), Effect.never)
    ).pipe(Effect.provide(Sandbox.layer({ port: args.port, host: args.host, ...registered })))
  }).pipe(
    Effect.catchTag("ServeError", (error) => Effect.fail(new SandboxUnavailable({ reason: error.message }))),
    Effect.provide(NodeHttpClient.layerUndici)
  )

/**
 * Empties the embedded sandbox's kept state and records when, so an unknown reference afterwards
 * can say why.
 */
export const reset = (args: { readonly json: boolean }): Run =>
  Effect.gen(function* () {
    const resetAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    const file = SandboxState.stateFile()
    yield* Effect.try({
      try: () => SandboxState.save({ resetAt }),
      catch: (error) =>
        new SandboxUnavailable({ reason: `cannot write ${file}: ${(error as Error).message}` })
    })
    yield* emit(
      {
        json: { reset: true, stateFile: file, resetAt },
        text: `Reset the embedded sandbox: its state in ${file} is empty; references from before are gone.`
      },
      args
    )
  })
