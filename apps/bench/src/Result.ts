/**
 * The shape of `bench/results/latest.json`, and the table printed at the end of `pnpm bench`.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export type Figures = Readonly<Record<string, number | string | boolean | null>>

export interface Result {
  readonly name: string
  readonly kasir: Figures
  readonly baseline: Figures
  /** As the issue defines it per result (CPU per call, rps, token requests, or median time). */
  readonly ratio: number
  readonly target: string
  readonly met: boolean
  /** What the baseline is, and anything a reader needs to judge the figure. */
  readonly note: string
  /** Where measured: the lowest cost any client built on the same stack can reach. */
  readonly floor?: Figures
}

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly node: string
  readonly os: string
  readonly memoryGiB: number
}

export const machine = (): Machine => ({
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10
})

/** Writes the results atomically (a temporary file renamed over the old one). */
export const write = (file: string, content: unknown): void => {
  mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.tmp`
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`)
  renameSync(temporary, file)
}

const cell = (value: unknown): string => (value === undefined || value === null ? "—" : String(value))

/** One line per result: the headline figures of kasir and baseline, the ratio and the verdict. */
export const table = (results: ReadonlyArray<Result>, headline: Readonly<Record<string, string>>): string => {
  const rows = results.map((result) => {
    const key = headline[result.name] ?? Object.keys(result.kasir)[0]!
    return [
      result.name,
      `${key}=${cell(result.kasir[key])}`,
      `${key}=${cell(result.baseline[key])}`,
      cell(result.ratio),
      result.target,
      result.met ? "met" : "MISSED"
    ]
  })
  const header = ["result", "kasir", "baseline", "ratio", "target", ""]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (row: ReadonlyArray<string>) => row.map((c, i) => c.padEnd(widths[i]!)).join("  ")
  const floors = results.flatMap((result) =>
    result.floor === undefined ? [] : [`floor of ${result.name}: ${describeFloor(result.floor)}`]
  )
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), "", ...floors].join("\n")
}

const describeFloor = (floor: Figures): string =>
  Object.entries(floor)
    .filter(([key]) => !["p50Millis", "p99Millis", "rounds", "calls", "simulatorCores"].includes(key))
    .map(([key, value]) => `${key}=${cell(value)}`)
    .join(", ")
