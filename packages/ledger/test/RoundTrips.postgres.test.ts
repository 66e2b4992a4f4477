/**
 * What a money movement costs the database: the statements (round trips) the ledger sends per
 * payment, on a real PostgreSQL server, through the provider modules against the real sandbox.
 *
 * Round trips are most of the ledger's cost to the gateway (`pnpm bench --only ledger` measures
 * it), so their count is part of the contract: `begin` is one statement, and the `record` of the
 * upstream's answer is one more, because the provider modules hand it the entry `begin` returned
 * (`known`). Without `known`, `record` locks the row in a transaction (4). Counted at the
 * connection: every `query` a pooled node-postgres client sends is one round trip.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, layer } from "@effect/vitest"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as Pg from "pg"
import { inject } from "vitest"
import { Ledger, Ayoconnect as LedgerAyoconnect, Nicepay as LedgerNicepay, Migrations } from "../src/index.js"

// The statements sent so far by the pool's clients.
class Statements extends Context.Tag("test/Statements")<Statements, { readonly count: () => number }>() {}

const schema = `t_${process.pid}_roundtrips`

const Counted = Layer.unwrapScoped(
  Effect.gen(function* () {
    let statements = 0
    const admin = new Pg.Client({ connectionString: inject("postgresUrl") })
    yield* Effect.promise(async () => {
      await admin.connect()
      await admin.query(`CREATE SCHEMA ${schema}`)
      await admin.end()
    })
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new Pg.Pool({
          connectionString: inject("postgresUrl"),
          max: 4,
          options: `-c search_path=${schema}`
        })
        pool.on("connect", (client) => {
          const query = client.query.bind(client) as (...args: Array<unknown>) => unknown
          client.query = ((...args: Array<unknown>) => {
            statements++
            return query(...args)
          }) as typeof client.query
        })
        return pool
      }),
      (pool) => Effect.promise(() => pool.end())
    )
    return Layer.merge(
      PgClient.layerFromPool({ acquire: Effect.succeed(pool) }).pipe(Layer.orDie),
      Layer.succeed(Statements, { count: () => statements })
    )
  })
)

const Clients = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Layer.merge(Ayoconnect.layer(sandbox.ayoconnect.client), Nicepay.layer(sandbox.nicepay.client))
  )
)

const TestLive = Layer.mergeAll(LedgerAyoconnect.layer(), LedgerNicepay.layer()).pipe(
  Layer.provideMerge(Ledger.layer({ instance: "gateway-a" })),
  Layer.provideMerge(Clients),
  Layer.provide(Migrations.layer),
  Layer.provideMerge(Counted),
  Layer.provideMerge(Sandbox.layer({ nicepay: { timestampTolerance: "1 day" } })),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

// The statements `effect` sends.
const counting = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const statements = yield* Statements
    const before = statements.count()
    const value = yield* effect
    return { value, statements: statements.count() - before }
  })

// As the gateway decodes a request (wire codes).
const payout = Schema.decodeUnknownSync(Nicepay.Schemas.PayoutRequest)({
  partnerReferenceNo: "RT-PAYOUT-1",
  beneficiaryAccountNo: "5345000060",
  beneficiaryName: "Budi Santoso",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "1",
  beneficiaryCustomerType: "1",
  beneficiaryBankCode: "BMRI",
  payoutMethod: "1",
  amount: { value: "150000.00", currency: "IDR" }
})

layer(TestLive, { timeout: "120 seconds" })("ledger round trips per payment", (it) => {
  it.effect("a NICEPAY payout registration: 2 statements (begin, record of the answer)", () =>
    Effect.gen(function* () {
      const payouts = yield* LedgerNicepay.NicepayPayouts
      const ledger = yield* Ledger.Ledger
      const { statements, value } = yield* counting(payouts.register(payout))
      expect(value._tag).toBe("Sent")
      expect(statements).toBe(2)
      const entry = Option.getOrThrow(yield* ledger.get("nicepay", "RT-PAYOUT-1"))
      expect([entry.state, entry.version, entry.upstreamIds.status]).toEqual(["pending", 2, "Pending"])
      expect((yield* ledger.history(entry.id)).map((h) => [h.from ?? null, h.to, h.source])).toEqual([
        [null, "sending", "request"],
        ["sending", "pending", "answer"]
      ])
      // A repeat is answered from the ledger, nothing sent: the insert that conflicts, the read
      // of the entry that holds the reference.
      const repeat = yield* counting(payouts.register(payout))
      expect(repeat.value._tag).toBe("Replayed")
      expect(repeat.statements).toBe(2)
    })
  )

  it.effect("an Ayoconnect payment: 2 statements (begin, record of the answer)", () =>
    Effect.gen(function* () {
      const payments = yield* LedgerAyoconnect.AyoconnectPayments
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      const ledger = yield* Ledger.Ledger
      const bill = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "DANA50" })
      const { statements, value } = yield* counting(
        payments.payment({
          inquiryId: bill.inquiryId,
          accountNumber: "081234567890",
          productCode: "DANA50",
          amount: bill.amount,
          refNumber: "RT-PAY-1"
        })
      )
      expect(value._tag).toBe("Sent")
      expect(statements).toBe(2)
      const entry = Option.getOrThrow(yield* ledger.get("ayoconnect", "RT-PAY-1"))
      expect(entry.version).toBe(2)
    })
  )

  it.effect("record without the caller's copy: the row locked in a transaction, 4 statements", () =>
    Effect.gen(function* () {
      const ledger = yield* Ledger.Ledger
      const sql = yield* SqlClient.SqlClient
      const begun = yield* counting(
        ledger.begin({
          provider: "nicepay",
          operation: "payout",
          reference: "RT-PLAIN-1",
          fields: { beneficiaryAccountNo: "5345000060", beneficiaryBankCode: "BMRI" },
          amount: 1n
        })
      )
      expect([begun.value._tag, begun.statements]).toEqual(["Claimed", 1])
      const entry = (begun.value as Ledger.Claimed).entry
      const plain = yield* counting(
        ledger.record(entry.id, { to: "pending", from: "sending", source: "answer" })
      )
      expect([plain.value._tag, plain.statements]).toEqual(["Recorded", 4])
      // With a copy that is stale by then: the guarded write finds nothing, then the locked path.
      const stale = yield* counting(
        ledger.record(entry.id, { to: "succeeded", source: "status_read" }, entry)
      )
      expect([stale.value._tag, stale.value.entry.version, stale.statements]).toEqual(["Recorded", 3, 5])
      const history = yield* sql<{ readonly to_state: string }>`
        SELECT to_state FROM ledger_history WHERE entry_id = ${entry.id} ORDER BY id`
      expect(history.map((row) => row.to_state)).toEqual(["sending", "pending", "succeeded"])
    })
  )
})
