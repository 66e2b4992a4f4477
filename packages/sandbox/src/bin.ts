#!/usr/bin/env node
/**
 * `kasir-sandbox [--port N] [--host H]` — both simulators on one port until interrupted.
 *
 * Registers the Ayoconnect partner from `AYOCONNECT_API_KEY` / `AYOCONNECT_API_SECRET` and the
 * NICEPAY merchant from `NICEPAY_CLIENT_ID` / `NICEPAY_CLIENT_SECRET` / the public half of
 * `NICEPAY_PRIVATE_KEY` when they are set; the demo credentials always work.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Nicepay, Snap } from "@kasir/core"
import { Config, Console, Effect, Layer, Option } from "effect"
import type { MerchantRegistration } from "./Nicepay/Simulator.js"
import * as Sandbox from "./Sandbox.js"

const usage = "usage: kasir-sandbox [--port N] [--host HOST]   (default port 4010, host 127.0.0.1)"

const parseArgs = (args: ReadonlyArray<string>): { port: number; host: string } | string => {
  let port = 4010
  let host = "127.0.0.1"
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const [flag, inline] = arg.includes("=") ? (arg.split("=", 2) as [string, string]) : [arg, undefined]
    if (flag === "--help" || flag === "-h") return usage
    const value = inline ?? args[++i]
    if (flag === "--port") {
      if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        return `--port needs a number from 0 to 65535, got ${JSON.stringify(value ?? "")}\n${usage}`
      }
      port = Number(value)
    } else if (flag === "--host") {
      if (value === undefined || value === "") return `--host needs a value\n${usage}`
      host = value
    } else {
      return `unknown argument ${JSON.stringify(arg)}\n${usage}`
    }
  }
  return { port, host }
}

const optionalSecret = (name: string) => Config.option(Config.redacted(name))

const program = Effect.gen(function* () {
  const args = parseArgs(process.argv.slice(2))
  if (typeof args === "string") {
    yield* Console.error(args)
    return yield* Effect.sync(() => process.exit(args === usage ? 0 : 2))
  }

  const ayoKey = yield* Config.option(Config.string("AYOCONNECT_API_KEY"))
  const ayoSecret = yield* optionalSecret("AYOCONNECT_API_SECRET")
  const nicepayId = yield* Config.option(Config.string("NICEPAY_CLIENT_ID"))
  const nicepaySecret = yield* optionalSecret("NICEPAY_CLIENT_SECRET")
  const nicepayKey = yield* optionalSecret("NICEPAY_PRIVATE_KEY")

  const ayoconnectPartners =
    Option.isSome(ayoKey) && Option.isSome(ayoSecret)
      ? [{ apiKey: ayoKey.value, secret: ayoSecret.value }]
      : []
  const nicepayMerchants: Array<MerchantRegistration> = []
  if (Option.isSome(nicepayId) && Option.isSome(nicepaySecret) && Option.isSome(nicepayKey)) {
    const keyText = yield* Nicepay.Config.resolveKey("NICEPAY_PRIVATE_KEY", nicepayKey.value)
    const publicKey = yield* Snap.Signature.publicKeyPem(keyText)
    nicepayMerchants.push({ clientId: nicepayId.value, clientSecret: nicepaySecret.value, publicKey })
  }

  const layer = Sandbox.layer({
    port: args.port,
    host: args.host,
    ayoconnectPartners,
    nicepayMerchants
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  yield* Effect.gen(function* () {
    const sandbox = yield* Sandbox.Sandbox
    yield* Console.log(
      Sandbox.banner(sandbox, {
        ayoconnectApiKey: ayoconnectPartners[0]?.apiKey,
        nicepayClientId: nicepayMerchants[0]?.clientId
      })
    )
    yield* Console.log("Press Ctrl-C to stop.")
    return yield* Effect.never
  }).pipe(Effect.provide(layer))
})

program.pipe(
  Effect.catchAll((error) =>
    Effect.zipRight(
      Console.error(`kasir-sandbox: ${error.message}`),
      Effect.sync(() => process.exit(2))
    )
  ),
  NodeRuntime.runMain
)
