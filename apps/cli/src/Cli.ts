/**
 * The `kasir` command tree.
 */
import { type CliApp, CliConfig, Command, HelpDoc } from "@effect/cli"
import type { Effect } from "effect"
import * as Span from "@effect/cli/HelpDoc/Span"
import * as Ayoconnect from "./commands/Ayoconnect.js"
import * as Keys from "./commands/Keys.js"
import * as Ledger from "./commands/Ledger.js"
import * as Nicepay from "./commands/Nicepay.js"
import * as Sandbox from "./commands/Sandbox.js"
import * as Webhooks from "./commands/Webhooks.js"
import * as ExitCode from "./ExitCode.js"
import * as Help from "./Help.js"
import type { Output } from "./Output.js"

// Replaced by the bundler with package.json's version (scripts/bundle.mjs).
declare const KASIR_VERSION: string | undefined

/**
 * The version printed by `kasir --version`: the package's, stamped in when bundling.
 */
export const version: string = typeof KASIR_VERSION === "string" ? KASIR_VERSION : "0.0.0-dev"

const description = HelpDoc.blocks([
  HelpDoc.p(
    "Ayoconnect PPOB bill payments and NICEPAY SNAP payouts from a terminal. Each command reads its " +
      "credentials from flags or environment variables (AYOCONNECT_*, NICEPAY_*; see each command's --help). " +
      "Without credentials, or with --sandbox, it starts the embedded simulator on a free loopback port and " +
      "says so on stderr. Results go to stdout (a readable summary, or one JSON document with --json); " +
      "errors go to stderr."
  ),
  HelpDoc.p(
    "Every command also accepts --help, --version, --log-level LEVEL (logs go to stderr), " +
      "--completions sh|bash|fish|zsh and --wizard."
  ),
  HelpDoc.h2("EXIT CODES"),
  HelpDoc.descriptionList(
    ExitCode.table.map(
      ([code, meaning]) => [Span.text(String(code)), HelpDoc.p(meaning)] as [Span.Span, HelpDoc.HelpDoc]
    ) as [[Span.Span, HelpDoc.HelpDoc], ...Array<[Span.Span, HelpDoc.HelpDoc]>]
  )
])

const root = Command.make("kasir").pipe(
  Command.withDescription(description),
  Command.withSubcommands([
    Ayoconnect.command,
    Nicepay.command,
    Ledger.ledger,
    Ledger.db,
    Sandbox.command,
    Keys.command,
    Webhooks.command
  ])
)

/**
 * The root command's descriptor (the tree `Help` walks).
 */
export const descriptor: unknown = root.descriptor

/**
 * Parses a command line (`process.argv` shape) and runs the command it names. Failures are left
 * untyped on purpose: `Failure` classifies them by `kind`, whatever module they come from.
 */
export const run: (
  argv: ReadonlyArray<string>
) => Effect.Effect<void, unknown, CliApp.CliApp.Environment | Output> = Command.run(root, {
  name: "kasir",
  version
})

/**
 * The help text of a command path (`[]` for `kasir` itself), rendered by `Help`; `undefined` when
 * the path names no command.
 */
export const help = (path: ReadonlyArray<string>): string | undefined =>
  Help.render({ root, path, version, config: CliConfig.make({ showBuiltIns: false }) })
