import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { layer as gateway, payoutRequest, send, TestGateway } from "./support/Harness.js"

const register = (ref: string, account = "5345000060", overrides: Record<string, unknown> = {}) =>
  send("/v1/nicepay/payouts", { body: { ...payoutRequest(ref, account), ...overrides } })

// The sandbox's record of calls for one partnerReferenceNo: each registration's and inquiry's code
// (or the fault that replaced the answer).
const sent = (ref: string) =>
  Effect.gen(function* () {
    const { sandbox } = yield* TestGateway
    const entries = (yield* sandbox.requestLog.entries).filter((e) => e.body.includes(`"${ref}"`))
    return {
      registrations: entries
        .filter((e) => e.operation === "transfer/registration")
        .map((e) => e.fault ?? e.responseCode),
      inquiries: entries
        .filter((e) => e.operation === "transfer/inquiry")
        .map((e) => e.fault ?? e.responseCode)
    }
  })

const transition = (operation: string, referenceNo: string, ref: string, account = "5345000060") =>
  send(`/v1/nicepay/payouts/${referenceNo}/${operation}`, {
    body: { partnerReferenceNo: ref, beneficiaryAccountNo: account }
  })

const status = (referenceNo: string, ref: string, account = "5345000060") =>
  send(`/v1/nicepay/payouts/${referenceNo}?partnerReferenceNo=${ref}&beneficiaryAccountNo=${account}`)

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("nicepay routes", (it) => {
  it.effect("balance", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/nicepay/balance")
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ accountNo: "IONPAYTEST", availableBalance: 1_000_000_000 })
    })
  )

  it.effect("register, status, approve; a repeated partnerReferenceNo returns the same payout", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-1")
      expect(registered.status).toBe(200)
      expect(registered.json).toMatchObject({
        partnerReferenceNo: "gw-payout-1",
        beneficiaryAccountNo: "5345000060",
        amount: 150_000
      })
      const referenceNo: string = registered.json.originalReferenceNo
      expect(referenceNo).toMatch(/^IONPAYTEST07\d{18}$/)

      const again = yield* register("gw-payout-1")
      expect(again.status).toBe(200)
      expect(again.headers.get("idempotent-replayed")).toBe("true")
      expect(again.json).toMatchObject({
        partnerReferenceNo: "gw-payout-1",
        originalReferenceNo: referenceNo,
        status: "Pending"
      })

      const pending = yield* status(referenceNo, "gw-payout-1")
      expect(pending.status).toBe(200)
      expect(pending.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Pending" })

      const approved = yield* transition("approve", referenceNo, "gw-payout-1")
      expect(approved.status).toBe(200)
      expect(approved.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Success" })

      // The repeat and the status were answered from the ledger: registered once, never read.
      expect(yield* sent("gw-payout-1")).toEqual({ registrations: ["2000000"], inquiries: [] })
    })
  )

  it.effect("a partnerReferenceNo reused for a different amount is 409 idempotency-key-reused", () =>
    Effect.gen(function* () {
      const first = yield* register("gw-dup-1")
      expect(first.status).toBe(200)
      expect(first.json.amount).toBe(150_000)

      const bigger = yield* register("gw-dup-1", "5345000060", { amount: 9_999_999 })
      expect(bigger.status).toBe(409)
      expect(bigger.headers.get("content-type")).toBe("application/problem+json")
      expect(bigger.json).toMatchObject({
        type: "urn:kasir:problem:idempotency-key-reused",
        status: 409,
        kind: "InvalidRequest",
        instance: "/v1/nicepay/payouts",
        upstream: { provider: "nicepay", operation: "nicepay.register" }
      })
      expect(bigger.json.errors).toEqual([
        {
          path: "body.amount",
          message: "differs from the payment already made with partnerReferenceNo gw-dup-1"
        }
      ])
      expect(bigger.json.originalReferenceNo).toBeUndefined()
      expect(bigger.text).not.toContain("150000")

      // Another beneficiary and bank: the ledger names both.
      const elsewhere = yield* register("gw-dup-1", "5345000077", { beneficiaryBankCode: "CENA" })
      expect(elsewhere.status).toBe(409)
      expect(elsewhere.json.type).toBe("urn:kasir:problem:idempotency-key-reused")
      expect(elsewhere.json.errors.map((e: { path: string }) => e.path)).toEqual([
        "body.beneficiaryAccountNo",
        "body.beneficiaryBankCode"
      ])

      // Both refused from the ledger's fingerprint: nothing sent again, nothing read.
      expect(yield* sent("gw-dup-1")).toEqual({ registrations: ["2000000"], inquiries: [] })
      const { sandbox } = yield* TestGateway
      const payouts = (yield* sandbox.nicepay.simulator.payouts()).filter(
        (p) => p.partnerReferenceNo === "gw-dup-1"
      )
      expect(payouts.map((p) => p.amount)).toEqual([150_000])
    })
  )

  it.effect(
    "a registration whose answer is lost is 202 with nothing to poll, and is not resent, also when repeated",
    () =>
      Effect.gen(function* () {
        const { sandbox } = yield* TestGateway
        yield* sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/registration",
          fault: "reset-after"
        })
        const lost = yield* register("gw-lost-1")
        expect(lost.status).toBe(202)
        expect(lost.headers.get("location")).toBeNull()
        expect(lost.json).toMatchObject({
          type: "urn:kasir:problem:outcome-unknown",
          status: 202,
          kind: "OutcomeUnknown",
          upstream: { provider: "nicepay", operation: "nicepay.register" }
        })
        expect(lost.json.location).toBeUndefined()
        expect(lost.json.detail).toContain("may or may not be registered")
        expect(lost.json.detail).toContain("never by resending")
        // Sent once (NICEPAY registered it, then the connection reset), nothing read, nothing resent.
        expect(yield* sent("gw-lost-1")).toEqual({ registrations: ["reset-after"], inquiries: [] })

        // The ledger holds it as unknown: a repeat is answered from there, never resent.
        const again = yield* register("gw-lost-1")
        expect(again.status).toBe(202)
        expect(again.headers.get("idempotent-replayed")).toBe("true")
        expect(again.json).toMatchObject({
          type: "urn:kasir:problem:outcome-unknown",
          kind: "OutcomeUnknown"
        })
        expect(yield* sent("gw-lost-1")).toEqual({ registrations: ["reset-after"], inquiries: [] })
        const { entries } = (yield* send("/v1/transactions?provider=nicepay&state=unknown")).json
        expect(entries.map((e: { reference: string }) => e.reference)).toContain("gw-lost-1")
      })
  )

  it.effect("reject, then approve the rejected payout: 409 invalid-transition with the current status", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-2")
      const referenceNo: string = registered.json.originalReferenceNo
      const rejected = yield* transition("reject", referenceNo, "gw-payout-2")
      expect(rejected.status).toBe(200)
      expect(rejected.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Rejected" })
      expect((yield* status(referenceNo, "gw-payout-2")).json.status).toBe("Rejected")
      // A repeated reject: already there, so the same answer, not an error.
      const again = yield* transition("reject", referenceNo, "gw-payout-2")
      expect(again.status).toBe(200)
      expect(again.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Rejected" })
      const approved = yield* transition("approve", referenceNo, "gw-payout-2")
      expect(approved.status).toBe(409)
      expect(approved.json).toMatchObject({
        type: "urn:kasir:problem:invalid-transition",
        detail: `Payout ${referenceNo} is Rejected: it cannot be approved now. Nothing was changed.`,
        currentStatus: "Rejected",
        upstream: { provider: "nicepay", operation: "nicepay.approve" }
      })
    })
  )

  it.effect(
    "approve, then approve again (a retry) and 19 concurrent approves: all Success, money moved once",
    () =>
      Effect.gen(function* () {
        const before = (yield* send("/v1/nicepay/balance")).json.availableBalance as number
        const registered = yield* register("gw-payout-twice")
        expect(registered.json.status).toBe("Pending")
        const referenceNo: string = registered.json.originalReferenceNo
        const first = yield* transition("approve", referenceNo, "gw-payout-twice")
        expect(first.status).toBe(200)
        expect(first.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Success" })
        const retry = yield* transition("approve", referenceNo, "gw-payout-twice")
        expect(retry.status).toBe(200)
        expect(retry.json).toMatchObject({
          originalReferenceNo: referenceNo,
          status: "Success",
          amount: 150_000
        })

        const concurrent = yield* register("gw-payout-19")
        const concurrentNo: string = concurrent.json.originalReferenceNo
        const answers = yield* Effect.all(
          Array.from({ length: 19 }, () => transition("approve", concurrentNo, "gw-payout-19")),
          { concurrency: "unbounded" }
        )
        expect(answers.map((a) => [a.status, a.json.status])).toEqual(
          Array.from({ length: 19 }, () => [200, "Success"])
        )
        // Two payouts of 150,000 left the balance, each once.
        const after = (yield* send("/v1/nicepay/balance")).json.availableBalance as number
        expect(before - after).toBe(2 * 150_000)
      })
  )

  it.effect("insufficient funds at registration is 422 with 4030014", () =>
    Effect.gen(function* () {
      const reply = yield* register("gw-payout-nofunds", "5345009914")
      expect(reply.status).toBe(422)
      expect(reply.json.upstream).toMatchObject({
        provider: "nicepay",
        operation: "nicepay.register",
        code: "4030014"
      })
    })
  )

  it.effect("cancel of a payout that is still pending is 409 with its current status", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-3")
      const reply = yield* transition("cancel", registered.json.originalReferenceNo, "gw-payout-3")
      expect(reply.status).toBe(409)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:invalid-transition",
        currentStatus: "Pending"
      })
      expect(reply.json.upstream.operation).toBe("nicepay.cancel")
    })
  )

  it.effect("an unknown payout is 404", () =>
    Effect.gen(function* () {
      const reply = yield* status("IONPAYTEST07202401010000001234", "gw-none")
      expect(reply.status).toBe(404)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:not-found",
        upstream: { provider: "nicepay" }
      })
    })
  )

  it.effect("approve answered 202 in progress is a 202 with a Location to the status", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-4", "5345009902")
      const referenceNo: string = registered.json.originalReferenceNo
      const reply = yield* transition("approve", referenceNo, "gw-payout-4", "5345009902")
      const location = `/v1/nicepay/payouts/${referenceNo}?partnerReferenceNo=gw-payout-4&beneficiaryAccountNo=5345009902`
      expect(reply.status).toBe(202)
      expect(reply.headers.get("location")).toBe(location)
      expect(reply.json).toMatchObject({ originalReferenceNo: referenceNo, location })
    })
  )

  it.effect("approve processed but answered 5000000 is resolved by an inquiry, not resent", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-5", "5345009500")
      const referenceNo: string = registered.json.originalReferenceNo
      const reply = yield* transition("approve", referenceNo, "gw-payout-5", "5345009500")
      expect(reply.status).toBe(200)
      expect(reply.json).toMatchObject({ originalReferenceNo: referenceNo, status: "Success" })
      const { sandbox } = yield* TestGateway
      const approvals = (yield* sandbox.requestLog.entries).filter(
        (e) => e.operation === "transfer/approve" && e.body.includes(referenceNo)
      )
      expect(approvals).toHaveLength(1)
    })
  )

  it.effect("when the inquiry fails too, the answer is 202 outcome-unknown with a Location", () =>
    Effect.gen(function* () {
      const registered = yield* register("gw-payout-6", "5345009500")
      const referenceNo: string = registered.json.originalReferenceNo
      const { sandbox } = yield* TestGateway
      yield* sandbox.faults.inject({
        upstream: "nicepay",
        operation: "transfer/inquiry",
        fault: "html-502",
        times: 10
      })
      const reply = yield* transition("approve", referenceNo, "gw-payout-6", "5345009500")
      yield* sandbox.faults.clear
      const location = `/v1/nicepay/payouts/${referenceNo}?partnerReferenceNo=gw-payout-6&beneficiaryAccountNo=5345009500`
      expect(reply.status).toBe(202)
      expect(reply.headers.get("location")).toBe(location)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:outcome-unknown",
        kind: "OutcomeUnknown",
        location
      })
      expect((yield* send(location)).json.status).toBe("Success")
    })
  )
})

