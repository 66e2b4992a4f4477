// Validating what callers pass, strictly (an unknown field is an error): the first problem names
// the field, as `InvalidInput`.
import { Effect, ParseResult, Schema } from "effect"
import * as Decode from "../../internal/decode.js"
import { InvalidInput } from "../../KasirError.js"

const inputDecoder = Decode.memoize((schema) =>
  Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })
)

export const validate = <A, I>(operation: string, schema: Schema.Schema<A, I>, input: unknown) =>
  Effect.mapError(inputDecoder(schema)(input) as Effect.Effect<A, ParseResult.ParseError>, (error) => {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    return new InvalidInput({
      provider: "ayoconnect",
      operation,
      field: issue === undefined ? "" : issue.path.map(String).join("."),
      reason: issue === undefined ? "invalid input" : issue.message
    })
  })
