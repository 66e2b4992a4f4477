/**
 * Runs the real `kasir` executable (the bundle built by the global setup) as a child process.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { inject } from "vitest"

/** The bundled executable. */
export const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url))

/** What a run of `kasir` produced. */
export interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment a test run starts from: the parent's, minus every provider variable, so a
 * developer's own credentials never leak into a test, and without colours.
 */
export const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("AYOCONNECT_") || key.startsWith("NICEPAY_")) continue
    env[key] = value
  }
  env.NO_COLOR = "1"
  return env
}

/**
 * Puts an embedded ledger, created and migrated but empty, in `dataDir/ledger`: a copy of the
 * global setup's template, without initdb's seconds (the copy costs about one).
 */
export const addLedger = (dataDir: string): string => {
  cpSync(path.join(inject("ledgerTemplate"), "ledger"), path.join(dataDir, "ledger"), { recursive: true })
  return dataDir
}

/**
 * A new data directory for `KASIR_DATA_DIR`, as on a fresh machine except that its ledger is
 * already created (`addLedger`): an empty sandbox and an empty ledger.
 */
export const freshDataDir = (prefix = "kasir-data-"): string =>
  addLedger(mkdtempSync(path.join(tmpdir(), prefix)))

/**
 * Runs `kasir ...args` to completion (killed after `timeoutMillis`). Unless the test sets
 * `KASIR_DATA_DIR` or a `cwd`, each run gets an empty data directory of its own, so the embedded
 * sandbox starts empty as it would on a fresh machine. Tests whose money commands share a ledger
 * set `KASIR_DATA_DIR` to a `freshDataDir()` once per file.
 */
export const kasir = (
  args: ReadonlyArray<string>,
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string; readonly timeoutMillis?: number } = {}
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const own =
      options.env?.KASIR_DATA_DIR === undefined && options.cwd === undefined ? freshDataDir() : undefined
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...baseEnv(), ...(own === undefined ? {} : { KASIR_DATA_DIR: own }), ...options.env },
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMillis ?? 120_000)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      if (own !== undefined) rmSync(own, { recursive: true, force: true })
      resolve({ code, signal, stdout, stderr })
    })
  })

/** The lines of a stream's text, without the final newline. */
export const lines = (text: string): ReadonlyArray<string> =>
  text === "" ? [] : text.replace(/\n$/, "").split("\n")
