/**
 * The built gateway (`dist/main.js`, what `pnpm start` runs) as a child process, on a fresh
 * environment: no credentials, so both providers use the embedded sandbox and a development key is
 * printed. SIGTERM arrives while a request is in flight (the sandbox's 5-second latency scenario).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const SLOW_ACCOUNT = "0812345501" // Ayoconnect simulator: inquiry answered after 5 s

interface Started {
  readonly child: ChildProcess
  readonly url: string
  readonly devKey: string
  readonly output: () => string
}

const start = async (env: Record<string, string> = {}): Promise<Started> => {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (chunk) => {
    output += chunk
  })
  child.stderr!.on("data", (chunk) => {
    output += chunk
  })
  const deadline = Date.now() + 20_000
  while (!/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!
  const devKey = output.match(/"developmentApiKey":"(kasir_dev_[A-Za-z0-9_-]+)"/)![1]!
  return { child, url, devKey, output: () => output }
}

const slowInquiry = (started: Started, requestId?: string) =>
  fetch(`${started.url}/v1/ayoconnect/inquiries`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": started.devKey,
      ...(requestId === undefined ? {} : { "x-request-id": requestId })
    },
    body: JSON.stringify({ accountNumber: SLOW_ACCOUNT, productCode: "PPLSIND12" })
  })

const SLOW_PAYMENT_ACCOUNT = "0812345601" // Ayoconnect simulator: payment answered after 5 s

// An inquiry (answered at once), then its payment, which the simulator answers after 5 s.
const slowPayment = async (started: Started, requestId: string, refNumber: string) => {
  const headers = { "content-type": "application/json", "x-api-key": started.devKey }
  const inquiry = await fetch(`${started.url}/v1/ayoconnect/inquiries`, {
    method: "POST",
    headers,
    body: JSON.stringify({ accountNumber: SLOW_PAYMENT_ACCOUNT, productCode: "PPLSIND12" })
  })
  const bill = (await inquiry.json()) as { readonly inquiryId: number; readonly amount: number }
  return fetch(`${started.url}/v1/ayoconnect/payments`, {
    method: "POST",
    headers: { ...headers, "x-request-id": requestId },
    body: JSON.stringify({
      inquiryId: bill.inquiryId,
      accountNumber: SLOW_PAYMENT_ACCOUNT,
      productCode: "PPLSIND12",
      amount: bill.amount,
      refNumber
    })
  })
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : once(child, "exit").then(([code]) => code as number)

describe("the gateway process", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], {
      cwd: root,
      stdio: "inherit"
    })
  }, 180_000)

  it("on a fresh environment serves the embedded sandbox with a development key printed once", async () => {
    const started = await start()
    try {
      expect(started.output().match(/kasir_dev_/g)).toHaveLength(2) // the message and its annotation, one line
      expect(
        started
          .output()
          .split("\n")
          .filter((l) => l.includes("kasir_dev_"))
      ).toHaveLength(1)
      expect(started.output()).toContain("ayoconnect: no credentials configured")
      expect(started.output()).toContain("nicepay: no credentials configured")
      const ready = await fetch(`${started.url}/ready`)
      expect(await ready.json()).toEqual({
        status: "ready",
        providers: { ayoconnect: "sandbox", nicepay: "sandbox" }
      })
      const balance = await fetch(`${started.url}/v1/nicepay/balance`, {
        headers: { authorization: `Bearer ${started.devKey}` }
      })
      expect(balance.status).toBe(200)
    } finally {
      started.child.kill("SIGKILL")
    }
  }, 30_000)

  it("SIGTERM during a slow request: the request completes, then the process exits 0", async () => {
    const started = await start()
    const sent = Date.now()
    const response = slowInquiry(started)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const signalled = Date.now()
    started.child.kill("SIGTERM")
    const exited = exitOf(started.child).then((code) => ({ code, at: Date.now() }))
    const reply = await response
    const body = (await reply.json()) as { readonly accountNumber: string }
    const answered = Date.now()
    const { code, at } = await exited
    expect(reply.status).toBe(200)
    expect(body.accountNumber).toBe(SLOW_ACCOUNT)
    expect(reply.headers.get("connection")).toBe("close")
    expect(code).toBe(0)
    expect(answered - sent).toBeGreaterThanOrEqual(4_900)
    expect(at).toBeGreaterThanOrEqual(answered - 50)
    expect(started.output()).toContain('"message":"shutdown: drained"')
    console.log(
      `drain: request answered ${answered - signalled} ms after SIGTERM, process exited ${at - signalled} ms after SIGTERM`
    )
  }, 30_000)

  it("the drain deadline bounds the wait: exit 0 after KASIR_SHUTDOWN_TIMEOUT even if a request is still running", async () => {
    const started = await start({ KASIR_SHUTDOWN_TIMEOUT: "1 second" })
    const response = slowPayment(started, "req-cut-off-1", "order-cut-off-1").then(
      (r) => r.status,
      () => "connection closed"
    )
    // Let the inquiry finish and the slow payment reach the upstream.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const signalled = Date.now()
    started.child.kill("SIGTERM")
    const code = await exitOf(started.child)
    const elapsed = Date.now() - signalled
    expect(code).toBe(0)
    expect(elapsed).toBeGreaterThanOrEqual(950)
    expect(elapsed).toBeLessThan(4_000)
    expect(await response).toBe("connection closed")
    expect(started.output()).toContain('"message":"shutdown: deadline reached, connections closed"')
    // One WARN line per abandoned request, naming it and the upstream call it cut off.
    const warnings = started
      .output()
      .split("\n")
      .filter((line) => line.includes('"logLevel":"WARN"') && line.includes("abandoned"))
      .map((line) => JSON.parse(line) as { readonly message: string; readonly annotations: unknown })
    expect(warnings.map(({ message, annotations }) => ({ message, annotations }))).toStrictEqual([
      {
        message:
          "shutdown: abandoned request req-cut-off-1 (POST /v1/ayoconnect/payments) at the deadline; upstream operations: ayoconnect.payment; references: refNumber=order-cut-off-1. Its outcome is unknown to the caller: resolve it by status",
        annotations: {
          requestId: "req-cut-off-1",
          method: "POST",
          route: "/v1/ayoconnect/payments",
          operations: ["ayoconnect.payment"],
          references: { refNumber: "order-cut-off-1" }
        }
      }
    ])
    console.log(`deadline: exited ${elapsed} ms after SIGTERM with a request still in flight`)
  }, 30_000)

  it("a corrupt NICEPAY_NOTIFICATION_PUBLIC_KEY stops startup: one line naming the variable, exit 1", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const lines = publicKey.export({ type: "spki", format: "pem" }).toString().trim().split("\n")
    // A truncated copy-paste: a PEM block of the right shape whose key material is cut short.
    const corrupt = [lines[0], lines[1], lines[2], lines.at(-1)].join("\n")
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        KASIR_API_KEYS: "a".repeat(64),
        NICEPAY_BASE_URL: "http://127.0.0.1:1/nicepay",
        NICEPAY_CLIENT_ID: "IONPAYTEST",
        NICEPAY_CLIENT_SECRET: "client-secret-for-the-startup-test",
        NICEPAY_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        NICEPAY_NOTIFICATION_PUBLIC_KEY: corrupt
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
    // Were the key accepted, the gateway would keep running: give up after 20 s, and never leave it behind.
    const code = await Promise.race([
      exitOf(child),
      new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 20_000))
    ]).finally(() => {
      if (child.exitCode === null) child.kill("SIGKILL")
    })
    expect(code).toBe(1)
    expect(output).not.toMatch(/Listening on/)
    const failures = output
      .split("\n")
      .filter((line) => line.includes("failed to start"))
      .map((line) => (JSON.parse(line) as { readonly message: string }).message)
    expect(failures).toStrictEqual([
      "kasir gateway failed to start: invalid RSA public key: NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): the key material could not be decoded (corrupt or not an RSA key)"
    ])
    expect(output).not.toContain(lines[2]!)
    expect(output).not.toContain("client-secret-for-the-startup-test")
  }, 30_000)
})
