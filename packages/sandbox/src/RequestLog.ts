/**
 * Every request a simulator received, in order — the record tests assert on ("the payment was
 * sent exactly once", "exactly one token request").
 */
import { Context, Effect, Layer } from "effect"

/**
 * One request as received, and what the simulator did with it.
 */
export interface Entry {
  readonly upstream: "ayoconnect" | "nicepay"
  /** The operation the simulator recognised (e.g. "bill/payment", "transfer/registration"). */
  readonly operation: string
  readonly method: string
  /** The request path as received, query string excluded. */
  readonly path: string
  /** Header names lower-cased; values as received. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body as received. */
  readonly body: string
  /** Epoch milliseconds on the simulator's Clock. */
  readonly receivedAt: number
  /** The HTTP status answered; 0 when the connection was reset or left stalled. */
  readonly status: number
  /** The upstream response code answered, when there was one. */
  readonly responseCode?: string | undefined
  /** The fault injected into this request, when there was one. */
  readonly fault?: string | undefined
}

/**
 * The request log shared by the simulators of one sandbox.
 */
export class RequestLog extends Context.Tag("@kasir/sandbox/RequestLog")<
  RequestLog,
  {
    readonly append: (entry: Entry) => Effect.Effect<void>
    readonly entries: Effect.Effect<ReadonlyArray<Entry>>
    readonly clear: Effect.Effect<void>
  }
>() {}

/**
 * An in-memory request log keeping the most recent `capacity` entries (default 100,000), so a
 * long-running sandbox under load does not grow without bound.
 */
export const make = (capacity = 100_000): Effect.Effect<Context.Tag.Service<RequestLog>> =>
  Effect.sync(() => {
    const list: Array<Entry> = []
    return {
      append: (entry) =>
        Effect.sync(() => {
          list.push(entry)
          if (list.length > capacity) list.splice(0, list.length - capacity)
        }),
      entries: Effect.sync(() => list.slice()),
      clear: Effect.sync(() => {
        list.length = 0
      })
    }
  })

export const layer: Layer.Layer<RequestLog> = Layer.effect(RequestLog, make())
