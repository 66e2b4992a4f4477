/**
 * The exit codes of `kasir`, the contract scripts rely on.
 *
 * | code | meaning                                                                  |
 * |------|--------------------------------------------------------------------------|
 * | 0    | success                                                                  |
 * | 1    | the upstream declined or failed the operation (or rejected credentials)  |
 * | 2    | usage or configuration error: fix the command line, env vars or key file |
 * | 3    | upstream unavailable, timed out, or the outcome is unknown               |
 * | 130  | interrupted (Ctrl-C / SIGTERM)                                           |
 */
import type { ErrorKind } from "@kasir/core"

export type ExitCode = 0 | 1 | 2 | 3 | 130

export const Success: ExitCode = 0
export const Declined: ExitCode = 1
export const Usage: ExitCode = 2
export const Unknown: ExitCode = 3
export const Interrupted: ExitCode = 130

/**
 * The exit code for a kind of failure.
 */
export const fromKind = (kind: ErrorKind.ErrorKind): ExitCode => {
  switch (kind) {
    case "Declined":
    case "Unauthorized":
      return Declined
    case "InvalidRequest":
    case "Configuration":
      return Usage
    case "OutcomeUnknown":
    case "Unavailable":
    case "Timeout":
      return Unknown
  }
}

/**
 * The exit-code table as printed in `kasir --help` and the README.
 */
export const table: ReadonlyArray<readonly [code: number, meaning: string]> = [
  [0, "success"],
  [1, "the upstream declined or failed the operation, or rejected the credentials"],
  [2, "usage or configuration error (arguments, env vars, key files)"],
  [3, "upstream unavailable, timed out, or outcome unknown (check the status before retrying)"],
  [130, "interrupted"]
]
