// A sandbox's state survives a snapshot → JSON → restore into another sandbox: payments, inquiries,
// balances and payouts; no credential is in it.
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"

const clients = (sandbox: Sandbox.Service) =>
  Layer.mergeAll(Ayoconnect.layer(sandbox.ayoconnect.client), Nicepay.layer(sandbox.nicepay.client)).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

const started = Effect.flatMap(
  Layer.build(
    Sandbox.layer({ ayoconnect: { settleAfter: "1 second" } }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  ),
  (context) => Effect.succeed(context.unsafeMap.get(Sandbox.Sandbox.key) as Sandbox.Service)
)

it.scoped(
  "snapshot → JSON → restore carries payments, inquiries, balances and payouts",
  () =>
    Effect.gen(function* () {
      const first = yield* started
      const partner = first.ayoconnect.partner.apiKey
      const work = Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        const bill = yield* ayoconnect.inquiry({ accountNumber: "081298765432", productCode: "DANA50" })
        yield* ayoconnect.payment({
          inquiryId: bill.inquiryId,
          accountNumber: "081298765432",
          productCode: "DANA50",
          amount: bill.amount,
          refNumber: "snap-1"
        })
        const unpaid = yield* ayoconnect.inquiry({ accountNumber: "081298765433", productCode: "DANA50" })
        const payout = yield* Nicepay.NicepayPayout
        const registered = yield* payout.register({
          partnerReferenceNo: "snap-po-1",
          beneficiaryAccountNo: "5345000060",
          beneficiaryName: "IONPAY NETWORKS",
          beneficiaryPhone: "081211111111",
          beneficiaryCustomerResidence: "citizen",
          beneficiaryCustomerType: "personal",
          beneficiaryBankCode: "BMRI",
          payoutMethod: "online",
          amount: 150_000 as never
        })
        return { unpaid, registered }
      }).pipe(Effect.provide(clients(first)))
      const { unpaid, registered } = yield* work
      const snapshot = yield* first.snapshot
      const text = JSON.stringify(snapshot)
      expect(text).not.toContain(Redacted.value(first.ayoconnect.partner.secret))
      const parsed: unknown = JSON.parse(text)
      expect(Sandbox.isSnapshot(parsed)).toBe(true)

      const second = yield* started
      yield* second.restore(parsed as Sandbox.Snapshot)
      expect(yield* second.snapshot).toEqual(snapshot)
      expect(yield* second.ayoconnect.simulator.balance(partner)).toEqual(
        yield* first.ayoconnect.simulator.balance(partner)
      )
      const paid = yield* second.ayoconnect.simulator.transaction(partner, "snap-1")
      expect(Option.map(paid, (t) => t.refNumber)).toEqual(Option.some("snap-1"))
      const payout = yield* second.nicepay.simulator.payout("IONPAYTEST", "snap-po-1")
      expect(Option.map(payout, (p) => [p.status, p.originalReferenceNo])).toEqual(
        Option.some(["03", registered.originalReferenceNo])
      )
      // The restored sandbox accepts a payment of the inquiry made before the snapshot.
      const later = yield* Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        return yield* ayoconnect.payment({
          inquiryId: unpaid.inquiryId,
          accountNumber: "081298765433",
          productCode: "DANA50",
          amount: unpaid.amount,
          refNumber: "snap-2"
        })
      }).pipe(Effect.provide(clients(second)))
      expect(later._tag).not.toBe("Pending")
    }),
  { timeout: 60_000 }
)
