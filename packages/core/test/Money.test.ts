import { Money } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"

const decodeSnap = Schema.decodeUnknownEither(Schema.Struct({ amount: Money.SnapAmount }))
const decodeAyo = Schema.decodeUnknownEither(Schema.Struct({ amount: Money.Rupiah }))

// The first issue as { path, message }: what a caller shows to name the offending field.
const errorOf = (result: Either.Either<unknown, ParseResult.ParseError>) => {
  if (Either.isRight(result)) return { path: [], message: "no error" }
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(result.left)
  return { path: issue?.path, message: issue?.message }
}

describe("Money", () => {
  it("decodes and encodes SNAP amounts without floating point", () => {
    const decoded = decodeSnap({ amount: { value: "10000.00", currency: "IDR" } })
    expect(decoded).toStrictEqual(Either.right({ amount: 10000 }))
    expect(Schema.encodeSync(Money.SnapAmount)(Money.rupiah(10000))).toStrictEqual({
      value: "10000.00",
      currency: "IDR"
    })
    expect(Schema.decodeSync(Money.SnapAmount)({ value: "9007199254740991.00", currency: "IDR" })).toBe(
      9007199254740991
    )
    expect(Schema.decodeSync(Money.SnapAmount)({ value: "0.00", currency: "IDR" })).toBe(0)
  })

  it("decodes and encodes Ayoconnect integer amounts", () => {
    expect(decodeAyo({ amount: 5523560 })).toStrictEqual(Either.right({ amount: 5523560 }))
    expect(Schema.encodeSync(Money.Rupiah)(Money.rupiah(5523560))).toBe(5523560)
  })

  const rejectedSnap: ReadonlyArray<[string, string]> = [
    ["10000.5", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got "10000.5"'],
    ["1e4", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got "1e4"'],
    ["-1.00", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got "-1.00"'],
    ["10,000.00", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got "10,000.00"'],
    [" 10000.00", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got " 10000.00"'],
    ["010000.00", 'expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got "010000.00"'],
    ["10000.50", 'IDR amounts are whole rupiah (".00"), got "10000.50"'],
    ["9007199254740992.00", 'amount "9007199254740992.00" is beyond the safe integer range'],
    ["123456789012345678901.00", 'amount "123456789012345678901.00" is beyond the safe integer range']
  ]
  for (const [value, reason] of rejectedSnap) {
    it(`rejects SNAP value ${JSON.stringify(value)} naming the field`, () => {
      expect(errorOf(decodeSnap({ amount: { value, currency: "IDR" } }))).toStrictEqual({
        path: ["amount", "value"],
        message: reason
      })
    })
  }

  it("rejects a non-IDR currency naming the field", () => {
    expect(errorOf(decodeSnap({ amount: { value: "10000.00", currency: "USD" } }))).toStrictEqual({
      path: ["amount", "currency"],
      message: 'currency must be "IDR"'
    })
  })

  const rejectedNumbers: ReadonlyArray<[unknown, string]> = [
    [10000.5, "an amount must be whole rupiah, got 10000.5"],
    [-1, "an amount must not be negative, got -1"],
    [Number.MAX_SAFE_INTEGER + 1, "an amount must be at most 9007199254740991 rupiah"],
    [Number.POSITIVE_INFINITY, "an amount must be a finite number of rupiah"],
    ["10000", 'Expected number, actual "10000"']
  ]
  for (const [value, reason] of rejectedNumbers) {
    it(`rejects Ayoconnect amount ${String(value)} naming the field`, () => {
      expect(errorOf(decodeAyo({ amount: value }))).toStrictEqual({ path: ["amount"], message: reason })
    })
  }

  it("parses typed amounts strictly", () => {
    const decode = Schema.decodeEither(Money.RupiahFromString)
    expect(decode("10000")).toStrictEqual(Either.right(10000))
    expect(decode("0")).toStrictEqual(Either.right(0))
    for (const bad of ["12.5", "10.000", "-5", "1e4", "", " 1", "01", "99999999999999999"]) {
      expect(Either.isLeft(decode(bad)), bad).toBe(true)
    }
  })

  it("formats rupiah the Indonesian way", () => {
    expect(Money.format(Money.rupiah(5523560))).toBe("Rp 5.523.560")
    expect(Money.format(Money.rupiah(0))).toBe("Rp 0")
    expect(Money.format(Money.rupiah(999))).toBe("Rp 999")
    expect(Money.format(Money.rupiah(1000))).toBe("Rp 1.000")
  })

  it("toSnapAmount and fromSnapValue agree", () => {
    expect(Money.toSnapAmount(Money.rupiah(12345678))).toStrictEqual({
      value: "12345678.00",
      currency: "IDR"
    })
    expect(Money.fromSnapValue("12345678.00")).toStrictEqual(Either.right(12345678))
  })
})
