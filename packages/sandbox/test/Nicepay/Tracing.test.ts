// Spans cost nothing unless someone traces: a client built without a tracer records no operation
// or HTTP spans, even when called under one; built under a tracer, every span is there. Both over
// the lean transport, against the simulator on loopback.
import { Nicepay as Core, Transport } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Tracer } from "effect"
import { baseUrl, Demo, demoConfig, SandboxLive } from "./harness.js"

const recorder = Effect.map(Effect.tracer, (native) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      spans.push(span)
      return span
    },
    context: native.context
  })
  return { spans, tracer }
})

// The client and its own transport, built where this effect runs.
const client = Effect.map(baseUrl, (base) =>
  Core.layer(demoConfig(base)).pipe(Layer.provide(Transport.layer))
)

describe("NICEPAY tracing", () => {
  it.live("built without a tracer: no spans, even when called under one", () =>
    Effect.gen(function* () {
      const { spans, tracer } = yield* recorder
      const layer = yield* client
      const balance = yield* Effect.flatMap(Core.NicepayPayout, (nicepay) =>
        nicepay.balance().pipe(Effect.withTracer(tracer))
      ).pipe(Effect.provide(layer))
      expect(balance.accountNo).toBe(Demo.CLIENT_ID)
      expect(spans.map((span) => span.name)).toStrictEqual([])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("built under a tracer: the operation span and its HTTP spans, secrets redacted", () =>
    Effect.gen(function* () {
      const { spans, tracer } = yield* recorder
      const layer = yield* client
      yield* Effect.flatMap(Core.NicepayPayout, (nicepay) => nicepay.balance()).pipe(
        Effect.provide(layer),
        Effect.withTracer(tracer)
      )
      const names = spans.map((span) => span.name)
      // The token fetch is its own span under the operation, with its HTTP attempt under it.
      expect(names).toStrictEqual([
        "nicepay.balance",
        "nicepay.accessToken",
        "http.client POST",
        "http.client POST"
      ])
      const http = spans.filter((span) => span.name === "http.client POST")
      const paths = http.map((span) => span.attributes.get("url.path"))
      expect(paths).toStrictEqual(["/nicepay/v1.0/access-token/b2b", "/nicepay/api/v1.0/balance-inquiry"])
      expect(http[1]!.attributes.get("http.request.header.authorization")).toBe("<redacted>")
      expect(http[1]!.attributes.get("http.request.header.x-signature")).toBe("<redacted>")
      expect(http[1]!.parent._tag === "Some" && http[1]!.parent.value.spanId).toBe(spans[0]!.spanId)
      const token = spans[1]!
      expect(token.parent._tag === "Some" && token.parent.value.spanId).toBe(spans[0]!.spanId)
      expect(http[0]!.parent._tag === "Some" && http[0]!.parent.value.spanId).toBe(token.spanId)
      expect([...token.attributes.keys()].sort()).toStrictEqual(["kasir.operation", "kasir.provider"])
    }).pipe(Effect.provide(SandboxLive()))
  )
})
