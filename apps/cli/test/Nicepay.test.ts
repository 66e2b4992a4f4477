import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Nicepay } from "@kasir/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshDataDir, kasir, lines, type Run } from "./support/kasir.js"
import { type Running, startSandbox } from "./support/sandbox.js"

let sandbox: Running
let env: NodeJS.ProcessEnv
let notice: string
let dir: string

beforeAll(async () => {
  sandbox = await startSandbox()
  // One data directory for the file, as one person's terminal has: the money commands share its
  // ledger, so an approve finds the payout its register recorded.
  env = {
    KASIR_SANDBOX_URL: sandbox.url,
    KASIR_DATA_DIR: freshDataDir("kasir-nicepay-cli-")
  }
  notice = `kasir: no NICEPAY credentials configured (NICEPAY_*); using the sandbox at ${sandbox.url} (KASIR_SANDBOX_URL) with demo credentials`
  dir = mkdtempSync(path.join(tmpdir(), "kasir-nicepay-"))
})

afterAll(async () => {
  await sandbox.stop()
  rmSync(env.KASIR_DATA_DIR!, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const json = (run: Run) => JSON.parse(run.stdout)

/** The configured-credentials path: NICEPAY's published sandbox merchant, key in a file. */
const configured = (privateKey: string = Nicepay.Demo.PRIVATE_KEY): NodeJS.ProcessEnv => ({
  NICEPAY_BASE_URL: `${sandbox.url}/nicepay`,
  NICEPAY_CLIENT_ID: Nicepay.Demo.CLIENT_ID,
  NICEPAY_CLIENT_SECRET: Nicepay.Demo.CLIENT_SECRET,
  NICEPAY_PRIVATE_KEY: privateKey
})

let counter = 0
const reference = (label: string) => `${label}-${Date.now() % 1_000_000}-${counter++}`

const register = async (account: string, extra: ReadonlyArray<string> = [], ref = reference("po")) => {
  const run = await kasir(
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
      "--json",
      ...extra
    ],
    { env }
  )
  return { ref, run }
}

const registered = async (account: string, extra: ReadonlyArray<string> = []) => {
  const { ref, run } = await register(account, extra)
  expect(run.code).toBe(0)
  return { ref, id: json(run).originalReferenceNo as string }
}

describe("kasir nicepay, embedded sandbox", () => {
  it("token: proves the credentials work, never prints the token", async () => {
    const run = await kasir(["nicepay", "token"])
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toHaveLength(1)
    expect(lines(run.stderr)[0]).toMatch(
      /^kasir: no NICEPAY credentials configured \(NICEPAY_\*\); using the embedded simulator at http:\/\/127\.0\.0\.1:\d+ with demo credentials$/
    )
    expect(lines(run.stdout)).toEqual([
      "NICEPAY issued a B2B access token for IONPAYTEST, valid for 900 s.",
      "The token is a secret and is not printed; kasir fetches and caches it for each call."
    ])
    const document = json(await kasir(["nicepay", "token", "--json"]))
    expect(document).toEqual({ clientId: "IONPAYTEST", expiresInSeconds: 900 })
  })

  it("balance --sandbox --json: the documented fields", async () => {
    const run = await kasir(["nicepay", "balance", "--sandbox", "--json"])
    expect(run.code).toBe(0)
    expect(lines(run.stderr)[0]).toMatch(
      /^kasir: --sandbox: using the embedded simulator at http:\/\/127\.0\.0\.1:\d+ with demo credentials$/
    )
    expect(json(run)).toEqual({ accountNo: "IONPAYTEST", availableBalance: 1_000_000_000, currency: "IDR" })
  })

  it("balance: a readable summary in rupiah", async () => {
    const run = await kasir(["nicepay", "balance"])
    expect(run.code).toBe(0)
    expect(lines(run.stdout)).toEqual([
      "Available balance:  Rp 1.000.000.000",
      "Merchant:           IONPAYTEST"
    ])
  })
})

describe("kasir nicepay payout, against a running sandbox", () => {
  it("register → status → approve → status: the whole lifecycle", async () => {
    const { ref, run } = await register("903327200")
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toEqual([notice])
    const payout = json(run)
    expect(payout).toEqual({
      partnerReferenceNo: ref,
      originalReferenceNo: expect.stringMatching(/^IONPAYTEST07\d{18}$/),
      beneficiaryAccountNo: "903327200",
      beneficiaryName: "IONPAY NETWORKS",
      beneficiaryBankCode: "BBBA",
      amount: 10_000,
      status: "Pending"
    })
    const id = payout.originalReferenceNo as string
    const lookup = ["nicepay", "payout", "status", "--ref", ref, "--id", id, "--account", "903327200"]

    const pending = await kasir(lookup, { env })
    expect(pending.code).toBe(0)
    expect(lines(pending.stdout).slice(0, 6)).toEqual([
      "Payout status: Pending",
      `Partner reference:  ${ref}`,
      `Payout ID:          ${id}`,
      "Beneficiary:        IONPAY NETWORKS",
      "Account:            903327200 (bank BBBA)",
      "Amount:             Rp 10.000"
    ])

    const approved = await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id], { env })
    expect(approved.code).toBe(0)
    expect(lines(approved.stdout)[0]).toBe("Payout approved; status Success.")

    const done = await kasir([...lookup, "--json"], { env })
    expect(done.code).toBe(0)
    expect(json(done)).toMatchObject({
      partnerReferenceNo: ref,
      originalReferenceNo: id,
      status: "Success",
      amount: 10_000
    })
  })

  it("reject a registered payout", async () => {
    const { ref, id } = await registered("903327201")
    const run = await kasir(["nicepay", "payout", "reject", "--ref", ref, "--id", id, "--json"], { env })
    expect(run.code).toBe(0)
    expect(json(run)).toMatchObject({
      operation: "reject",
      result: "done",
      partnerReferenceNo: ref,
      originalReferenceNo: id
    })
  })

  it("cancel an approved, scheduled payout", async () => {
    const { ref, id } = await registered("903327202", [
      "--reserved-date",
      "20301231",
      "--reserved-time",
      "235959"
    ])
    expect((await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id], { env })).code).toBe(0)
    const run = await kasir(["nicepay", "payout", "cancel", "--ref", ref, "--id", id], { env })
    expect(run.code).toBe(0)
    expect(lines(run.stdout)[0]).toBe("Payout canceled; status Canceled.")
  })

  it("a repeated register and a repeated approve answer the payout's current state, exit 0 (as the gateway does)", async () => {
    const { ref, id } = await registered("903327204")
    const again = await register("903327204", [], ref)
    expect(again.run.code).toBe(0)
    expect(json(again.run)).toMatchObject({
      partnerReferenceNo: ref,
      originalReferenceNo: id,
      status: "Pending"
    })
    const approve = ["nicepay", "payout", "approve", "--ref", ref, "--id", id, "--account", "903327204"]
    expect((await kasir(approve, { env })).code).toBe(0)
    const repeated = await kasir(approve, { env })
    expect(repeated.code).toBe(0)
    expect(lines(repeated.stdout)[0]).toBe("Payout already approved; status Success.")
  })

  it("an operation in the wrong state: refused from the ledger's record, nothing sent, exit 2", async () => {
    const { ref, id } = await registered("903327203")
    expect((await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id], { env })).code).toBe(0)
    const before = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as ReadonlyArray<unknown>
    const run = await kasir(["nicepay", "payout", "reject", "--ref", ref, "--id", id], { env })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      notice,
      `error: nicepay reject: payout ${id} is Success, which cannot be rejected`
    ])
    const after = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as ReadonlyArray<unknown>
    expect(after.length).toBe(before.length)
  })

  it("registration declined by the upstream (insufficient funds): exit 1", async () => {
    const { run } = await register("9033272009914")
    expect(run.code).toBe(1)
    // --json: the failure is the one document on stdout.
    expect(json(run)).toMatchObject({ error: { kind: "Declined", upstreamCode: "4030014" }, exitCode: 1 })
    expect(lines(run.stderr)).toEqual([notice, "error: SNAP 4030014: Insufficient Funds"])
  })

  it("approve answered 500 after the upstream acted: resolved by one read through the ledger, never resent, exit 0", async () => {
    const { ref, id } = await registered("9033272009500")
    const run = await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id], { env })
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toEqual([notice])
    expect(lines(run.stdout)[0]).toBe("Payout approved; status Success.")
    const log = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as ReadonlyArray<{
      readonly operation: string
      readonly body: string
    }>
    const of = (operation: string) =>
      log.filter((entry) => entry.operation === operation && entry.body.includes(ref)).length
    expect([of("transfer/approve"), of("transfer/inquiry")]).toEqual([1, 1])
  })

  it("status --wait follows a suspect payout until it fails at the bank: exit 1", async () => {
    const { ref, id } = await registered("9033272009909")
    const approved = await kasir(["nicepay", "payout", "approve", "--ref", ref, "--id", id], { env })
    expect(lines(approved.stdout)[0]).toBe("Payout approved; status Suspect.")
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
        "9033272009909",
        "--wait",
        "--interval",
        "1s",
        "--json"
      ],
      { env }
    )
    expect(run.code).toBe(1)
    expect(json(run)).toMatchObject({ partnerReferenceNo: ref, status: "Failed" })
    // Piped: no progress output, only the notice and the failure.
    expect(lines(run.stderr)).toEqual([notice, `error: NICEPAY payout ${ref} failed: Failed`])
  })

  it("status --wait that ends while the payout is still pending: exit 3", async () => {
    const { ref, id } = await registered("903327204")
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
        "903327204",
        "--wait",
        "--interval",
        "1s",
        "--timeout",
        "2s"
      ],
      { env }
    )
    expect(run.code).toBe(3)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      notice,
      `error: NICEPAY payout ${ref} is still Pending after the wait; check its status later`
    ])
  })

  it("status of an unknown payout: exit 1", async () => {
    const run = await kasir(
      [
        "nicepay",
        "payout",
        "status",
        "--ref",
        "nope-1",
        "--id",
        "IONPAYTEST07000000000000000000",
        "--account",
        "1"
      ],
      { env }
    )
    expect(run.code).toBe(1)
    expect(lines(run.stderr)).toEqual([notice, "error: SNAP 4040001: Transaction Not Found"])
  })
})

