import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { baseEnv, bin, kasir, lines } from "./support/kasir.js"
import { startSandbox } from "./support/sandbox.js"

describe("kasir sandbox", () => {
  it("serves both simulators until interrupted, then exits 130", async () => {
    const sandbox = await startSandbox()
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sandbox.ayoconnect).toEqual({ baseUrl: sandbox.url, apiKey: "SANDBOXDEMO1" })
      expect(sandbox.nicepay).toEqual({ baseUrl: `${sandbox.url}/nicepay`, clientId: "IONPAYTEST" })
      expect(sandbox.env).toEqual({ KASIR_SANDBOX_URL: sandbox.url })
      expect(sandbox.admin).toEqual({
        requests: `${sandbox.url}/_sandbox/requests`,
        faults: `${sandbox.url}/_sandbox/faults`
      })

      const run = await kasir(["nicepay", "balance", "--json"], { env: { KASIR_SANDBOX_URL: sandbox.url } })
      expect(run.code).toBe(0)
      expect(lines(run.stderr)).toEqual([
        `kasir: no NICEPAY credentials configured (NICEPAY_*); using the sandbox at ${sandbox.url} (KASIR_SANDBOX_URL) with demo credentials`
      ])
      expect(JSON.parse(run.stdout)).toEqual({
        accountNo: "IONPAYTEST",
        availableBalance: 1_000_000_000,
        currency: "IDR"
      })
    } finally {
      expect(await sandbox.stop()).toBe(130)
    }
  })

  it("prints where it listens and how to point kasir at it", async () => {
    const child = spawn(process.execPath, [bin, "sandbox", "--port", "0"], {
      env: baseEnv(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        if (stdout.includes("Stop with Ctrl-C.")) resolve()
      })
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    child.kill("SIGTERM")
    expect(await exited).toBe(130)
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
    expect(lines(stdout)).toEqual([
      `kasir sandbox listening on ${url}`,
      `Ayoconnect:  ${url} (API key SANDBOXDEMO1)`,
      `NICEPAY:     ${url}/nicepay (client ID IONPAYTEST)`,
      `Admin:       GET ${url}/_sandbox/requests, POST ${url}/_sandbox/faults`,
      "",
      "Point kasir at it, so state survives between commands (demo secrets are used, never printed):",
      `  export KASIR_SANDBOX_URL=${url}`,
      "Stop with Ctrl-C."
    ])
  })

  it.each([
    ["1e3", 'expected a whole number as digits only, got "1e3"'],
    ["70000", "a TCP port is 0 to 65535"]
  ])("a port of %s is a usage error, exit 2", async (value, message) => {
    const run = await kasir(["sandbox", "--port", value])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([`error: --port: ${message}`, "Run 'kasir sandbox --help' for usage."])
  })
})