layer(gateway({}, { nicepay: { duplicateAnswerIncludesReference: false } }), {
  timeout: 60_000,
  excludeTestServices: true
})("nicepay routes, when the duplicate answer does not name the payout (as NICEPAY documents)", (it) => {
  for (const [name, overrides] of [
    ["the same payout", {}],
    ["a different amount", { amount: 9_999_999 }]
  ] as const) {
    it.effect(
      `a repeated partnerReferenceNo (${name}) is answered from the ledger, sent once, not read`,
      () =>
        Effect.gen(function* () {
          const ref = `gw-unnamed-${Object.keys(overrides).length}`
          const first = yield* register(ref)
          expect(first.status).toBe(200)

          // The ledger knows the payout, whatever NICEPAY's duplicate answer would say.
          const again = yield* register(ref, "5345000060", overrides)
          if ("amount" in overrides) {
            expect(again.status).toBe(409)
            expect(again.json).toMatchObject({
              type: "urn:kasir:problem:idempotency-key-reused",
              status: 409
            })
          } else {
            expect(again.status).toBe(200)
            expect(again.headers.get("idempotent-replayed")).toBe("true")
            expect(again.json.originalReferenceNo).toBe(first.json.originalReferenceNo)
          }
          expect(yield* sent(ref)).toEqual({ registrations: ["2000000"], inquiries: [] })

          // The payout is still there, readable with the id its registration returned.
          const read = yield* status(first.json.originalReferenceNo, ref)
          expect(read.json).toMatchObject({ status: "Pending", amount: 150_000 })
        })
    )
  }
})

