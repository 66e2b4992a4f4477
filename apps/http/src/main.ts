/**
 * The kasir gateway entry point: `node apps/http/dist/main.js`.
 *
 * Logs are JSON lines on stdout. A startup failure is reported as one log line naming the reason —
 * "port 8080 is already in use", the configuration variable that is wrong, the key file that
 * cannot be read — and exit code 1, never with a secret; SIGTERM/SIGINT drain in-flight requests
 * and exit 0. Traces and metrics go out over OTLP when the OTEL_* variables say so (`@kasir/telemetry`).
 */
import { HttpServerError } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Transport } from "@kasir/core"
import { Telemetry } from "@kasir/telemetry"
import { Cause, ConfigError, Effect, Layer, Logger } from "effect"
import * as AccessLog from "./AccessLog.js"
import * as Gateway from "./Gateway.js"
import * as GatewayConfig from "./GatewayConfig.js"
import * as Version from "./Version.js"

// The listen error Node reports, as one clause naming the port (or socket) and the reason.
const listenFailure = (
  error: NodeJS.ErrnoException & { readonly port?: number; readonly address?: string }
) => {
  const where = error.port !== undefined ? `port ${error.port}` : `address ${error.address ?? "(unknown)"}`
  switch (error.code) {
    case "EADDRINUSE":
      return `${where} is already in use (set PORT to a free port)`
    case "EACCES":
      return `${where} needs privileges to listen on (set PORT to 1024 or above)`
    case "EADDRNOTAVAIL":
      return `HOST ${error.address ?? ""} is not an address of this machine`
    default:
      return `cannot listen on ${where}: ${error.code ?? error.message}`
  }
}

/**
 * One line saying why startup failed: the variable for configuration errors, the port for listen
 * errors. Messages are built from error fields that never hold secrets (values are `Redacted`).
 */
const describe = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.squash(cause)
  if (ConfigError.isConfigError(failure)) return `configuration: ${String(failure)}`
  if (HttpServerError.isServerError(failure) && failure._tag === "ServeError") {
    const listen = failure.cause
    return typeof listen === "object" && listen !== null && "code" in listen
      ? listenFailure(listen as NodeJS.ErrnoException)
      : "the server could not start listening"
  }
  const message =
    failure instanceof Error || (typeof failure === "object" && failure !== null && "message" in failure)
      ? String((failure as { message: unknown }).message)
      : String(failure)
  return message === "" ? `${(failure as { _tag?: string })?._tag ?? "unknown error"}` : message
}

const program = Effect.gen(function* () {
  const { logLevel } = yield* GatewayConfig.config
  // Telemetry is built first and released last: the transport and the clients see its tracer
  // (or none) when they are built, and spans still buffered at shutdown are flushed.
  // The access log line as `Logger.json` would write it, formatted directly and batched (`AccessLog`).
  const gateway = Gateway.layer({ accessLog: AccessLog.stdout() }).pipe(
    Layer.provide(Transport.layer),
    Layer.provide(Telemetry.layer({ serviceName: "kasir-gateway", serviceVersion: Version.version }))
  )
  return yield* Layer.launch(gateway).pipe(Logger.withMinimumLogLevel(logLevel))
}).pipe(
  Effect.tapErrorCause((cause) => Effect.logError(`kasir gateway failed to start: ${describe(cause)}`)),
  Effect.provide(Logger.json)
)

NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true })
