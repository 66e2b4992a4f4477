/**
 * The built gateway (`dist/main.js`) as a child process, for the tests that kill, stop or restart
 * it: started with an operator's environment and waited for until it says "Listening" (a hang
 * guard bounded by a count of polls, never a speed limit), called over loopback HTTP with fetch.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { once } from "node:events"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"

/** The gateway package's directory (where `dist/main.js` is). */
export const root = fileURLToPath(new URL("../..", import.meta.url))

export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

export interface Started {
  readonly child: ChildProcess
  readonly url: string
  /** Everything it printed so far, stdout and stderr. */
  readonly output: () => string
}

/** `KASIR_API_KEYS` for one caller key: its SHA-256 digest. */
export const apiKeysFor = (apiKey: string): string => createHash("sha256").update(apiKey).digest("hex")

/**
 * Starts `node dist/main.js` with `PATH`, `HOST=127.0.0.1`, `PORT=0` and `env`, and waits (up to
 * 2,400 polls of 50 ms: a first start initialises an embedded ledger) for its listening line.
 */
export const startGateway = async (env: Readonly<Record<string, string>>): Promise<Started> => {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (chunk) => {
    output += chunk
  })
  child.stderr!.on("data", (chunk) => {
    output += chunk
  })
  for (let poll = 0; poll < 2_400 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); poll++) {
    if (child.exitCode !== null) break
    await sleep(50)
  }
  const match = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/)
  if (match === null) {
    child.kill("SIGKILL")
    throw new Error(`gateway did not start:\n${output}`)
  }
  return { child, url: match[1]!, output: () => output }
}

/** SIGKILL, and wait for the process to be gone. */
export const kill = async (started: Started): Promise<void> => {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return
  const exited = once(started.child, "exit")
  started.child.kill("SIGKILL")
  await exited
}

/** SIGTERM (a drained shutdown), and wait for the exit. */
export const stop = async (started: Started | undefined): Promise<void> => {
  if (started === undefined || started.child.exitCode !== null || started.child.signalCode !== null) return
  const exited = once(started.child, "exit")
  started.child.kill("SIGTERM")
  await exited
}

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly json: Record<string, unknown>
}

/** One request with the caller's API key: GET without a body, POST with one. */
export const call = async (
  started: Started,
  apiKey: string,
  path: string,
  body?: unknown
): Promise<Answer> => {
  const response = await fetch(`${started.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>
  }
}

/** A request whose answer may never come (the process is killed meanwhile). */
export const sendUnanswered = (
  started: Started,
  apiKey: string,
  path: string,
  body: unknown
): Promise<number | "connection lost"> =>
  fetch(`${started.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify(body)
  })
    .then((response) => response.status)
    .catch(() => "connection lost" as const)

/**
 * Whether a connection to `port` holds received bytes nobody has read (`ss` Recv-Q): an answer
 * delivered into a stopped process's socket.
 */
export const answerQueued = (port: string): boolean =>
  execFileSync("ss", ["-tnH", "state", "established", "dport", "=", `:${port}`], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.trim() !== "")
    .some((line) => Number(line.trim().split(/\s+/)[0]) > 0)

export interface HoldingProxy {
  readonly url: string
  /** How many held requests arrived. */
  readonly held: () => number
  readonly close: () => void
}

/**
 * A proxy in front of `target` that forwards every request except those whose path ends with
 * `holdSuffix`, which it holds unanswered: a money request that never reaches the upstream.
 */
export const holdingProxy = async (target: string, holdSuffix: string): Promise<HoldingProxy> => {
  let held = 0
  const proxy: Server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      if (request.url?.endsWith(holdSuffix)) {
        held++
        return
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (pair): pair is [string, string] =>
            typeof pair[1] === "string" &&
            !["host", "connection", "content-length", "transfer-encoding", "keep-alive"].includes(pair[0])
        )
      )
      fetch(`${target}${request.url}`, {
        method: request.method ?? "POST",
        headers,
        body: Buffer.concat(chunks)
      })
        .then(async (upstream) => {
          response.writeHead(upstream.status, {
            "content-type": upstream.headers.get("content-type") ?? "application/json"
          })
          response.end(Buffer.from(await upstream.arrayBuffer()))
        })
        .catch(() => response.destroy())
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    held: () => held,
    close: () => {
      proxy.closeAllConnections()
      proxy.close()
    }
  }
}
