import { execFileSync, spawnSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { baseEnv, bin, kasir } from "./support/kasir.js"
import { type Running, startSandbox } from "./support/sandbox.js"

// util-linux `script` runs a command on a pseudo-terminal: the only way to see what a user sees.
const hasScript = spawnSync("script", ["--version"]).status === 0

let sandbox: Running

beforeAll(async () => {
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox.stop()
})

describe("progress while waiting", () => {
  it.runIf(hasScript)("shows a spinner with the elapsed time on a terminal, and clears it", async () => {
    const env = { KASIR_SANDBOX_URL: sandbox.url }
    const account = `0812${String(Date.now() % 1_000_000).padStart(6, "0")}777`
    const ref = `tty-${account}`
    const inquiry = await kasir(
      ["ayoconnect", "inquiry", "--product", "PLSTSEL10", "--account", account, "--json"],
      {
        env
      }
    )
    const { inquiryId, amount } = JSON.parse(inquiry.stdout)
    const paid = await kasir(
      [
        "ayoconnect",
        "pay",
        "--product",
        "PLSTSEL10",
        "--account",
        account,
        "--inquiry-id",
        String(inquiryId),
        "--amount",
        String(amount),
        "--ref",
        ref
      ],
      { env }
    )
    expect(paid.code).toBe(0)

    const command = [process.execPath, bin, "ayoconnect", "wait", "--ref", ref, "--interval", "1s"]
      .map((word) => `'${word}'`)
      .join(" ")
    const screen = execFileSync("script", ["-qec", command, "/dev/null"], {
      env: { ...baseEnv(), ...env },
      encoding: "utf8",
      timeout: 20_000
    })
    const erase = "\r\u001b[2K"
    expect(screen).toMatch(new RegExp(`\\r\\u001b\\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for ${ref} to settle \\(\\ds\\)`))
    // The spinner line is erased before the result is printed.
    const result = screen.indexOf("Transaction succeeded (RC 0)")
    expect(result).toBeGreaterThan(0)
    expect(screen.lastIndexOf(erase, result)).toBeGreaterThan(screen.lastIndexOf("to settle (", result))
  })
})
