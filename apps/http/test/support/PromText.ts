/**
 * A small strict parser of the Prometheus text exposition format (0.0.4): every sample belongs to
 * a family declared by `# TYPE` before it, names and label names are valid, label values are
 * quoted with the three escapes, values are numbers (or ±Inf / NaN). Anything else throws, so a
 * malformed scrape fails the test instead of being read leniently.
 */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Family {
  readonly name: string
  readonly type: string
  readonly help: string | undefined
  readonly samples: Array<Sample>
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"])
const SUFFIXES: Record<string, ReadonlyArray<string>> = {
  counter: ["_total", ""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"]
}

const parseValue = (raw: string, line: string): number => {
  if (raw === "+Inf") return Number.POSITIVE_INFINITY
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY
  if (raw === "NaN") return Number.NaN
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`bad value in: ${line}`)
  return Number(raw)
}

const parseLabels = (text: string, line: string): Record<string, string> => {
  const labels: Record<string, string> = {}
  let i = 0
  while (i < text.length) {
    const eq = text.indexOf("=", i)
    if (eq < 0) throw new Error(`bad labels in: ${line}`)
    const name = text.slice(i, eq)
    if (!LABEL.test(name) || name in labels) throw new Error(`bad label name ${name} in: ${line}`)
    if (text[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`)
    let value = ""
    let j = eq + 2
    for (;;) {
      if (j >= text.length) throw new Error(`unterminated label value in: ${line}`)
      const c = text[j]!
      if (c === "\\") {
        const next = text[j + 1]
        if (next === "n") value += "\n"
        else if (next === "\\" || next === '"') value += next
        else throw new Error(`bad escape in: ${line}`)
        j += 2
      } else if (c === '"') {
        j++
        break
      } else {
        value += c
        j++
      }
    }
    labels[name] = value
    if (j === text.length) break
    if (text[j] !== ",") throw new Error(`expected , between labels in: ${line}`)
    i = j + 1
  }
  return labels
}

export const parse = (text: string): Map<string, Family> => {
  const families = new Map<string, Family>()
  const help = new Map<string, string>()
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE|UNIT) ([^ ]+)(?: (.*))?$/.exec(line)
      if (match === null) continue // a comment
      const [, keyword, name, rest] = match
      if (!NAME.test(name!)) throw new Error(`bad metric name: ${line}`)
      if (keyword === "HELP") help.set(name!, rest ?? "")
      if (keyword === "TYPE") {
        if (!TYPES.has(rest ?? "")) throw new Error(`bad type: ${line}`)
        if (families.has(name!)) throw new Error(`family declared twice: ${line}`)
        families.set(name!, { name: name!, type: rest!, help: help.get(name!), samples: [] })
      }
      continue
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)(?: (-?\d+))?$/.exec(line)
    if (match === null) throw new Error(`bad sample line: ${line}`)
    const [, name, labelText, rawValue] = match
    const family = [...families.values()].find((f) =>
      SUFFIXES[f.type]!.some((suffix) => `${f.name}${suffix}` === name || f.name === `${name}${suffix}`)
    )
    if (family === undefined) throw new Error(`sample without a TYPE: ${line}`)
    family.samples.push({
      name: name!,
      labels: labelText === undefined || labelText === "" ? {} : parseLabels(labelText, line),
      value: parseValue(rawValue!, line)
    })
  }
  return families
}

/** The value of the one sample named `name` whose labels include `labels`. */
export const value = (
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {}
): number | undefined => {
  const matches = [...families.values()]
    .flatMap((family) => family.samples)
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, v]) => sample.labels[key] === v)
    )
  if (matches.length > 1) throw new Error(`${matches.length} samples match ${name} ${JSON.stringify(labels)}`)
  return matches[0]?.value
}
