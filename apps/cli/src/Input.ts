/**
 * Command-line values validated with @kasir/core's own schemas at parse time, so a malformed
 * argument is a usage error (exit 2) before anything starts — with a one-line message naming the
 * flag, rather than @effect/cli's multi-line schema tree.
 *
 * @kasir/core is imported when a value is validated, not when the command tree is built, so
 * `kasir --help` never loads it.
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import type { Money } from "@kasir/core"
import { Duration, Effect, Option, ParseResult, Schema } from "effect"

/**
 * The @kasir/core module.
 */
export type Core = typeof import("@kasir/core")

/**
 * @kasir/core, loaded on first use.
 */
export const core: Effect.Effect<Core> = Effect.promise(() => import("@kasir/core"))

const firstMessage = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message ?? "invalid value"

/**
 * A text option decoded with a schema; failures read `--flag: <the schema's message>`.
 */
export const text = <A>(
  flag: string,
  schema: (core: Core) => Schema.Schema<A, string>,
  description: string
): Options.Options<A> =>
  Options.text(flag).pipe(
    Options.withDescription(description),
    Options.mapEffect((raw) =>
      Effect.flatMap(core, (module) =>
        Effect.mapError(Schema.decodeUnknown(schema(module))(raw), (error) =>
          ValidationError.invalidValue(HelpDoc.p(`--${flag}: ${firstMessage(error)}`))
        )
      )
    )
  )

/**
 * `--amount`: whole rupiah as digits (`10000`); `12.5`, `10.000` and `1e4` are usage errors.
 */
export const amount = (description: string): Options.Options<Money.Rupiah> =>
  text("amount", (core) => core.Money.RupiahFromString, description)

/**
 * Digits only, as a number: `@effect/cli`'s own integer option reads `1e3` as 1000, `0x10` as 16
 * and `1.0` as 1, which is not what anyone typing an ID or a count means.
 */
const DigitsFromString = Schema.String.pipe(
  Schema.transformOrFail(Schema.Number, {
    strict: true,
    decode: (input, _, ast) =>
      /^[0-9]{1,15}$/.test(input)
        ? ParseResult.succeed(Number(input))
        : ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `expected a whole number as digits only, got ${JSON.stringify(input)}`
            )
          ),
    encode: (n) => ParseResult.succeed(String(n))
  })
)

/**
 * A whole number as ASCII digits (`42`), then checked with a schema (range, positivity);
 * `1e3`, `1.5`, `-1` and full-width digits are usage errors.
 */
export const wholeNumber = (
  flag: string,
  schema: (core: Core) => Schema.Schema<number>,
  description: string
): Options.Options<number> =>
  text(flag, (module) => Schema.compose(DigitsFromString, schema(module)), description)

const DurationFromString = Schema.String.pipe(
  Schema.transformOrFail(Schema.DurationFromSelf, {
    strict: true,
    decode: (input, _, ast) => {
      const decoded = Duration.decodeUnknown(
        input
          .trim()
          .replace(/^(\d+)\s*s$/, "$1 seconds")
          .replace(/^(\d+)\s*m$/, "$1 minutes")
      )
      return Option.isSome(decoded) && Duration.greaterThan(decoded.value, Duration.zero)
        ? ParseResult.succeed(decoded.value)
        : ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `expected a positive duration such as 30s, 5m or "2 minutes", got ${JSON.stringify(input)}`
            )
          )
    },
    encode: (duration) => ParseResult.succeed(Duration.format(duration))
  })
)

/**
 * A positive duration: `30s`, `5m`, `"2 minutes"`, `"1500 millis"`.
 */
export const duration = (flag: string, description: string): Options.Options<Duration.Duration> =>
  text(flag, () => DurationFromString, description)
