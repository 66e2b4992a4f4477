import { rmSync } from "node:fs"
import { Ayoconnect } from "@kasir/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshDataDir, kasir, lines, type Run } from "./support/kasir.js"
import { type Running, startSandbox } from "./support/sandbox.js"

const embeddedNotice =
  /^kasir: no Ayoconnect credentials configured \(AYOCONNECT_\*\); using the embedded simulator at http:\/\/127\.0\.0\.1:\d+ with demo credentials$/

let sandbox: Running
let env: NodeJS.ProcessEnv
let notice: string

beforeAll(async () => {
  sandbox = await startSandbox()
  // One data directory for the file, as one person's terminal has: the money commands share its
  // ledger, so a repeated pay is answered from the record.
  env = { KASIR_SANDBOX_URL: sandbox.url, KASIR_DATA_DIR: freshDataDir("kasir-ayoconnect-cli-") }
  notice = `kasir: no Ayoconnect credentials configured (AYOCONNECT_*); using the sandbox at ${sandbox.url} (KASIR_SANDBOX_URL) with demo credentials`
})

afterAll(async () => {
  await sandbox.stop()
  rmSync(env.KASIR_DATA_DIR!, { recursive: true, force: true })
})

/** The configured-credentials path: the demo partner, as if it were a real one. */
const configured = (): NodeJS.ProcessEnv => ({
  AYOCONNECT_BASE_URL: sandbox.url,
  AYOCONNECT_API_KEY: Ayoconnect.Demo.API_KEY,
  AYOCONNECT_API_SECRET: Ayoconnect.Demo.API_SECRET
})

const json = (run: Run) => JSON.parse(run.stdout)

// A fresh phone number per test (the pulsa product's account), ending in the scenario suffix the
// simulator reads; "777" selects no scenario at all.
const run = Date.now() % 10_000
let counter = 0
const account = (suffix = "777") =>
  `0812${String(run).padStart(4, "0")}${String(counter++).padStart(2, "0")}${suffix}`

const product = "PLSTSEL10"

const inquire = async (accountNumber: string) => {
  const inquiry = await kasir(
    ["ayoconnect", "inquiry", "--product", product, "--account", accountNumber, "--json"],
    {
      env
    }
  )
  expect(inquiry.code).toBe(0)
  return json(inquiry) as { readonly inquiryId: number; readonly amount: number }
}

const pay = async (accountNumber: string, ref: string, extra: ReadonlyArray<string> = []) => {
  const bill = await inquire(accountNumber)
  return kasir(
    [
      "ayoconnect",
      "pay",
      "--product",
      product,
      "--account",
      accountNumber,
      "--inquiry-id",
      String(bill.inquiryId),
      "--amount",
      String(bill.amount),
      "--ref",
      ref,
      ...extra
    ],
    { env }
  )
}

