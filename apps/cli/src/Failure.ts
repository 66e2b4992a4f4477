/**
 * Turns any failure into one or two lines on stderr and an exit code. Never a stack trace: not
 * for upstream errors, not for @effect/cli's own validation errors, not for bugs.
 */
import { HelpDoc, ValidationError } from "@effect/cli"
import type { ErrorKind } from "@kasir/core"
import * as KasirError from "@kasir/core/KasirError"
import { Cause, ConfigError, Effect, Option } from "effect"
import * as ExitCode from "./ExitCode.js"
import { core } from "./Input.js"
import { Output } from "./Output.js"
import * as SandboxState from "./SandboxState.js"
import * as Usage from "./Usage.js"

/**
 * What the user sees for a failure.
 */
export interface Described {
  readonly exitCode: ExitCode.ExitCode
  /** One to three lines. */
  readonly lines: readonly [string, ...Array<string>]
}

// Terminal styling escape sequences, as found in @effect/cli's rendered help docs.
const ansiPattern = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

/**
 * Text without terminal styling.
 */
export const stripAnsi = (text: string): string => text.replace(ansiPattern, "")

const plainText = (doc: HelpDoc.HelpDoc): string =>
  stripAnsi(HelpDoc.toAnsiText(doc))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(" ")

const describeValidation = (
  error: ValidationError.ValidationError,
  args: ReadonlyArray<string>
): Described => {
  const resolved = Usage.resolve(args)
  if (resolved.unknown !== undefined) {
    const where = ["kasir", ...resolved.path].join(" ")
    return {
      exitCode: ExitCode.Usage,
      lines: [
        `error: unknown command '${resolved.unknown.word}' for '${where}' (expected one of: ${resolved.unknown.choices.join(", ")})`,
        Usage.helpHint(resolved.path)
      ]
    }
  }
  const raw = "error" in error ? plainText(error.error) : "invalid command line"
  // @effect/cli capitalises its messages; kasir's error lines read "error: received unknown …".
  const text = raw.charAt(0).toLowerCase() + raw.slice(1)
  return { exitCode: ExitCode.Usage, lines: [`error: ${text}`, Usage.helpHint(resolved.path)] }
}

// Config paths and reasons from Effect's ConfigError tree (never values: there are none in it).
const configProblems = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...configProblems(error.left), ...configProblems(error.right)]
    case "MissingData":
      return [`${error.path.join("_")} is not set`]
    case "InvalidData":
    case "SourceUnavailable":
    case "Unsupported":
      return [`${error.path.join("_")}: ${error.message}`]
  }
}

const text = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim().length > 0 ? value.trim() : undefined

// The upstream's messages, labelled: Ayoconnect's `{ID, EN}` pair, SNAP's single message.
const labelledMessages = (
  messages: KasirError.UpstreamMessages | undefined
): ReadonlyArray<readonly [string, string | undefined]> =>
  messages === undefined
    ? []
    : "message" in messages
      ? [["message", text(messages.message)]]
      : [
          ["ID", text(messages.ID)],
          ["EN", text(messages.EN)]
        ]

/**
 * The upstream's own words on an error: its response code and its messages — Ayoconnect's
 * Indonesian and English pair, SNAP's single `responseMessage` (`KasirError.upstreamMessages`).
 */
export const upstreamDetail = (error: KasirError.KasirError): string | undefined => {
  if (error.upstreamCode === undefined) return undefined
  return [
    `upstream code ${error.upstreamCode}`,
    ...labelledMessages(error.upstreamMessages).flatMap(([label, value]) =>
      value === undefined ? [] : [`${label}: ${JSON.stringify(value)}`]
    )
  ].join(" · ")
}

// The upstream's texts of an error, to tell whether its message already says everything.
const upstreamTexts = (error: KasirError.KasirError): ReadonlyArray<string> => [
  String(error.upstreamCode),
  ...labelledMessages(error.upstreamMessages).flatMap(([, value]) => (value === undefined ? [] : [value]))
]

// The hint that input and configuration errors may carry (the CLI's own, mostly).
const hintOf = (error: KasirError.KasirError): string | undefined =>
  error instanceof KasirError.InvalidInput || error instanceof KasirError.InvalidConfig
    ? text(error.hint)
    : undefined

const describeKasirError = (error: KasirError.KasirError, kind: ErrorKind.ErrorKind): Described => {
  const message = text(error.message) ?? error._tag
  const upstream = upstreamDetail(error)
  // A second line only when it adds something: SNAP's message is usually the whole first line.
  const detail =
    upstream !== undefined && upstreamTexts(error).every((part) => message.includes(part))
      ? undefined
      : (upstream ?? hintOf(error))
  const reset = SandboxState.resetNotice(error)
  return {
    exitCode: ExitCode.fromKind(kind),
    lines: [
      `error: ${message}`,
      ...(detail === undefined ? [] : [detail]),
      ...(reset === undefined ? [] : [reset])
    ]
  }
}

/**
 * Describes one expected failure.
 */
