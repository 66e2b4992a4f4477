/**
 * Where the CLI writes: results on stdout, everything else (notices, progress, errors) on stderr,
 * so `kasir … --json | jq` always sees exactly one JSON document.
 */
import { Context, Effect, Layer } from "effect"

export class Output extends Context.Tag("@kasir/cli/Output")<
  Output,
  {
    /** Writes the text and a newline to stdout. */
    readonly stdout: (text: string) => Effect.Effect<void>
    /** Writes the text and a newline to stderr. */
    readonly stderr: (text: string) => Effect.Effect<void>
    /** Rewrites the current stderr line; a no-op unless stderr is a terminal. */
    readonly status: (text: string) => Effect.Effect<void>
    /** Clears a line written by `status`. */
    readonly clearStatus: Effect.Effect<void>
    /** Whether anything was written to stdout yet (a `--json` error document is printed only then). */
    readonly wroteStdout: Effect.Effect<boolean>
    /** Whether stderr is an interactive terminal (progress is shown only then). */
    readonly interactive: boolean
  }
>() {}

// Terminal control: carriage return plus "erase the whole line".
const eraseLine = "\r\u001b[2K"

/**
 * The process's own streams. Writes to pipes and files are synchronous on POSIX, so nothing is
 * lost when the process exits right after.
 */
export const layerProcess: Layer.Layer<Output> = Layer.sync(Output, () => {
  const interactive = process.stderr.isTTY === true
  let statusShown = false
  let wroteStdout = false
  return {
    stdout: (text) =>
      Effect.sync(() => {
        wroteStdout = true
        process.stdout.write(`${text}\n`)
      }),
    wroteStdout: Effect.sync(() => wroteStdout),
    stderr: (text) =>
      Effect.sync(() => {
        if (statusShown) {
          process.stderr.write(eraseLine)
          statusShown = false
        }
        process.stderr.write(`${text}\n`)
      }),
    status: (text) =>
      Effect.sync(() => {
        if (!interactive) return
        process.stderr.write(`${eraseLine}${text}`)
        statusShown = true
      }),
    clearStatus: Effect.sync(() => {
      if (!statusShown) return
      process.stderr.write(eraseLine)
      statusShown = false
    }),
    interactive
  }
})
