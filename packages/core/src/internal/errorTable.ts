/**
 * One factory for response-code errors: a declarative table (class name → the codes it stands
 * for, their documented meaning, the `ErrorKind`, whether a read may retry it) becomes the
 * classes, their union and the code → class lookup, for every provider.
 *
 * Each class is a `Schema.TaggedError` (so `catchTag`, `Schema.is` and `instanceof` work as on a
 * hand-written one) carrying the provider's response fields, and the shared kasir error fields
 * (`KasirError`): `kind`, `provider`, `upstreamCode` and `upstreamMessages`. The table is the only place a
 * class is named; the types of the classes, of their union and of the lookup are derived from it.
 */
import { type Cause, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * One row of a table: the class for one meaning.
 */
export interface Row<Code extends string | number> {
  /** The response codes that mean this (most meanings have one code; some have several). */
  readonly codes: ReadonlyArray<Code>
  /** The documented meaning, e.g. `insufficient funds`. */
  readonly meaning: string
  readonly kind: ErrorKind
  /** Whether a read may be retried after this answer. */
  readonly transient?: boolean | undefined
}

/**
 * What every class made from a table adds to its response fields.
 */
export interface Behaviour extends KasirError.KasirError {
  /** What the failure means to the caller (see ErrorKind). */
  readonly kind: ErrorKind
  /** Whether a read may be retried after this answer (5xx, 429, 504). */
  readonly transient: boolean
  /** The documented meaning of the code. */
  readonly meaning: string
  readonly upstreamCode: string
  readonly upstreamMessages: KasirError.UpstreamMessages
}

type TaggedFields<Tag extends string, Fields extends Schema.Struct.Fields> = {
  readonly _tag: Schema.tag<Tag>
} & Fields

/**
 * An instance of a class made from a table.
 */
export type Instance<Tag extends string, Fields extends Schema.Struct.Fields> = Schema.Struct.Type<
  TaggedFields<Tag, Fields>
> &
  Cause.YieldableError &
  Behaviour

/**
 * A class made from a table.
 */
export interface ErrorClass<Tag extends string, Fields extends Schema.Struct.Fields>
  extends Schema.Class<
    Instance<Tag, Fields>,
    TaggedFields<Tag, Fields>,
    Schema.Struct.Encoded<TaggedFields<Tag, Fields>>,
    never,
    Schema.Struct.Constructor<Fields>,
    {},
    Cause.YieldableError & Behaviour
  > {
  readonly _tag: Tag
}

/**
 * The classes of a table, by name.
 */
export type Classes<Rows, Fields extends Schema.Struct.Fields> = {
  readonly [K in keyof Rows & string]: ErrorClass<K, Fields>
}

/**
 * The union of a table's instances.
 */
export type Union<Rows, Fields extends Schema.Struct.Fields> = {
  [K in keyof Rows & string]: Instance<K, Fields>
}[keyof Rows & string]

/**
 * How a provider's response fields read as kasir's shared fields, and how its errors read.
 */
export interface Reading<Fields extends Schema.Struct.Fields> {
  readonly provider: KasirError.Provider
  readonly fields: Fields
  readonly upstreamCode: (self: Schema.Struct.Type<Fields>) => string
  readonly upstreamMessages: (self: Schema.Struct.Type<Fields>) => KasirError.UpstreamMessages
  readonly message: (self: Schema.Struct.Type<Fields>, meaning: string) => string
}

/**
 * The key type of a table's lookup: `number` for numeric codes, `string` for textual ones.
 */
export type CodeOf<Rows> = {
  [K in keyof Rows]: Rows[K] extends Row<infer C> ? (C extends number ? number : string) : never
}[keyof Rows]

/**
 * A table made into classes.
 */
export interface Table<Code extends string | number, Rows, Fields extends Schema.Struct.Fields> {
  readonly classes: Classes<Rows, Fields>
  /** Code → class, for every code of every row. */
  readonly lookup: ReadonlyMap<Code, Classes<Rows, Fields>[keyof Rows & string]>
}

/**
 * Makes the classes, the union and the lookup of a table.
 */
export const make = <
  const Rows extends Record<string, Row<string | number>>,
  Fields extends Schema.Struct.Fields
>(
  reading: Reading<Fields>,
  rows: Rows
): Table<CodeOf<Rows>, Rows, Fields> => {
  type Code = CodeOf<Rows>
  const classes: Record<string, unknown> = {}
  const lookup = new Map<Code, Classes<Rows, Fields>[keyof Rows & string]>()
  for (const [tag, row] of Object.entries(rows) as unknown as ReadonlyArray<[string, Row<Code>]>) {
    const Base = Schema.TaggedError<unknown>()(tag, reading.fields) as unknown as new (
      fields: object
    ) => object
    const transient = row.transient === true
    class ResponseCodeError extends Base {
      readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId
      get kind(): ErrorKind {
        return row.kind
      }
      get transient(): boolean {
        return transient
      }
      get meaning(): string {
        return row.meaning
      }
      get provider(): KasirError.Provider {
        return reading.provider
      }
      get upstreamCode(): string {
        return reading.upstreamCode(this as unknown as Schema.Struct.Type<Fields>)
      }
      get upstreamMessages(): KasirError.UpstreamMessages {
        return reading.upstreamMessages(this as unknown as Schema.Struct.Type<Fields>)
      }
      get message(): string {
        return reading.message(this as unknown as Schema.Struct.Type<Fields>, row.meaning)
      }
    }
    Object.defineProperty(ResponseCodeError, "name", { value: tag })
    classes[tag] = ResponseCodeError
    for (const code of row.codes) {
      lookup.set(code, ResponseCodeError as unknown as Classes<Rows, Fields>[keyof Rows & string])
    }
  }
  return { classes: classes as Classes<Rows, Fields>, lookup }
}
