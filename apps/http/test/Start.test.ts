/**
 * `pnpm start`, exactly as the README gives it, from the repository root: the process the user
 * started is pnpm, and SIGTERM or SIGINT to it must reach the gateway, which drains and exits 0 —
 * no gateway left listening as an orphan (issue 10, row 7).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))

const childrenOf = (pid: number): ReadonlyArray<number> => {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((n) => Number.isInteger(n) && n > 0)
  } catch {
    return [] // ps exits 1 when there are none
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Whether something accepts connections on the port.
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const startGateway = async (): Promise<{ child: ChildProcess; port: number; output: () => string }> => {
  const child = spawn("pnpm", ["start"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "0",
      KASIR_API_KEYS: "",
      // The embedded ledger (PGlite), in a data directory of its own rather than the checkout's .kasir/.
      KASIR_DATA_DIR: mkdtempSync(join(tmpdir(), "kasir-start-data-")),
      npm_config_loglevel: "warn"
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (chunk) => {
    output += chunk
  })
  child.stderr!.on("data", (chunk) => {
    output += chunk
  })
  // Bounded by count, not by the machine's speed: up to 1,200 polls of 100 ms.
  for (let poll = 0; poll < 1_200 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); poll++) {
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const match = output.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/)
  if (match === null) {
    child.kill("SIGKILL")
    throw new Error(`pnpm start did not listen:\n${output}`)
  }
  return { child, port: Number(match[1]), output: () => output }
}

// Bundling, starting and draining a process: an explicit budget, not a speed assertion.
describe("pnpm start", { timeout: 240_000 }, () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} to the pnpm process drains the gateway, exits 0 and releases the port`, async () => {
      const { child, port, output } = await startGateway()
      const pid = child.pid!
      const descendants = childrenOf(pid).flatMap((c) => [c, ...childrenOf(c)])
      expect(descendants.length).toBeGreaterThan(0)
      expect(await listening(port)).toBe(true)

      const exited = once(child, "exit")
      child.kill(signal)
      const [code, killedBy] = (await exited) as [number | null, NodeJS.Signals | null]
      expect({ code, killedBy }).toEqual({ code: 0, killedBy: null })
      expect(output()).toContain("shutdown: drained")
      expect(await listening(port)).toBe(false)
      // Nothing the start command spawned survives it.
      for (let poll = 0; poll < 100 && descendants.some(alive); poll++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(descendants.filter(alive)).toEqual([])
      // A fresh embedded ledger initialises its data directory first (seconds on a loaded machine).
    }, 180_000)
  }
})
