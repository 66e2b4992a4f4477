/**
 * The built gateway (`dist/main.js`, what `pnpm start` runs) as a child process, on a fresh
 * environment: no credentials, so both providers use the embedded sandbox and a development key is
 * printed. SIGTERM arrives while a request is in flight (the sandbox's 5-second latency scenario).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, inject, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
// Only catches a hang: these tests wait for conditions (listening, exit), and a loaded machine may
// take long to start a Node process; it must never fail them for that.
const PROCESS_HANG_GUARD = 180_000

// The ledger: the throwaway PostgreSQL of the test run (shared, fast to open), or, for the fresh
// environment, the embedded default in a new data directory of its own.
const ledgerEnv = (): Record<string, string> => ({ KASIR_DATABASE_URL: inject("postgresUrl") })
const embeddedLedgerEnv = (): Record<string, string> => ({
  KASIR_DATABASE_URL: "",
  KASIR_DATA_DIR: mkdtempSync(join(tmpdir(), "kasir-gw-data-"))
})
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
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...ledgerEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (chunk) => {
    output += chunk
  })
  child.stderr!.on("data", (chunk) => {
    output += chunk
  })
  // Wait for the condition, not a clock: the gateway listens or exits (the test's own timeout is
  // the only bound, so a loaded machine is slower, never wrong).
  while (!/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`)
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

/**
 * Runs the gateway until it exits or says it is listening (then it is stopped): no time limit of
 * its own, whichever happens first decides.
 */
const run = (env: Record<string, string>) =>
  new Promise<{ readonly code: number | null; readonly listening: boolean; readonly output: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ["dist/main.js"], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...ledgerEnv(), ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      let listening = false
      const collect = (chunk: Buffer) => {
        output += chunk
        if (!listening && output.includes("Listening on")) {
          listening = true
          child.kill("SIGKILL")
        }
      }
      child.stdout.on("data", collect)
      child.stderr.on("data", collect)
      child.on("exit", (code) => resolve({ code, listening, output }))
    }
  )

const failures = (output: string) =>
  output
    .split("\n")
    .filter((line) => line.includes("failed to start"))
    .map((line) => (JSON.parse(line) as { readonly message: string }).message)

