/**
 * `pnpm bench`: every benchmark of issue 7, kasir beside its baseline in one run. Prints a table
 * and writes `bench/results/latest.json` at the repository root.
 *
 * `node dist/main.js [--only core|gateway|ledger|telemetry|webhooks|cli] [--out FILE]`
 */
import { existsSync, mkdtempSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { coldStart } from "./benches/ColdStart.js"
import { coreAyoconnectInquiry, coreNicepayBalance, tokenSingleflight } from "./benches/Core.js"
import { gatewayBenches, startServers } from "./benches/Gateway.js"
import { ledgerBench } from "./benches/Ledger.js"
import { telemetryBench } from "./benches/Telemetry.js"
import { webhooksBench } from "./benches/Webhooks.js"
import { paths, repoRoot, startSandbox } from "./Proc.js"
import { machine, type Result, table, write } from "./Result.js"
import { round } from "./Stats.js"

const argument = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag)
  return index === -1 ? undefined : process.argv[index + 1]
}

const only = argument("--only")
const out = argument("--out") ?? path.join(repoRoot, "bench/results/latest.json")
const wants = (group: string) => only === undefined || only === group

const main = async () => {
  const started = performance.now()
  const logDir = mkdtempSync(path.join(os.tmpdir(), "kasir-bench-"))
  const results: Array<Result> = []
  const progress = (result: Result) => {
    results.push(result)
    console.error(`${result.name}: ratio ${result.ratio} (${result.met ? "met" : "MISSED"})`)
  }

  if (wants("core") || wants("gateway") || wants("ledger") || wants("telemetry")) {
    const sandbox = await startSandbox(path.join(logDir, "sandbox.log"))
    try {
      if (wants("core")) {
        progress(await coreNicepayBalance(sandbox.url, sandbox.pid))
        progress(await coreAyoconnectInquiry(sandbox.url, sandbox.pid))
        progress(await tokenSingleflight(sandbox.url))
      }
      if (wants("gateway")) {
        const servers = await startServers(sandbox.url, logDir)
        try {
          for (const result of await gatewayBenches(servers, sandbox.pid)) progress(result)
        } finally {
          await servers.stop()
        }
      }
      if (wants("ledger")) progress(await ledgerBench(sandbox.url, logDir))
      if (wants("telemetry")) progress(await telemetryBench(sandbox.url, sandbox.pid, logDir))
    } finally {
      await sandbox.stop()
    }
  }

  if (wants("webhooks")) progress(await webhooksBench(logDir))

  if (wants("cli")) {
    if (existsSync(paths.cli)) for (const result of coldStart()) progress(result)
    else console.error(`cli.coldstart.*: skipped, ${paths.cli} is not built`)
  }

  const wallSeconds = round((performance.now() - started) / 1000, 1)
  write(out, { machine: machine(), date: new Date().toISOString(), wallSeconds, results })
  console.log(
    table(results, {
      "core.nicepay.balance": "cpuMicrosPerCall",
      "core.ayoconnect.inquiry": "cpuMicrosPerCall",
      "token.singleflight": "tokenRequests",
      "gateway.nicepay.balance": "rps",
      "gateway.ayoconnect.inquiry": "rps",
      "gateway.ledger.payout": "rps",
      "gateway.telemetry.nicepay.balance": "rps",
      "webhooks.delivery": "eventsPerSecond",
      "cli.coldstart.help": "medianMillis",
      "cli.coldstart.balance": "medianMillis"
    })
  )
  console.log(`\n${results.filter((r) => r.met).length}/${results.length} targets met in ${wallSeconds} s`)
  console.log(`machine: ${JSON.stringify(machine())}; logs in ${logDir}; results in ${out}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
