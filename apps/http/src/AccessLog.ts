/**
 * The access log line: one per request, with its request id, method, route template, status,
 * duration, upstream operations, outcome and caller fingerprint — never headers or bodies.
 *
 * Two sinks write it:
 *
 * - `logger`: through the fiber's Effect logger, as any other log line (the default: tests capture
 *   it, an embedding application formats it its own way);
 * - `stdout(...)`: the gateway process's own (`main.ts`). It writes the same JSON document
 *   `Logger.json` writes for that line (`message`, `logLevel`, `timestamp`, `annotations`, `spans`,
 *   `fiberId`), formatted by hand and written to stdout in batches: one write per turn of the event
 *   loop, however many requests ended in it, and whatever is buffered at exit. Measured in
 *   `pnpm bench` (`accessLogCpuMicrosPerRequest`): the logger machinery (the annotation map, the
 *   structured logger, `console.log`) and one `write(2)` per request were most of the line's cost.
 *
 * Both respect the minimum log level (`KASIR_LOG_LEVEL`): probes are logged at debug level.
 */
import { Clock, Context, Effect, FiberRef, HashMap, List, LogLevel } from "effect"

/**
 * The fields of one access log line.
 */
export interface Entry {
  readonly requestId: string
  readonly method: string
  /** The route template (`/v1/ayoconnect/payments/:refNumber`), or `(unmatched)`. */
  readonly route: string
  readonly status: number
  readonly durationMillis: number
  readonly operations: ReadonlyArray<string>
  readonly outcome: string
  /** The API key fingerprint, when a key was presented and recognised. */
  readonly caller?: string | undefined
}

/**
 * Where access log lines go.
 */
export interface Sink {
  readonly write: (level: LogLevel.LogLevel, entry: Entry) => Effect.Effect<void>
}

/**
 * The message of every access log line.
 */
export const message = "http request"

const entryFields = new Set([
  "requestId",
  "method",
  "route",
  "status",
  "durationMillis",
  "operations",
  "outcome",
  "caller"
])

const fieldsOf = (entry: Entry): Record<string, unknown> => ({
  requestId: entry.requestId,
  method: entry.method,
  route: entry.route,
  status: entry.status,
  durationMillis: entry.durationMillis,
  operations: entry.operations,
  outcome: entry.outcome,
  ...(entry.caller === undefined ? {} : { caller: entry.caller })
})

/**
 * Through the Effect logger: the fields as log annotations, added in one transient mutation of the
 * annotation map (`Effect.annotateLogs` with eight fields makes eight immutable copies).
 */
export const logger: Sink = {
  write: (level, entry) => {
    const fields = fieldsOf(entry)
    return Effect.locallyWith(
      Effect.logWithLevel(level, message),
      FiberRef.currentLogAnnotations,
      (annotations) =>
        HashMap.mutate(annotations, (mutable) => {
          for (const key in fields) HashMap.set(mutable, key, fields[key])
        })
    )
  }
}

// JSON of a string: `JSON.stringify` escapes exactly as `Logger.json` does.
const str = JSON.stringify

/**
 * The line `Logger.json` writes for an access log entry, without its trailing newline. Ambient log
 * annotations and spans (none in the gateway) are written as `Logger.json` writes them, and the
 * entry's fields take precedence over ambient annotations of the same name, as they would there.
 */
export const format = (
  level: LogLevel.LogLevel,
  entry: Entry,
  timestampMillis: number,
  fiberId: string,
  ambient: { readonly annotations?: Record<string, unknown>; readonly spans?: Record<string, number> } = {}
): string => {
  let annotations = `"requestId":${str(entry.requestId)},"method":${str(entry.method)},"route":${str(entry.route)},"status":${entry.status},"durationMillis":${entry.durationMillis},"operations":${str(entry.operations)},"outcome":${str(entry.outcome)}`
  if (entry.caller !== undefined) annotations += `,"caller":${str(entry.caller)}`
  if (ambient.annotations !== undefined) {
    for (const key in ambient.annotations) {
      if (entryFields.has(key) && (key !== "caller" || entry.caller !== undefined)) continue
      annotations += `,${str(key)}:${str(ambient.annotations[key]) ?? "null"}`
    }
  }
  const spans = ambient.spans === undefined ? "{}" : str(ambient.spans)
  return `{"message":${str(message)},"logLevel":${str(level.label)},"timestamp":${str(new Date(timestampMillis).toISOString())},"annotations":{${annotations}},"spans":${spans},"fiberId":${str(fiberId)}}`
}

/**
 * How `stdout` writes: where the text goes, and when it is flushed. Defaults: `process.stdout`,
 * once per turn of the event loop (`setImmediate`), at 64 KiB buffered, and at process exit.
 */
export interface StdoutOptions {
  readonly write?: ((chunk: string) => void) | undefined
  /** Flush early once this many characters are buffered (default 65,536). */
  readonly maxBuffered?: number | undefined
}

/**
 * A batched sink and its `flush` (for tests and shutdown; also run at process exit).
 */
export interface Batched extends Sink {
  readonly flush: () => void
}

/**
 * The gateway process's sink: `Logger.json`'s line, formatted directly and written in batches.
 */
export const stdout = (options: StdoutOptions = {}): Batched => {
  const write = options.write ?? ((chunk: string) => void process.stdout.write(chunk))
  const maxBuffered = options.maxBuffered ?? 65_536
  let buffered = ""
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (buffered === "") return
    const chunk = buffered
    buffered = ""
    write(chunk)
  }
  process.once("exit", flush)
  return {
    flush,
    write: (level, entry) =>
      Effect.withFiberRuntime<void>((fiber) => {
        if (LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), level))
          return Effect.void
        const annotations = fiber.getFiberRef(FiberRef.currentLogAnnotations)
        const spans = fiber.getFiberRef(FiberRef.currentLogSpan)
        const now = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
        const ambient: { annotations?: Record<string, unknown>; spans?: Record<string, number> } = {}
        if (HashMap.size(annotations) > 0) ambient.annotations = Object.fromEntries(annotations)
        if (List.isCons(spans)) {
          ambient.spans = {}
          for (const span of spans) ambient.spans[span.label] = now - span.startTime
        }
        // `FiberId.threadName` of a fiber's own (runtime) id, without its set operations.
        buffered += `${format(level, entry, now, `#${fiber.id().id}`, ambient)}\n`
        if (buffered.length >= maxBuffered) flush()
        else if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
        return Effect.void
      })
  }
}
