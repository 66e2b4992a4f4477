/**
 * Decoders compiled once per schema, and cheap ones. `Schema.decodeUnknownEither(schema, options)`
 * builds its parser (and the closures around it) on every call; call sites that take the schema
 * as an argument memoise the compiled decoder here, keyed by the schema.
 *
 * @internal
 */
import { Either, type ParseResult, Predicate, Schema, SchemaAST as AST } from "effect"

/**
 * `compile` runs once per schema; later calls get the same function back.
 *
 * @internal
 */
export const memoize = <F>(compile: (schema: Schema.Schema.AnyNoContext) => F) => {
  const compiled = new WeakMap<Schema.Schema.AnyNoContext, F>()
  return (schema: Schema.Schema.AnyNoContext): F => {
    let f = compiled.get(schema)
    if (f === undefined) {
      f = compile(schema)
      compiled.set(schema, f)
    }
    return f
  }
}

/**
 * The names a struct-shaped schema reads on the wire (its encoded side), or `undefined` when
 * that side is not a plain struct (a union, an array, a struct with an index signature).
 */
const wireNames = (ast: AST.AST): ReadonlySet<string> | undefined => {
  const encoded = AST.encodedAST(ast)
  if (encoded._tag !== "TypeLiteral" || encoded.indexSignatures.length > 0) return undefined
  const names = new Set<string>()
  for (const property of encoded.propertySignatures) {
    if (typeof property.name === "string") names.add(property.name)
  }
  return names
}

/**
 * A decoder that keeps the input's unknown top-level fields in the output, as
 * `onExcessProperty: "preserve"` does for a struct — without its cost: effect checks every input
 * key of every struct layer against a union of the known names (measured on an Ayoconnect inquiry
 * answer: 53 µs per decode with "preserve", 21 µs this way). Here the unknown keys are found with
 * one set lookup each, after decoding. Unknown fields of nested objects are not kept.
 *
 * @internal
 */
export const keepingUnknownFields = <A, I>(
  schema: Schema.Schema<A, I>,
  options?: AST.ParseOptions
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  const decode = Schema.decodeUnknownEither(schema, options)
  const known = wireNames(schema.ast)
  if (known === undefined) return decode
  return (input) => {
    const result = decode(input)
    if (result._tag === "Left" || !Predicate.isRecord(input) || !Predicate.isRecord(result.right))
      return result
    let output: Record<string, unknown> | undefined
    for (const key of Object.keys(input)) {
      if (known.has(key)) continue
      output ??= { ...result.right }
      // An own data property, whatever the name: `__proto__` or `toString` from the wire must not
      // reach (or be hidden by) the object's prototype.
      if (!Object.hasOwn(output, key))
        Object.defineProperty(output, key, {
          value: input[key],
          enumerable: true,
          writable: true,
          configurable: true
        })
    }
    return output === undefined ? result : Either.right(output as A)
  }
}
