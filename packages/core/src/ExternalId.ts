/**
 * `X-EXTERNAL-ID` values: numeric strings, at most 36 digits, unique within a day.
 *
 * Layout (36 digits): `yyyyMMddHHmmssSSS` in UTC+7 (17 digits) followed by 19 uniformly random
 * digits (~63 bits). Uniqueness needs no coordination between fibers or processes: two ids collide
 * only if both fall in the same millisecond and draw the same 19 digits. With k ids in one
 * millisecond the chance is about k²/(2·10¹⁹) — 5·10⁻⁸ even at a million ids in one millisecond.
 */
import { randomFillSync } from "node:crypto"
import { Clock, Context, Effect, Layer } from "effect"

/**
 * Produces fresh `X-EXTERNAL-ID` values.
 */
export class ExternalId extends Context.Tag("@kasir/core/ExternalId")<
  ExternalId,
  {
    readonly next: Effect.Effect<string>
  }
>() {}

const RANDOM_DIGITS = 19
const WIB_OFFSET_MILLIS = 7 * 60 * 60 * 1000

/**
 * The time prefix: `yyyyMMddHHmmssSSS` of the instant in UTC+7.
 */
export const timePrefix = (epochMillis: number): string => {
  const d = new Date(epochMillis + WIB_OFFSET_MILLIS)
  const p = (n: number, w = 2) => String(n).padStart(w, "0")
  return (
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`
  )
}

// Random words are drawn from a refilled pool: one syscall per 2048 words instead of one per id.
const POOL_WORDS = 2048
const pool = new Uint32Array(POOL_WORDS)
let poolIndex = POOL_WORDS

const nextWord = (): number => {
  if (poolIndex === POOL_WORDS) {
    randomFillSync(pool)
    poolIndex = 0
  }
  return pool[poolIndex++]!
}

// 4_200_000_000 is the largest multiple of 10^8 below 2^32: rejecting words above it keeps each
// 8-digit block uniform.
const LIMIT = 4_200_000_000

const randomBlock = (): string => {
  let word = nextWord()
  while (word >= LIMIT) word = nextWord()
  return String(word % 100_000_000).padStart(8, "0")
}

/**
 * `RANDOM_DIGITS` uniformly random decimal digits.
 */
export const randomDigits = (count: number = RANDOM_DIGITS): string => {
  let out = ""
  while (out.length < count) out += randomBlock()
  return out.slice(0, count)
}

/**
 * Makes an id for a given instant (pure apart from the random source).
 */
export const make = (epochMillis: number): string => timePrefix(epochMillis) + randomDigits()

/**
 * The default generator: time prefix from Effect's `Clock`, random suffix from node:crypto.
 */
export const layer: Layer.Layer<ExternalId> = Layer.succeed(ExternalId, {
  next: Effect.map(Clock.currentTimeMillis, make)
})
