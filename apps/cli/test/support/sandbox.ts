/**
 * A running `kasir sandbox` (the real executable serving the real simulators) for tests that
 * need state across several commands, or the configured-credentials path.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { baseEnv, bin } from "./kasir.js"

/** What `kasir sandbox --json` prints once it listens. */
export interface Running {
  readonly url: string
  readonly ayoconnect: { readonly baseUrl: string; readonly apiKey: string; readonly secret: string }
  readonly nicepay: {
    readonly baseUrl: string
    readonly clientId: string
    readonly clientSecret: string
    readonly privateKey: string
  }
  readonly admin: { readonly requests: string; readonly faults: string }
  readonly env: { readonly KASIR_SANDBOX_URL: string }
  readonly child: ChildProcess
  /** Stops it with SIGINT and resolves with its exit code. */
  readonly stop: () => Promise<number | null>
}

/** Starts `kasir sandbox --port 0 --json` and waits for its JSON document. */
export const startSandbox = (env: NodeJS.ProcessEnv = {}): Promise<Running> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "sandbox", "--port", "0", "--json"], {
      env: { ...baseEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`kasir sandbox did not start: ${stderr}`))
    }, 120_000)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      try {
        const document = JSON.parse(stdout)
        clearTimeout(timer)
        resolve({
          ...document,
          child,
          stop: () => {
            child.kill("SIGINT")
            return exited
          }
        })
      } catch {
        // Not the whole document yet.
      }
    })
    child.on("error", reject)
  })