describe("kasir nicepay, arguments and configuration", () => {
  it("an amount of 12.5 is a usage error: exit 2", async () => {
    const run = await kasir([
      "nicepay",
      "payout",
      "register",
      "--ref",
      "r1",
      "--account",
      "903327200",
      "--name",
      "A",
      "--phone",
      "0812",
      "--bank",
      "BBBA",
      "--amount",
      "12.5"
    ])
    expect(run.code).toBe(2)
    expect(lines(run.stderr)).toEqual([
      'error: --amount: expected whole rupiah as digits only (e.g. 10000), got "12.5"',
      "Run 'kasir nicepay payout register --help' for usage."
    ])
  })

  it("a bad reference and a bad bank code are usage errors: exit 2", async () => {
    const ref = await kasir(["nicepay", "payout", "approve", "--ref", "has space", "--id", "X1"])
    expect(ref.code).toBe(2)
    expect(lines(ref.stderr)[0]).toBe("error: --ref: must be 1 to 40 letters, digits, '.', '_' or '-'")
    const bank = await kasir([
      "nicepay",
      "payout",
      "register",
      "--ref",
      "r1",
      "--account",
      "903327200",
      "--name",
      "A",
      "--phone",
      "081211111111",
      "--bank",
      "bca",
      "--amount",
      "10000"
    ])
    expect(bank.code).toBe(2)
    expect(lines(bank.stderr)[0]).toBe(
      'error: --bank: must be a 4-character NICEPAY bank code such as "CENA"'
    )
  })

  it("configured with the key in a file: no notice, the configured merchant", async () => {
    const keyFile = path.join(dir, "demo-key.pem")
    writeFileSync(keyFile, Nicepay.Demo.PRIVATE_KEY, { mode: 0o600 })
    const run = await kasir(["nicepay", "balance", "--json"], { env: configured(keyFile) })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(json(run)).toMatchObject({ accountNo: "IONPAYTEST" })
  })

  it("--nicepay-timeout bounds each attempt: a stalled upstream times out after the retries, exit 3", async () => {
    const fault = { fault: "stall", upstream: "nicepay", operation: "balance-inquiry", times: 4 }
    await fetch(sandbox.admin.faults, { method: "POST", body: JSON.stringify(fault) })
    try {
      const started = performance.now()
      const run = await kasir(["nicepay", "balance", "--nicepay-timeout", "300 millis"], {
        env: configured()
      })
      expect(run.code).toBe(3)
      expect(run.stdout).toBe("")
      expect(lines(run.stderr)).toEqual([
        "error: nicepay balance-inquiry: no complete response within 300 ms"
      ])
      // Four attempts of 300 ms and three backoffs (≈200, 400, 800 ms): at least that long. The
      // message names the 300 ms that applied; no upper bound on the time (machine speed).
      expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 300)
    } finally {
      await fetch(sandbox.admin.faults, { method: "DELETE" })
    }
  })

  it("a malformed NICEPAY_TIMEOUT is a configuration error: exit 2", async () => {
    const run = await kasir(["nicepay", "balance"], { env: { ...configured(), NICEPAY_TIMEOUT: "soon" } })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      'error: configuration: NICEPAY_TIMEOUT: Expected a duration but received "soon"',
      "Set the environment variable or pass the matching flag. Run 'kasir nicepay balance --help' for usage."
    ])
  })

  it("a missing key file: exit 2", async () => {
    const run = await kasir(["nicepay", "balance"], { env: configured(path.join(dir, "no-such-key.pem")) })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      "error: NICEPAY_PRIVATE_KEY: neither PEM / base64 key text nor the path of an existing file"
    ])
  })

  it("a malformed key file: exit 2, and the file's contents are never echoed", async () => {
    const keyFile = path.join(dir, "broken-key.pem")
    writeFileSync(
      keyFile,
      "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n"
    )
    const run = await kasir(["nicepay", "balance"], { env: configured(keyFile) })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      "error: invalid RSA private key: the key material could not be decoded (corrupt or not an RSA key)"
    ])
    expect(run.stderr).not.toContain("bm90IGEga2V5")
  })

  it("a key NICEPAY does not know (freshly generated): rejected, exit 1, secret never printed", async () => {
    const out = path.join(dir, "fresh")
    expect((await kasir(["keys", "generate", "--out", out])).code).toBe(0)
    const run = await kasir(["nicepay", "token", "--log-level", "debug"], {
      env: configured(path.join(out, "snap-private-key.pem"))
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr).at(-1)).toMatch(/^error: SNAP 40173\d\d: Unauthorized/)
    expect(`${run.stdout}${run.stderr}`).not.toContain(Nicepay.Demo.CLIENT_SECRET)
  })

  it("a pair from `keys generate`, registered with the sandbox, gets a token", async () => {
    const out = path.join(dir, "onboarding")
    expect((await kasir(["keys", "generate", "--out", out])).code).toBe(0)
    const merchant = {
      NICEPAY_CLIENT_ID: "KASIRTEST1",
      NICEPAY_CLIENT_SECRET: "kasir-test-secret",
      NICEPAY_PRIVATE_KEY: path.join(out, "snap-private-key.pem")
    }
    const own = await startSandbox(merchant)
    try {
      const run = await kasir(["nicepay", "token", "--json"], {
        env: { ...merchant, NICEPAY_BASE_URL: own.nicepay.baseUrl }
      })
      expect(run.code).toBe(0)
      expect(run.stderr).toBe("")
      expect(json(run)).toEqual({ clientId: "KASIRTEST1", expiresInSeconds: 900 })
    } finally {
      await own.stop()
    }
  })
})