describe("the gateway process", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], {
      cwd: root,
      stdio: "inherit"
    })
  }, 180_000)

  it(
    "on a fresh environment serves the embedded sandbox with a development key printed once",
    async () => {
      const dataEnv = embeddedLedgerEnv()
      const started = await start(dataEnv)
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
        // Swagger UI, from its own chunk (see the next test), without the API key.
        const docs = await fetch(`${started.url}/docs`)
        expect([docs.status, docs.headers.get("content-type")]).toEqual([200, "text/html"])
        const page = await docs.text()
        expect(page).toContain("SwaggerUIBundle({")
        expect(page).toContain("/v1/nicepay/balance")
        // The embedded ledger (PGlite) lives in the data directory, held by this process.
        expect(existsSync(join(dataEnv.KASIR_DATA_DIR!, "ledger", "PG_VERSION"))).toBe(true)
        expect(readFileSync(join(dataEnv.KASIR_DATA_DIR!, "ledger", "kasir.lock"), "utf8").trim()).toBe(
          String(started.child.pid)
        )
      } finally {
        started.child.kill("SIGKILL")
      }
    },
    PROCESS_HANG_GUARD
  )

  it("the bundle loads Swagger UI's source only with the /docs page", () => {
    // The modules main.js imports statically, transitively: what every start loads.
    const loaded = new Set<string>()
    const visit = (file: string) => {
      if (loaded.has(file)) return
      loaded.add(file)
      const source = readFileSync(join(root, "dist", file), "utf8")
      for (const [, imported] of source.matchAll(/(?:^|[;}\n])import\s*(?:[^"';]*?from\s*)?"\.\/([^"]+)"/g)) {
        visit(join(dirname(file), imported!))
      }
    }
    visit("main.js")
    expect(loaded.size).toBeGreaterThan(1)
    const swaggerUi = "SwaggerUIBundle"
    expect(
      [...loaded].filter((file) => readFileSync(join(root, "dist", file), "utf8").includes(swaggerUi))
    ).toEqual([])
    const pages = readdirSync(join(root, "dist/chunks")).filter((name) => /^DocsPage-\w+\.js$/.test(name))
    expect(pages).toHaveLength(1)
    expect(readFileSync(join(root, "dist/chunks", pages[0]!), "utf8")).toContain(swaggerUi)
  })

  it(
    "SIGTERM during a slow request: the request completes, then the process exits 0",
    async () => {
      const started = await start()
      const sent = Date.now()
      const response = slowInquiry(started, "slow-drain-1")
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
      // The simulator answers after 5 s: a lower bound, true however slow the machine is.
      expect(answered - sent).toBeGreaterThanOrEqual(4_900)
      // A complete 200 from a process that then exited 0 is the order itself: answered, then exited.
      expect(started.output()).toContain('"message":"shutdown: drained"')
      // The drained request's access log line (batched on stdout) was written before the exit.
      const access = started
        .output()
        .split("\n")
        .filter((line) => line.includes('"message":"http request"') && line.includes("slow-drain-1"))
        .map((line) => JSON.parse(line) as { readonly annotations: Record<string, unknown> })
      expect(
        access.map(({ annotations }) => [annotations.route, annotations.status, annotations.operations])
      ).toStrictEqual([["/v1/ayoconnect/inquiries", 200, ["ayoconnect.inquiry"]]])
      console.log(
        `drain: request answered ${answered - signalled} ms after SIGTERM, process exited ${at - signalled} ms after SIGTERM`
      )
    },
    PROCESS_HANG_GUARD
  )

  it(
    "the drain deadline bounds the wait: exit 0 after KASIR_SHUTDOWN_TIMEOUT even if a request is still running",
    async () => {
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
      // It waited for the deadline (a lower bound); that it stopped there, not at the request's end,
      // is what the log line and the cut connection show.
      expect(elapsed).toBeGreaterThanOrEqual(950)
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
    },
    PROCESS_HANG_GUARD
  )

  it(
    "a corrupt NICEPAY_NOTIFICATION_PUBLIC_KEY stops startup: one line naming the variable, exit 1",
    async () => {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const lines = publicKey.export({ type: "spki", format: "pem" }).toString().trim().split("\n")
      // A truncated copy-paste: a PEM block of the right shape whose key material is cut short.
      const corrupt = [lines[0], lines[1], lines[2], lines.at(-1)].join("\n")
      const child = spawn(process.execPath, ["dist/main.js"], {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          ...ledgerEnv(),
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
      // Were the key accepted, the gateway would start listening: wait for whichever happens first,
      // exit or "Listening on" (then stop it), with no clock of our own.
      const code = await new Promise<number | string>((resolve) => {
        child.stdout!.on("data", () => {
          if (output.includes("Listening on")) {
            child.kill("SIGKILL")
            resolve("still running")
          }
        })
        void exitOf(child).then(resolve)
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
    },
    PROCESS_HANG_GUARD
  )

  it(
    "a port already in use: one line naming the port, exit 1",
    async () => {
      const blocker = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
      const port = (blocker.address() as { readonly port: number }).port
      try {
        const { code, listening, output } = await run({ PORT: String(port) })
        expect(listening).toBe(false)
        expect(code).toBe(1)
        expect(failures(output)).toStrictEqual([
          `kasir gateway failed to start: port ${port} is already in use (set PORT to a free port)`
        ])
        expect(output).not.toContain("at Server")
      } finally {
        blocker.close()
      }
    },
    PROCESS_HANG_GUARD
  )

  it(
    "a bad setting: one line naming the variable, exit 1",
    async () => {
      const { code, listening, output } = await run({ PORT: "eighty" })
      expect(listening).toBe(false)
      expect(code).toBe(1)
      expect(failures(output)).toStrictEqual([
        'kasir gateway failed to start: configuration: (Invalid data at PORT: "Expected an integer value but received "eighty"")'
      ])
    },
    PROCESS_HANG_GUARD
  )

  it(
    "an unreadable key file: one line naming the variable and the path, no secret, exit 1",
    async () => {
      // A directory exists but cannot be read as a key file.
      const path = mkdtempSync(join(tmpdir(), "kasir-key-"))
      const { code, listening, output } = await run({
        KASIR_API_KEYS: "a".repeat(64),
        NICEPAY_BASE_URL: "http://127.0.0.1:1/nicepay",
        NICEPAY_CLIENT_ID: "IONPAYTEST",
        NICEPAY_CLIENT_SECRET: "client-secret-for-the-startup-test",
        NICEPAY_PRIVATE_KEY: path
      })
      expect(listening).toBe(false)
      expect(code).toBe(1)
      expect(failures(output)).toStrictEqual([
        `kasir gateway failed to start: NICEPAY_PRIVATE_KEY: the key file ${path} could not be read (EISDIR)`
      ])
      expect(output).not.toContain("client-secret-for-the-startup-test")
    },
    PROCESS_HANG_GUARD
  )
})
