/**
 * The ledger's contract, run against every engine (PGlite in memory, a real PostgreSQL server).
 *
 * Each test gets a fresh schema (`Engine.fresh`), migrated, with a `Ledger` over it. Engines with
 * real concurrent connections (`concurrent`) also open further "instances" on the same schema
 * (a separate pool and `Ledger`, as a second gateway would) for the cross-connection cases.
 * Time is the `TestClock` unless a test says otherwise, so leases and time filters are exact.
 */
import { KasirError } from "@kasir/core"
import { expect } from "@effect/vitest"
import type * as Vitest from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import {
  Cause,
  DateTime,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  Option,
  type Scope,
  TestClock,
  TestServices
} from "effect"
import { Errors, Fingerprint, Ledger, Migrations } from "../src/index.js"

export interface Instance {
  readonly sql: SqlClient.SqlClient
  readonly ledger: Ledger.LedgerService
}

export interface Fresh extends Instance {
  readonly schema: string
  /** Another instance on the same schema: its own pool of `connections` and its own `Ledger`. */
  readonly instance: (name: string, connections: number) => Effect.Effect<Instance, never, Scope.Scope>
}

export interface Engine<R> {
  readonly name: string
  /** Whether instances have their own connections (false: PGlite's single connection). */
  readonly concurrent: boolean
  readonly fresh: (connections: number) => Effect.Effect<Fresh, never, Scope.Scope | R>
}

const T0 = Date.parse("2026-12-01T00:00:00Z")

const payment = (reference: string, overrides: Partial<Ledger.BeginInput> = {}): Ledger.BeginInput => ({
  provider: "ayoconnect",
  operation: "payment",
  reference,
  fields: { accountNumber: "081234567890", productCode: "PLNPRE20" },
  amount: 20_000n,
  ...overrides
})

const payout = (reference: string, overrides: Partial<Ledger.BeginInput> = {}): Ledger.BeginInput => ({
  provider: "nicepay",
  operation: "payout",
  reference,
  fields: { beneficiaryAccountNo: "5345000060", beneficiaryBankCode: "BMRI" },
  amount: 150_000n,
  ...overrides
})

const claimed = (outcome: Ledger.BeginOutcome): Ledger.Entry => {
  if (outcome._tag !== "Claimed") throw new Error(`expected Claimed, got ${outcome._tag}`)
  return outcome.entry
}

