import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { baseEnv, kasir, lines } from "./support/kasir.js"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

// Every group and leaf command, by path.
const groups = [[], ["ayoconnect"], ["nicepay"], ["nicepay", "payout"], ["keys"], ["db"], ["ledger"]] as const
const leaves = [
  ["ayoconnect", "pay"],
  ["ayoconnect", "status"],
  ["nicepay", "balance"],
  ["nicepay", "payout", "register"],
  ["nicepay", "payout", "approve"],
  ["keys", "generate"],
  ["db", "migrate"],
  ["ledger", "list"],
  ["ledger", "show"],
  ["sandbox"]
] as const

describe("kasir usage", () => {
  it("prints help on stdout with the exit codes", async () => {
    const run = await kasir(["--help"])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(run.stdout).toContain("EXIT CODES")
    expect(run.stdout).not.toContain(String.fromCharCode(27))
    for (const command of ["ayoconnect", "nicepay", "ledger", "db", "sandbox", "keys"])
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"))
  })

  for (const path of groups) {
    it(`help for '${["kasir", ...path].join(" ")}': its own usage line, one short row per command`, async () => {
      const run = await kasir([...path, "--help"])
      expect(run.code).toBe(0)
      expect(run.stderr).toBe("")
      const out = lines(run.stdout)
      expect(out[0]).toBe(`kasir ${version}`)
      expect(out).toContain(`$ ${["kasir", ...path].join(" ")} <command> [options]`)
      const table = out.slice(out.indexOf("COMMANDS") + 2, out.indexOf("", out.indexOf("COMMANDS") + 2))
      expect(table.length).toBeGreaterThan(0)
      for (const row of table) {
        // "  name  summary": no doubled command words, no usage strings, no runaway padding.
        expect(row).toMatch(/^ {2}[a-z]+ +\S/)
        expect(row).not.toMatch(/ {12}/)
        expect(row).not.toContain("--")
        expect(row.length).toBeLessThan(140)
      }
      expect(run.stdout).not.toMatch(/\b(\w+) \1\b/)
    })
  }

  for (const path of leaves) {
    it(`help for '${["kasir", ...path].join(" ")}': the full command in the usage line`, async () => {
      const run = await kasir([...path, "--help"])
      expect(run.code).toBe(0)
      const out = lines(run.stdout)
      expect(out[0]).toBe(`kasir ${version}`)
      const usage = out.find((line) => line.startsWith("$ "))
      expect(usage?.startsWith(`$ ${["kasir", ...path].join(" ")} `)).toBe(true)
      expect(usage?.endsWith("[options]")).toBe(true)
      expect(out).toContain("OPTIONS")
    })
  }

  it("the usage line of a command with required flags names them", async () => {
    const run = await kasir(["nicepay", "payout", "approve", "--help"])
    expect(lines(run.stdout)).toContain("$ kasir nicepay payout approve --ref text --id text [options]")
  })

  it("pnpm -s kasir prints nothing but the command's output once the CLI is built", async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "pnpm",
        ["-s", "kasir", "--version"],
        { cwd: repoRoot, env: baseEnv(), timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr })
      )
    })
    expect(run).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^${version}\n`)), stderr: "" })
  })

  it("prints the package's version", async () => {
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