export const describeError = (
  error: unknown,
  args: ReadonlyArray<string>,
  kindOf: (error: unknown) => ErrorKind.ErrorKind | undefined
): Described => {
  if (ValidationError.isValidationError(error)) return describeValidation(error, args)
  if (ConfigError.isConfigError(error)) {
    const problems = configProblems(error)
    return {
      exitCode: ExitCode.Usage,
      lines: [
        `error: configuration: ${problems.join("; ")}`,
        `Set the environment variable or pass the matching flag. ${Usage.helpHint(Usage.resolve(args).path)}`
      ]
    }
  }
  const kind = kindOf(error)
  if (kind !== undefined && KasirError.isKasirError(error)) return describeKasirError(error, kind)
  return describeDefect(error)
}

// A defect is not a kasir error: it says what it says, if anything.
const defectText = (defect: { readonly message?: unknown; readonly _tag?: unknown }): string =>
  typeof defect.message === "string" && defect.message.trim() !== ""
    ? defect.message.trim()
    : typeof defect._tag === "string"
      ? defect._tag
      : "unknown failure"

/**
 * A failure nobody planned for is a bug. Its outcome cannot be known (it may have happened after
 * a payment was sent), so it exits 3 like any other unknown outcome.
 */
export const describeDefect = (defect: unknown): Described => {
  const message =
    defect instanceof Error
      ? defect.message
      : typeof defect === "object" && defect !== null
        ? defectText(defect as { readonly message?: unknown; readonly _tag?: unknown })
        : String(defect)
  return {
    exitCode: ExitCode.Unknown,
    lines: [`error: internal error: ${message.split("\n")[0]}`, "This is a bug in kasir; please report it."]
  }
}

/**
 * Describes a whole cause: the first expected failure wins; then defects; interruption alone
 * exits 130 silently.
 */
export const describe = <E>(
  cause: Cause.Cause<E>,
  args: ReadonlyArray<string>,
  kindOf: (error: unknown) => ErrorKind.ErrorKind | undefined
): Described | "interrupted" => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return describeError(failure.value, args, kindOf)
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect)) return describeDefect(defect.value)
  return "interrupted"
}

const defined = (fields: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null))

const errorKind = (
  error: unknown,
  exitCode: ExitCode.ExitCode,
  kindOf: (error: unknown) => ErrorKind.ErrorKind | undefined
): string => {
  if (ValidationError.isValidationError(error)) return "Usage"
  if (ConfigError.isConfigError(error)) return "Configuration"
  return kindOf(error) ?? (exitCode === ExitCode.Interrupted ? "Interrupted" : "Internal")
}

// The upstream's own messages, without empty ones.
const upstreamMessages = (error: KasirError.KasirError): Record<string, string> | undefined => {
  const messages = Object.fromEntries(
    labelledMessages(error.upstreamMessages).filter(
      (entry): entry is [string, string] => entry[1] !== undefined
    )
  )
  return Object.keys(messages).length === 0 ? undefined : messages
}

/**
 * The JSON document `--json` prints on stdout for a failure: what kind of failure, kasir's message
 * and hint, the upstream's code and messages when it answered, and the exit code with its meaning.
 */
export const errorDocument = (
  failure: unknown,
  described: Described | "interrupted",
  kindOf: (error: unknown) => ErrorKind.ErrorKind | undefined
): Record<string, unknown> => {
  const exitCode = described === "interrupted" ? ExitCode.Interrupted : described.exitCode
  const lines = described === "interrupted" ? ["error: interrupted"] : described.lines
  const error = KasirError.isKasirError(failure) ? failure : undefined
  return {
    error: defined({
      kind: errorKind(failure, exitCode, kindOf),
      message: lines[0].replace(/^error: /, ""),
      detail: lines[1],
      operation: text(error?.operation),
      upstreamCode: error?.upstreamCode,
      upstreamMessages: error === undefined ? undefined : upstreamMessages(error)
    }),
    exitCode,
    exitMeaning: ExitCode.table.find(([value]) => value === exitCode)?.[1] ?? "failed"
  }
}

const wantsJson = (args: ReadonlyArray<string>): boolean => {
  const end = args.indexOf("--")
  return (end === -1 ? args : args.slice(0, end)).includes("--json")
}

/**
 * Prints the description of a cause on stderr and yields the exit code. With `--json`, the
 * failure is also one JSON document on stdout (`errorDocument`), unless the command already
 * printed its document there (a payment reported as failed, say): stdout always carries exactly
 * one.
 */
export const report = <E>(
  cause: Cause.Cause<E>,
  args: ReadonlyArray<string>
): Effect.Effect<ExitCode.ExitCode, never, Output> =>
  Effect.gen(function* () {
    const { ErrorKind } = yield* core
    const described = describe(cause, args, ErrorKind.kindOf)
    const output = yield* Output
    if (wantsJson(args) && !(yield* output.wroteStdout)) {
      const failure = Option.getOrElse(Cause.failureOption(cause), () =>
        Option.getOrUndefined(Cause.dieOption(cause))
      )
      yield* output.stdout(JSON.stringify(errorDocument(failure, described, ErrorKind.kindOf), null, 2))
    }
    if (described === "interrupted") return ExitCode.Interrupted
    for (const line of described.lines) yield* output.stderr(line)
    return described.exitCode
  })
