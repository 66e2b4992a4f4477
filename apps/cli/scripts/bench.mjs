// Startup benchmark: the median wall time of each command over RUNS runs, measured side by side
// with `node -e 0` in the same run (interleaved, so machine noise hits every command alike).
// Usage: node scripts/bench.mjs [runs]   (run `pnpm build` first)
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const runs = Number(process.argv[2] ?? 9)
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const env = { ...process.env, NO_COLOR: "1" }
for (const key of Object.keys(env))
  if (key.startsWith("AYOCONNECT_") || key.startsWith("NICEPAY_")) delete env[key]

const cases = [
  ["node -e 0", ["-e", "0"]],
  ["kasir --help", [bin, "--help"]],
  ["kasir nicepay balance --sandbox --json", [bin, "nicepay", "balance", "--sandbox", "--json"]]
]

const samples = new Map(cases.map(([name]) => [name, []]))
for (let run = 0; run < runs; run++) {
  for (const [name, args] of cases) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] })
    const millis = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`)
    samples.get(name).push(millis)
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
console.log(`node ${process.version}, ${runs} runs each, interleaved`)
for (const [name, values] of samples) {
  const sorted = [...values].sort((a, b) => a - b)
  console.log(
    `${name.padEnd(42)} median ${median(values).toFixed(0).padStart(5)} ms   min ${sorted[0].toFixed(0).padStart(5)} ms   max ${sorted.at(-1).toFixed(0).padStart(5)} ms`
  )
}
