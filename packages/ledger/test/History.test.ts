/**
 * An entry's history comes back in the order it was written, also once its ids cross a power of
 * ten (found by the NICEPAY crash test: the history was sorted by its `::text` id, "10" before "9").
 */
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Database, Ledger, Migrations } from "../src/index.js"

describe("history order", () => {
  it("lists transitions in write order across id 9 → 10", async () => {
    const history = await Effect.gen(function* () {
      const ledger = yield* Ledger.Ledger
      const pay = (reference: string) =>
        Effect.gen(function* () {
          const begun = yield* ledger.begin({
            provider: "ayoconnect",
            operation: "payment",
            reference,
            fields: { accountNumber: "081234560001", productCode: "PPLSIND12" },
            amount: 12_500n
          })
          if (begun._tag !== "Claimed") return yield* Effect.die(begun._tag)
          yield* ledger.record(begun.entry.id, { to: "pending", source: "answer" })
          yield* ledger.record(begun.entry.id, { to: "succeeded", source: "reconciliation" })
          return begun.entry.id
        })
      const begin = (reference: string) =>
        ledger.begin({
          provider: "ayoconnect",
          operation: "payment",
          reference,
          fields: { accountNumber: "081234560001", productCode: "PPLSIND12" },
          amount: 12_500n
        })
      // History ids 1–3 and 4–6, then 7 and 8: the last entry's transitions are 9, 10 and 11.
      yield* pay("h-1")
      yield* pay("h-2")
      yield* begin("h-3")
      yield* begin("h-4")
      const straddling = yield* pay("h-5")
      return yield* ledger.history(straddling)
    }).pipe(
      Effect.provide(
        Ledger.layer().pipe(Layer.provide(Migrations.layer), Layer.provide(Database.layerPgliteMemory))
      ),
      Effect.runPromise
    )
    expect(history.map((h) => [h.from ?? null, h.to, h.source])).toEqual([
      [null, "sending", "request"],
      ["sending", "pending", "answer"],
      ["pending", "succeeded", "reconciliation"]
    ])
  }, 120_000)
})
