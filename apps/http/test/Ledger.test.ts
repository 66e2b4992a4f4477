/**
 * The ledger in the gateway, over loopback against the real sandbox: the ledger is PGlite in
 * memory (one per gateway) unless a test says otherwise. Upstream calls are counted in the
 * simulator's request log.
 */
import { expect, layer } from "@effect/vitest"
import { Database } from "@kasir/ledger"
import { Effect, Exit, Fiber, Layer } from "effect"
import { layer as gateway, payoutRequest, send, TestGateway } from "./support/Harness.js"

const inquire = (accountNumber: string) =>
  send("/v1/ayoconnect/inquiries", { body: { accountNumber, productCode: "PPLSIND12" } })

const paymentBody = (accountNumber: string, refNumber: string) =>
  Effect.map(inquire(accountNumber), (inquiry) => {
    expect(inquiry.status).toBe(200)
    return {
      inquiryId: inquiry.json.inquiryId as number,
      accountNumber,
      productCode: "PPLSIND12",
      amount: inquiry.json.amount as number,
      refNumber
    }
  })

const upstreamCalls = (operation: string, reference: string) =>
  Effect.flatMap(TestGateway, ({ sandbox }) =>
    Effect.map(sandbox.requestLog.entries, (entries) =>
      entries.filter((e) => e.operation === operation && e.body.includes(reference))
    )
  )

