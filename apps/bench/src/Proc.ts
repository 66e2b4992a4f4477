/**
 * Child processes the benchmarks and reliability tests run: the sandbox, the gateway and the
 * baseline pass-through, each in its own process so that its CPU time and memory can be read
 * separately from the load generator's (Linux `/proc`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, openSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root (this file is apps/bench/{src,dist}/Proc.*). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

export const paths = {
  sandbox: path.join(repoRoot, "packages/sandbox/dist/bin.js"),
  gateway: path.join(repoRoot, "apps/http/dist/main.js"),
  passthrough: path.join(repoRoot, "apps/bench/dist/baseline/Passthrough.js"),
  otlpReceiver: path.join(repoRoot, "apps/bench/dist/baseline/OtlpReceiver.js"),
  cli: path.join(repoRoot, "apps/cli/dist/bin.js")
} as const

// Clock ticks per second of /proc/<pid>/stat times (USER_HZ), 100 on every Linux we run on.
const TICKS_PER_SECOND = 100

/** CPU time (user + system) a process has used so far, in microseconds; 10 ms resolution. */
export const cpuMicros = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND
}

/** Resident set size of a process, in bytes. */
export const rssBytes = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  return match === null ? Number.NaN : Number(match[1]) * 1024
}

/** A free loopback port (bound and released; a tiny race, acceptable on a test machine). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/**
 * Polls `url` until it answers (any status) or `timeoutMillis` passes: a hang guard, not a speed
 * limit (a gateway opening a new embedded ledger takes seconds, more on a loaded machine).
 */
export const waitForHttp = async (url: string, timeoutMillis = 180_000): Promise<void> => {
  const deadline = Date.now() + timeoutMillis
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) })
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMillis} ms: ${error}`)
      await sleep(100)
    }
  }
}

export interface Running {
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  readonly url: string
  /** The file stdout and stderr go to. */
  readonly logFile: string
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>
  /** SIGTERM, then SIGKILL after `graceMillis`; resolves with how it ended. */
  readonly stop: (graceMillis?: number) => Promise<number | string>
}

/**
 * Starts `node script` on a free loopback port (`PORT`/`--port`), logging to `logFile`, and waits
 * until `readyPath` answers.
 */
export const start = async (options: {
  readonly name: string
  readonly script: string
  readonly args?: (port: number) => ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly readyPath: string
  readonly logFile: string
  readonly nodeOptions?: ReadonlyArray<string>
}): Promise<Running> => {
  const port = await freePort()
  const out = openSync(options.logFile, "w")
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), options.script, ...(options.args?.(port) ?? [])],
    {
      env: {
        PATH: process.env.PATH ?? "",
        // The gateway's embedded ledger (PGlite) holds its data directory for one process: each
        // process gets a fresh one unless the caller chose (KASIR_DATA_DIR / KASIR_DATABASE_URL).
        KASIR_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `kasir-${options.name}-data-`)),
        ...options.env,
        PORT: String(port),
        HOST: "127.0.0.1"
      },
      stdio: ["ignore", out, out]
    }
  )
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
  )
  const url = `http://127.0.0.1:${port}`
  const stop = async (graceMillis = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMillis)
      const how = await exited
      clearTimeout(timer)
      return how
    }
    return exited
  }
  try {
    await Promise.race([
      waitForHttp(`${url}${options.readyPath}`),
      exited.then((how) => {
        throw new Error(`${options.name} exited (${how}) before it was ready; see ${options.logFile}`)
      })
    ])
  } catch (error) {
    await stop(1_000)
    throw error
  }
  return { name: options.name, child, pid: child.pid!, url, logFile: options.logFile, exited, stop }
}

/**
 * The V8 heap ceiling the gateway (and its baseline) run with, as a deployment would set it. The
 * gateway's live heap is about 40 MB; without a ceiling V8 on a large-memory host postpones major
 * collections and RSS climbs with garbage (measured: 234 → 433 MB over a 30 s soak), while with it
 * RSS stays flat at the same throughput.
 */
export const serverNodeOptions: ReadonlyArray<string> = ["--max-old-space-size=128"]

/** The combined sandbox (both simulators) in its own process. */
export const startSandbox = (logFile: string, env: Readonly<Record<string, string>> = {}) =>
  start({
    name: "sandbox",
    script: paths.sandbox,
    args: (port) => ["--port", String(port), "--host", "127.0.0.1"],
    env,
    readyPath: "/_sandbox/requests?ready",
    logFile
  })
