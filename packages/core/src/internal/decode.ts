/**
 * Decoders compiled once per schema. `Schema.decodeUnknownEither(schema, options)` builds its
 * parser (and the closures around it) on every call; call sites that take the schema as an
 * argument memoise the compiled decoder here, keyed by the schema.
 *
 * @internal
 */
import type { Schema } from "effect"

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
