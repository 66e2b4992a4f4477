// How kasir decodes Ayoconnect bodies: every error reported, and the unknown fields of the decoded
// object kept — what `Schemas.parseOptions` asks for, at a fraction of its cost (see
// `internal/decode.ts`). Compiled once per schema.
import type { Either, ParseResult, Schema } from "effect"
import * as Decode from "../../internal/decode.js"

const compiled = Decode.memoize((schema) => Decode.keepingUnknownFields(schema, { errors: "all" }))

export const decoder = <A, I>(schema: Schema.Schema<A, I>) =>
  compiled(schema) as (input: unknown) => Either.Either<A, ParseResult.ParseError>
