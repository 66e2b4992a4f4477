/**
 * `gateway.ledger.payout`: what the ledger costs a money movement. Payout registrations
 * (`POST /v1/nicepay/payouts`, a fresh partnerReferenceNo each) through the gateway with its
 * ledger on a real PostgreSQL server (a throwaway cluster, started by the ledger's own test
 * harness code, `packages/ledger/test/support/cluster.mjs`), beside the same gateway without the
 * ledger, in one run.
 *
 * The baseline is honest only if everything but the ledger is the same, and the gateway has no
 * ledger-off mode (it must never move money without a record). So both sides are one bench-only
 * entry point, `apps/http/build/bench/ledger.js` (the same build of the same code): plain, it
 * is the gateway as `main.ts` composes it; with `--without-ledger` its money routes call core's
 * client directly. Same HttpApi, edge middleware, API key check, validation, access log, core
 * client and upstream (the sandbox in its own process).
 *
 * Rounds alternate which side goes first; each round sends a fixed count of registrations per side
 * (bounded by count, not time). Figures: the median of the per-round throughput ratios, CPU per
 * registration of the gateway process, and the p50 / p99 latency the ledger adds (median over
 * rounds of the differences).
 */
import { randomBytes } from "node:crypto"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import autocannon from "autocannon"
import { cpuMicros, repoRoot, type Running, serverNodeOptions, start } from "../Proc.js"
import type { Result } from "../Result.js"
import { median, round } from "../Stats.js"
import { gatewayEnv } from "./Gateway.js"

const CONNECTIONS = 16
const ROUNDS = 6
const PER_ROUND = 400
const WARMUP = 100
const TARGET = 0.7

const entry = path.join(repoRoot, "apps/http/build/bench/ledger.js")
const clusterModule = path.join(repoRoot, "packages/ledger/test/support/cluster.mjs")

interface Cluster {
  readonly url: string
  readonly stop: () => void
}

const payoutBody = (partnerReferenceNo: string) =>
  JSON.stringify({
    partnerReferenceNo,
    beneficiaryAccountNo: "5345000060",
    beneficiaryName: "Budi Santoso",
    beneficiaryPhone: "081211111111",
    beneficiaryCustomerResidence: "citizen",
    beneficiaryCustomerType: "personal",
    beneficiaryBankCode: "BMRI",
    payoutMethod: "online",
    amount: 150_000
  })

// `amount` registrations, each under a fresh reference; `answered` is told the time of each answer.
const send = (
  server: Running,
  apiKey: string,
  amount: number,
  prefix: string,
  answered: () => void = () => undefined
) => {
  let next = 0
  return autocannon({
    url: `${server.url}/v1/nicepay/payouts`,
    connections: CONNECTIONS,
    amount,
    requests: [
      {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        setupRequest: (request) => ({ ...request, body: payoutBody(`${prefix}-${next++}`) }),
        onResponse: answered
      }
    ]
  })
}

const measure = async (server: Running, apiKey: string, prefix: string) => {
  const cpu0 = cpuMicros(server.pid)
  const started = performance.now()
  let last = started
  const result = await send(server, apiKey, PER_ROUND, prefix, () => {
    last = performance.now()
  })
  // From the start to the last answer: with `amount`, autocannon finishes on its once-a-second
  // tick, so its own duration (and the wall time around it) came out as whole seconds, and every
  // round as 400 / 1 s or 400 / 2 s.
  const seconds = (last - started) / 1000
  const cpu = cpuMicros(server.pid) - cpu0
  const count = result.requests.total
  return {
    count,
    rps: count / seconds,
    cpuMicrosPerPayout: cpu / Math.max(1, count),
    p50Millis: result.latency.p50,
    p99Millis: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx
  }
}