layer(gateway(), { timeout: 120_000, excludeTestServices: true })(
  "the ledger in the gateway (PGlite)",
  (it) => {
    it.effect(
      "a repeat after the final answer is answered from the ledger: Idempotent-Replayed, no upstream call",
      () =>
        Effect.gen(function* () {
          const body = yield* paymentBody("0812345000", "ldg-replay-1")
          const first = yield* send("/v1/ayoconnect/payments", { body })
          expect(first.status).toBe(200)
          expect(first.headers.get("idempotent-replayed")).toBeNull()
          expect(first.json).toMatchObject({ refNumber: "ldg-replay-1", state: "succeeded", responseCode: 0 })

          const again = yield* send("/v1/ayoconnect/payments", { body })
          expect(again.status).toBe(200)
          expect(again.headers.get("idempotent-replayed")).toBe("true")
          expect(again.json).toEqual({
            refNumber: "ldg-replay-1",
            state: "succeeded",
            responseCode: 0,
            message: first.json.message
          })
          expect((yield* upstreamCalls("bill/payment", "ldg-replay-1")).map((e) => e.responseCode)).toEqual([
            "0"
          ])
        })
    )

    it.effect("a refNumber reused with other fields is 409 naming them; nothing is sent", () =>
      Effect.gen(function* () {
        const body = yield* paymentBody("0812345000", "ldg-reuse-1")
        expect((yield* send("/v1/ayoconnect/payments", { body })).status).toBe(200)
        const other = yield* send("/v1/ayoconnect/payments", {
          body: { ...body, accountNumber: "0812399000", amount: body.amount + 1 }
        })
        expect(other.status).toBe(409)
        expect(other.json.type).toBe("urn:kasir:problem:idempotency-key-reused")
        expect(other.json.errors.map((e: { path: string }) => e.path)).toEqual([
          "body.accountNumber",
          "body.amount"
        ])
        expect(other.text).not.toContain("0812399000")
        expect(yield* upstreamCalls("bill/payment", "ldg-reuse-1")).toHaveLength(1)
      })
    )

    it.effect("a payment is read from the ledger; ?refresh=true asks Ayoconnect once and records it", () =>
      Effect.gen(function* () {
        const body = yield* paymentBody("0812345000", "ldg-read-1")
        expect((yield* send("/v1/ayoconnect/payments", { body })).status).toBe(200)
        const read = yield* send("/v1/ayoconnect/payments/ldg-read-1")
        expect(read.status).toBe(200)
        expect(read.json).toMatchObject({ refNumber: "ldg-read-1", state: "succeeded", responseCode: 0 })
        expect(yield* upstreamCalls("bill/status", "ldg-read-1")).toHaveLength(0)

        const refreshed = yield* send("/v1/ayoconnect/payments/ldg-read-1?refresh=true")
        expect(refreshed.status).toBe(200)
        expect(refreshed.json).toMatchObject({ refNumber: "ldg-read-1", state: "succeeded" })
        expect(yield* upstreamCalls("bill/status", "ldg-read-1")).toHaveLength(1)
      })
    )

    it.effect(
      "a payout: register, repeat, approve, repeat and an impossible reject — NICEPAY sees each step once",
      () =>
        Effect.gen(function* () {
          const registered = yield* send("/v1/nicepay/payouts", { body: payoutRequest("ldg-payout-1") })
          expect(registered.status).toBe(200)
          expect(registered.json.status).toBe("Pending")
          const id = registered.json.originalReferenceNo as string

          const repeated = yield* send("/v1/nicepay/payouts", { body: payoutRequest("ldg-payout-1") })
          expect(repeated.status).toBe(200)
          expect(repeated.headers.get("idempotent-replayed")).toBe("true")
          expect(repeated.json).toEqual({
            partnerReferenceNo: "ldg-payout-1",
            originalReferenceNo: id,
            beneficiaryAccountNo: "5345000060",
            beneficiaryBankCode: "BMRI",
            amount: 150_000,
            status: "Pending"
          })

          const ref = { partnerReferenceNo: "ldg-payout-1", beneficiaryAccountNo: "5345000060" }
          const approved = yield* send(`/v1/nicepay/payouts/${id}/approve`, { body: ref })
          expect(approved.status).toBe(200)
          expect(approved.json.status).toBe("Success")
          const again = yield* send(`/v1/nicepay/payouts/${id}/approve`, { body: ref })
          expect(again.status).toBe(200)
          expect(again.headers.get("idempotent-replayed")).toBe("true")
          expect(again.json.status).toBe("Success")

          const rejected = yield* send(`/v1/nicepay/payouts/${id}/reject`, { body: ref })
          expect(rejected.status).toBe(409)
          expect(rejected.json).toMatchObject({
            type: "urn:kasir:problem:invalid-transition",
            currentStatus: "Success"
          })

          const read = yield* send(`/v1/nicepay/payouts/${id}?${new URLSearchParams(ref).toString()}`)
          expect(read.status).toBe(200)
          expect(read.json.status).toBe("Success")

          expect(yield* upstreamCalls("transfer/registration", "ldg-payout-1")).toHaveLength(1)
          expect(yield* upstreamCalls("transfer/approve", "ldg-payout-1")).toHaveLength(1)
          expect(yield* upstreamCalls("transfer/reject", "ldg-payout-1")).toHaveLength(0)
          expect(yield* upstreamCalls("transfer/inquiry", "ldg-payout-1")).toHaveLength(0)

          const entries = yield* send("/v1/transactions?provider=nicepay")
          expect(entries.status).toBe(200)
          const entry = entries.json.entries.find(
            (e: { reference: string }) => e.reference === "ldg-payout-1"
          )
          expect(entry).toMatchObject({
            provider: "nicepay",
            operation: "payout",
            amount: "150000",
            state: "succeeded",
            upstream: { ids: { originalReferenceNo: id, status: "Success" } }
          })
        })
    )

    it.effect("GET /v1/transactions pages exactly through the filtered entries, oldest first", () =>
      Effect.gen(function* () {
        const references = ["ldg-page-1", "ldg-page-2", "ldg-page-3", "ldg-page-4", "ldg-page-5"]
        // Entries created from here on (the gateway's clock is this machine's).
        const from = new Date(Date.now() - 1).toISOString()
        for (const reference of references) {
          const reply = yield* send("/v1/nicepay/payouts", { body: payoutRequest(reference, "5345000070") })
          expect(reply.status).toBe(200)
        }
        const seen: Array<Array<string>> = []
        let cursor: string | undefined
        for (let page = 0; page < 10; page++) {
          const query = new URLSearchParams({ provider: "nicepay", state: "pending", from, limit: "2" })
          if (cursor !== undefined) query.set("cursor", cursor)
          const reply = yield* send(`/v1/transactions?${query.toString()}`)
          expect(reply.status).toBe(200)
          seen.push(reply.json.entries.map((e: { reference: string }) => e.reference))
          for (const e of reply.json.entries)
            expect(e).toMatchObject({ provider: "nicepay", state: "pending" })
          cursor = reply.json.next
          if (cursor === undefined) break
        }
        expect(seen).toEqual([["ldg-page-1", "ldg-page-2"], ["ldg-page-3", "ldg-page-4"], ["ldg-page-5"]])
        // `to` bounds the other side; another provider has none since `from`.
        const before = yield* send(`/v1/transactions?${new URLSearchParams({ to: from }).toString()}`)
        expect(before.status).toBe(200)
        expect(before.json.entries.map((e: { reference: string }) => e.reference)).not.toContain("ldg-page-1")
        const other = yield* send(
          `/v1/transactions?${new URLSearchParams({ from, provider: "ayoconnect" }).toString()}`
        )
        expect(other.json).toEqual({ entries: [] })

        const bad = yield* send("/v1/transactions?cursor=not-a-cursor")
        expect(bad.status).toBe(400)
        const tooMany = yield* send("/v1/transactions?limit=501")
        expect(tooMany.status).toBe(400)
      })
    )
  }
)

