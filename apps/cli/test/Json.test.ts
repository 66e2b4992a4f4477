/**
 * `--json` prints exactly one JSON document on stdout, failures included (issue 16 row 3): the
 * failure's kind, kasir's message, the upstream's code and messages when it answered, and the exit
 * code with its meaning. Known fields are never `null`.
 */
import { rmSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshDataDir, kasir, type Run } from "./support/kasir.js"
import { type Running, startSandbox } from "./support/sandbox.js"

let sandbox: Running
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  sandbox = await startSandbox()
  // One data directory for the file: the money commands share its ledger.
  env = {
    KASIR_SANDBOX_URL: sandbox.url,
    KASIR_DATA_DIR: freshDataDir("kasir-json-cli-")
  }
})

afterAll(async () => {
  await sandbox.stop()
  rmSync(env.KASIR_DATA_DIR!, { recursive: true, force: true })
})

// Exactly one JSON document: the whole of stdout parses as one value.
const document = (run: Run): Record<string, unknown> => {
  expect(run.stdout.trim()).not.toBe("")
  return JSON.parse(run.stdout) as Record<string, unknown>
}

let counter = 0
const reference = (label: string) => `${label}-${Date.now() % 1_000_000}-${counter++}`

const register = (ref: string, account: string) =>
  kasir(
    [
      "nicepay",
      "payout",
      "register",
      "--ref",
      ref,
      "--account",
      account,
      "--name",
      "IONPAY NETWORKS",
      "--phone",
      "081211111111",
      "--bank",
      "BBBA",
      "--amount",
      "10000",
      "--json"
    ],
    { env }
  )

const registered = async (account: string) => {
  const ref = reference("js")
  const run = await register(ref, account)
  expect(run.code).toBe(0)
  return { ref, id: document(run).originalReferenceNo as string }
}

// Several processes per test: an explicit budget for a loaded machine, not a speed assertion.
describe("kasir --json on failure", { timeout: 180_000 }, () => {
  it("a declined registration: one document with the kind, the SNAP code and message, exit 1", async () => {
    const run = await register(reference("js"), "9033272009914")
    expect(run.code).toBe(1)
    expect(document(run)).toEqual({
      error: {
        kind: "Declined",
        message: "SNAP 4030014: Insufficient Funds",
        upstreamCode: "4030014",
        upstreamMessages: { message: "Insufficient Funds" }
      },
      exitCode: 1,
      exitMeaning: "the upstream declined or failed the operation, or rejected the credentials"
    })
  })

  it("an operation in the wrong state: one document, exit 2", async () => {
    const { ref, id } = await registered("903327301")
    expect((await kasir(["nicepay", "payout", "reject", "--ref", ref, "--id", id], { env })).code).toBe(0)
    const run = await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id, "--json"], { env })
    // Refused from the ledger's record of the rejection: nothing sent, a usage error.
    expect(run.code).toBe(2)
    const doc = document(run)
    expect(doc).toMatchObject({
      exitCode: 2,
      error: {
        kind: "InvalidRequest",
        message: `nicepay approve: payout ${id} is Rejected, which cannot be approved`
      }
    })
  })

  it("wait ending while pending: one document, exit 3 and its meaning", async () => {
    const { ref, id } = await registered("903327302")
    const run = await kasir(
      [
        "nicepay",
        "payout",
        "status",
        "--ref",
        ref,
        "--id",
        id,
        "--account",
        "903327302",
        "--wait",
        "--interval",
        "1s",
        "--timeout",
        "2s",
        "--json"
      ],
      { env }
    )
    expect(run.code).toBe(3)
    const doc = document(run)
    expect(doc.exitCode).toBe(3)
    expect(doc.exitMeaning).toContain("outcome unknown")
    expect((doc.error as { message: string }).message).toBe(
      `NICEPAY payout ${ref} is still Pending after the wait; check its status later`
    )
  })

  it("a usage error: one document of kind Usage, exit 2", async () => {
    const run = await kasir(["nicepay", "payout", "approve", "--ref", "x", "--json"], { env })
    expect(run.code).toBe(2)
    expect(document(run)).toMatchObject({ error: { kind: "Usage" }, exitCode: 2 })
  })

  it("reject --json: status is the payout's status, never null", async () => {
    const { ref, id } = await registered("903327303")
    const run = await kasir(["nicepay", "payout", "reject", "--ref", ref, "--id", id, "--json"], { env })
    expect(run.code).toBe(0)
    const doc = document(run)
    expect(doc.status).toBe("Rejected")
    expect(Object.values(doc)).not.toContain(null)
  })
})
