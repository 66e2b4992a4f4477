/**
 * `kasir_ledger_entries{provider,state}` (issue 15): the ledger's entries by state, counted when
 * `/metrics` is scraped. A fresh gateway (its own in-memory ledger) in front of the real sandbox,
 * a known sequence of money movements over HTTP, and the exact gauge values after each step —
 * every provider × state pair present, 0 where there are none.
 */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { layer as gateway, payoutRequest, send, TestGateway } from "./support/Harness.js"
import * as PromText from "./support/PromText.js"

const providers = ["ayoconnect", "nicepay"] as const
const states = ["sending", "pending", "succeeded", "failed", "unknown"] as const

// Every provider × state value of the gauge, from one scrape.
const entries = Effect.flatMap(TestGateway, (g) =>
  Effect.promise(async () => {
    const reply = await fetch(`${g.url}/metrics`)
    expect(reply.status).toBe(200)
    const families = PromText.parse(await reply.text())
    expect(families.get("kasir_ledger_entries")?.type).toBe("gauge")
    const values: Record<string, number | undefined> = {}
    for (const provider of providers) {
      for (const state of states) {
        values[`${provider}/${state}`] = PromText.value(families, "kasir_ledger_entries", { provider, state })
      }
    }
    return values
  })
)

const expected = (nonZero: Record<string, number>) => {
  const values: Record<string, number> = {}
  for (const provider of providers) for (const state of states) values[`${provider}/${state}`] = 0
  return { ...values, ...nonZero }
}

layer(gateway(), { timeout: 120_000, excludeTestServices: true })("kasir_ledger_entries", (it) => {
  it.effect("counts the ledger's entries by provider and state at each scrape", () =>
    Effect.gen(function* () {
      expect(yield* entries).toEqual(expected({}))

      // Two NICEPAY payouts registered: both pending.
      const first = yield* send("/v1/nicepay/payouts", { body: payoutRequest("gauge-payout-1") })
      expect(first.status).toBe(200)
      expect(first.json.status).toBe("Pending")
      const second = yield* send("/v1/nicepay/payouts", { body: payoutRequest("gauge-payout-2") })
      expect(second.status).toBe(200)
      // A repeat is answered from the ledger: no new entry.
      const repeat = yield* send("/v1/nicepay/payouts", { body: payoutRequest("gauge-payout-1") })
      expect(repeat.headers.get("idempotent-replayed")).toBe("true")
      expect(yield* entries).toEqual(expected({ "nicepay/pending": 2 }))

      // One approved: succeeded.
      const id = first.json.originalReferenceNo as string
      const approved = yield* send(`/v1/nicepay/payouts/${id}/approve`, {
        body: { partnerReferenceNo: "gauge-payout-1", beneficiaryAccountNo: "5345000060" }
      })
      expect(approved.status).toBe(200)
      expect(approved.json.status).toBe("Success")

      // One Ayoconnect payment: succeeded.
      const inquiry = yield* send("/v1/ayoconnect/inquiries", {
        body: { accountNumber: "0812345000", productCode: "PPLSIND12" }
      })
      expect(inquiry.status).toBe(200)
      const payment = yield* send("/v1/ayoconnect/payments", {
        body: {
          inquiryId: inquiry.json.inquiryId as number,
          accountNumber: "0812345000",
          productCode: "PPLSIND12",
          amount: inquiry.json.amount as number,
          refNumber: "gauge-payment-1"
        }
      })
      expect(payment.status).toBe(200)
      expect(payment.json.state).toBe("succeeded")

      expect(yield* entries).toEqual(
        expected({ "nicepay/pending": 1, "nicepay/succeeded": 1, "ayoconnect/succeeded": 1 })
      )
    })
  )
})
