// The root README's library example, run against the sandbox: if the README drifts from the API,
// this stops compiling or fails.
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"

const payBill = (accountNumber: string, refNumber: string) =>
  Effect.gen(function* () {
    const ayoconnect = yield* Ayoconnect.Ayoconnect
    const bill = yield* ayoconnect.inquiry({ accountNumber, productCode: "TLSTPOS" })
    const outcome = yield* ayoconnect.payment({
      inquiryId: bill.inquiryId,
      accountNumber,
      productCode: "TLSTPOS",
      amount: bill.amount,
      refNumber
    })
    return outcome._tag === "Pending"
      ? yield* ayoconnect.awaitFinal({ refNumber: outcome.refNumber })
      : outcome
  }).pipe(
    Effect.catchTag("OutcomeUnknown", (unknown) =>
      Effect.flatMap(Ayoconnect.Ayoconnect, (ayoconnect) => ayoconnect.recoverPayment(unknown.reference))
    )
  )

const AyoconnectLive = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) => Ayoconnect.layer(sandbox.ayoconnect.client))
)

const TestLive = AyoconnectLive.pipe(
  Layer.provideMerge(Sandbox.layer()),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

layer(TestLive)("README example", (it) => {
  it.effect("pays a PLN postpaid bill once and reads the debit at the simulator", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      const partner = sandbox.ayoconnect.partner.apiKey
      const before = yield* sandbox.ayoconnect.simulator.balance(partner)
      const result = yield* payBill("512345678901", "readme-0001")
      expect(result._tag).toBe("Succeeded")
      const recorded = yield* sandbox.ayoconnect.simulator.transaction(partner, "readme-0001")
      expect(recorded._tag).toBe("Some")
      const after = yield* sandbox.ayoconnect.simulator.balance(partner)
      if (recorded._tag === "Some" && before._tag === "Some" && after._tag === "Some") {
        expect(after.value).toBe(before.value - recorded.value.amount)
        expect(recorded.value.debited).toBe(true)
      }
    })
  )

  it.effect("a lost payment answer is recovered by status, never resent", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      // Reset after processing: the upstream debits, the client never hears back.
      yield* sandbox.faults.inject({
        upstream: "ayoconnect",
        operation: "bill/payment",
        fault: "reset-after"
      })
      const result = yield* payBill("512345678902", "readme-0002")
      expect(result._tag).toBe("Found")
      const payments = (yield* sandbox.requestLog.entries).filter(
        (entry) => entry.operation === "bill/payment" && entry.body.includes("readme-0002")
      )
      expect(payments.length).toBe(1)
    })
  )
})
