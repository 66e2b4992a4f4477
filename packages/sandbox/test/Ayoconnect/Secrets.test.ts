// No secret material — the API secret or any TOKEN sent — appears in logs, spans or errors.
import { Ayoconnect as Client } from "@kasir/core"
import { RequestLog } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Inspectable, Logger, LogLevel, Tracer } from "effect"
import { account, client, partner, sandbox } from "./harness.js"

describe("Ayoconnect secrets", () => {
  it.live("neither the secret nor a token leaks into logs, span attributes/events or error renderings", () =>
    Effect.gen(function* () {
      const logs: Array<string> = []
      const spans: Array<Tracer.Span> = []
      const native = yield* Effect.tracer
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          const span = native.span(name, parent, context, links, startTime, kind, options)
          spans.push(span)
          return span
        },
        context: native.context
      })
      const logger = Logger.make(({ message, annotations, cause, logLevel }) => {
        logs.push(
          `${logLevel.label} ${Inspectable.format(message)} ${Inspectable.format(Object.fromEntries(annotations))} ${Cause.pretty(cause)}`
        )
      })
      const errors: Array<unknown> = []

      const scenario = Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        yield* ayoconnect.balance()
        yield* ayoconnect.products()
        const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "DANA50" })
        yield* ayoconnect.payment({
          inquiryId: inquiry.inquiryId,
          accountNumber: inquiry.accountNumber,
          productCode: inquiry.productCode,
          amount: inquiry.amount,
          refNumber: "secret-1"
        })
        const failures: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
          ayoconnect.status({ refNumber: "unknown-ref" }),
          ayoconnect.inquiry({ accountNumber: account("304"), productCode: "DANA50" }),
          ayoconnect.inquiry({ accountNumber: account("502"), productCode: "DANA50" }),
          ayoconnect.inquiry({ accountNumber: account("505"), productCode: "DANA50" }),
          ayoconnect.payment({
            inquiryId: 1,
            accountNumber: "x",
            productCode: "DANA50",
            amount: -1,
            refNumber: "r"
          }),
          ayoconnect.decodeCallback("{}")
        ]
        for (const failure of failures) {
          const exit = yield* Effect.exit(
            failure.pipe(Effect.tapErrorCause((cause) => Effect.logError("failed", cause)))
          )
          if (exit._tag === "Failure") errors.push(Cause.squash(exit.cause), Cause.pretty(exit.cause))
        }
        const faulty = yield* ayoconnect.inquiry({ accountNumber: account("606"), productCode: "DANA50" })
        errors.push(
          yield* Effect.flip(
            ayoconnect.payment({
              inquiryId: faulty.inquiryId,
              accountNumber: faulty.accountNumber,
              productCode: faulty.productCode,
              amount: faulty.amount,
              refNumber: "secret-2"
            })
          )
        )
        yield* Effect.logDebug("client in use", ayoconnect)
      })
      yield* scenario.pipe(
        // The client is built under the tracer: operation spans are decided when its layer is built.
        Effect.provide(client({ readTimeout: "2 seconds" })),
        Effect.withTracer(recording),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.All)
      )

      const tokens = (yield* (yield* RequestLog.RequestLog).entries).map((entry) => entry.headers.token ?? "")
      expect(tokens.length).toBeGreaterThan(8)
      const spanText = spans.map((span) =>
        Inspectable.format({
          name: span.name,
          attributes: Object.fromEntries(span.attributes),
          events: (span as unknown as { events?: unknown }).events
        })
      )
      const errorText = errors.map((error) =>
        typeof error === "string"
          ? error
          : `${String(error)} ${Inspectable.format(error)} ${JSON.stringify(error)}`
      )
      const haystack = [...logs, ...spanText, ...errorText].join("\n")

      expect(spans.map((span) => span.name)).toContain("ayoconnect.payment")
      // The header is recorded on the HTTP spans, as a redaction.
      const tokenAttributes = spans.flatMap((span) =>
        [...span.attributes]
          .filter(([key]) => key === "http.request.header.token")
          .map(([, value]) => String(value))
      )
      expect(tokenAttributes.length).toBe(tokens.length)
      expect(new Set(tokenAttributes)).toStrictEqual(new Set(["<redacted>"]))
      expect(errors.length).toBeGreaterThan(10)
      expect(logs.length).toBeGreaterThan(5)
      const secretForms = [
        partner.secret,
        Buffer.from(partner.secret).toString("base64"),
        Buffer.from(partner.secret).toString("base64url")
      ]
      for (const needle of [...secretForms, ...tokens]) {
        expect(haystack.includes(needle)).toBe(false)
      }
      // Signatures alone (the third token segment) never show either.
      for (const token of tokens) expect(haystack.includes(token.split(".")[2]!)).toBe(false)
    }).pipe(Effect.provide(sandbox({ faultLatency: "100 millis" }, { readTimeout: "2 seconds" })))
  )
})
