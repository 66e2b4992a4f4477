// The drain's deadline: every request it abandons is logged as one WARN line that says which
// request it was and which upstream call (and money reference) it cut off.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, HashMap, Logger } from "effect"
import * as Drain from "../src/Drain.js"
import type { RequestState } from "../src/RequestContext.js"
import { params } from "../src/Routes.js"

interface Line {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
}

const capture = (lines: Array<Line>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message, annotations }) => {
      lines.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message.map(String).join(" ") : String(message),
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    })
  )

const state = (
  fields: Partial<RequestState> & Pick<RequestState, "requestId" | "method" | "path">
): RequestState => ({
  route: undefined,
  operations: [],
  references: {},
  outcome: undefined,
  caller: undefined,
  ...fields
})

describe("Drain.abandon", () => {
  it.live("logs one WARN line per abandoned request, then interrupts it", () => {
    const lines: Array<Line> = []
    return Effect.gen(function* () {
      const inFlight = yield* Drain.makeInFlight
      const approve = state({
        requestId: "req-approve",
        method: "POST",
        path: "/v1/nicepay/payouts/NP123/approve",
        route: { method: "POST", path: "/v1/nicepay/payouts/:referenceNo/approve", endpoint: undefined },
        operations: ["nicepay.approve"],
        references: { referenceNo: "NP123" }
      })
      const payment = state({
        requestId: "req-pay",
        method: "POST",
        path: "/v1/ayoconnect/payments",
        route: { method: "POST", path: "/v1/ayoconnect/payments", endpoint: undefined },
        operations: ["ayoconnect.payment"]
      })
      const fibers = [
        yield* Effect.fork(inFlight.track(Effect.never, approve)),
        yield* Effect.fork(inFlight.track(Effect.never, payment))
      ]
      yield* Effect.yieldNow()
      expect(yield* inFlight.active).toBe(2)
      yield* inFlight.abandon
      yield* Effect.forEach(fibers, Fiber.await)
      expect(yield* inFlight.active).toBe(0)
      expect(lines).toStrictEqual([
        {
          level: "WARN",
          message:
            "shutdown: abandoned request req-approve (POST /v1/nicepay/payouts/:referenceNo/approve) at the deadline; upstream operations: nicepay.approve; references: referenceNo=NP123. Its outcome is unknown to the caller: resolve it by status",
          annotations: {
            requestId: "req-approve",
            method: "POST",
            route: "/v1/nicepay/payouts/:referenceNo/approve",
            operations: ["nicepay.approve"],
            references: { referenceNo: "NP123" }
          }
        },
        {
          level: "WARN",
          message:
            "shutdown: abandoned request req-pay (POST /v1/ayoconnect/payments) at the deadline; upstream operations: ayoconnect.payment. Its outcome is unknown to the caller: resolve it by status",
          annotations: {
            requestId: "req-pay",
            method: "POST",
            route: "/v1/ayoconnect/payments",
            operations: ["ayoconnect.payment"],
            references: {}
          }
        }
      ])
    }).pipe(Effect.provide(capture(lines)))
  })

  it("path parameters are read from the route template", () => {
    expect(params("/v1/ayoconnect/payments/:refNumber", "/v1/ayoconnect/payments/ref%2001")).toStrictEqual({
      refNumber: "ref 01"
    })
    expect(
      params("/v1/nicepay/payouts/:referenceNo/approve", "/v1/nicepay/payouts/NP1/approve/")
    ).toStrictEqual({
      referenceNo: "NP1"
    })
    expect(params("/v1/ayoconnect/payments/:refNumber", "/v1/ayoconnect/payments")).toStrictEqual({})
  })
})