const count = (sql: SqlClient.SqlClient, table: string) =>
  Effect.map(
    Effect.orDie(sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM ${sql(table)}`),
    (rows) => rows[0]!.n
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

export const contract = <R>(it: Vitest.Vitest.MethodsNonLive<R>, engine: Engine<R>): void => {
  const test = (
    name: string,
    body: (fresh: Fresh) => Effect.Effect<void, unknown, Scope.Scope | R>,
    connections = 4
  ) =>
    // A layer's TestClock is shared by its tests: each starts at T0.
    it.scoped(name, () =>
      Effect.zipRight(TestClock.setTime(T0), Effect.flatMap(engine.fresh(connections), body))
    )

  test("begin writes ahead: one entry in sending, leased to the caller, with its history row and created event", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2026-12-01T08:00:00Z"))
      const entry = claimed(yield* ledger.begin(payment("REF-1", { lease: "90 seconds" })))
      expect(entry.state).toBe("sending")
      expect(entry.reference).toBe("REF-1")
      expect(entry.amount).toBe(20_000n)
      expect(entry.version).toBe(1)
      expect(entry.lockedBy).toBe(ledger.instance)
      expect(DateTime.formatIso(entry.lockedUntil!)).toBe("2026-12-01T08:01:30.000Z")
      expect(DateTime.formatIso(entry.createdAt)).toBe("2026-12-01T08:00:00.000Z")
      expect(entry.fingerprint).toEqual(
        Fingerprint.make({ accountNumber: "081234567890", productCode: "PLNPRE20", amount: 20_000n })
      )
      expect(yield* count(sql, "ledger_entries")).toBe(1)
      const stored = yield* ledger.get("ayoconnect", "REF-1")
      expect(Option.getOrThrow(stored)).toEqual(entry)
      const history = yield* ledger.history(entry.id)
      expect(history.map((h) => [h.from, h.to, h.source])).toEqual([[undefined, "sending", "request"]])
      const feed = yield* ledger.eventsAfter(undefined, 10)
      expect(feed.events.map((e) => e.type)).toEqual(["ayoconnect.payment.created"])
      expect(feed.events[0]!.id).toMatch(/^evt_[0-9a-f-]{36}$/)
      expect(feed.events[0]!.payload.entry.amount).toBe("20000")
      expect(feed.events[0]!.payload.transition).toEqual({ from: null, to: "sending", source: "request" })
      expect(feed.events[0]!.payload.entry).toEqual(Ledger.toJson(entry))
      expect(feed.events[0]!.entryId).toBe(entry.id)
      // The same reference on the other provider is another entry.
      expect((yield* ledger.begin(payout("REF-1")))._tag).toBe("Claimed")
    }))

  test("a repeat after an outcome is a Replay of it, and writes nothing", ({ ledger, sql }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payment("REF-2")))
      yield* ledger.record(entry.id, {
        to: "succeeded",
        source: "answer",
        upstream: { code: "0", message: "Success", ids: { transactionId: "TX-77" } }
      })
      const [history, events] = [yield* count(sql, "ledger_history"), yield* count(sql, "ledger_events")]
      const again = yield* ledger.begin(payment("REF-2"))
      expect(again._tag).toBe("Replay")
      const replayed = (again as Ledger.Replay).entry
      expect(replayed.state).toBe("succeeded")
      expect(replayed.upstreamCode).toBe("0")
      expect(replayed.upstreamIds).toEqual({ transactionId: "TX-77" })
      expect(yield* count(sql, "ledger_history")).toBe(history)
      expect(yield* count(sql, "ledger_events")).toBe(events)
      // A pending outcome is replayed too: the upstream holds it, nothing is to be sent again.
      const pending = claimed(yield* ledger.begin(payment("REF-2b")))
      yield* ledger.record(pending.id, { to: "pending", source: "answer", upstream: { code: "299" } })
      const repeat = yield* ledger.begin(payment("REF-2b"))
      expect(repeat._tag).toBe("Replay")
      expect((repeat as Ledger.Replay).entry.state).toBe("pending")
    }))

  test("a repeat while the first is sending is InProgress, with Retry-After from its lease", ({ ledger }) =>
    Effect.gen(function* () {
      claimed(yield* ledger.begin(payment("REF-3", { lease: "90 seconds" })))
      yield* TestClock.adjust("30 seconds")
      const second = yield* ledger.begin(payment("REF-3"))
      expect(second._tag).toBe("InProgress")
      expect(Duration.toSeconds((second as Ledger.InProgress).retryAfter)).toBe(60)
      yield* TestClock.adjust("10 minutes")
      // The lease lapsed (the sender died): still in progress for callers — recovery resolves it.
      const third = yield* ledger.begin(payment("REF-3"))
      expect(third._tag).toBe("InProgress")
      expect(Duration.toSeconds((third as Ledger.InProgress).retryAfter)).toBe(1)
    }))

  test("a reference reused for a different payment is a FingerprintMismatch naming the fields", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payment("REF-4")))
      const events = yield* count(sql, "ledger_events")
      const outcome = yield* ledger.begin(
        payment("REF-4", {
          amount: 50_000n,
          fields: { accountNumber: "089999999999", productCode: "PLNPRE20" }
        })
      )
      expect(outcome._tag).toBe("FingerprintMismatch")
      const mismatch = outcome as Ledger.FingerprintMismatch
      expect(mismatch.fields).toEqual(["accountNumber", "amount"])
      expect(mismatch.entry.id).toBe(entry.id)
      expect(mismatch.entry.amount).toBe(20_000n)
      const error = Fingerprint.toReferenceReused({
        upstream: "ayoconnect",
        operation: "payment",
        referenceField: "refNumber",
        reference: "REF-4",
        fields: mismatch.fields
      })
      expect(error.message).toBe(
        "ayoconnect.payment: refNumber REF-4 already belongs to a different payment (accountNumber, amount differ); use a new refNumber for a new payment"
      )
      expect(yield* count(sql, "ledger_events")).toBe(events)
    }))

  test(
    "50 concurrent begins with one reference, through two instances: exactly one Claimed",
    (fresh) =>
      Effect.gen(function* () {
        const other = engine.concurrent ? yield* fresh.instance("instance-b", 25) : fresh
        const outcomes = yield* Effect.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 === 0 ? fresh.ledger : other.ledger).begin(payment("REF-50"))
          ),
          { concurrency: "unbounded" }
        )
        const tags = outcomes.map((o) => o._tag)
        expect(tags.filter((t) => t === "Claimed")).toHaveLength(1)
        expect(tags.filter((t) => t === "InProgress")).toHaveLength(49)
        expect(yield* count(fresh.sql, "ledger_entries")).toBe(1)
        expect(yield* count(fresh.sql, "ledger_history")).toBe(1)
        expect(yield* count(fresh.sql, "ledger_events")).toBe(1)
        if (engine.concurrent) {
          // Each instance really used many connections at once (not one after the other).
          const backends = yield* Effect.orDie(
            fresh.sql<{
              readonly n: number
            }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'kasir-ledger' AND datname = current_database()`
          )
          expect(backends[0]!.n).toBeGreaterThan(2)
        }
      }),
    25
  )

  test("legal transitions are recorded in order; illegal and stale ones are refused and recorded nowhere", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payout("PAYOUT-1")))
      yield* TestClock.adjust("1 second")
      const pending = yield* ledger.record(entry.id, {
        to: "pending",
        from: "sending",
        source: "answer",
        upstream: { code: "2000000", ids: { originalReferenceNo: "NP-1" } },
        checkIn: "45 seconds"
      })
      expect(pending._tag).toBe("Recorded")
      const pendingEntry = (pending as Ledger.Recorded).entry
      expect(pendingEntry.state).toBe("pending")
      expect(pendingEntry.version).toBe(2)
      expect(pendingEntry.lockedBy).toBe(undefined)
      expect(DateTime.toEpochMillis(pendingEntry.nextCheckAt!) - T0).toBe(46_000)
      expect((pending as Ledger.Recorded).event.type).toBe("nicepay.payout.pending")
      // A second money-moving step (approve) is written ahead: pending -> sending, leased again.
      yield* TestClock.adjust("1 second")
      const approving = yield* ledger.record(entry.id, { to: "sending", from: "pending", source: "request" })
      expect((approving as Ledger.Recorded).entry.lockedBy).toBe(ledger.instance)
      // A racing second approve saw `pending` too: stale, refused.
      const race = failure(
        yield* Effect.exit(ledger.record(entry.id, { to: "sending", from: "pending", source: "request" }))
      )
      expect(race).toBeInstanceOf(Errors.StaleTransition)
      expect((race as Errors.StaleTransition).actual).toBe("sending")
      yield* TestClock.adjust("1 second")
      const done = yield* ledger.record(entry.id, {
        to: "succeeded",
        source: "notification",
        upstream: { code: "2000000", message: "Successful" }
      })
      expect((done as Ledger.Recorded).entry.nextCheckAt).toBe(undefined)
      // The event returned is the one stored, and its body is the entry as recorded.
      const doneEvent = (done as Ledger.Recorded).event
      expect(Option.getOrThrow(yield* ledger.event(doneEvent.id))).toEqual(doneEvent)
      expect(doneEvent.payload.entry).toEqual(Ledger.toJson((done as Ledger.Recorded).entry))
      expect(doneEvent.type).toBe("nicepay.payout.succeeded")
      expect((done as Ledger.Recorded).entry.upstreamIds).toEqual({ originalReferenceNo: "NP-1" })
      // The same final state again (a repeated notification) changes nothing.
      expect((yield* ledger.record(entry.id, { to: "succeeded", source: "callback" }))._tag).toBe("Unchanged")
      const before = [yield* count(sql, "ledger_history"), yield* count(sql, "ledger_events")]
      const illegal = failure(
        yield* Effect.exit(ledger.record(entry.id, { to: "failed", source: "status_read" }))
      )
      expect(illegal).toBeInstanceOf(Errors.IllegalTransition)
      expect(illegal.message).toBe(`ledger: entry ${entry.id} cannot go from succeeded to failed`)
      expect([yield* count(sql, "ledger_history"), yield* count(sql, "ledger_events")]).toEqual(before)
      const final = Option.getOrThrow(yield* ledger.entry(entry.id))
      expect(final.state).toBe("succeeded")
      expect(final.version).toBe(4)
      const history = yield* ledger.history(entry.id)
      expect(
        history.map((h) => [
          h.from ?? null,
          h.to,
          h.source,
          h.code ?? null,
          DateTime.toEpochMillis(h.at) - T0
        ])
      ).toEqual([
        [null, "sending", "request", null, 0],
        ["sending", "pending", "answer", "2000000", 1000],
        ["pending", "sending", "request", null, 2000],
        ["sending", "succeeded", "notification", "2000000", 3000]
      ])
      const missing = failure(
        yield* Effect.exit(ledger.record("le_nope", { to: "failed", source: "answer" }))
      )
      expect(missing).toBeInstanceOf(Errors.EntryNotFound)
    }))

  test("record with the caller's copy of the entry writes the same; a stale copy is decided from the stored row", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payout("KNOWN-1")))
      yield* TestClock.adjust("1 second")
      const pending = yield* ledger.record(
        entry.id,
        {
          to: "pending",
          from: "sending",
          source: "answer",
          upstream: { ids: { originalReferenceNo: "NP-K" } }
        },
        entry
      )
      const pendingEntry = (pending as Ledger.Recorded).entry
      expect(pending._tag).toBe("Recorded")
      expect(pendingEntry.version).toBe(2)
      expect(pendingEntry.upstreamIds).toEqual({ originalReferenceNo: "NP-K" })
      expect(Option.getOrThrow(yield* ledger.entry(entry.id))).toEqual(pendingEntry)
      const pendingEvent = (pending as Ledger.Recorded).event
      expect(Option.getOrThrow(yield* ledger.event(pendingEvent.id))).toEqual(pendingEvent)
      expect(pendingEvent.payload.entry).toEqual(Ledger.toJson(pendingEntry))
      // `entry` is now stale (version 1, sending): its `from` no longer holds.
      const stale = failure(
        yield* Effect.exit(
          ledger.record(entry.id, { to: "failed", from: "sending", source: "answer" }, entry)
        )
      )
      expect(stale).toBeInstanceOf(Errors.StaleTransition)
      expect((stale as Errors.StaleTransition).actual).toBe("pending")
      // Legal from the stale copy and from the stored row: written from the stored row (its
      // upstream ids kept), not over it.
      yield* TestClock.adjust("1 second")
      const done = yield* ledger.record(
        entry.id,
        { to: "succeeded", source: "notification", upstream: { code: "2000000" } },
        entry
      )
      const doneEntry = (done as Ledger.Recorded).entry
      expect(doneEntry.version).toBe(3)
      expect(doneEntry.upstreamIds).toEqual({ originalReferenceNo: "NP-K" })
      expect((done as Ledger.Recorded).event.payload.transition).toEqual({
        from: "pending",
        to: "succeeded",
        source: "notification"
      })
      // A stale copy never turns a repeat into a write, nor an illegal step into one.
      expect((yield* ledger.record(entry.id, { to: "succeeded", source: "callback" }, entry))._tag).toBe(
        "Unchanged"
      )
      expect(
        failure(
          yield* Effect.exit(ledger.record(entry.id, { to: "failed", source: "status_read" }, pendingEntry))
        )
      ).toBeInstanceOf(Errors.IllegalTransition)
      const history = yield* ledger.history(entry.id)
      expect(history.map((h) => [h.from ?? null, h.to, h.source, DateTime.toEpochMillis(h.at) - T0])).toEqual(
        [
          [null, "sending", "request", 0],
          ["sending", "pending", "answer", 1000],
          ["pending", "succeeded", "notification", 2000]
        ]
      )
      expect(yield* count(sql, "ledger_events")).toBe(3)
      // A copy of another entry is ignored.
      const other = claimed(yield* ledger.begin(payout("KNOWN-2")))
      const missing = failure(
        yield* Effect.exit(ledger.record("le_nope", { to: "failed", source: "answer" }, other))
      )
      expect(missing).toBeInstanceOf(Errors.EntryNotFound)
    }))

  test("history and events are append-only: UPDATE and DELETE are refused by the database", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payment("REF-5")))
      const update = yield* Effect.exit(
        sql`UPDATE ledger_history SET to_state = 'failed' WHERE entry_id = ${entry.id}`
      )
      expect(failure(update).message).toContain("Failed to execute statement")
      expect(String((failure(update).cause as Error).message)).toBe("ledger_history is append-only")
      const remove = yield* Effect.exit(sql`DELETE FROM ledger_events`)
      expect(String((failure(remove).cause as Error).message)).toBe("ledger_events is append-only")
      expect((yield* ledger.history(entry.id)).map((h) => h.to)).toEqual(["sending"])
      expect(yield* count(sql, "ledger_events")).toBe(1)
    }))

  test("the outbox event commits with the state change: when it cannot be written, neither is the change", ({
    ledger,
    sql
  }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payment("REF-6")))
      yield* Effect.orDie(sql`
        CREATE FUNCTION refuse_failed_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.type LIKE '%.failed' THEN RAISE EXCEPTION 'outbox refused'; END IF;
          RETURN NEW;
        END $$`)
      yield* Effect.orDie(
        sql`CREATE TRIGGER refuse_failed BEFORE INSERT ON ledger_events FOR EACH ROW EXECUTE FUNCTION refuse_failed_events()`
      )
      const error = failure(
        yield* Effect.exit(
          ledger.record(entry.id, { to: "failed", source: "answer", upstream: { code: "101" } })
        )
      )
      expect(error).toBeInstanceOf(Errors.LedgerUnavailable)
      expect(error.message).toContain("outbox refused")
      const after = Option.getOrThrow(yield* ledger.entry(entry.id))
      expect(after.state).toBe("sending")
      expect(after.upstreamCode).toBe(undefined)
      expect(after.version).toBe(1)
      expect((yield* ledger.history(entry.id)).map((h) => h.to)).toEqual(["sending"])
      expect(yield* count(sql, "ledger_events")).toBe(1)
      // And a caller's own transaction that fails takes the ledger's writes with it.
      const outer = yield* Effect.exit(
        sql.withTransaction(Effect.zipRight(ledger.begin(payment("REF-6b")), Effect.fail("caller failed")))
      )
      expect(Exit.isFailure(outer)).toBe(true)
      expect(Option.isNone(yield* ledger.get("ayoconnect", "REF-6b"))).toBe(true)
      expect(yield* count(sql, "ledger_events")).toBe(1)
    }))

  test("list filters by provider, state and time, and pages with an opaque cursor", ({ ledger }) =>
    Effect.gen(function* () {
      const ids: Array<string> = []
      for (let i = 0; i < 7; i++) {
        yield* TestClock.setTime(Date.parse("2026-12-01T00:00:00Z") + i * 60_000)
        const begin = i % 3 === 2 ? payout(`P-${i}`) : payment(`A-${i}`)
        const entry = claimed(yield* ledger.begin(begin))
        ids.push(entry.id)
        if (i % 2 === 1) yield* ledger.record(entry.id, { to: "succeeded", source: "answer" })
      }
      // i: 0 A sending, 1 A succeeded, 2 P sending, 3 A succeeded, 4 A sending, 5 P succeeded, 6 A sending
      const pageIds = (page: Ledger.Page) => page.entries.map((e) => e.reference)
      const first = yield* ledger.list({ provider: "ayoconnect", limit: 2 })
      expect(pageIds(first)).toEqual(["A-0", "A-1"])
      const second = yield* ledger.list({ provider: "ayoconnect", limit: 2, after: first.next })
      expect(pageIds(second)).toEqual(["A-3", "A-4"])
      const third = yield* ledger.list({ provider: "ayoconnect", limit: 2, after: second.next })
      expect(pageIds(third)).toEqual(["A-6"])
      expect(third.next).toBe(undefined)
      expect(pageIds(yield* ledger.list({ state: "succeeded" }))).toEqual(["A-1", "A-3", "P-5"])
      expect(pageIds(yield* ledger.list({ provider: "ayoconnect", state: "sending" }))).toEqual([
        "A-0",
        "A-4",
        "A-6"
      ])
      expect(
        pageIds(
          yield* ledger.list({
            from: DateTime.unsafeMake("2026-12-01T00:02:00Z"),
            to: DateTime.unsafeMake("2026-12-01T00:05:00Z")
          })
        )
      ).toEqual(["P-2", "A-3", "A-4"])
      const all = yield* ledger.list({ limit: 7 })
      expect(all.entries.map((e) => e.id)).toEqual(ids)
      expect(all.next).toBe(undefined)
      const bad = failure(yield* Effect.exit(ledger.list({ after: "not-a-cursor" })))
      expect(bad).toBeInstanceOf(KasirError.InvalidInput)
      expect(bad.message).toBe("ledger: invalid after: is not a cursor this ledger issued")
      expect(failure(yield* Effect.exit(ledger.list({ limit: 0 })))).toBeInstanceOf(KasirError.InvalidInput)
    }))

  test("claimDue leases due work once; reschedule and release end the claim; a lapsed lease is taken over", ({
    ledger
  }) =>
    Effect.gen(function* () {
      const unknown = claimed(yield* ledger.begin(payment("DUE-1")))
      yield* ledger.record(unknown.id, { to: "unknown", source: "answer", checkIn: "0 seconds" })
      const pending = claimed(yield* ledger.begin(payment("DUE-2")))
      yield* ledger.record(pending.id, { to: "pending", source: "answer", checkIn: "5 minutes" })
      const done = claimed(yield* ledger.begin(payment("DUE-3")))
      yield* ledger.record(done.id, { to: "succeeded", source: "answer" })
      const sending = claimed(yield* ledger.begin(payment("DUE-4", { lease: "2 minutes" })))

      const a = yield* ledger.claimDue({ owner: "worker-a", lease: "1 minute", limit: 10 })
      expect(a.map((e) => e.id)).toEqual([unknown.id])
      expect(a[0]!.lockedBy).toBe("worker-a")
      expect(a[0]!.attempts).toBe(1)
      expect(yield* ledger.claimDue({ owner: "worker-b", lease: "1 minute", limit: 10 })).toEqual([])

      // worker-a crashes; after its lease, worker-b takes the entry over — and, once the sending
      // request's own lease has lapsed too, the write-ahead entry it left behind.
      yield* TestClock.adjust("2 minutes")
      const b = yield* ledger.claimDue({ owner: "worker-b", lease: "1 minute", limit: 10 })
      expect(b.map((e) => e.id)).toEqual([unknown.id, sending.id])
      expect(b[0]!.attempts).toBe(2)
      const lost = failure(yield* Effect.exit(ledger.reschedule(unknown.id, "worker-a", "1 minute")))
      expect(lost).toBeInstanceOf(Errors.LeaseLost)
      yield* ledger.reschedule(unknown.id, "worker-b", "10 minutes")
      yield* ledger.release(sending.id, "worker-b")
      const c = yield* ledger.claimDue({ owner: "worker-c", lease: "1 minute", limit: 10 })
      expect(c.map((e) => e.id)).toEqual([sending.id])
      yield* TestClock.adjust("4 minutes")
      // 6 min: worker-c's lease lapsed, the pending entry (due at 5 min) is due; the rescheduled one
      // (due at 12 min) is not. Oldest due first.
      const d = yield* ledger.claimDue({ owner: "worker-d", lease: "1 minute", limit: 10 })
      expect(d.map((e) => e.id)).toEqual([sending.id, pending.id])
      // A final outcome ends the claim.
      yield* ledger.record(pending.id, { to: "succeeded", source: "status_read" })
      const released = failure(yield* Effect.exit(ledger.release(pending.id, "worker-d")))
      expect(released).toBeInstanceOf(Errors.LeaseLost)
    }))

  if (engine.concurrent) {
    test(
      "claimDue with SKIP LOCKED across two connections at once: every due entry claimed exactly once",
      (fresh) =>
        Effect.gen(function* () {
          for (let i = 0; i < 40; i++) {
            const entry = claimed(yield* fresh.ledger.begin(payment(`SKIP-${i}`)))
            yield* fresh.ledger.record(entry.id, { to: "unknown", source: "answer", checkIn: "0 seconds" })
          }
          const other = yield* fresh.instance("instance-b", 4)
          const rounds = yield* Effect.all(
            Array.from({ length: 8 }, (_, i) =>
              (i % 2 === 0 ? fresh.ledger : other.ledger).claimDue({
                owner: `w-${i}`,
                lease: "1 minute",
                limit: 7
              })
            ),
            { concurrency: "unbounded" }
          )
          const ids = rounds.flatMap((round) => round.map((e) => e.id))
          expect(ids).toHaveLength(40)
          expect(new Set(ids).size).toBe(40)
          expect(yield* fresh.ledger.claimDue({ owner: "late", lease: "1 minute", limit: 10 })).toEqual([])
        }),
      8
    )

    test(
      "records racing on one copy of the entry across two connections: exactly one writes",
      (fresh) =>
        Effect.gen(function* () {
          const entry = claimed(yield* fresh.ledger.begin(payout("KNOWN-RACE")))
          const other = yield* fresh.instance("instance-b", 4)
          const outcomes = yield* Effect.all(
            Array.from({ length: 12 }, (_, i) =>
              Effect.either(
                (i % 2 === 0 ? fresh.ledger : other.ledger).record(
                  entry.id,
                  { to: i % 3 === 0 ? "failed" : "succeeded", from: "sending", source: "answer" },
                  entry
                )
              )
            ),
            { concurrency: "unbounded" }
          )
          const written = outcomes.filter((o) => o._tag === "Right" && o.right._tag === "Recorded")
          expect(written).toHaveLength(1)
          // Every other one saw the winner's state: stale (`from` no longer holds).
          expect(outcomes.filter((o) => o._tag === "Left" && o.left._tag === "StaleTransition").length).toBe(
            11
          )
          const final = Option.getOrThrow(yield* fresh.ledger.entry(entry.id))
          expect(final.version).toBe(2)
          expect((yield* fresh.ledger.history(entry.id)).map((h) => h.to)).toEqual(["sending", final.state])
          expect(yield* count(fresh.sql, "ledger_events")).toBe(2)
        }),
      8
    )

    test("the feed never returns an event ahead of an earlier-started transaction that is still open", (fresh) =>
      Effect.gen(function* () {
        const other = yield* fresh.instance("instance-b", 2)
        const started = yield* Deferred.make<void>()
        const finish = yield* Deferred.make<void>()
        // Transaction 1 takes its transaction id first and stays open.
        const slow = yield* Effect.fork(
          other.sql.withTransaction(
            Effect.gen(function* () {
              yield* Effect.orDie(other.sql`SELECT pg_current_xact_id()`)
              yield* Effect.orDie(other.ledger.begin(payment("SLOW")))
              yield* Deferred.succeed(started, undefined)
              yield* Deferred.await(finish)
            })
          )
        )
        yield* Deferred.await(started)
        // Transaction 2 starts later and commits first.
        claimed(yield* fresh.ledger.begin(payment("FAST")))
        const early = yield* fresh.ledger.eventsAfter(undefined, 10)
        expect(early.events).toEqual([])
        yield* Deferred.succeed(finish, undefined)
        yield* Fiber.join(slow)
        const later = yield* fresh.ledger.eventsAfter(early.cursor, 10)
        expect(later.events.map((e) => e.payload.entry.reference)).toEqual(["SLOW", "FAST"])
      }))
  }

  test("the feed pages events with a cursor and finds an event by id", ({ ledger }) =>
    Effect.gen(function* () {
      const entry = claimed(yield* ledger.begin(payment("FEED-1")))
      yield* ledger.record(entry.id, { to: "pending", source: "answer" })
      yield* ledger.record(entry.id, { to: "succeeded", source: "callback" })
      claimed(yield* ledger.begin(payout("FEED-2")))
      const first = yield* ledger.eventsAfter(undefined, 3)
      expect(first.events.map((e) => e.type)).toEqual([
        "ayoconnect.payment.created",
        "ayoconnect.payment.pending",
        "ayoconnect.payment.succeeded"
      ])
      const second = yield* ledger.eventsAfter(first.cursor, 3)
      expect(second.events.map((e) => e.type)).toEqual(["nicepay.payout.created"])
      const empty = yield* ledger.eventsAfter(second.cursor, 3)
      expect(empty.events).toEqual([])
      expect(empty.cursor).toBe(second.cursor)
      const found = Option.getOrThrow(yield* ledger.event(first.events[2]!.id))
      expect(found).toEqual(first.events[2])
      expect(found.payload.entry.state).toBe("succeeded")
      expect(found.payload.transition).toEqual({ from: "pending", to: "succeeded", source: "callback" })
      expect(Option.isNone(yield* ledger.event("evt_missing"))).toBe(true)
      expect(failure(yield* Effect.exit(ledger.eventsAfter("x", 3)))).toBeInstanceOf(KasirError.InvalidInput)
    }))

  test("awaitOutcome waits (bounded) for the sender's outcome", ({ ledger }) =>
    TestServices.provideLive(
      Effect.gen(function* () {
        const entry = claimed(yield* ledger.begin(payment("WAIT-1")))
        const waiting = yield* Effect.fork(
          ledger.awaitOutcome("ayoconnect", "WAIT-1", { timeout: "30 seconds", interval: "20 millis" })
        )
        // Let the waiter poll a few times while the entry is still sending.
        yield* Effect.sleep("100 millis")
        yield* ledger.record(entry.id, { to: "succeeded", source: "answer" })
        const settled = Option.getOrThrow(yield* Fiber.join(waiting))
        expect(settled.state).toBe("succeeded")
        // Nobody records an outcome: the wait ends at its bound with the entry still sending.
        claimed(yield* ledger.begin(payment("WAIT-2")))
        const stuck = yield* ledger.awaitOutcome("ayoconnect", "WAIT-2", {
          timeout: "100 millis",
          interval: "20 millis"
        })
        expect(Option.getOrThrow(stuck).state).toBe("sending")
        expect(Option.isNone(yield* ledger.awaitOutcome("ayoconnect", "NONE", { timeout: "1 second" }))).toBe(
          true
        )
      })
    ))

  test("amounts beyond 2^53 are exact everywhere", ({ ledger }) =>
    Effect.gen(function* () {
      const amount = 2n ** 53n + 1n // 9007199254740993: a double would read 9007199254740992
      const big = 9_223_372_036_854_775_807n // PostgreSQL's bigint maximum
      const entry = claimed(yield* ledger.begin(payout("BIG-1", { amount })))
      expect(entry.amount).toBe(9_007_199_254_740_993n)
      expect(entry.fingerprint.fields.amount).toBe("9007199254740993")
      expect(Option.getOrThrow(yield* ledger.get("nicepay", "BIG-1")).amount).toBe(amount)
      yield* TestClock.adjust("1 second")
      claimed(yield* ledger.begin(payout("BIG-2", { amount: big })))
      expect((yield* ledger.list({ provider: "nicepay" })).entries.map((e) => e.amount)).toEqual([
        amount,
        big
      ])
      const feed = yield* ledger.eventsAfter(undefined, 10)
      expect(feed.events.map((e) => e.payload.entry.amount)).toEqual([
        "9007199254740993",
        "9223372036854775807"
      ])
      const mismatch = yield* ledger.begin(payout("BIG-1", { amount: amount + 1n }))
      expect((mismatch as Ledger.FingerprintMismatch).fields).toEqual(["amount"])
      const tooBig = failure(yield* Effect.exit(ledger.begin(payout("BIG-3", { amount: big + 1n }))))
      expect(tooBig).toBeInstanceOf(KasirError.InvalidInput)
      expect(failure(yield* Effect.exit(ledger.begin(payout("BIG-4", { amount: -1n }))))).toBeInstanceOf(
        KasirError.InvalidInput
      )
    }))

  test("a database migrated by newer code is refused with SchemaTooNew", ({ sql }) =>
    Effect.gen(function* () {
      const migrate = Effect.provideService(Migrations.run, SqlClient.SqlClient, sql)
      expect(yield* migrate).toEqual([])
      yield* Effect.orDie(
        sql`INSERT INTO kasir_ledger_migrations (migration_id, name) VALUES (7, 'from_the_future')`
      )
      const error = failure(yield* Effect.exit(migrate))
      expect(error).toBeInstanceOf(Errors.SchemaTooNew)
      expect(error.message).toBe(
        `the ledger database is at schema version 7, newer than this kasir's ${Migrations.latest}; upgrade kasir (or point KASIR_DATABASE_URL at a database of this version)`
      )
    }))
}
