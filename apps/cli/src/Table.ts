/**
 * Plain-text layouts for readable output: aligned key/value lists and column tables.
 */

/**
 * Column alignment; amounts read best right-aligned.
 */
export type Align = "left" | "right"

const pad = (text: string, width: number, align: Align): string =>
  align === "right" ? text.padStart(width) : text.padEnd(width)

/**
 * Labels and values, one pair per line, values aligned after the longest label.
 * Pairs whose value is `undefined` are left out.
 */
export const fields = (pairs: ReadonlyArray<readonly [label: string, value: string | undefined]>): string => {
  const present = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
  const width = Math.max(0, ...present.map(([label]) => label.length + 1))
  return present.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join("\n")
}

/**
 * A table with a header row. Trailing spaces are trimmed from every line.
 */
export const table = (
  columns: ReadonlyArray<{ readonly header: string; readonly align?: Align }>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length))
  )
  const line = (cells: ReadonlyArray<string>) =>
    columns
      .map((column, index) => pad(cells[index] ?? "", widths[index] ?? 0, column.align ?? "left"))
      .join("  ")
      .trimEnd()
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join("\n")
}
