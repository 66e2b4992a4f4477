/**
 * The kasir gateway entry point: `node apps/http/dist/main.js`.
 *
 * Logs are JSON lines on stdout. A startup failure (bad configuration, port in use) is reported as
 * one clear log line and exit code 1; SIGTERM/SIGINT drain in-flight requests and exit 0.
 *
 * @since 0.1.0
 */
import { NodeRuntime } from "@effect/platform-node"
import { Transport } from "@kasir/core"
import { Cause, Effect, Layer, Logger } from "effect"
import * as Gateway from "./Gateway.js"
import * as GatewayConfig from "./GatewayConfig.js"

const describe = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.squash(cause)
  return failure instanceof Error || (typeof failure === "object" && failure !== null && "message" in failure)
    ? String((failure as { message: unknown }).message)
    : String(failure)
}

const program = Effect.gen(function* () {
  const { logLevel } = yield* GatewayConfig.config
  return yield* Layer.launch(Gateway.layer()).pipe(Logger.withMinimumLogLevel(logLevel))
}).pipe(
  Effect.provide(Transport.layer),
  Effect.tapErrorCause((cause) => Effect.logError(`kasir gateway failed to start: ${describe(cause)}`)),
  Effect.provide(Logger.json)
)

NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true })