layer(gateway({ NICEPAY_TIMEOUT: "300 millis" }), { timeout: 60_000, excludeTestServices: true })(
  "nicepay routes with NICEPAY_TIMEOUT",
  (it) => {
    it.effect("a balance read that stalls past NICEPAY_TIMEOUT on every attempt is a 504 problem", () =>
      Effect.gen(function* () {
        const { sandbox } = yield* TestGateway
        yield* sandbox.faults.inject({
          upstream: "nicepay",
          operation: "balance-inquiry",
          fault: "stall",
          times: 4
        })
        const started = Date.now()
        const reply = yield* send("/v1/nicepay/balance")
        const elapsed = Date.now() - started
        yield* sandbox.faults.clear
        expect(reply.status).toBe(504)
        expect(reply.json).toMatchObject({
          type: "urn:kasir:problem:upstream-timeout",
          status: 504,
          kind: "Timeout",
          upstream: { provider: "nicepay", operation: "nicepay.balance" }
        })
        // Four attempts of 300 ms and three backoffs: at least that long (a lower bound holds on
        // any machine). That 300 ms applied, not 30 s, is what the four stalled attempts within
        // the test's own timeout show; how fast is not asserted.
        expect(elapsed).toBeGreaterThanOrEqual(4 * 300)
        const attempts = (yield* sandbox.requestLog.entries).filter((e) => e.operation === "balance-inquiry")
        expect(attempts.map((e) => e.fault)).toEqual(["stall", "stall", "stall", "stall"])
      })
    )
  }
)
