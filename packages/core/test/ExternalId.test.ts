import { ExternalId } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"

// The work is bounded by a count, not a clock: these ids are generated whatever the machine's
// load, and the timeout below only catches a hang (it is far above any plausible run).
const IDS = 200_000
const FIBERS = 8
const HANG_GUARD = { timeout: 300_000 }

describe("ExternalId", () => {
  it.effect("is 36 digits: the UTC+7 time to the millisecond, then 19 random digits", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2023-12-31T17:00:00.123Z"))
      const generator = yield* ExternalId.ExternalId
      const id = yield* generator.next
      expect(id).toMatch(/^\d{36}$/)
      expect(id.slice(0, 17)).toBe("20240101000000123")
    }).pipe(Effect.provide(ExternalId.layer))
  )

  it.effect(
    `${IDS.toLocaleString("en")} ids in one fiber, all unique`,
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse("2024-06-01T00:00:00Z"))
        const generator = yield* ExternalId.ExternalId
        const seen = new Set<string>()
        for (let i = 0; i < IDS; i++) seen.add(yield* generator.next)
        // The clock never moves: uniqueness comes from the random digits alone.
        expect(seen.size).toBe(IDS)
      }).pipe(Effect.provide(ExternalId.layer)),
    HANG_GUARD
  )

  it.effect(
    `${IDS.toLocaleString("en")} ids across ${FIBERS} concurrent fibers, all unique`,
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse("2024-06-01T00:00:00Z"))
        const generator = yield* ExternalId.ExternalId
        const batches = yield* Effect.forEach(
          Array.from({ length: FIBERS }, (_, i) => i),
          () =>
            Effect.gen(function* () {
              const ids: Array<string> = []
              for (let i = 0; i < IDS / FIBERS; i++) {
                ids.push(yield* generator.next)
                if (i % 1000 === 0) yield* Effect.yieldNow()
              }
              return ids
            }),
          { concurrency: FIBERS }
        )
        const seen = new Set(batches.flat())
        expect(batches.flat().length).toBe(IDS)
        expect(seen.size).toBe(IDS)
      }).pipe(Effect.provide(ExternalId.layer)),
    HANG_GUARD
  )

  it("random digits are uniform enough: every digit appears in every position", () => {
    const counts = Array.from({ length: 19 }, () => new Array<number>(10).fill(0))
    for (let i = 0; i < 20_000; i++) {
      const digits = ExternalId.randomDigits()
      for (let p = 0; p < 19; p++) counts[p]![Number(digits[p])]! += 1
    }
    // Expected 2,000 per cell; a biased generator (e.g. plain modulo of bytes) drifts far more.
    for (const position of counts) for (const n of position) expect(Math.abs(n - 2000)).toBeLessThan(250)
  })
})
