/**
 * The CLI's money commands write the same ledger the gateway reads: `kasir ayoconnect pay` with
 * `KASIR_DATABASE_URL` on a real PostgreSQL (the ledger package's throwaway cluster, this suite's
 * own), then the built gateway (`apps/http/dist/main.js`) as a separate process on the same
 * database answers `GET /v1/ayoconnect/payments/{ref}` from the record, and a repeated pay — from
 * the CLI or the gateway — is a replay: the running sandbox's request log shows exactly one
 * payment. Also: the embedded ledger held by a running gateway, and an unreachable database,
 * refuse a pay before anything is sent.
 *
 * Every wait is for a condition, bounded by a count of polls; nothing asserts speed.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { once } from "node:events"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { kasir, lines } from "./support/kasir.js"
import { type Running, startSandbox } from "./support/sandbox.js"

declare module "vitest" {
  export interface ProvidedContext {
    readonly postgresUrl: string
  }
}

// This suite's own throwaway server: its default database holds this file's ledger alone.
const databaseUrl = inject("postgresUrl")
const gatewayMain = fileURLToPath(new URL("../../http/dist/main.js", import.meta.url))
const apiKey = `kasir_test_${randomBytes(16).toString("hex")}`
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

let sandbox: Running

beforeAll(async () => {
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.stop()
})

interface Gateway {
  readonly child: ChildProcess
  readonly url: string
  readonly output: () => string
  readonly stop: () => Promise<void>
}

// The built gateway in front of the running sandbox, configured as an operator would.
const startGateway = async (env: Readonly<Record<string, string>>): Promise<Gateway> => {
  const child = spawn(process.execPath, [gatewayMain], {
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      KASIR_API_KEYS: createHash("sha256").update(apiKey).digest("hex"),
      // Nothing but the requests below may touch the upstream: the reads must come from the ledger.
      KASIR_RECONCILE: "false",
      AYOCONNECT_BASE_URL: sandbox.ayoconnect.baseUrl,
      AYOCONNECT_API_KEY: sandbox.ayoconnect.apiKey,
      AYOCONNECT_API_SECRET: sandbox.ayoconnect.secret,
      ...env
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
  // Up to 2,400 polls of 50 ms (a hang guard): an embedded ledger initialises its directory first.
  for (let poll = 0; poll < 2_400 && !/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output); poll++) {
    if (child.exitCode !== null) break
    await sleep(50)
  }
  const match = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/)
  if (match === null) {
    child.kill("SIGKILL")
    throw new Error(`gateway did not start:\n${output}`)
  }
  return {
    child,
    url: match[1]!,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = once(child, "exit")
      child.kill("SIGTERM")
      await exited
    }
  }
}

const gatewayCall = async (gateway: Gateway, route: string, body?: unknown) => {
  const response = await fetch(`${gateway.url}${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed"),
    json: (await response.json()) as Record<string, unknown>
  }
}

interface Logged {
  readonly operation: string
  readonly body: string
}

const requestLog = async (): Promise<ReadonlyArray<Logged>> =>
  (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as ReadonlyArray<Logged>

const upstreamPayments = async (refNumber: string) =>
  (await requestLog()).filter(
    (entry) => entry.operation === "bill/payment" && entry.body.includes(`"${refNumber}"`)
  ).length

// The CLI against the running sandbox (its demo credentials), with the given ledger.
const cli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  kasir(args, { env: { ...sandbox.env, ...env } })

const inquire = async (account: string, env: Readonly<Record<string, string>>) => {
  const run = await cli(
    ["ayoconnect", "inquiry", "--product", "PPLSIND12", "--account", account, "--json"],
    env
  )
  expect(run.code, run.stderr).toBe(0)
  const bill = JSON.parse(run.stdout) as { readonly inquiryId: number; readonly amount: number }
  return [
    "ayoconnect",
    "pay",
    "--product",
    "PPLSIND12",
    "--account",
    account,
    "--inquiry-id",
    String(bill.inquiryId),
    "--amount",
    String(bill.amount)
  ]
}

describe("one ledger for the CLI and the gateway", () => {
  it("a CLI payment on PostgreSQL is read by a gateway from the ledger; repeats are replays, paid once", async () => {
    const env = { KASIR_DATABASE_URL: databaseUrl }
    const refNumber = `cli-shared-${randomBytes(4).toString("hex")}`
    const pay = [...(await inquire("081234567801", env)), "--ref", refNumber, "--json"]

    const first = await cli(pay, env)
    expect(first.code, first.stderr).toBe(0)
    const paid = JSON.parse(first.stdout)
    expect(paid.refNumber).toBe(refNumber)
    expect(paid.replayed).toBeUndefined()
    expect(await upstreamPayments(refNumber)).toBe(1)

    const gateway = await startGateway(env)
    try {
      const before = (await requestLog()).length
      const read = await gatewayCall(gateway, `/v1/ayoconnect/payments/${refNumber}`)
      expect(read.status, JSON.stringify(read.json)).toBe(200)
      expect(read.json).toEqual({
        refNumber,
        state: paid.state,
        responseCode: paid.responseCode,
        message: paid.message
      })
      // Answered from the record: the gateway sent nothing upstream for it.
      expect((await requestLog()).length).toBe(before)

      const again = await cli(pay, env)
      expect(again.code, again.stderr).toBe(0)
      const replay = JSON.parse(again.stdout)
      expect(replay).toMatchObject({
        refNumber,
        state: paid.state,
        responseCode: paid.responseCode,
        replayed: true,
        transaction: {
          transactionId: paid.transaction.transactionId,
          accountNumber: "081234567801",
          productCode: "PPLSIND12",
          amount: paid.transaction.amount
        }
      })
      const text = await cli(pay.slice(0, -1), env)
      expect(text.code, text.stderr).toBe(0)
      expect(lines(text.stdout).at(-1)).toMatch(
        new RegExp(
          `^Answered from kasir's ledger: ${refNumber} was sent before \\(recorded .+\\); nothing was sent to Ayoconnect now\\.$`
        )
      )

      // The same payment through the gateway: also a replay of the CLI's.
      const viaGateway = await gatewayCall(gateway, "/v1/ayoconnect/payments", {
        inquiryId: Number(pay[7]),
        accountNumber: "081234567801",
        productCode: "PPLSIND12",
        amount: Number(pay[9]),
        refNumber
      })
      expect(viaGateway.status, JSON.stringify(viaGateway.json)).toBe(200)
      expect(viaGateway.replayed).toBe("true")

      // A different payment under the reference is refused from the ledger: exit 2, nothing sent.
      const reused = await cli([...(await inquire("081234567802", env)), "--ref", refNumber], env)
      expect(reused.code).toBe(2)
      expect(reused.stderr).toContain(
        `refNumber ${refNumber} already belongs to a different payment (accountNumber differs)`
      )

      expect(await upstreamPayments(refNumber)).toBe(1)
    } finally {
      await gateway.stop()
    }
  })

  it("the embedded ledger held by a running gateway: one line naming the directory, exit 2, nothing sent", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "kasir-shared-"))
    const env = { KASIR_DATA_DIR: dataDir }
    const gateway = await startGateway(env)
    try {
      const refNumber = `cli-locked-${randomBytes(4).toString("hex")}`
      const run = await cli([...(await inquire("081234567803", {})), "--ref", refNumber], env)
      expect(run.code).toBe(2)
      expect(run.stdout).toBe("")
      const errors = lines(run.stderr).filter((line) => line.startsWith("error:"))
      expect(errors).toEqual([
        `error: nothing was sent to Ayoconnect: KASIR_DATA_DIR: the embedded ledger in ${path.join(dataDir, "ledger")} is in use by process ${gateway.child.pid}; stop it, or set KASIR_DATABASE_URL so several processes share one PostgreSQL`
      ])
      expect(await upstreamPayments(refNumber)).toBe(0)
    } finally {
      await gateway.stop()
    }
  })

  it("an unreachable database: a clear error, exit 3, nothing sent, no password shown", async () => {
    const refNumber = `cli-down-${randomBytes(4).toString("hex")}`
    const env = { KASIR_DATABASE_URL: "postgres://kasir:s3cret-pw@127.0.0.1:1/ledger" }
    const run = await cli([...(await inquire("081234567804", {})), "--ref", refNumber, "--json"], env)
    expect(run.code).toBe(3)
    expect(lines(run.stderr).find((line) => line.startsWith("error:"))).toMatch(
      /^error: the ledger \(PostgreSQL at 127\.0\.0\.1:1\/ledger \(KASIR_DATABASE_URL\)\) is unavailable \(.+\); nothing was sent to Ayoconnect$/
    )
    expect(JSON.parse(run.stdout).error.kind).toBe("Unavailable")
    expect(`${run.stdout}${run.stderr}`).not.toContain("s3cret-pw")
    expect(await upstreamPayments(refNumber)).toBe(0)
  })
})
