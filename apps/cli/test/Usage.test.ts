import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { kasir, lines } from "./support/kasir.js"

describe("kasir usage", () => {
  it("prints help on stdout with the exit codes", async () => {
    const run = await kasir(["--help"])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(run.stdout).toContain("EXIT CODES")
    expect(run.stdout).not.toContain(String.fromCharCode(27))
    for (const command of ["ayoconnect", "nicepay", "sandbox", "keys"])
      expect(run.stdout).toContain(`- ${command}`)
  })

  it("prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    const run = await kasir(["--version"])
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe(version)
  })

  it("names an unknown command and the valid ones, exit 2", async () => {
    const run = await kasir(["ayoconnect", "balanc"])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      "error: unknown command 'balanc' for 'kasir ayoconnect' (expected one of: balance, products, inquiry, pay, status, wait)",
      "Run 'kasir ayoconnect --help' for usage."
    ])
  })

  it("reports an unknown option without a stack trace, exit 2", async () => {
    const run = await kasir(["keys", "generate", "--bogus"])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      "error: received unknown argument: '--bogus'",
      "Run 'kasir keys generate --help' for usage."
    ])
  })
})
