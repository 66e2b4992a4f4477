import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Nicepay } from "@kasir/sandbox"
import { describe, expect, it } from "vitest"
import { baseEnv, bin, kasir, lines } from "./support/kasir.js"
import { startSandbox } from "./support/sandbox.js"

describe("kasir sandbox", () => {
  it("serves both simulators until interrupted, then exits 130", async () => {
    const sandbox = await startSandbox()
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sandbox.ayoconnect).toEqual({
        baseUrl: sandbox.url,
        apiKey: "SANDBOXDEMO1",
        secret: "sandbox-demo-secret-not-for-production"
      })
      expect(sandbox.nicepay).toEqual({
        baseUrl: `${sandbox.url}/nicepay`,
        clientId: "IONPAYTEST",
        clientSecret: Nicepay.Demo.CLIENT_SECRET,
        privateKey: Nicepay.Demo.PRIVATE_KEY
      })
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

  // The banner of a sandbox started by `command` in `cwd`, and its URL.
  const banner = async (command: string, args: ReadonlyArray<string>, cwd?: string) => {
    const child = spawn(command, args, { env: baseEnv(), cwd, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        if (stdout.includes("Stop with Ctrl-C.")) resolve()
      })
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    child.kill("SIGTERM")
    const code = await exited
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? ""
    return { code, url, lines: lines(stdout.replaceAll(url, "<url>")) }
  }

  it("prints where it listens, the full demo material, and how to point kasir at it", async () => {
    const run = await banner(process.execPath, [bin, "sandbox", "--port", "0"])
    expect(run.code).toBe(130)
    expect(run.lines.slice(0, 8)).toEqual([
      "kasir sandbox listening on <url>",
      "",
      "Ayoconnect  <url>/api/v2/…",
      "  demo partner   KEY SANDBOXDEMO1, JWT secret sandbox-demo-secret-not-for-production",
      "NICEPAY     <url>/nicepay/…",
      "  demo merchant  IONPAYTEST (NICEPAY's published sandbox set)",
      `  client secret  ${Nicepay.Demo.CLIENT_SECRET}`,
      "  private key (PKCS#8, for X-SIGNATURE of the access-token request):"
    ])
    const pem = Nicepay.Demo.PRIVATE_KEY.trim()
      .split("\n")
      .map((line) => `    ${line}`)
    expect(run.lines.slice(8, 8 + pem.length)).toEqual(pem)
    expect(run.lines.slice(8 + pem.length)).toEqual([
      "Admin       GET <url>/_sandbox/requests, POST <url>/_sandbox/faults",
      "",
      "These demo credentials are public test material: never use them outside a sandbox.",
      "",
      "Point kasir at it, so state is shared between commands and with other clients:",
      "  export KASIR_SANDBOX_URL=<url>",
      "Stop with Ctrl-C."
    ])
  })

  it("pnpm sandbox prints exactly what kasir sandbox prints", async () => {
    const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))
    const viaPnpm = await banner("pnpm", ["-s", "sandbox", "--port", "0"], repoRoot)
    const viaKasir = await banner(process.execPath, [bin, "sandbox", "--port", "0"])
    expect(viaPnpm.lines).toEqual(viaKasir.lines)
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
