/**
 * The access log sinks: the gateway process's own stdout sink writes the document `Logger.json`
 * writes for the same line (every field, the same values), in batches, and respects the minimum
 * log level as the logger does.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import * as AccessLog from "../src/AccessLog.js"

const entry = (n: number, caller: string | undefined = "f7933b7d"): AccessLog.Entry => ({
  requestId: `req-${n}`,
  method: "POST",
  route: "/v1/ayoconnect/payments/:refNumber",
  status: 200,
  durationMillis: 12.5,
  operations: ["ayoconnect.payment", "ayoconnect.status"],
  outcome: "ok",
  caller
})

// What `Logger.json` writes (its formatter, without the console), and what the stdout sink
// writes, for the same line in the same fiber.
const both = (level: LogLevel.LogLevel, line: AccessLog.Entry) =>
  Effect.gen(function* () {
    const logged: Array<string> = []
    const written: Array<string> = []
    const sink = AccessLog.stdout({ write: (chunk) => written.push(chunk) })
    yield* AccessLog.logger
      .write(level, line)
      .pipe(Logger.withMinimumLogLevel(LogLevel.All))
      .pipe(
        Effect.provide(
          Logger.replace(
            Logger.defaultLogger,
            Logger.map(Logger.jsonLogger, (text) => logged.push(text))
          )
        )
      )
    yield* sink.write(level, line).pipe(Logger.withMinimumLogLevel(LogLevel.All))
    sink.flush()
    return { logged, written }
  })

describe("AccessLog", () => {
  it.effect("the stdout sink's line is Logger.json's line, field for field", () =>
    Effect.gen(function* () {
      for (const line of [entry(1), entry(2, undefined)]) {
        const { logged, written } = yield* both(LogLevel.Info, line)
        expect(logged).toHaveLength(1)
        expect(written).toHaveLength(1)
        expect(written[0]!.endsWith("\n")).toBe(true)
        expect(JSON.parse(written[0]!)).toStrictEqual(JSON.parse(logged[0]!))
      }
    })
  )

  it.effect("ambient log annotations and spans are written as Logger.json writes them", () =>
    Effect.gen(function* () {
      const { logged, written } = yield* both(LogLevel.Warning, entry(3)).pipe(
        Effect.annotateLogs({ deployment: "blue", requestId: "shadowed" }),
        Effect.withLogSpan("serve")
      )
      const document = JSON.parse(written[0]!)
      expect(document).toStrictEqual(JSON.parse(logged[0]!))
      expect(document.annotations.deployment).toBe("blue")
      expect(document.annotations.requestId).toBe("req-3")
      expect(document.logLevel).toBe("WARN")
      expect(Object.keys(document.spans)).toStrictEqual(["serve"])
    })
  )

  it.effect("lines ended in one turn of the event loop are one write; a full buffer is written early", () =>
    Effect.gen(function* () {
      const chunks: Array<string> = []
      const sink = AccessLog.stdout({ write: (chunk) => chunks.push(chunk) })
      for (let n = 0; n < 50; n++) yield* sink.write(LogLevel.Info, entry(n))
      expect(chunks).toStrictEqual([])
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      expect(chunks).toHaveLength(1)
      const lines = chunks[0]!.trimEnd().split("\n")
      expect(lines.map((line) => JSON.parse(line).annotations.requestId)).toStrictEqual(
        Array.from({ length: 50 }, (_, n) => `req-${n}`)
      )

      const small: Array<string> = []
      const early = AccessLog.stdout({ write: (chunk) => small.push(chunk), maxBuffered: 1_000 })
      for (let n = 0; n < 50; n++) yield* early.write(LogLevel.Info, entry(n))
      const lineLength = lines[0]!.length + 1
      // Written as soon as 1,000 characters were buffered, before the event loop turned.
      expect(small.length).toBe(Math.floor(50 / Math.ceil(1_000 / lineLength)))
      for (const chunk of small) expect(chunk.length).toBeGreaterThanOrEqual(1_000)
      early.flush()
      expect(small.join("").trimEnd().split("\n")).toHaveLength(50)
    })
  )

  it.effect("below the minimum log level nothing is written, as with the logger", () =>
    Effect.gen(function* () {
      const chunks: Array<string> = []
      const sink = AccessLog.stdout({ write: (chunk) => chunks.push(chunk) })
      yield* sink.write(LogLevel.Debug, entry(1)).pipe(Logger.withMinimumLogLevel(LogLevel.Info))
      sink.flush()
      expect(chunks).toStrictEqual([])
      yield* sink.write(LogLevel.Debug, entry(2)).pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
      sink.flush()
      expect(chunks.map((chunk) => JSON.parse(chunk).logLevel)).toStrictEqual(["DEBUG"])
    })
  )
})
