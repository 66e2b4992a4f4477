// Every documented response code, reached through the simulator's scenarios, becomes the right
// outcome or error class on the client.
import { Ayoconnect as Client, KasirError } from "@kasir/core"
import { Ayoconnect } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted, TestClock } from "effect"
import { account, partner, sandbox } from "./harness.js"

const { Scenario } = Ayoconnect
const wrongSecret = Redacted.make("not-the-partner-secret")
const classOf = (code: number) => Client.ResponseCode.documented.get(code)!

const inquire = (accountNumber: string) =>
  Effect.flatMap(Client.Ayoconnect, (ayoconnect) =>
    ayoconnect.inquiry({ accountNumber, productCode: "PLSTSEL10" })
  )

const pay = (accountNumber: string, refNumber: string) =>
  Effect.gen(function* () {
    const ayoconnect = yield* Client.Ayoconnect
    const inquiry = yield* inquire(accountNumber)
    return yield* ayoconnect.payment({
      inquiryId: inquiry.inquiryId,
      accountNumber,
      productCode: inquiry.productCode,
      amount: inquiry.amount,
      refNumber
    })
  })

describe("Ayoconnect response codes end to end", () => {
  it.effect("every inquiry failure code becomes its class, with the exact code and both messages", () =>
    Effect.gen(function* () {
      for (const code of Scenario.inquiryFailureCodes) {
        const error = yield* Effect.flip(inquire(account(Scenario.suffix.inquiryFailure(code))))
        expect(error).toBeInstanceOf(classOf(code))
        if (!("responseCode" in error)) return expect.unreachable()
        expect(error.responseCode).toBe(code)
        expect(error.upstreamMessage).toStrictEqual(Ayoconnect.Messages.forCode(code))
        expect(error.data).toStrictEqual({})
        expect(error.message).toContain(`Ayoconnect answered ${code} (`)
      }
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("kinds follow meaning: 304 Declined, 401 Unauthorized, 321 InvalidRequest, 181 Unavailable", () =>
    Effect.gen(function* () {
      const kinds = []
      for (const code of [304, 401, 321, 181]) {
        kinds.push((yield* Effect.flip(inquire(account(String(code))))).kind)
      }
      expect(kinds).toStrictEqual(["Declined", "Unauthorized", "InvalidRequest", "Unavailable"])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "every immediate payment failure in 100–199 becomes its class, 402/403/490/495 outcome unknown; nothing is debited; status says Failed",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        const unknown: Array<number> = []
        for (const code of Scenario.paymentFailureCodes) {
          const refNumber = `now-${code}`
          const error = yield* Effect.flip(pay(account(Scenario.suffix.paymentFailure(code)), refNumber))
          expect(KasirError.isKasirError(error) && error.upstreamCode).toBe(String(code))
          if (error._tag === "OutcomeUnknown") unknown.push(code)
          else expect(error).toBeInstanceOf(classOf(code))
          const status = yield* ayoconnect.status({ refNumber })
          if (status._tag !== "Failed") return expect.unreachable()
          expect(status.responseCode).toBe(code)
          expect(status.error).toBeInstanceOf(classOf(code))
        }
        // Outside 0–399 a payment's answer is "processing" per the docs: only status declares it failed.
        expect(unknown).toStrictEqual([402, 403, 490, 495])
        expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000))
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect("every success code (0–4, 99) is Succeeded with that code", () =>
    Effect.gen(function* () {
      for (const code of Scenario.successCodes) {
        const outcome = yield* pay(account(Scenario.suffix.success(code)), `ok-${code}`)
        expect([outcome._tag, outcome.responseCode]).toStrictEqual(["Succeeded", code])
        expect(outcome.transaction?.token).toMatch(/^19\d{14}$/)
      }
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("every failure reached after pending settles to Failed with its class, and is refunded", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      for (const code of Scenario.paymentFailureCodes) {
        const outcome = yield* pay(
          account(Scenario.suffix.pendingThenFailure(code), "08123456"),
          `later-${code}`
        )
        expect(outcome._tag).toBe("Pending")
      }
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(
        Option.some(10_000_000 - 10_550 * Scenario.paymentFailureCodes.length)
      )
      yield* TestClock.adjust("5 seconds")
      for (const code of Scenario.paymentFailureCodes) {
        const status = yield* ayoconnect.status({ refNumber: `later-${code}` })
        if (status._tag !== "Failed") return expect.unreachable()
        expect(status.error).toBeInstanceOf(classOf(code))
        expect(status.responseCode).toBe(code)
      }
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000))
      const views = yield* simulator.transactions
      expect(views.every((view) => view.state === "Failed" && view.debited && view.refunded)).toBe(true)
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("an unauthorised client (wrong secret) gets UnauthorisedAccess on every operation", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const errors = [
        yield* Effect.flip(ayoconnect.balance()),
        yield* Effect.flip(ayoconnect.products()),
        yield* Effect.flip(ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PLSTSEL10" })),
        yield* Effect.flip(ayoconnect.status({ refNumber: "any" })),
        yield* Effect.flip(
          ayoconnect.payment({
            inquiryId: 1,
            accountNumber: "0812",
            productCode: "X",
            amount: 1,
            refNumber: "r"
          })
        )
      ]
      expect(errors.map((error) => [error._tag, error.kind])).toStrictEqual(
        Array.from({ length: 5 }, () => ["UnauthorisedAccess", "Unauthorized"])
      )
    }).pipe(Effect.provide(sandbox({}, { signer: Client.Signer.fromSecret(wrongSecret) })))
  )
})
