/**
 * Multi-step flows in the default embedded mode, pasted exactly as the CLI prints them (issue 16
 * row 2): the embedded sandbox keeps its state between commands in `.kasir/sandbox` of the working
 * directory, and `kasir sandbox reset` empties it — after which an unknown reference says why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addLedger, kasir, lines } from "./support/kasir.js"

let cwd: string

beforeAll(() => {
  // The working directory's `.kasir/`: an empty sandbox state and an empty, migrated ledger.
  cwd = mkdtempSync(path.join(tmpdir(), "kasir-flows-"))
  addLedger(path.join(cwd, ".kasir"))
})

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true })
})

const run = (args: ReadonlyArray<string>) => kasir(args, { cwd })

// The command a "… with: kasir …" line suggests, with `<placeholder>`s filled in.
const suggested = (stdout: string, prefix: string, fill: Readonly<Record<string, string>> = {}) => {
  const line = lines(stdout).find((l) => l.startsWith(prefix))
  expect(line).toBeDefined()
  let command = line!.slice(prefix.length).trim()
  for (const [placeholder, value] of Object.entries(fill)) command = command.replace(placeholder, value)
  const words = command.split(/\s+/)
  expect(words[0]).toBe("kasir")
  return words.slice(1)
}

// Several processes per test: an explicit budget for a loaded machine, not a speed assertion.
describe("embedded-mode flows across commands", { timeout: 180_000 }, () => {
  it("inquiry, then the printed pay line, then status: the state is kept between commands", async () => {
    const inquiry = await run(["ayoconnect", "inquiry", "--product", "DANA50", "--account", "081298765432"])
    expect(inquiry.code).toBe(0)
    const pay = await run(
      suggested(inquiry.stdout, "Pay it with:", { "<your unique reference>": "order-flow-1" })
    )
    expect(pay.stderr).not.toContain("error")
    expect(pay.code).toBe(0)
    expect(lines(pay.stdout)[0]).toMatch(/^Transaction succeeded/)
    const status = await run(["ayoconnect", "status", "--ref", "order-flow-1", "--json"])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ refNumber: "order-flow-1", state: "succeeded" })
    expect(existsSync(path.join(cwd, ".kasir", "sandbox", "state.json"))).toBe(true)
    // The state holds no credentials.
    const state = readFileSync(path.join(cwd, ".kasir", "sandbox", "state.json"), "utf8")
    expect(state).not.toContain("sandbox-demo-secret")
  })

  it("payout register, then the printed approve line, then status", async () => {
    const register = await run([
      "nicepay",
      "payout",
      "register",
      "--ref",
      "po-flow-1",
      "--account",
      "5345000060",
      "--name",
      "IONPAY NETWORKS",
      "--phone",
      "081211111111",
      "--bank",
      "BBBA",
      "--amount",
      "10000"
    ])
    expect(register.code).toBe(0)
    const approve = await run(suggested(register.stdout, "Approve it with:"))
    expect(approve.stderr).not.toContain("error")
    expect(approve.code).toBe(0)
    // nicepay payout approve --ref <ref> --id <id>
    const id = suggested(register.stdout, "Approve it with:")[6]
    const status = await run([
      "nicepay",
      "payout",
      "status",
      "--ref",
      "po-flow-1",
      "--id",
      id!,
      "--account",
      "5345000060",
      "--json"
    ])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ partnerReferenceNo: "po-flow-1", status: "Success" })
  })

  it("after kasir sandbox reset, an unknown reference says the state was reset", async () => {
    const reset = await run(["sandbox", "reset"])
    expect(reset.code).toBe(0)
    const status = await run(["ayoconnect", "status", "--ref", "order-flow-1"])
    expect(status.code).toBe(1)
    const errors = lines(status.stderr).slice(1)
    expect(errors[0]).toBe(
      "error: Ayoconnect answered 188 (transaction not available): transaction is not available"
    )
    expect(errors.at(-1)).toMatch(
      /^The embedded sandbox was reset at \d{4}-\d\d-\d\dT[\d:.]+Z \('kasir sandbox reset'\): references from before then are gone\.$/
    )
  })
})
