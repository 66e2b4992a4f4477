// Every injected fault against the client, on the real clock: reads retry what is transient,
// a payment is never resent and an unclear outcome is OutcomeUnknown.
import { Ayoconnect as Client, KasirError } from "@kasir/core"
import { Fault, RequestLog } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { account, sandbox } from "./harness.js"

const fast = { readTimeout: "400 millis", paymentTimeout: "400 millis" } as const
const slowFaults = { faultLatency: "1 second" } as const

const attempts = (operation: string) =>
  Effect.map(RequestLog.RequestLog, (log) =>
    Effect.map(log.entries, (entries) => entries.filter((entry) => entry.operation === operation))
  ).pipe(Effect.flatten)

const inquire = (accountNumber: string) =>
  Effect.flatMap(Client.Ayoconnect, (ayoconnect) =>
    ayoconnect.inquiry({ accountNumber, productCode: "DANA50" })
  )

describe("Ayoconnect faults on reads", () => {
  it.live("HTTP 502 with an HTML page: retried, then UnexpectedResponse(HttpStatus)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(inquire(account("502")))
      if (error._tag !== "UnexpectedResponse") return expect.unreachable()
      expect([error.reason, error.status, error.kind]).toStrictEqual(["HttpStatus", 502, "Unavailable"])
      expect(error.excerpt).toContain("502 Bad Gateway")
      const logged = yield* attempts("bill/check")
      expect(logged.map((entry) => [entry.status, entry.fault])).toStrictEqual([
        [502, "html-502"],
        [502, "html-502"],
        [502, "html-502"]
      ])
    }).pipe(Effect.provide(sandbox(slowFaults, fast)))
  )

  it.live("connection reset: retried, then UpstreamUnavailable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(inquire(account("503")))
      expect(error._tag).toBe("UpstreamUnavailable")
      expect((yield* attempts("bill/check")).length).toBe(3)
    }).pipe(Effect.provide(sandbox(slowFaults, fast)))
  )

  it.live("malformed JSON and a body without responseCode: typed, not retried", () =>
    Effect.gen(function* () {
      const malformed = yield* Effect.flip(inquire(account("505")))
      const noCode = yield* Effect.flip(inquire(account("506")))
      expect(malformed._tag === "UnexpectedResponse" && [malformed.reason, malformed.status]).toStrictEqual([
        "MalformedJson",
        200
      ])
      expect(noCode._tag === "UnexpectedResponse" && noCode.reason).toBe("MissingResponseCode")
      expect((yield* attempts("bill/check")).length).toBe(2)
    }).pipe(Effect.provide(sandbox(slowFaults, fast)))
  )

  it.live("a stalled body and latency beyond the timeout: UpstreamTimeout after the retries", () =>
    Effect.gen(function* () {
      const stalled = yield* Effect.flip(inquire(account("507")))
      const slow = yield* Effect.flip(inquire(account("501")))
      expect([stalled._tag, slow._tag]).toStrictEqual(["UpstreamTimeout", "UpstreamTimeout"])
      expect(stalled._tag === "UpstreamTimeout" && stalled.timeoutMillis).toBe(400)
      expect((yield* attempts("bill/check")).map((entry) => entry.fault)).toStrictEqual([
        "stall",
        "stall",
        "stall",
        "latency",
        "latency",
        "latency"
      ])
    }).pipe(Effect.provide(sandbox(slowFaults, fast)))
  )

  it.live("latency within the timeout: the normal answer, late", () =>
    Effect.gen(function* () {
      const started = Date.now()
      const inquiry = yield* inquire(account("501"))
      expect(inquiry.amount).toBe(51_000)
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    }).pipe(Effect.provide(sandbox({ faultLatency: "200 millis" }, { readTimeout: "3 seconds" })))
  )

  it.live("an injected transient fault is retried away: balance answers on the third attempt", () =>
    Effect.gen(function* () {
      const faults = yield* Fault.Faults
      yield* faults.inject({
        upstream: "ayoconnect",
        operation: "partner/balance",
        fault: "reset-before",
        times: 2
      })
      const ayoconnect = yield* Client.Ayoconnect
      expect((yield* ayoconnect.balance()).balance).toBe(10_000_000)
      expect((yield* attempts("partner/balance")).map((entry) => entry.fault)).toStrictEqual([
        "reset-before",
        "reset-before",
        undefined
      ])
    }).pipe(Effect.provide(sandbox()))
  )
})

describe("Ayoconnect faults on payment", () => {
  const cases = [
    ["latency", "Found"],
    ["html-502", "NotCreated"],
    ["reset-before", "NotCreated"],
    ["reset-after", "Found"],
    ["malformed-json", "Found"],
    ["no-response-code", "Found"],
    ["stall", "Found"]
  ] as const

  for (const [fault, recovery] of cases) {
    it.live(`${fault}: OutcomeUnknown, sent once, recoverPayment says ${recovery}`, () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const accountNumber = account(`60${Fault.Fault.literals.indexOf(fault) + 1}`)
        const inquiry = yield* inquire(accountNumber)
        const refNumber = `fault-${fault}`
        const error = yield* Effect.flip(
          ayoconnect.payment({
            inquiryId: inquiry.inquiryId,
            accountNumber,
            productCode: "DANA50",
            amount: inquiry.amount,
            refNumber
          })
        )
        expect(error._tag).toBe("OutcomeUnknown")
        expect(error._tag === "OutcomeUnknown" && error.reference).toBe(refNumber)
        expect(error.kind).toBe("OutcomeUnknown")
        const payments = yield* attempts("bill/payment")
        expect(payments.map((entry) => entry.fault)).toStrictEqual([fault])
        const recovered = yield* ayoconnect.recoverPayment(refNumber)
        expect(recovered._tag).toBe(recovery)
        if (recovered._tag === "Found") expect(recovered.status._tag).toBe("Succeeded")
      }).pipe(Effect.provide(sandbox(slowFaults, fast)))
    )
  }

  it.live("after an injected 502 nothing was created: the same refNumber and inquiry pay once", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const faults = yield* Fault.Faults
      yield* faults.inject({ upstream: "ayoconnect", operation: "bill/payment", fault: "html-502" })
      const inquiry = yield* inquire("081234567890")
      const input = {
        inquiryId: inquiry.inquiryId,
        accountNumber: "081234567890",
        productCode: "DANA50",
        amount: inquiry.amount,
        refNumber: "retry-1"
      }
      const first = yield* Effect.flip(ayoconnect.payment(input))
      expect(first).toStrictEqual(
        new KasirError.OutcomeUnknown({
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: "retry-1",
          references: { refNumber: "retry-1" },
          reason: "HTTP 502 instead of an API response",
          causeTag: "UnexpectedResponse"
        })
      )
      expect(yield* ayoconnect.recoverPayment("retry-1")).toStrictEqual(
        Client.Recovery.NotCreated({ refNumber: "retry-1" })
      )
      const second = yield* ayoconnect.payment(input)
      expect([second._tag, second.responseCode]).toStrictEqual(["Succeeded", 0])
      expect((yield* attempts("bill/payment")).map((entry) => entry.status)).toStrictEqual([502, 200])
    }).pipe(Effect.provide(sandbox()))
  )
})
