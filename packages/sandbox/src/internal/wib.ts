/**
 * Western Indonesian Time (UTC+7) for the simulators, without a second definition of the offset:
 * every civil field is read from `@kasir/core`'s `Timestamp.formatWib` (SNAP's `X-TIMESTAMP`,
 * `YYYY-MM-DDTHH:mm:ss+07:00`), and WIB wall-clock input is parsed by core's strict
 * `Timestamp.parse` with the offset suffix core writes. Core has no public helper for the civil
 * fields, so this one stays private to the sandbox.
 */
import { Timestamp } from "@kasir/core"
import { Either } from "effect"

/** The civil date and time of an instant in WIB (month 1–12). */
export interface Fields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
}

// The offset exactly as core writes it ("+07:00").
const offsetSuffix = Timestamp.formatWib(0).slice(19)

/** The WIB civil fields of an epoch instant. */
export const fields = (epochMillis: number): Fields => {
  const text = Timestamp.formatWib(epochMillis)
  return {
    year: Number(text.slice(0, 4)),
    month: Number(text.slice(5, 7)),
    day: Number(text.slice(8, 10)),
    hour: Number(text.slice(11, 13)),
    minute: Number(text.slice(14, 16)),
    second: Number(text.slice(17, 19))
  }
}

/** The WIB calendar day, `YYYY-MM-DD`. */
export const day = (epochMillis: number): string => Timestamp.formatWib(epochMillis).slice(0, 10)

/** `yyyyMMddHHmmss` in WIB (the digits of a NICEPAY tXid). */
export const compactDateTime = (epochMillis: number): string =>
  Timestamp.formatWib(epochMillis)
    .replace(/[^0-9]/g, "")
    .slice(0, 14)

/** `yyyyMMdd` + `HHmmss` read as WIB wall-clock time → epoch millis; undefined when invalid. */
export const fromCompact = (date: string, time: string): number | undefined => {
  const parsed = Timestamp.parse(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}${offsetSuffix}`
  )
  return Either.isRight(parsed) ? parsed.right : undefined
}
