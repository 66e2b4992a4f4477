/**
 * The sandbox a command falls back to, with `--sandbox` or when a provider's credentials are not
 * configured: both simulators served in-process on a free loopback port — or, when
 * `KASIR_SANDBOX_URL` (`--sandbox-url`) names one started with `kasir sandbox`, that running
 * sandbox, so multi-step flows (inquiry → pay → status) keep their state between commands.
 * Either way the commands use the sandbox's demo credentials, and say so in one line on stderr.
 * The in-process sandbox keeps its state in the data directory between commands (`SandboxState`).
 */
import type { HttpClient } from "@effect/platform"
import type * as Core from "@kasir/core"
import { Nicepay, Sandbox } from "@kasir/sandbox"
import { Context, Effect, Layer, Option } from "effect"
import { SandboxUnavailable } from "./CliError.js"
import { urlEnv } from "./Common.js"
import { Output } from "./Output.js"
import * as SandboxState from "./SandboxState.js"

/**
 * Where the sandbox answers, and the client configurations (demo credentials) that work against it.
 */
export class Endpoint extends Context.Tag("@kasir/cli/SandboxEndpoint")<
  Endpoint,
  {
    readonly url: string
    readonly ayoconnect: Core.Ayoconnect.Config.AyoconnectConfig
    readonly nicepay: Core.Nicepay.Config.NicepayConfig
  }
>() {}

/**
 * Why the sandbox is used.
 */
export type Reason = "flag" | "unconfigured"

/**
 * The one line printed on stderr when a command uses the sandbox.
 */
export const notice = (options: {
  readonly provider: string
  readonly envPrefix: string
  readonly reason: Reason
  readonly url: string
  readonly running: boolean
}): string => {
  const where = options.running
    ? `the sandbox at ${options.url} (${urlEnv})`
    : `the embedded simulator at ${options.url}`
  return options.reason === "flag"
    ? `kasir: --sandbox: using ${where} with demo credentials`
    : `kasir: no ${options.provider} credentials configured (${options.envPrefix}*); using ${where} with demo credentials`
}

const fromRunning = (url: string): Context.Tag.Service<Endpoint> => {
  const base = url.replace(/\/+$/, "")
  return { url: base, ...Sandbox.clientConfigs(base) }
}

// The embedded sandbox keeps its state between commands in the data directory (`SandboxState`):
// restored when it starts, written back when the command ends.
const persisted = Effect.gen(function* () {
  const sandbox = yield* Sandbox.Sandbox
  const stored = yield* Effect.try({
    try: () => SandboxState.load(Sandbox.isSnapshot),
    catch: (error) => new SandboxUnavailable({ reason: (error as Error).message })
  })
  SandboxState.remember(stored)
  if (stored.snapshot !== undefined) yield* sandbox.restore(stored.snapshot)
  yield* Effect.addFinalizer(() =>
    Effect.flatMap(sandbox.snapshot, (snapshot) =>
      Effect.try(() => SandboxState.save({ ...stored, snapshot })).pipe(
        Effect.catchAll((error) =>
          Effect.flatMap(Output, (output) =>
            output.stderr(
              `kasir: could not keep the embedded sandbox's state in ${SandboxState.stateFile()}: ${String(error.error)}`
            )
          )
        )
      )
    )
  )
  return sandbox
})

const inProcess: Layer.Layer<Endpoint, SandboxUnavailable, HttpClient.HttpClient | Output> = Layer.scoped(
  Endpoint,
  Effect.map(persisted, (sandbox) => ({
    url: sandbox.url,
    ayoconnect: sandbox.ayoconnect.client,
    nicepay: sandbox.nicepay.client
  }))
).pipe(
  Layer.provide(
    // A fixed notification key: generating a fresh 2048-bit one costs ~0.2 s per command, and a
    // one-command sandbox never delivers notifications (no notification URL is registered).
    Sandbox.layer({ port: 0, nicepay: { notificationPrivateKey: Nicepay.Demo.PRIVATE_KEY } }).pipe(
      // Without extra merchants there is no key to be malformed: only serving can fail.
      Layer.catchAll((error) => Layer.fail(new SandboxUnavailable({ reason: error.message })))
    )
  )
)

/**
 * The sandbox for the lifetime of the command, announced on stderr.
 */
export const layer = (options: {
  readonly provider: string
  readonly envPrefix: string
  readonly reason: Reason
  readonly url: Option.Option<string>
}): Layer.Layer<Endpoint, SandboxUnavailable, HttpClient.HttpClient | Output> =>
  Option.match(options.url, {
    onNone: () => inProcess,
    onSome: (url) => Layer.succeed(Endpoint, fromRunning(url))
  }).pipe(
    Layer.tap((context) =>
      Effect.flatMap(Output, (output) =>
        output.stderr(
          notice({ ...options, url: Context.get(context, Endpoint).url, running: Option.isSome(options.url) })
        )
      )
    )
  )