layer(gateway({ KASIR_IDEMPOTENCY_WAIT: "0 seconds" }), { timeout: 120_000, excludeTestServices: true })(
  "a reference being sent",
  (it) => {
    it.effect(
      "a second request while the first is in flight is 409 in-progress with Retry-After; nothing sent",
      () =>
        Effect.gen(function* () {
          const { sandbox } = yield* TestGateway
          const body = yield* paymentBody("0812345000", "ldg-inflight-1")
          // The first payment is answered after 3 s (within AYOCONNECT_PAYMENT_TIMEOUT's 10 s).
          yield* sandbox.faults.inject({
            upstream: "ayoconnect",
            operation: "bill/payment",
            fault: "latency",
            latencyMillis: 3000
          })
          const first = yield* Effect.fork(send("/v1/ayoconnect/payments", { body }))
          // Wait for the condition — the entry written ahead — bounded by count, not by a clock.
          let sending = false
          for (let poll = 0; poll < 200 && !sending; poll++) {
            const page = yield* send("/v1/transactions?provider=ayoconnect&state=sending")
            sending = page.json.entries.some((e: { reference: string }) => e.reference === "ldg-inflight-1")
            if (!sending) yield* Effect.sleep("50 millis")
          }
          expect(sending).toBe(true)
          const second = yield* send("/v1/ayoconnect/payments", { body })
          expect(second.status).toBe(409)
          expect(second.json).toMatchObject({ type: "urn:kasir:problem:in-progress", status: 409 })
          expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
          expect(second.json.detail).toContain("ldg-inflight-1")

          const answered = yield* Fiber.join(first)
          expect(answered.status).toBe(200)
          expect(answered.json.state).toBe("succeeded")
          expect(yield* upstreamCalls("bill/payment", "ldg-inflight-1")).toHaveLength(1)
        })
    )
  }
)

// A PostgreSQL URL nothing listens on (port 1 is never a PostgreSQL server), with migrations at
// start off, as a deploy that migrates separately runs: the ledger goes away after start.
const downUrl = "postgres://kasir:hunter2-not-shown@127.0.0.1:1/kasir"

layer(gateway({ KASIR_DATABASE_URL: downUrl, KASIR_DATABASE_MIGRATE: "false" }, {}, Database.layerConfig), {
  timeout: 120_000,
  excludeTestServices: true
})("the ledger unavailable", (it) => {
  it.effect(
    "money movements are 503 ledger-unavailable and nothing reaches the simulator; reads pass through",
    () =>
      Effect.gen(function* () {
        const body = yield* paymentBody("0812345000", "ldg-down-1")
        const payment = yield* send("/v1/ayoconnect/payments", { body })
        expect(payment.status).toBe(503)
        expect(payment.json).toMatchObject({ type: "urn:kasir:problem:ledger-unavailable", status: 503 })
        expect(payment.text).not.toContain("hunter2")
        const payout = yield* send("/v1/nicepay/payouts", { body: payoutRequest("ldg-down-2") })
        expect(payout.status).toBe(503)
        expect(payout.json.type).toBe("urn:kasir:problem:ledger-unavailable")

        const { sandbox } = yield* TestGateway
        const moneyCalls = (yield* sandbox.requestLog.entries).filter((e) =>
          ["bill/payment", "transfer/registration"].includes(e.operation)
        )
        expect(moneyCalls).toEqual([])

        // Reads still work: the balance, and a payment status asked of Ayoconnect.
        expect((yield* send("/v1/ayoconnect/balance")).status).toBe(200)
        const status = yield* send("/v1/ayoconnect/payments/ldg-down-1")
        expect(status.status).toBe(404)
        expect(status.json.type).toBe("urn:kasir:problem:not-found")
        const list = yield* send("/v1/transactions")
        expect(list.status).toBe(503)
      })
  )
})

layer(Layer.empty, { timeout: 120_000 })("ledger startup", (it) => {
  it.effect("a malformed KASIR_DATABASE_URL fails startup naming the variable, never the password", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Layer.build(
          gateway(
            { KASIR_DATABASE_URL: "mysql://kasir:hunter2-not-shown@db/kasir" },
            {},
            Database.layerConfig
          )
        ).pipe(Effect.scoped)
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const text = Exit.isFailure(exit) ? String(exit.cause) : ""
      expect(text).toContain("KASIR_DATABASE_URL")
      expect(text).not.toContain("hunter2")
    })
  )
})
