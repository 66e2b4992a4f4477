/**
 * The whole program: parse, run, and turn every outcome into output and an exit code.
 */
import { CliConfig } from "@effect/cli"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import type { Teardown } from "@effect/platform/Runtime"
import { Cause, type Console, Effect, Exit, Layer, Logger } from "effect"
import * as Cli from "./Cli.js"
import * as ExitCode from "./ExitCode.js"
import * as Failure from "./Failure.js"
import * as Output from "./Output.js"
import * as Usage from "./Usage.js"

const colors = process.stdout.isTTY === true && process.env.NO_COLOR === undefined

/**
 * The Console @effect/cli writes through. Help goes to stdout, styled only on a colour terminal.
 * Its own error printing is dropped: `Failure` reports those errors in kasir's format instead.
 */
const cliConsole = Effect.map(Effect.console, (base) => {
  const console: Console.Console = {
    ...base,
    log: (...args) =>
      base.log(...args.map((arg) => (typeof arg === "string" && !colors ? Failure.stripAnsi(arg) : arg))),
    error: () => Effect.void
  }
  return console
})

// Logs (`--log-level debug`) go to stderr so stdout stays a clean result or JSON document.
const logger = Logger.replace(
  Logger.defaultLogger,
  Logger.prettyLogger({
    stderr: true,
    colors: process.stderr.isTTY === true && process.env.NO_COLOR === undefined
  })
)

// What @effect/cli needs, imported one module at a time: the `@effect/platform-node` index would
// drag the HTTP stack into every start-up. Built-in options are listed once, in the root
// description, instead of in every help page.
const environment = Layer.mergeAll(
  NodeFileSystem.layer,
  NodePath.layer,
  NodeTerminal.layer,
  Output.layerProcess,
  logger,
  CliConfig.layer({ showBuiltIns: false })
)

/**
 * Runs `kasir` on a command line (`process.argv` shape) and yields the exit code. Never fails:
 * every failure has been reported on stderr by the time the exit code is known.
 */
export const program = (argv: ReadonlyArray<string>): Effect.Effect<ExitCode.ExitCode> => {
  const args = argv.slice(2)
  // `--help` anywhere on a command line that names a command: kasir's own rendering (`Help`).
  const resolved = Usage.resolve(args)
  const helpText =
    resolved.unknown === undefined && args.some((arg) => arg === "--help" || arg === "-h")
      ? Cli.help(resolved.path)
      : undefined
  if (helpText !== undefined) {
    return Effect.flatMap(Output.Output, (output) => output.stdout(helpText)).pipe(
      Effect.as(ExitCode.Success),
      Effect.provide(Output.layerProcess)
    )
  }
  return Effect.flatMap(cliConsole, (console) => Effect.withConsole(Cli.run(argv), console)).pipe(
    Effect.as(ExitCode.Success),
    Effect.catchAllCause((cause) => Failure.report(cause, args)),
    (command) => withTelemetry(command, `kasir ${resolved.path.join(" ")}`.trim()),
    Effect.provide(environment)
  )
}

// Any OTLP endpoint variable set: the command runs as one trace (its root span named after the
// command), exported through `@kasir/telemetry` and flushed before the process exits. None set:
// the telemetry module is not even loaded, and nothing extra is printed or paid.
const otlpVariables = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"
]

const withTelemetry = <A, R>(
  command: Effect.Effect<A, never, R>,
  name: string
): Effect.Effect<A, never, R> =>
  otlpVariables.some((variable) => (process.env[variable] ?? "").trim() !== "")
    ? Effect.flatMap(
        Effect.promise(() => import("@kasir/telemetry")),
        ({ Telemetry }) =>
          Effect.withSpan(command, name, { kind: "client", captureStackTrace: false }).pipe(
            Effect.provide(Telemetry.layer({ serviceName: "kasir-cli" })),
            // A malformed OTEL_* value is reported and the command runs untraced.
            Effect.catchAll((error) =>
              Effect.zipRight(
                Effect.sync(() => process.stderr.write(`kasir: telemetry disabled: ${error.message}\n`)),
                command
              )
            )
          )
      )
    : command

/**
 * Exits with the code the program yielded; an interrupted program (Ctrl-C, SIGTERM) exits 130.
 */
export const teardown: Teardown = (exit, onExit) => {
  if (Exit.isSuccess(exit)) return onExit(typeof exit.value === "number" ? exit.value : ExitCode.Success)
  onExit(Cause.isInterruptedOnly(exit.cause) ? ExitCode.Interrupted : ExitCode.Unknown)
}
