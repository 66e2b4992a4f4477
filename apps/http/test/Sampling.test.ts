/**
 * An unsampled trace makes no spans below the server span: the request runs with tracing off
 * (`Edge`), so its operation, token fetch and upstream attempts never reach the tracer. A sampled
 * one makes them all.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Tracer } from "effect"
import { layer, send } from "./support/Harness.js"

const builtIn = Effect.runSync(Effect.tracer)

// Effect's own tracer, recording the name of every span asked for; server spans come out
// sampled or not as `sampleServer` says (the decision an OpenTelemetry sampler makes).
const recording = (sampleServer: boolean) => {
  const names: Array<string> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      names.push(name)
      const span = builtIn.span(name, parent, context, links, startTime, kind, options)
      return kind === "server" ? Object.assign(span, { sampled: sampleServer }) : span
    },
    context: builtIn.context
  })
  return { names, tracer }
}

const balanceSpans = (sampleServer: boolean) =>
  Effect.gen(function* () {
    const { names, tracer } = recording(sampleServer)
    const reply = yield* Effect.scoped(
      Effect.flatMap(Layer.build(layer({}, {}, undefined, tracer)), (context) =>
        Effect.provide(send("/v1/nicepay/balance"), context)
      )
    )
    expect(reply.status).toBe(200)
    return names.filter((name) => !name.startsWith("sql.") && !name.startsWith("ledger."))
  })

describe("sampling at the edge", () => {
  it.live(
    "unsampled: the server span only; sampled: the server span, the operation, the token fetch and the attempts",
    () =>
      Effect.gen(function* () {
        expect(yield* balanceSpans(false)).toEqual(["GET /v1/nicepay/balance"])
        expect(yield* balanceSpans(true)).toEqual([
          "GET /v1/nicepay/balance",
          "nicepay.balance",
          "nicepay.accessToken",
          "http.client POST",
          "http.client POST"
        ])
      }),
    { timeout: 60_000 }
  )
})