describe("kasir ayoconnect, embedded sandbox", () => {
  it("balance: a readable summary, with one notice line on stderr", async () => {
    const run = await kasir(["ayoconnect", "balance"])
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toHaveLength(1)
    expect(lines(run.stderr)[0]).toMatch(embeddedNotice)
    expect(lines(run.stdout)).toEqual(["Balance:  Rp 10.000.000", "Partner:  SANDBOXDEMO1"])
  })

  it("balance --json: exactly one JSON document with the documented fields", async () => {
    const run = await kasir(["ayoconnect", "balance", "--json"])
    expect(run.code).toBe(0)
    expect(json(run)).toEqual({ balance: 10_000_000, currency: "IDR", partnerId: "SANDBOXDEMO1" })
  })

  it("--sandbox says why it uses the simulator", async () => {
    const run = await kasir(["ayoconnect", "balance", "--sandbox"], { env: configured() })
    expect(run.code).toBe(0)
    expect(lines(run.stderr)).toHaveLength(1)
    expect(lines(run.stderr)[0]).toMatch(
      /^kasir: --sandbox: using the embedded simulator at http:\/\/127\.0\.0\.1:\d+ with demo credentials$/
    )
  })

  it("products: a table with rupiah amounts, and --json", async () => {
    const run = await kasir(["ayoconnect", "products"])
    expect(run.code).toBe(0)
    const output = lines(run.stdout)
    expect(output[0]).toMatch(/^CODE +NAME +CATEGORY +PRICE +ADMIN +ACTIVE$/)
    expect(output.find((line) => line.startsWith("PLNPRA20 "))).toMatch(
      /^PLNPRA20 +PLN Token 20\.000 +Listrik +Rp 20\.000 +Rp 2\.500 +yes$/
    )
    const document = json(await kasir(["ayoconnect", "products", "--json"]))
    expect(document.products).toContainEqual({
      code: "PLNPRA20",
      name: "PLN Token 20.000",
      category: "Listrik",
      biller: expect.any(String),
      type: expect.any(String),
      amount: 20_000,
      adminFee: 2_500,
      active: true
    })
  })

  it("inquiry: the bill, the amount to pay and the command that pays it", async () => {
    const run = await kasir(["ayoconnect", "inquiry", "--product", "PLNPRA20", "--account", "12345678901"])
    expect(run.code).toBe(0)
    const output = lines(run.stdout)
    expect(output[0]).toMatch(/^Inquiry ID: {5}\d+$/)
    expect(output).toContain("Account:        12345678901")
    expect(output).toContain("Product:        PLN Token 20.000 (PLNPRA20, Listrik)")
    expect(output).toContain("Amount to pay:  Rp 22.500 (admin Rp 2.500)")
    expect(output.at(-1)).toMatch(
      /^Pay it with: kasir ayoconnect pay --product PLNPRA20 --account 12345678901 --inquiry-id \d+ --amount 22500 --ref <your unique reference>$/
    )
  })

  it("inquiry declined by the upstream: its code and both messages, exit 1", async () => {
    const run = await kasir(["ayoconnect", "inquiry", "--product", "PLNPRA20", "--account", "123456789304"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr).slice(1)).toEqual([
      "error: Ayoconnect answered 304 (wrong account number): Check your number and try again",
      'upstream code 304 · ID: "Nomor Pelanggan Salah" · EN: "Check your number and try again"'
    ])
  })

  it("unknown product: a usage error from the upstream's code, exit 2", async () => {
    const run = await kasir([
      "ayoconnect",
      "inquiry",
      "--product",
      "NOSUCHPRODUCT",
      "--account",
      "12345678901"
    ])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr).slice(1)).toEqual([
      "error: Ayoconnect answered 341 (product not found): Product not found",
      'upstream code 341 · ID: "Produk Tidak Ditemukan" · EN: "Product not found"'
    ])
  })
})

describe("kasir ayoconnect, malformed and missing arguments (exit 2, nothing started)", () => {
  const usage = async (args: ReadonlyArray<string>, expected: ReadonlyArray<string>) => {
    const run = await kasir(args)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual(expected)
  }
  const payArgs = [
    "ayoconnect",
    "pay",
    "--product",
    "PLNPRA20",
    "--account",
    "12345678901",
    "--inquiry-id",
    "1"
  ]

  it("an amount of 12.5", () =>
    usage(
      [...payArgs, "--amount", "12.5", "--ref", "ref-1"],
      [
        'error: --amount: expected whole rupiah as digits only (e.g. 10000), got "12.5"',
        "Run 'kasir ayoconnect pay --help' for usage."
      ]
    ))

  it("an amount with a thousands separator", () =>
    usage(
      [...payArgs, "--amount", "10.000", "--ref", "ref-1"],
      [
        'error: --amount: expected whole rupiah as digits only (e.g. 10000), got "10.000"',
        "Run 'kasir ayoconnect pay --help' for usage."
      ]
    ))

  it("a bad reference", () =>
    usage(
      ["ayoconnect", "status", "--ref", "not a ref!"],
      [
        "error: --ref: refNumber must be 1 to 64 letters, digits, '-', '_' or '.'",
        "Run 'kasir ayoconnect status --help' for usage."
      ]
    ))

  it("a missing reference", () =>
    usage(
      [...payArgs, "--amount", "22500"],
      ["error: expected to find option: '--ref'", "Run 'kasir ayoconnect pay --help' for usage."]
    ))

  it("an inquiry ID that is not a number", () =>
    usage(
      [
        "ayoconnect",
        "pay",
        "--product",
        "PLNPRA20",
        "--account",
        "1",
        "--inquiry-id",
        "abc",
        "--amount",
        "1",
        "--ref",
        "r"
      ],
      [
        'error: --inquiry-id: expected a whole number as digits only, got "abc"',
        "Run 'kasir ayoconnect pay --help' for usage."
      ]
    ))

  // @effect/cli's integer option would read the first three as 1000, 16 and 1.
  it.each(["1e3", "0x10", "1.0", "９", "-1", " 1"])("an inquiry ID of %j", (value) =>
    usage(
      [...payArgs.slice(0, -1), value, "--amount", "1", "--ref", "r"],
      [
        `error: --inquiry-id: expected a whole number as digits only, got ${JSON.stringify(value)}`,
        "Run 'kasir ayoconnect pay --help' for usage."
      ]
    )
  )

  it("an inquiry ID of 0", () =>
    usage(
      [...payArgs.slice(0, -1), "0", "--amount", "1", "--ref", "r"],
      [
        "error: --inquiry-id: inquiryId must be a positive integer",
        "Run 'kasir ayoconnect pay --help' for usage."
      ]
    ))

  it.each([
    ["1.5", 'expected a whole number as digits only, got "1.5"'],
    ["25", "month must be a whole number of months, 1 to 24"]
  ])("a month of %s", (value, message) =>
    usage(
      ["ayoconnect", "inquiry", "--product", "BPJSKS", "--account", "8801234560001", "--month", value],
      [`error: --month: ${message}`, "Run 'kasir ayoconnect inquiry --help' for usage."]
    )
  )
})

