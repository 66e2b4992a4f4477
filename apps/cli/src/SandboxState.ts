/**
 * The embedded sandbox's state between commands. Each command that falls back to the embedded
 * simulator starts it in-process; without a record, `ayoconnect inquiry` and the `pay` it suggests
 * would meet two empty simulators. So the state (a `Sandbox.Snapshot`: pure data, no
 * credentials) is read from the data directory when the simulator starts and written back when the
 * command ends: `$KASIR_DATA_DIR/sandbox/state.json`, `KASIR_DATA_DIR` defaulting to `.kasir` in
 * the working directory. `kasir sandbox reset` empties it and records when, so a reference that is
 * unknown because of the reset says so.
 *
 * Commands run one after another share the state; two commands at once each write their own
 * view back, the last one winning (a sandbox for one person at a terminal, not a database).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import * as KasirError from "@kasir/core/KasirError"
import type { Sandbox } from "@kasir/sandbox"

/**
 * The environment variable naming the data directory.
 */
export const dataDirEnv = "KASIR_DATA_DIR"

/**
 * The data directory (absolute), from `KASIR_DATA_DIR` or `.kasir` in the working directory.
 */
export const dataDir = (): string => path.resolve(process.env[dataDirEnv] || ".kasir")

/**
 * The file the embedded sandbox's state is kept in.
 */
export const stateFile = (): string => path.join(dataDir(), "sandbox", "state.json")

/**
 * What the file holds: the last state, and when the state was last reset (ISO 8601), if ever.
 */
export interface Stored {
  readonly snapshot?: Sandbox.Snapshot | undefined
  readonly resetAt?: string | undefined
}

/**
 * The stored state; empty when there is none yet. An unreadable file is reported, never ignored
 * silently: `Error` with a message naming the file and the way out.
 */
export const load = (isSnapshot: (u: unknown) => u is Sandbox.Snapshot): Stored => {
  const file = stateFile()
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch {
    return {}
  }
  try {
    const parsed = JSON.parse(text) as { snapshot?: unknown; resetAt?: unknown }
    const snapshot = parsed.snapshot === undefined ? undefined : parsed.snapshot
    if (snapshot !== undefined && !isSnapshot(snapshot)) throw new Error("not a sandbox snapshot")
    return {
      snapshot,
      resetAt: typeof parsed.resetAt === "string" ? parsed.resetAt : undefined
    }
  } catch (error) {
    throw new Error(
      `the embedded sandbox's state in ${file} is unreadable (${(error as Error).message}); run 'kasir sandbox reset'`
    )
  }
}

/**
 * Writes the state atomically (a temporary file renamed over the old one).
 */
export const save = (stored: Stored): void => {
  const file = stateFile()
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(stored)}\n`, { mode: 0o600 })
  renameSync(temporary, file)
}

let loaded: Stored | undefined

/**
 * Remembers what this command loaded, for `resetNotice`.
 */
export const remember = (stored: Stored): void => {
  loaded = stored
}

/**
 * The line to add to an unknown-reference error when this command used the embedded sandbox and
 * its state was reset: the reference may simply predate the reset.
 */
export const resetNotice = (error: KasirError.KasirError): string | undefined =>
  loaded?.resetAt !== undefined && KasirError.isUnknownReference(error)
    ? `The embedded sandbox was reset at ${loaded.resetAt} ('kasir sandbox reset'): references from before then are gone.`
    : undefined
