/**
 * A command's result in both shapes: the readable text printed by default and the JSON document
 * printed with `--json`. Commands build a `Report`; `emit` picks the shape.
 */
import { Effect } from "effect"
import { Output } from "./Output.js"

export interface Report {
  /** The document printed with `--json`: plain JSON values only (amounts as integer rupiah). */
  readonly json: unknown
  /** The readable summary or table printed otherwise. */
  readonly text: string
}

/**
 * Prints the report on stdout: exactly one JSON document with `json`, the text otherwise.
 */
export const emit = (
  report: Report,
  options: { readonly json: boolean }
): Effect.Effect<void, never, Output> =>
  Effect.flatMap(Output, (output) =>
    output.stdout(options.json ? JSON.stringify(report.json, null, 2) : report.text)
  )
