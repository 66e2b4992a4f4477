/**
 * SNAP timestamps.
 *
 * `X-TIMESTAMP` is the current instant written in Western Indonesian Time (UTC+7) with an explicit
 * offset: `2024-03-05T17:37:16+07:00`. It is computed from Effect's `Clock` by arithmetic on the
 * epoch, so the host's time zone never leaks in (a classic SDK bug on servers running in UTC).
 */
import { Clock, Effect, Either, Schema } from "effect"
import type { ErrorKind } from "./ErrorKind.js"
import * as KasirError from "./KasirError.js"

/**
 * A timestamp that could not be parsed, with the reason.
 */
export class InvalidTimestamp extends Schema.TaggedError<InvalidTimestamp>()("InvalidTimestamp", {
  input: Schema.String,
  reason: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  override get message(): string {
    return `invalid timestamp ${JSON.stringify(this.input.slice(0, 64))}: ${this.reason}`
  }
}

const WIB_OFFSET_MILLIS = 7 * 60 * 60 * 1000

const pad = (n: number, width = 2): string => String(n).padStart(width, "0")

/**
 * Formats an epoch instant as SNAP's `YYYY-MM-DDTHH:mm:ss+07:00`.
 */
export const formatWib = (epochMillis: number): string => {
  // Shift the instant by +7h and read the UTC fields: no dependence on the host's TZ.
  const d = new Date(Math.floor(epochMillis / 1000) * 1000 + WIB_OFFSET_MILLIS)
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+07:00`
  )
}

/**
 * The current instant as an `X-TIMESTAMP`, from Effect's `Clock` (so `TestClock` drives it).
 */
export const now: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, formatWib)

const pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Parses an inbound ISO-8601 timestamp strictly: a full date and time, optional fractional
 * seconds, and a mandatory offset (`Z` or `±HH:MM`). Returns the instant in epoch milliseconds.
 */
export const parse = (input: string): Either.Either<number, InvalidTimestamp> => {
  const fail = (reason: string) => Either.left(new InvalidTimestamp({ input, reason }))
  const m = pattern.exec(input)
  if (m === null) {
    return fail("expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00")
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (month < 1 || month > 12) return fail(`month ${month} is out of range`)
  if (day < 1 || day > daysInMonth(year, month))
    return fail(`day ${day} does not exist in ${year}-${pad(month)}`)
  if (hour > 23 || minute > 59 || second > 59) return fail("time of day is out of range")
  let offsetMinutes = 0
  if (m[8] !== "Z") {
    const offsetHours = Number(m[10])
    const offsetMins = Number(m[11])
    if (offsetHours > 14 || offsetMins > 59) return fail("offset is out of range")
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0").slice(0, 3))
  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction)
  return Either.right(local - offsetMinutes * 60_000)
}

/**
 * A schema for an inbound timestamp string that must parse strictly (the string is kept).
 */
export const TimestampString = Schema.String.pipe(
  Schema.filter((s) => Either.match(parse(s), { onLeft: (e) => e.reason, onRight: () => true })),
  Schema.annotations({
    identifier: "Timestamp",
    description: "ISO-8601 with offset, e.g. 2024-03-05T17:37:16+07:00"
  })
)