describe("kasir ayoconnect, against a running sandbox", () => {
  it("pay succeeds at once, and status confirms it", async () => {
    const accountNumber = account("000")
    const ref = `ok-${accountNumber}`
    const paid = await pay(accountNumber, ref)
    expect(paid.code).toBe(0)
    expect(lines(paid.stderr)).toEqual([notice])
    const output = lines(paid.stdout)
    expect(output[0]).toBe(
      "Transaction succeeded (RC 0): Your transaction was successful / Transaksi Anda Telah Berhasil"
    )
    expect(output).toContain(`Reference:       ${ref}`)
    expect(output).toContain("Amount:          Rp 10.550")

    const status = await kasir(["ayoconnect", "status", "--ref", ref, "--json"], { env })
    expect(status.code).toBe(0)
    expect(json(status)).toMatchObject({
      refNumber: ref,
      state: "succeeded",
      responseCode: 0,
      message: { ID: expect.any(String), EN: expect.any(String) },
      transaction: { accountNumber, productCode: product, amount: 10_550, token: expect.any(String) }
    })
  })

  it("a repeated pay (same --ref) answers the payment's current state, exit 0 — as the gateway does", async () => {
    const accountNumber = account("000")
    const ref = `twice-${accountNumber}`
    const first = await pay(accountNumber, ref, ["--json"])
    expect(first.code).toBe(0)
    const again = await pay(accountNumber, ref, ["--json"])
    expect(again.code).toBe(0)
    expect(json(again)).toMatchObject({ refNumber: ref, state: "succeeded", responseCode: 0 })
    expect(json(again).transaction.transactionId).toBe(json(first).transaction.transactionId)
  })

  it("pay pending, then wait until it succeeds — nothing extra on stderr when piped", async () => {
    const accountNumber = account()
    const ref = `pend-${accountNumber}`
    const paid = await pay(accountNumber, ref, ["--json"])
    expect(paid.code).toBe(0)
    expect(json(paid)).toMatchObject({ refNumber: ref, state: "pending", responseCode: 299 })

    const waited = await kasir(["ayoconnect", "wait", "--ref", ref, "--interval", "1s", "--json"], { env })
    expect(waited.code).toBe(0)
    expect(lines(waited.stderr)).toEqual([notice])
    expect(json(waited)).toMatchObject({ refNumber: ref, state: "succeeded", responseCode: 0 })
  })

  it("wait on a payment the upstream fails: the state on stdout, the failure on stderr, exit 1", async () => {
    const accountNumber = account("9103")
    const ref = `fail-${accountNumber}`
    expect((await pay(accountNumber, ref)).code).toBe(0)
    const waited = await kasir(["ayoconnect", "wait", "--ref", ref, "--interval", "1s"], { env })
    expect(waited.code).toBe(1)
    expect(lines(waited.stdout)[0]).toMatch(/^Transaction failed \(RC 103\): /)
    expect(lines(waited.stderr)).toEqual([
      notice,
      "error: Ayoconnect answered 103 (wrong account number): Your transaction failed, wrong number",
      'upstream code 103 · ID: "Transaksi Gagal, Nomor yang Anda Masukkan Salah/Expired" · EN: "Your transaction failed, wrong number"'
    ])
  })

  it("wait that ends while still pending: exit 3", async () => {
    const accountNumber = account("299")
    const ref = `slow-${accountNumber}`
    expect((await pay(accountNumber, ref)).code).toBe(0)
    const waited = await kasir(["ayoconnect", "wait", "--ref", ref, "--interval", "1s", "--timeout", "2s"], {
      env
    })
    expect(waited.code).toBe(3)
    expect(waited.stdout).toBe("")
    expect(lines(waited.stderr)).toEqual([
      notice,
      `error: ayoconnect ${ref}: still processing (RC 299) when the wait ended`
    ])
  })

  it("a payment failed at once by the upstream: exit 1", async () => {
    const accountNumber = account("100")
    const run = await pay(accountNumber, `op-${accountNumber}`)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr).slice(1)).toEqual([
      "error: Ayoconnect answered 100 (operator issue): Transaction Failed, Operator Issue",
      'upstream code 100 · ID: "Transaksi Gagal, Gangguan Operator" · EN: "Transaction Failed, Operator Issue"'
    ])
  })

  it("a payment whose answer is lost (connection reset after processing) is looked up, not resent: its state, exit 0", async () => {
    const accountNumber = account("604")
    const ref = `lost-${accountNumber}`
    // As the gateway does: the unknown outcome is resolved by a status lookup of the refNumber.
    const run = await pay(accountNumber, ref, ["--json"])
    expect(run.code).toBe(0)
    const looked = json(run)
    expect(looked.refNumber).toBe(ref)
    // The simulator settles a normal payment 5 s after accepting it; a loaded machine may take
    // that long between the lost answer and the lookup, or between the two commands.
    expect(["pending", "succeeded"]).toContain(looked.state)
    const status = await kasir(["ayoconnect", "status", "--ref", ref, "--json"], { env })
    expect(status.code).toBe(0)
    expect(json(status)).toMatchObject({ refNumber: ref, transaction: { accountNumber, amount: 10_550 } })
    expect(looked.state === "succeeded" ? ["succeeded"] : ["pending", "succeeded"]).toContain(
      json(status).state
    )
    // Sent once, then looked up: never resent.
    const log = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as ReadonlyArray<{
      readonly operation: string
      readonly body: string
    }>
    const of = (operation: string) =>
      log.filter((entry) => entry.operation === operation && entry.body.includes(ref)).length
    expect(of("bill/payment")).toBe(1)
    expect(of("bill/status")).toBeGreaterThanOrEqual(1)
  })

  it("status of an unknown reference: the upstream's 188, exit 1", async () => {
    const run = await kasir(["ayoconnect", "status", "--ref", "never-paid-ref"], { env })
    expect(run.code).toBe(1)
    expect(lines(run.stderr)).toEqual([
      notice,
      "error: Ayoconnect answered 188 (transaction not available): transaction is not available",
      'upstream code 188 · ID: "transaksi tidak tersedia" · EN: "transaction is not available"'
    ])
  })

  it("an upstream answering HTML 502 pages: unavailable after retries, exit 3", async () => {
    const run = await kasir(["ayoconnect", "inquiry", "--product", product, "--account", account("502")], {
      env
    })
    expect(run.code).toBe(3)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      notice,
      "error: ayoconnect.inquiry: unexpected response (HttpStatus, HTTP 502): HTTP 502 instead of an API response"
    ])
  })
})

