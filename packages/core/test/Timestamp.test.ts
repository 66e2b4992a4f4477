import { Timestamp } from "@kasir/core"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"

const originalTz = process.env.TZ

// Instants chosen around day and year boundaries in UTC and in UTC+7.
const cases: ReadonlyArray<[string, string]> = [
  ["2024-03-05T10:37:16.196Z", "2024-03-05T17:37:16+07:00"],
  ["2023-12-31T16:59:59.999Z", "2023-12-31T23:59:59+07:00"],
  ["2023-12-31T17:00:00.000Z", "2024-01-01T00:00:00+07:00"],
  ["2024-02-28T17:00:00.000Z", "2024-02-29T00:00:00+07:00"],
  ["2024-12-31T20:00:00.000Z", "2025-01-01T03:00:00+07:00"],
  ["1970-01-01T00:00:00.000Z", "1970-01-01T07:00:00+07:00"]
]

describe("Timestamp", () => {
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ
    else process.env.TZ = originalTz
  })

  for (const tz of ["UTC", "Asia/Jakarta", "America/New_York"]) {
    it.effect(`X-TIMESTAMP from the Clock is UTC+7 whatever the host TZ (${tz})`, () =>
      Effect.gen(function* () {
        process.env.TZ = tz
        // Node applies TZ changes at once; prove the host offset really differs between zones.
        const hostOffset = new Date(Date.UTC(2024, 0, 15)).getTimezoneOffset()
        expect(hostOffset).toBe({ UTC: 0, "Asia/Jakarta": -420, "America/New_York": 300 }[tz])
        for (const [instant, expected] of cases) {
          yield* TestClock.setTime(Date.parse(instant))
          expect(yield* Timestamp.now).toBe(expected)
        }
      })
    )
  }

  it("parses strictly with any valid offset, returning the instant", () => {
    expect(Timestamp.parse("2024-03-05T17:37:16+07:00")).toStrictEqual(
      Either.right(Date.parse("2024-03-05T10:37:16Z"))
    )
    expect(Timestamp.parse("2024-03-05T10:37:16.196Z")).toStrictEqual(
      Either.right(Date.parse("2024-03-05T10:37:16.196Z"))
    )
    expect(Timestamp.parse("2009-07-03T12:08:56-07:00")).toStrictEqual(
      Either.right(Date.parse("2009-07-03T19:08:56Z"))
    )
    expect(Timestamp.parse("2024-02-29T00:00:00+05:30")).toStrictEqual(
      Either.right(Date.parse("2024-02-28T18:30:00Z"))
    )
  })

  const rejected: ReadonlyArray<[string, string]> = [
    [
      "2024-03-05 17:37:16+07:00",
      "expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00"
    ],
    ["2024-03-05T17:37:16", "expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00"],
    ["2024-03-05T17:37+07:00", "expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00"],
    [
      "2024-03-05T17:37:16+0700",
      "expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00"
    ],
    ["2023-02-29T00:00:00+07:00", "day 29 does not exist in 2023-02"],
    ["2024-13-01T00:00:00+07:00", "month 13 is out of range"],
    ["2024-01-01T24:00:00+07:00", "time of day is out of range"],
    ["2024-01-01T00:00:60+07:00", "time of day is out of range"],
    ["2024-01-01T00:00:00+15:00", "offset is out of range"],
    ["", "expected YYYY-MM-DDTHH:mm:ss with an offset, e.g. 2024-03-05T17:37:16+07:00"]
  ]
  for (const [input, reason] of rejected) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const result = Timestamp.parse(input)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("InvalidTimestamp")
        expect(result.left.reason).toBe(reason)
        expect(result.left.kind).toBe("InvalidRequest")
      }
    })
  }

  it("formats and parses round-trip at second precision", () => {
    for (const [instant] of cases) {
      const millis = Date.parse(instant)
      expect(Timestamp.parse(Timestamp.formatWib(millis))).toStrictEqual(
        Either.right(Math.floor(millis / 1000) * 1000)
      )
    }
  })
})
