/**
 * Validating what callers pass and decoding what NICEPAY answers, with the first problem of a
 * parse error as the reason. Validators and decoders are built once per schema (memoized).
 *
 * @internal
 */
import { Effect, Either, ParseResult, Schema } from "effect"
import * as Decode from "../../internal/decode.js"
import { InvalidInput } from "../../KasirError.js"

const firstIssue = (error: ParseResult.ParseError): { readonly field: string; readonly reason: string } => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return issue === undefined
    ? { field: "", reason: "invalid" }
    : { field: issue.path.map(String).join("."), reason: issue.message }
}

const strictValidator = Decode.memoize((schema) =>
  Schema.validateEither(schema, { errors: "all", onExcessProperty: "error" })
)
const lenientValidator = Decode.memoize((schema) =>
  Schema.validateEither(schema, { errors: "all", onExcessProperty: "ignore" })
)

/**
 * Validates an input, failing with `InvalidInput` naming the first offending field. With
 * `strict`, unknown fields are errors (a misspelt optional field would otherwise vanish);
 * without, they are dropped (so a result can be passed on as a reference).
 *
 * @internal
 */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  operation: string,
  input: unknown,
  strict = false
): Effect.Effect<A, InvalidInput> =>
  Either.match(
    (strict ? strictValidator(schema) : lenientValidator(schema))(input) as Either.Either<
      A,
      ParseResult.ParseError
    >,
    {
      onLeft: (error) =>
        Effect.fail(new InvalidInput({ provider: "nicepay", operation, ...firstIssue(error) })),
      onRight: Effect.succeed
    }
  )

/**
 * The first problem of a parse error as `path: message`, for error reasons.
 *
 * @internal
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const { field, reason } = firstIssue(error)
  return field === "" ? reason : `${field}: ${reason}`
}

/**
 * Decodes a success body, or says what is wrong with it.
 *
 * @internal
 */
export const decodeResponse = <A, I>(schema: Schema.Schema<A, I>, json: unknown): Either.Either<A, string> =>
  Either.mapLeft(
    responseDecoder(schema)(json) as Either.Either<A, ParseResult.ParseError>,
    describeParseError
  )

const responseDecoder = Decode.memoize((schema) => Schema.decodeUnknownEither(schema))
