/**
 * Recovery against the real sandbox over loopback, with the ledger on PGlite. Entries are left
 * in every state a crash or a lost answer leaves them in (written ahead and never sent, sent and
 * the answer lost, answered but never recorded, pending at the upstream), then the reconciler
 * drives them to their final state. The simulators' request logs show it only read: no money
 * call was ever sent a second time.
 *
 * One TestClock drives everything here (the sandbox, the ledger's timestamps and leases, the
 * reconciler's schedules): `layer(...)` builds the sandbox with the test services, so a pending
 * payment settles, a lease ends and Ayoconnect's 150 s pass exactly when the test adjusts the clock.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { expect, layer } from "@effect/vitest"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { Duration, Effect, Layer, Metric, Option, TestClock } from "effect"
import { Database, Ledger, Migrations, Reconciler } from "../src/index.js"

const Clients = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Layer.merge(Ayoconnect.layer(sandbox.ayoconnect.client), Nicepay.layer(sandbox.nicepay.client))
  )
)

const LedgerLive = Ledger.layer({ instance: "gateway-a", sendLease: "10 seconds" }).pipe(
  Layer.provide(Migrations.layer),
  Layer.provideMerge(Database.layerPgliteMemory)
)

const TestLive = Layer.mergeAll(Clients, LedgerLive).pipe(
  Layer.provideMerge(
    Sandbox.layer({
      ayoconnect: { settleAfter: "2 minutes" },
      nicepay: { settleAfter: "1 minute", timestampTolerance: "1 day" }
    })
  ),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

// Another instance: it claims what gateway-a left behind.
const reconcile = Effect.flatMap(Reconciler.make({ owner: "gateway-b" }), (reconciler) => reconciler.runOnce)

// The reconciler's counters, read as one record (the metrics are process-wide: tests compare
// readings before and after their own runs).
const counters = (provider: string) =>
  Effect.all({
    runsOk: Metric.value(Metric.tagged(Reconciler.runsMetric, "outcome", "ok")),
    resolved: Metric.value(
      Reconciler.entriesMetric.pipe(Metric.tagged("provider", provider), Metric.tagged("outcome", "resolved"))
    ),
    rescheduled: Metric.value(
      Reconciler.entriesMetric.pipe(
        Metric.tagged("provider", provider),
        Metric.tagged("outcome", "rescheduled")
      )
    ),
    skipped: Metric.value(
      Reconciler.entriesMetric.pipe(Metric.tagged("provider", provider), Metric.tagged("outcome", "skipped"))
    ),
    succeeded: Metric.value(
      Reconciler.resolutionsMetric.pipe(
        Metric.tagged("provider", provider),
        Metric.tagged("state", "succeeded")
      )
    ),
    failed: Metric.value(
      Reconciler.resolutionsMetric.pipe(Metric.tagged("provider", provider), Metric.tagged("state", "failed"))
    )
  }).pipe(
    Effect.map((states) =>
      Object.fromEntries(Object.entries(states).map(([name, state]) => [name, state.count]))
    )
  )

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]))

const outcomeOf = (outcomes: ReadonlyArray<Reconciler.Outcome>, reference: string) =>
  outcomes.filter((outcome) => outcome.reference === reference).map((outcome) => outcome._tag)

const stateOf = (provider: Ledger.Provider, reference: string) =>
  Effect.flatMap(Ledger.Ledger, (ledger) => ledger.get(provider, reference)).pipe(
    Effect.map(Option.map((entry) => [entry.state, entry.upstreamCode ?? null] as const))
  )

const requestsAfter = (start: number) =>
  Effect.map(Sandbox.Sandbox, (sandbox) => sandbox.requestLog.entries).pipe(
    Effect.flatten,
    Effect.map((entries) => entries.slice(start))
  )

const logLength = Effect.map(
  Effect.flatMap(Sandbox.Sandbox, (sandbox) => sandbox.requestLog.entries),
  (entries) => entries.length
)

const count = (
  entries: ReadonlyArray<{ readonly operation: string; readonly body: string }>,
  operation: string,
  reference: string
) => entries.filter((entry) => entry.operation === operation && entry.body.includes(`"${reference}"`)).length

layer(TestLive, { timeout: "120 seconds" })("Reconciler", (it) => {
  it.effect("Ayoconnect: every entry left behind reaches its final state by status reads alone", () =>
    Effect.gen(function* () {
      const ledger = yield* Ledger.Ledger
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      const sandbox = yield* Sandbox.Sandbox
      const begin = (reference: string, accountNumber: string) =>
        Effect.gen(function* () {
          const bill = yield* ayoconnect.inquiry({ accountNumber, productCode: "DANA50" })
          const outcome = yield* ledger.begin({
            provider: "ayoconnect",
            operation: "payment",
            reference,
            fields: { accountNumber, productCode: "DANA50" },
            amount: BigInt(bill.amount)
          })
          expect(outcome._tag).toBe("Claimed")
          const pay = ayoconnect.payment({
            inquiryId: bill.inquiryId,
            accountNumber,
            productCode: "DANA50",
            amount: bill.amount,
            refNumber: reference
          })
          return { entry: (outcome as Ledger.Claimed).entry, pay }
        })

      const start = yield* logLength
      // Sent, the answer lost (the upstream processed it): recorded `unknown`.
      const lost = yield* begin("rc-lost-answer", "081298765551")
      yield* sandbox.faults.inject({
        upstream: "ayoconnect",
        operation: "bill/payment",
        fault: "reset-after"
      })
      const unknown = yield* Effect.flip(lost.pay)
      expect(unknown._tag).toBe("OutcomeUnknown")
      yield* ledger.record(lost.entry.id, { to: "unknown", source: "answer" })
      // Written ahead, then the process died before sending.
      yield* begin("rc-never-sent", "081298765552")
      // Answered 299 and recorded `pending`; settles to RC 103 (refunded) after 2 minutes.
      const pending = yield* begin("rc-pending", "081298769103")
      const answered = yield* pending.pay
      expect(answered._tag).toBe("Pending")
      yield* ledger.record(pending.entry.id, { to: "pending", source: "answer", upstream: { code: "299" } })
      // Answered (success), the process died before recording it.
      const unrecorded = yield* begin("rc-unrecorded", "081298765554")
      expect((yield* unrecorded.pay)._tag).toBe("Succeeded")
      const beforeRecovery = yield* logLength
      const metricsBefore = yield* counters("ayoconnect")

      // Nothing is due yet: the senders' leases (10 s) and check-ins (30 s) hold.
      const first = yield* reconcile
      expect(first.filter((o) => o.reference.startsWith("rc-"))).toEqual([])

      yield* TestClock.adjust("31 seconds")
      const second = yield* reconcile
      expect(outcomeOf(second, "rc-lost-answer")).toEqual(["Resolved"])
      expect(outcomeOf(second, "rc-unrecorded")).toEqual(["Resolved"])
      expect(outcomeOf(second, "rc-pending")).toEqual(["Rescheduled"])
      // RC 188 31 s after the write-ahead is not conclusive: checked again at 160 s.
      const notYet = second.find((o) => o.reference === "rc-never-sent")
      expect(notYet?._tag).toBe("Rescheduled")
      expect(notYet?._tag === "Rescheduled" && Duration.toSeconds(notYet.after)).toBe(129)
      expect(yield* stateOf("ayoconnect", "rc-never-sent")).toEqual(Option.some(["sending", null]))

      yield* TestClock.adjust("130 seconds")
      const third = yield* reconcile
      expect(outcomeOf(third, "rc-never-sent")).toEqual(["Resolved"])
      expect(outcomeOf(third, "rc-pending")).toEqual(["Resolved"])

      expect(yield* stateOf("ayoconnect", "rc-lost-answer")).toEqual(Option.some(["succeeded", "0"]))
      expect(yield* stateOf("ayoconnect", "rc-unrecorded")).toEqual(Option.some(["succeeded", "0"]))
      expect(yield* stateOf("ayoconnect", "rc-pending")).toEqual(Option.some(["failed", "103"]))
      expect(yield* stateOf("ayoconnect", "rc-never-sent")).toEqual(Option.some(["failed", "188"]))
      // Three runs; run 2 resolved two (succeeded) and rescheduled two, run 3 resolved those (failed).
      expect(delta(metricsBefore, yield* counters("ayoconnect"))).toStrictEqual({
        runsOk: 3,
        resolved: 4,
        rescheduled: 2,
        skipped: 0,
        succeeded: 2,
        failed: 2
      })
      const history = yield* ledger.history(lost.entry.id)
      expect(history.map((h) => [h.from ?? null, h.to, h.source])).toEqual([
        [null, "sending", "request"],
        ["sending", "unknown", "answer"],
        ["unknown", "succeeded", "reconciliation"]
      ])

      // Zero resends: each payment left the process once (never-sent: not at all), and recovery
      // sent nothing but status reads.
      const all = yield* requestsAfter(start)
      expect(count(all, "bill/payment", "rc-lost-answer")).toBe(1)
      expect(count(all, "bill/payment", "rc-never-sent")).toBe(0)
      expect(count(all, "bill/payment", "rc-pending")).toBe(1)
      expect(count(all, "bill/payment", "rc-unrecorded")).toBe(1)
      const recovery = yield* requestsAfter(beforeRecovery)
      expect(new Set(recovery.map((entry) => entry.operation))).toEqual(new Set(["bill/status"]))
      // Status reads: lost 1, unrecorded 1, pending 2, never-sent 2.
      expect(recovery.length).toBe(6)
    })
  )

  it.effect(
    "NICEPAY: payouts left behind are resolved by inquiry; a lost registration is unknown, never resent",
    () =>
      Effect.gen(function* () {
        const ledger = yield* Ledger.Ledger
        const payouts = yield* Nicepay.NicepayPayout
        const sandbox = yield* Sandbox.Sandbox
        const begin = (reference: string, beneficiaryAccountNo: string) =>
          Effect.gen(function* () {
            const outcome = yield* ledger.begin({
              provider: "nicepay",
              operation: "payout",
              reference,
              fields: { beneficiaryAccountNo, beneficiaryBankCode: "BMRI" },
              amount: 150_000n
            })
            expect(outcome._tag).toBe("Claimed")
            const entry = (outcome as Ledger.Claimed).entry
            const register = payouts.register({
              partnerReferenceNo: reference,
              beneficiaryAccountNo,
              beneficiaryName: "IONPAY NETWORKS",
              beneficiaryPhone: "081211111111",
              beneficiaryCustomerResidence: "citizen",
              beneficiaryCustomerType: "personal",
              beneficiaryBankCode: "BMRI",
              payoutMethod: "online",
              amount: 150_000 as never
            })
            return { entry, register }
          })
        // Registered and recorded `pending` with the payout id, then a second step written ahead.
        const registered = (reference: string, beneficiaryAccountNo: string) =>
          Effect.gen(function* () {
            const { entry, register } = yield* begin(reference, beneficiaryAccountNo)
            const payout = yield* register
            yield* ledger.record(entry.id, {
              to: "pending",
              source: "answer",
              upstream: { code: "03", ids: { originalReferenceNo: payout.originalReferenceNo } }
            })
            const ref = { partnerReferenceNo: reference, originalReferenceNo: payout.originalReferenceNo }
            const step = Effect.zipRight(
              ledger.record(entry.id, { to: "sending", source: "request" }),
              Effect.void
            )
            return { entry, ref, step }
          })

        const start = yield* logLength
        // Approve sent, its answer lost (NICEPAY disbursed): left in `sending` by a crash.
        const lost = yield* registered("np-approve-lost", "5345000060")
        yield* lost.step
        yield* sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/approve",
          fault: "reset-after"
        })
        expect((yield* Effect.flip(payouts.approve(lost.ref)))._tag).toBe("OutcomeUnknown")
        // Approved: Suspect (08), recorded `pending`; NICEPAY settles it to 00 after a minute.
        const suspect = yield* registered("np-suspect", "5345009908")
        yield* suspect.step
        const approved = yield* payouts.approve(suspect.ref)
        expect(approved._tag === "Done" && approved.status).toBe("Suspect")
        yield* ledger.record(suspect.entry.id, { to: "pending", source: "answer", upstream: { code: "08" } })
        // Registered, waiting for the merchant's approve or reject.
        yield* registered("np-awaiting", "5345000061")
        // Rejected at NICEPAY, the process died before recording it.
        const rejected = yield* registered("np-rejected", "5345000062")
        yield* rejected.step
        const rejection = yield* payouts.reject(rejected.ref)
        expect(rejection._tag === "Done" && rejection.status).toBe("Rejected")
        // The registration's answer lost: no payout id anywhere.
        const blind = yield* begin("np-register-lost", "5345000063")
        yield* sandbox.faults.inject({
          upstream: "nicepay",
          operation: "transfer/registration",
          fault: "reset-after"
        })
        expect((yield* Effect.flip(blind.register))._tag).toBe("OutcomeUnknown")
        const beforeRecovery = yield* logLength

        yield* TestClock.adjust("11 seconds")
        const first = yield* reconcile
        expect(outcomeOf(first, "np-approve-lost")).toEqual(["Resolved"])
        expect(outcomeOf(first, "np-rejected")).toEqual(["Resolved"])
        expect(outcomeOf(first, "np-register-lost")).toEqual(["Resolved"])
        expect(outcomeOf(first, "np-suspect")).toEqual([])
        expect(yield* stateOf("nicepay", "np-approve-lost")).toEqual(Option.some(["succeeded", "00"]))
        expect(yield* stateOf("nicepay", "np-rejected")).toEqual(Option.some(["failed", "05"]))
        expect(yield* stateOf("nicepay", "np-register-lost")).toEqual(Option.some(["unknown", null]))
        const lostEntry = yield* ledger.get("nicepay", "np-register-lost")
        expect(
          Option.map(lostEntry, (e) => e.upstreamMessage?.startsWith("the registration's answer was lost"))
        ).toEqual(Option.some(true))

        yield* TestClock.adjust("20 seconds")
        const second = yield* reconcile
        expect(outcomeOf(second, "np-suspect")).toEqual(["Rescheduled"])
        expect(outcomeOf(second, "np-awaiting")).toEqual(["Rescheduled"])
        expect(yield* stateOf("nicepay", "np-suspect")).toEqual(Option.some(["pending", "08"]))

        yield* TestClock.adjust("31 seconds")
        const third = yield* reconcile
        expect(outcomeOf(third, "np-suspect")).toEqual(["Resolved"])
        expect(outcomeOf(third, "np-awaiting")).toEqual([])
        expect(yield* stateOf("nicepay", "np-suspect")).toEqual(Option.some(["succeeded", "00"]))
        expect(yield* stateOf("nicepay", "np-awaiting")).toEqual(Option.some(["pending", "03"]))

        const all = yield* requestsAfter(start)
        for (const reference of [
          "np-approve-lost",
          "np-suspect",
          "np-awaiting",
          "np-rejected",
          "np-register-lost"
        ]) {
          expect(count(all, "transfer/registration", reference)).toBe(1)
        }
        expect(count(all, "transfer/approve", "np-approve-lost")).toBe(1)
        expect(count(all, "transfer/approve", "np-suspect")).toBe(1)
        expect(count(all, "transfer/approve", "np-awaiting")).toBe(0)
        expect(count(all, "transfer/reject", "np-rejected")).toBe(1)
        const recovery = yield* requestsAfter(beforeRecovery)
        expect(
          new Set(recovery.map((entry) => entry.operation).filter((op) => op !== "access-token"))
        ).toEqual(new Set(["transfer/inquiry"]))
      })
  )
})