describe("kasir ayoconnect, configured credentials", () => {
  it("talks to the configured upstream without a notice", async () => {
    const run = await kasir(["ayoconnect", "balance", "--json"], { env: configured() })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    expect(json(run)).toMatchObject({ partnerId: "SANDBOXDEMO1", currency: "IDR" })
  })

  it("flags override environment variables", async () => {
    const run = await kasir(["ayoconnect", "balance", "--ayoconnect-api-key", Ayoconnect.Demo.API_KEY], {
      env: { ...configured(), AYOCONNECT_API_KEY: "WRONGKEY0001" }
    })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
  })

  it("rejected credentials: exit 1, and the secret is never printed, even at debug level", async () => {
    const secret = "wrong-secret-3b1f9c0e7d"
    const run = await kasir(["ayoconnect", "balance", "--log-level", "debug"], {
      env: { ...configured(), AYOCONNECT_API_SECRET: secret }
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr).at(-2)).toMatch(/^error: Ayoconnect answered 401 \(unauthorised access\)/)
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret)
  })

  it("incomplete credentials are a configuration error, never a silent sandbox: exit 2", async () => {
    const run = await kasir(["ayoconnect", "balance"], {
      env: { AYOCONNECT_API_KEY: "SANDBOXDEMO1" }
    })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      "error: Ayoconnect credentials are incomplete: AYOCONNECT_BASE_URL, AYOCONNECT_API_SECRET not set",
      "Set AYOCONNECT_BASE_URL (or --ayoconnect-base-url), AYOCONNECT_API_SECRET (or --ayoconnect-api-secret), or unset them all to use the embedded sandbox."
    ])
  })

  it("a malformed setting is a configuration error: exit 2", async () => {
    const run = await kasir(["ayoconnect", "balance"], {
      env: { ...configured(), AYOCONNECT_API_VERSION: "3" }
    })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)[0]).toBe('error: configuration: AYOCONNECT_API_VERSION: must be 1 or 2, got "3"')
  })

  it("a stalled upstream: timeout after retries, exit 3", async () => {
    const run = await kasir(["ayoconnect", "inquiry", "--product", product, "--account", account("507")], {
      env: { ...configured(), AYOCONNECT_READ_TIMEOUT: "300 millis" }
    })
    expect(run.code).toBe(3)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual(["error: ayoconnect inquiry: no complete response within 300 ms"])
  })
})
