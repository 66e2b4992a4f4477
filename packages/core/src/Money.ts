/**
 * Indonesian rupiah amounts.
 *
 * Both upstreams move whole rupiah: Ayoconnect sends them as JSON integers (`10000`), SNAP as a
 * decimal string with exactly two zero decimals inside an amount object
 * (`{"value":"10000.00","currency":"IDR"}`). kasir holds every amount as one branded integer,
 * `Rupiah`, and converts at the edges with the schemas below — never through floating point.
 */
import { type Brand, type Either, ParseResult, Schema } from "effect"

/**
 * A whole, non-negative number of rupiah within JavaScript's safe integer range.
 */
export type Rupiah = number & Brand.Brand<"Rupiah">

/**
 * The `Rupiah` schema on a plain number (integer, >= 0, <= Number.MAX_SAFE_INTEGER).
 * Ayoconnect's wire format: `"amount": 10000`.
 */
export const Rupiah: Schema.brand<Schema.filter<typeof Schema.Number>, "Rupiah"> = Schema.Number.pipe(
  Schema.filter((n) => {
    if (!Number.isFinite(n)) return "an amount must be a finite number of rupiah"
    if (!Number.isInteger(n)) return `an amount must be whole rupiah, got ${n}`
    if (n < 0) return `an amount must not be negative, got ${n}`
    if (n > Number.MAX_SAFE_INTEGER) return `an amount must be at most ${Number.MAX_SAFE_INTEGER} rupiah`
    return true
  }),
  Schema.brand("Rupiah"),
  Schema.annotations({ identifier: "Rupiah", description: "whole rupiah (IDR), a non-negative integer" })
)

/**
 * Makes a `Rupiah`, throwing on invalid input. For literals in code and tests; decode untrusted
 * input with the `Rupiah` schema instead.
 */
export const rupiah = (n: number): Rupiah => decodeRupiah(n)

const decodeRupiah = Schema.decodeSync(Rupiah)

// Digits, a dot, exactly two decimals; no sign, no exponent, no grouping, no padding.
const snapValuePattern = /^(0|[1-9][0-9]*)\.([0-9]{2})$/

/**
 * SNAP's amount value, `"10000.00"`, as `Rupiah`. IDR has no minor unit in practice, so the two
 * decimals must be `00`; anything else is rejected rather than rounded.
 */
export const RupiahFromSnapValue: Schema.transformOrFail<typeof Schema.String, typeof Rupiah> =
  Schema.transformOrFail(Schema.String, Rupiah, {
    strict: true,
    decode: (value, _, ast) => {
      const match = snapValuePattern.exec(value)
      if (match === null) {
        return ParseResult.fail(
          new ParseResult.Type(
            ast,
            value,
            `expected a SNAP amount like "10000.00" (digits, a dot, two decimals), got ${JSON.stringify(value)}`
          )
        )
      }
      if (match[2] !== "00") {
        return ParseResult.fail(
          new ParseResult.Type(
            ast,
            value,
            `IDR amounts are whole rupiah (".00"), got ${JSON.stringify(value)}`
          )
        )
      }
      const digits = match[1]!
      // Compare as strings first: a long digit string must never be rounded by Number().
      if (digits.length > 16 || Number(digits) > Number.MAX_SAFE_INTEGER) {
        return ParseResult.fail(
          new ParseResult.Type(ast, value, `amount ${JSON.stringify(value)} is beyond the safe integer range`)
        )
      }
      return ParseResult.succeed(Number(digits))
    },
    encode: (n) => ParseResult.succeed(`${n}.00`)
  }).annotations({ identifier: "SnapAmountValue" })

/**
 * The ISO 4217 currency kasir accepts. Both upstreams are rupiah-only.
 */
export const Currency = Schema.Literal("IDR").annotations({
  identifier: "Currency",
  message: () => 'currency must be "IDR"'
})

/**
 * SNAP's amount object `{"value":"10000.00","currency":"IDR"}` decoded to `Rupiah`.
 */
export const SnapAmount: Schema.transform<
  Schema.Struct<{ value: typeof RupiahFromSnapValue; currency: typeof Currency }>,
  Schema.SchemaClass<Rupiah>
> = Schema.transform(
  Schema.Struct({ value: RupiahFromSnapValue, currency: Currency }),
  Schema.typeSchema(Rupiah),
  {
    strict: true,
    decode: (amount) => amount.value,
    encode: (value) => ({ value, currency: "IDR" as const })
  }
).annotations({ identifier: "SnapAmount" })

/**
 * The SNAP amount object for a rupiah value, ready to serialise.
 */
export const toSnapAmount = (amount: Rupiah): { readonly value: string; readonly currency: "IDR" } => ({
  value: `${amount}.00`,
  currency: "IDR"
})

/**
 * Formats an amount the Indonesian way: `Rp 5.523.560`.
 */
export const format = (amount: Rupiah): string => `Rp ${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".")}`

/**
 * Parses a user-typed amount (`"10000"`, `"10.000"` is rejected as ambiguous) into `Rupiah`.
 * Used by the CLI and the gateway so every entry point shares one rule.
 */
export const RupiahFromString: Schema.transformOrFail<typeof Schema.String, typeof Rupiah> =
  Schema.transformOrFail(Schema.String, Rupiah, {
    strict: true,
    decode: (input, _, ast) =>
      /^(0|[1-9][0-9]{0,15})$/.test(input) && Number(input) <= Number.MAX_SAFE_INTEGER
        ? ParseResult.succeed(Number(input))
        : ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `expected whole rupiah as digits only (e.g. 10000), got ${JSON.stringify(input)}`
            )
          ),
    encode: (n) => ParseResult.succeed(String(n))
  }).annotations({ identifier: "RupiahFromString" })

/**
 * Decodes a SNAP amount value string, for callers outside a schema.
 */
export const fromSnapValue = (value: string): Either.Either<Rupiah, ParseResult.ParseError> =>
  decodeSnapValue(value)

const decodeSnapValue = Schema.decodeEither(RupiahFromSnapValue)