export const ledgerBench = async (sandboxUrl: string, logDir: string): Promise<Result> => {
  const { startCluster } = (await import(pathToFileURL(clusterModule).href)) as {
    readonly startCluster: () => Promise<Cluster>
  }
  const cluster = await startCluster()
  const apiKey = `kasir_bench_${randomBytes(12).toString("hex")}`
  const env = await gatewayEnv(sandboxUrl, apiKey)
  const servers: Array<Running> = []
  try {
    const withLedger = await start({
      name: "gateway-ledger",
      script: entry,
      env: { ...env, KASIR_DATABASE_URL: cluster.url, KASIR_RECONCILE: "false" },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-ledger.log"),
      nodeOptions: serverNodeOptions
    })
    servers.push(withLedger)
    const withoutLedger = await start({
      name: "gateway-without-ledger",
      script: entry,
      args: () => ["--without-ledger"],
      env: { ...env, KASIR_RECONCILE: "false" },
      readyPath: "/health",
      logFile: path.join(logDir, "gateway-without-ledger.log"),
      nodeOptions: serverNodeOptions
    })
    servers.push(withoutLedger)
    const run = randomBytes(3).toString("hex")
    await send(withLedger, apiKey, WARMUP, `warm-l-${run}`)
    await send(withoutLedger, apiKey, WARMUP, `warm-b-${run}`)

    const rounds: Array<{
      readonly ledger: Awaited<ReturnType<typeof measure>>
      readonly baseline: Awaited<ReturnType<typeof measure>>
    }> = []
    for (let index = 0; index < ROUNDS; index++) {
      const ledgerFirst = index % 2 === 0
      const first = await measure(
        ledgerFirst ? withLedger : withoutLedger,
        apiKey,
        `r${index}-${ledgerFirst ? "l" : "b"}-${run}`
      )
      const second = await measure(
        ledgerFirst ? withoutLedger : withLedger,
        apiKey,
        `r${index}-${ledgerFirst ? "b" : "l"}-${run}`
      )
      rounds.push(ledgerFirst ? { ledger: first, baseline: second } : { ledger: second, baseline: first })
    }
    const med = (pick: (round: (typeof rounds)[number]) => number, digits = 1) =>
      round(median(rounds.map(pick)), digits)
    const ratio = med((r) => r.ledger.rps / r.baseline.rps, 2)
    const errors = rounds.reduce((sum, r) => sum + r.ledger.errors + r.baseline.errors, 0)
    return {
      name: "gateway.ledger.payout",
      kasir: {
        rps: med((r) => r.ledger.rps, 0),
        cpuMicrosPerPayout: med((r) => r.ledger.cpuMicrosPerPayout, 0),
        p50Millis: med((r) => r.ledger.p50Millis),
        p99Millis: med((r) => r.ledger.p99Millis),
        addedP50Millis: med((r) => r.ledger.p50Millis - r.baseline.p50Millis),
        addedP99Millis: med((r) => r.ledger.p99Millis - r.baseline.p99Millis),
        addedCpuMicrosPerPayout: med((r) => r.ledger.cpuMicrosPerPayout - r.baseline.cpuMicrosPerPayout, 0),
        errors: rounds.reduce((sum, r) => sum + r.ledger.errors, 0)
      },
      baseline: {
        rps: med((r) => r.baseline.rps, 0),
        cpuMicrosPerPayout: med((r) => r.baseline.cpuMicrosPerPayout, 0),
        p50Millis: med((r) => r.baseline.p50Millis),
        p99Millis: med((r) => r.baseline.p99Millis),
        errors: rounds.reduce((sum, r) => sum + r.baseline.errors, 0)
      },
      ratio,
      target: `payouts/s with the ledger on PostgreSQL ≥ ${TARGET} × without it (issue 12), 0 errors`,
      met: ratio >= TARGET && errors === 0,
      note: `${ROUNDS} alternating rounds of ${PER_ROUND} registrations per side (fresh partnerReferenceNo each), ${CONNECTIONS} connections, after ${WARMUP} warm-up registrations per side; ratio and figures are medians over rounds; the ledger on a throwaway PostgreSQL ${"(fsync off)"} on this machine; both sides one bench-only entry (apps/http/src/bench/Ledger.ts), the baseline's money routes calling core's client directly; ${os.availableParallelism()} cores shared by the load generator, both gateways, PostgreSQL and the sandbox`
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
    cluster.stop()
  }
}
