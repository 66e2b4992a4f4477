/**
 * The ledger: the durable record of every money movement kasir makes.
 *
 * The contract a gateway or CLI follows around one money-moving call:
 *
 * 1. `begin` **before** the request leaves the process. It commits a row in `sending` (the
 *    write-ahead record) and answers what the caller may do: `Claimed` — send it; `Replay` — an
 *    outcome exists, answer from it and send nothing; `InProgress` — another request (perhaps on
 *    another instance) is sending it: `awaitOutcome` for a bounded time or answer 409 with the
 *    `retryAfter` hint; `FingerprintMismatch` — the reference belongs to a different payment
 *    (the fields are named). Exactly one of any number of concurrent `begin`s for one reference is
 *    `Claimed`: the unique key `(provider, reference)` decides, inside PostgreSQL, so it holds
 *    across connections and instances.
 * 2. `record` what the upstream said (or a status read, callback, notification, reconciliation):
 *    the state change, its history row and its outbox event commit in one transaction. The state
 *    machine refuses what cannot happen (`succeeded` → `failed`) and writes nothing then.
 * 3. Recovery: `claimDue` leases entries left in `sending` / `unknown` / `pending` once they are
 *    due (`FOR UPDATE SKIP LOCKED`, so instances never claim one entry together), a status read
 *    resolves each — never a resend — and `record` / `reschedule` / `release` end the claim. A
 *    `Claimed` entry is itself leased to the request that sends it (`lease`, default 2 minutes),
 *    so recovery leaves it alone while that request may still be running, and takes it over once
 *    the lease expires (the process died).
 *
 * Time: every timestamp (created / updated, history `at`, leases, `next_check_at`) comes from
 * Effect's `Clock` of the caller and is written as a parameter, never from the database's
 * `now()` — one clock for every column, and tests drive leases with `TestClock`. Instances
 * sharing a database must keep their clocks in sync (NTP); a lease is minutes, skew is
 * milliseconds.
 *
 * Amounts are `bigint` end to end (PostgreSQL `bigint`, read back from its decimal text). No
 * secret, token or signature is accepted by any operation: only the defining fields, upstream
 * codes, messages and ids.
 *
 * Writes: every write that takes more than one statement runs in `sql.withTransaction`. A write
 * that is one statement is atomic on its own — PostgreSQL runs each statement in a transaction —
 * so `begin` (entry, history row and event in one `INSERT … ON CONFLICT DO NOTHING` with
 * data-modifying CTEs) and the lease updates skip the BEGIN / COMMIT round trips; inside a
 * caller's `withTransaction` they join it like any statement. `record` is one statement too when
 * the caller hands it the entry it holds (`known`, as the provider modules do with the entry
 * `begin` returned): the change, history row and event in one `UPDATE … WHERE version = <known>`
 * with CTEs — a compare-and-set, since every change of state or upstream details bumps
 * `version`. Without `known`, or when the guard finds the entry moved on, `record` decides from
 * the row locked `FOR UPDATE` in a transaction (4 round trips). Round trips are most of what a
 * payment pays for the ledger (profiled under the bench's load: the gateway's socket writes to
 * PostgreSQL alone were about 1 ms of CPU per statement), so per payment (`begin` + `record`)
 * it is 2, where it was 5 (and once 11).
 *
 * Every database failure surfaces as `LedgerUnavailable`, so a caller refuses to send money
 * whenever the record cannot be written.
 */
import { KasirError } from "@kasir/core"
import { randomUUID } from "node:crypto"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Data, DateTime, Duration, Effect, Layer, Option, Schedule, Schema } from "effect"
import { EntryNotFound, IllegalTransition, LeaseLost, LedgerUnavailable, StaleTransition } from "./Errors.js"
import * as Fingerprint from "./Fingerprint.js"
import { describeSqlError } from "./internal/sqlError.js"

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const Provider = Schema.Literal("ayoconnect", "nicepay")
export type Provider = typeof Provider.Type

/**
 * What kind of money movement: an Ayoconnect bill payment / purchase, or a NICEPAY payout.
 */
export const Operation = Schema.Literal("payment", "payout")
export type Operation = typeof Operation.Type

/**
 * `sending`: written ahead, the request is (or was) on its way. `pending`: the upstream accepted
 * it and has not settled it. `unknown`: the answer was lost or unclear. `succeeded` / `failed`
 * are final.
 */
export const State = Schema.Literal("sending", "pending", "succeeded", "failed", "unknown")
export type State = typeof State.Type

/**
 * Where a transition was learned. `request` is the write-ahead row of `begin`.
 */
export const Source = Schema.Literal(
  "request",
  "answer",
  "status_read",
  "callback",
  "notification",
  "reconciliation"
)
export type Source = typeof Source.Type

/**
 * The legal transitions. Final states have none. `pending` → `sending` is a second money-moving
 * step on one entry (NICEPAY's approve after a registration), written ahead like the first.
 */
export const transitions: { readonly [S in State]: ReadonlyArray<State> } = {
  sending: ["pending", "succeeded", "failed", "unknown"],
  pending: ["sending", "succeeded", "failed"],
  unknown: ["pending", "succeeded", "failed"],
  succeeded: [],
  failed: []
}

export const isFinal = (state: State): boolean => state === "succeeded" || state === "failed"

/**
 * What the upstream said: its response code, message and identifiers (e.g. Ayoconnect's
 * `transactionId`, NICEPAY's `originalReferenceNo`). Never a secret, token or signature.
 */
export interface UpstreamDetails {
  readonly code?: string | undefined
  readonly message?: string | undefined
  readonly ids?: Readonly<Record<string, string>> | undefined
}

/**
 * One money movement.
 */
export interface Entry {
  readonly id: string
  readonly provider: Provider
  readonly operation: Operation
  readonly reference: string
  readonly fingerprint: Fingerprint.Fingerprint
  readonly amount: bigint
  readonly state: State
  readonly upstreamCode: string | undefined
  readonly upstreamMessage: string | undefined
  readonly upstreamIds: Readonly<Record<string, string>>
  readonly createdAt: DateTime.Utc
  readonly updatedAt: DateTime.Utc
  /** 1 at `begin`, +1 per recorded transition. */
  readonly version: number
  readonly lockedBy: string | undefined
  readonly lockedUntil: DateTime.Utc | undefined
  readonly nextCheckAt: DateTime.Utc | undefined
  /** How many times recovery claimed it. */
  readonly attempts: number
}

/**
 * One observed transition.
 */
export interface HistoryRecord {
  readonly id: bigint
  readonly entryId: string
  readonly from: State | undefined
  readonly to: State
  readonly source: Source
  readonly code: string | undefined
  readonly at: DateTime.Utc
}

/**
 * One outbox event.
 */
export interface Event {
  /** `evt_` + uuid: stable across redeliveries, the receiver's idempotency key. */
  readonly id: string
  /** `<provider>.<operation>.<created|sending|pending|succeeded|failed|unknown>`. */
  readonly type: string
  readonly entryId: string
  readonly payload: EventPayload
  readonly createdAt: DateTime.Utc
}

/**
 * An event's body: the entry after the change and the change itself. Amounts are decimal
 * strings, times ISO 8601.
 */
export interface EventPayload {
  readonly entry: EntryJson
  readonly transition: { readonly from: State | null; readonly to: State; readonly source: Source }
}

/**
 * An entry as JSON (events, APIs).
 */
export interface EntryJson {
  readonly id: string
  readonly provider: Provider
  readonly operation: Operation
  readonly reference: string
  readonly fields: Readonly<Record<string, string>>
  readonly amount: string
  readonly state: State
  readonly upstream: {
    readonly code: string | null
    readonly message: string | null
    readonly ids: Readonly<Record<string, string>>
  }
  readonly createdAt: string
  readonly updatedAt: string
}

export const toJson = (entry: Entry): EntryJson => ({
  id: entry.id,
  provider: entry.provider,
  operation: entry.operation,
  reference: entry.reference,
  fields: entry.fingerprint.fields,
  amount: entry.amount.toString(),
  state: entry.state,
  upstream: {
    code: entry.upstreamCode ?? null,
    message: entry.upstreamMessage ?? null,
    ids: entry.upstreamIds
  },
  createdAt: DateTime.formatIso(entry.createdAt),
  updatedAt: DateTime.formatIso(entry.updatedAt)
})

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/**
 * A new entry in `sending`, leased to this caller: send the request now.
 */
export class Claimed extends Data.TaggedClass("Claimed")<{ readonly entry: Entry }> {}

/**
 * The entry already has an outcome (final, or `pending` / `unknown`): answer from it, send nothing.
 */
export class Replay extends Data.TaggedClass("Replay")<{ readonly entry: Entry }> {}

/**
 * Another request holds the entry in `sending`. `retryAfter`: when its lease ends (at least 1 s).
 */
export class InProgress extends Data.TaggedClass("InProgress")<{
  readonly entry: Entry
  readonly retryAfter: Duration.Duration
}> {}

/**
 * The reference belongs to a different payment: `fields` names what differs (never values).
 */
export class FingerprintMismatch extends Data.TaggedClass("FingerprintMismatch")<{
  readonly entry: Entry
  readonly fields: ReadonlyArray<string>
}> {}

export type BeginOutcome = Claimed | Replay | InProgress | FingerprintMismatch

/**
 * The transition was written (with its history row and `event`).
 */
export class Recorded extends Data.TaggedClass("Recorded")<{
  readonly entry: Entry
  readonly event: Event
}> {}

/**
 * The entry is already in that state: nothing was written (a repeated callback, say).
 */
export class Unchanged extends Data.TaggedClass("Unchanged")<{ readonly entry: Entry }> {}

export type RecordOutcome = Recorded | Unchanged

/**
 * A page of entries. `next` is the cursor of the following page, absent on the last.
 */
export interface Page {
  readonly entries: ReadonlyArray<Entry>
  readonly next: string | undefined
}

/**
 * A page of the event feed. `cursor` is where to continue (the same when nothing new).
 */
export interface EventPage {
  readonly events: ReadonlyArray<Event>
  readonly cursor: string
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

export interface BeginInput {
  readonly provider: Provider
  readonly operation: Operation
  /** The caller's reference: `refNumber` / `partnerReferenceNo`. */
  readonly reference: string
  /** The fields that define the payment besides the amount (account, product; beneficiary, bank). */
  readonly fields: Readonly<Record<string, string | bigint>>
  /** Exact rupiah. Part of the fingerprint as `amount`. */
  readonly amount: bigint
  /** How long this request holds the entry before recovery may take it; default the layer's `sendLease`. */
  readonly lease?: Duration.DurationInput | undefined
}

export interface Transition {
  readonly to: State
  /** The state the caller saw; when given and the entry is elsewhere, `StaleTransition`. */
  readonly from?: State | undefined
  readonly source: Source
  readonly upstream?: UpstreamDetails | undefined
  /** For `pending` / `unknown`: when recovery should check; default the layer's `checkIn`. */
  readonly checkIn?: Duration.DurationInput | undefined
  /** For `sending` (a second step written ahead): this request's lease; default `sendLease`. */
  readonly lease?: Duration.DurationInput | undefined
}

export interface ListInput {
  readonly provider?: Provider | undefined
  readonly state?: State | undefined
  /** Created at or after. */
  readonly from?: DateTime.DateTime | undefined
  /** Created before. */
  readonly to?: DateTime.DateTime | undefined
  /** A `next` cursor of an earlier page with the same filters. */
  readonly after?: string | undefined
  /** 1–500; default 50. */
  readonly limit?: number | undefined
}

export interface ClaimInput {
  /** Who claims: an instance id. */
  readonly owner: string
  /** How long the claim lasts before another instance may take the entry. */
  readonly lease: Duration.DurationInput
  /** At most this many entries (1–500). */
  readonly limit: number
}

export interface LedgerOptions {
  /** This instance's id, the owner of the entries it claims in `begin`; default `kasir-<pid>-<random>`. */
  readonly instance?: string | undefined
  /** Default lease of a `Claimed` entry; default 2 minutes (more than a money call's deadline). */
  readonly sendLease?: Duration.DurationInput | undefined
  /** Default delay before recovery checks a `pending` / `unknown` entry; default 30 s. */
  readonly checkIn?: Duration.DurationInput | undefined
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

export interface LedgerService {
  readonly instance: string
  /** The write-ahead claim. */
  readonly begin: (
    input: BeginInput
  ) => Effect.Effect<BeginOutcome, KasirError.InvalidInput | LedgerUnavailable>
  /** Polls (every `interval`, default 200 ms) until the entry leaves `sending` or `timeout` passes. */
  readonly awaitOutcome: (
    provider: Provider,
    reference: string,
    options: {
      readonly timeout: Duration.DurationInput
      readonly interval?: Duration.DurationInput | undefined
    }
  ) => Effect.Effect<Option.Option<Entry>, LedgerUnavailable>
  /**
   * `known`: the entry as the caller last saw it (from `begin`, `get`, an earlier `record`). While
   * it is current the transition is one statement; a stale copy costs a read, never a wrong write.
   */
  readonly record: (
    entryId: string,
    transition: Transition,
    known?: Entry | undefined
  ) => Effect.Effect<RecordOutcome, EntryNotFound | IllegalTransition | StaleTransition | LedgerUnavailable>
  readonly get: (
    provider: Provider,
    reference: string
  ) => Effect.Effect<Option.Option<Entry>, LedgerUnavailable>
  readonly entry: (entryId: string) => Effect.Effect<Option.Option<Entry>, LedgerUnavailable>
  readonly list: (input: ListInput) => Effect.Effect<Page, KasirError.InvalidInput | LedgerUnavailable>
  readonly history: (entryId: string) => Effect.Effect<ReadonlyArray<HistoryRecord>, LedgerUnavailable>
  /** Leases due `sending` / `pending` / `unknown` entries, oldest due first. */
  readonly claimDue: (
    input: ClaimInput
  ) => Effect.Effect<ReadonlyArray<Entry>, KasirError.InvalidInput | LedgerUnavailable>
  /** Ends a claim without judging: the entry stays due. */
  readonly release: (entryId: string, owner: string) => Effect.Effect<void, LeaseLost | LedgerUnavailable>
  /** Ends a claim after a check that settled nothing: due again after `checkIn`. */
  readonly reschedule: (
    entryId: string,
    owner: string,
    checkIn: Duration.DurationInput
  ) => Effect.Effect<void, LeaseLost | LedgerUnavailable>
  /** The feed: events after `cursor` (from the start when absent), in a stable commit-safe order. */
  readonly eventsAfter: (
    cursor: string | undefined,
    limit: number
  ) => Effect.Effect<EventPage, KasirError.InvalidInput | LedgerUnavailable>
  readonly event: (eventId: string) => Effect.Effect<Option.Option<Event>, LedgerUnavailable>
}

export class Ledger extends Context.Tag("@kasir/ledger/Ledger")<Ledger, LedgerService>() {}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const Timestamp = Schema.DateTimeUtcFromDate
const NullableTimestamp = Schema.NullOr(Timestamp)
const StringRecord = Schema.Record({ key: Schema.String, value: Schema.String })

const EntryRow = Schema.Struct({
  id: Schema.String,
  provider: Provider,
  operation: Operation,
  reference: Schema.String,
  fingerprint: Schema.String,
  fields: StringRecord,
  amount: Schema.BigInt,
  state: State,
  upstream_code: Schema.NullOr(Schema.String),
  upstream_message: Schema.NullOr(Schema.String),
  upstream_ids: StringRecord,
  created_at: Timestamp,
  updated_at: Timestamp,
  version: Schema.Number,
  locked_by: Schema.NullOr(Schema.String),
  locked_until: NullableTimestamp,
  next_check_at: NullableTimestamp,
  attempts: Schema.Number
})

const HistoryRow = Schema.Struct({
  id: Schema.BigInt,
  entry_id: Schema.String,
  from_state: Schema.NullOr(State),
  to_state: State,
  source: Source,
  code: Schema.NullOr(Schema.String),
  at: Timestamp
})

const EventRow = Schema.Struct({
  id: Schema.String,
  seq: Schema.String,
  txid: Schema.String,
  type: Schema.String,
  entry_id: Schema.String,
  payload: Schema.Unknown,
  created_at: Timestamp
})

const decodeEntries = Schema.decodeUnknown(Schema.Array(EntryRow))
const decodeHistory = Schema.decodeUnknown(Schema.Array(HistoryRow))
const decodeEvents = Schema.decodeUnknown(Schema.Array(EventRow))

const toEntry = (row: typeof EntryRow.Type): Entry => ({
  id: row.id,
  provider: row.provider,
  operation: row.operation,
  reference: row.reference,
  fingerprint: { hash: row.fingerprint, fields: row.fields },
  amount: row.amount,
  state: row.state,
  upstreamCode: row.upstream_code ?? undefined,
  upstreamMessage: row.upstream_message ?? undefined,
  upstreamIds: row.upstream_ids,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  version: row.version,
  lockedBy: row.locked_by ?? undefined,
  lockedUntil: row.locked_until ?? undefined,
  nextCheckAt: row.next_check_at ?? undefined,
  attempts: row.attempts
})

const toEvent = (row: typeof EventRow.Type): Event => ({
  id: row.id,
  type: row.type,
  entryId: row.entry_id,
  payload: row.payload as EventPayload,
  createdAt: row.created_at
})

// A row that does not decode is a bug (the schema and the code disagree), not a runtime condition.
const entries = (rows: ReadonlyArray<unknown>) =>
  Effect.map(Effect.orDie(decodeEntries(rows)), (r) => r.map(toEntry))

const entryColumns = `id, provider, operation, reference, fingerprint, fields, amount, state, upstream_code,
  upstream_message, upstream_ids, created_at, updated_at, version, locked_by, locked_until, next_check_at, attempts`

// ---------------------------------------------------------------------------------------------
// Cursors: opaque to callers, checked on the way in.
// ---------------------------------------------------------------------------------------------

const encodeCursor = (parts: ReadonlyArray<string>): string =>
  Buffer.from(parts.join("\n")).toString("base64url")

const decodeCursor = (
  field: string,
  cursor: string,
  count: number,
  valid: (parts: ReadonlyArray<string>) => boolean
) => {
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("\n")
  return parts.length === count && valid(parts)
    ? Effect.succeed(parts)
    : Effect.fail(
        new KasirError.InvalidInput({
          provider: "kasir",
          operation: "ledger",
          field,
          reason: "is not a cursor this ledger issued"
        })
      )
}

const digits = /^[0-9]{1,20}$/

const checkLimit = (limit: number, max: number) =>
  Number.isInteger(limit) && limit >= 1 && limit <= max
    ? Effect.void
    : Effect.fail(
        new KasirError.InvalidInput({
          provider: "kasir",
          operation: "ledger",
          field: "limit",
          reason: `must be a whole number from 1 to ${max}`
        })
      )

// ---------------------------------------------------------------------------------------------
// make
// ---------------------------------------------------------------------------------------------

const unavailable =
  (operation: string) =>
  (error: SqlError): LedgerUnavailable =>
    new LedgerUnavailable({ operation, detail: describeSqlError(error) })

/**
 * The ledger over the `SqlClient` in context (the schema must be migrated: `Migrations.run`).
 */
export const make = (options: LedgerOptions = {}): Effect.Effect<LedgerService, never, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const instance = options.instance ?? `kasir-${process.pid}-${randomUUID().slice(0, 8)}`
    const sendLease = Duration.decode(options.sendLease ?? "2 minutes")
    const defaultCheckIn = Duration.decode(options.checkIn ?? "30 seconds")

    const now = Effect.map(DateTime.now, (t) => ({ t, date: DateTime.toDateUtc(t) }))
    const plus = (t: DateTime.Utc, d: Duration.Duration) => DateTime.toDateUtc(DateTime.addDuration(t, d))

    const selectById = (id: string) =>
      Effect.flatMap(sql.unsafe(`SELECT ${entryColumns} FROM ledger_entries WHERE id = $1`, [id]), entries)

    // The event of a change, built from the entry as it is after the change. It is inserted by the
    // same statement as the change itself, so the two commit (or fail) together.
    const makeEvent = (entry: Entry, suffix: string, from: State | null, source: Source): Event => ({
      id: `evt_${randomUUID()}`,
      type: `${entry.provider}.${entry.operation}.${suffix}`,
      entryId: entry.id,
      payload: { entry: toJson(entry), transition: { from, to: entry.state, source } },
      createdAt: entry.updatedAt
    })

    const retryAfter = (entry: Entry, t: DateTime.Utc): Duration.Duration => {
      if (entry.lockedUntil === undefined) return Duration.seconds(1)
      const left = DateTime.distance(t, entry.lockedUntil)
      return Duration.seconds(Math.max(1, Math.ceil(left / 1000)))
    }

    const begin = (
      input: BeginInput
    ): Effect.Effect<BeginOutcome, KasirError.InvalidInput | LedgerUnavailable> =>
      Effect.gen(function* () {
        if (input.reference.length < 1 || input.reference.length > 128) {
          return yield* new KasirError.InvalidInput({
            provider: "kasir",
            operation: "ledger",
            field: "reference",
            reason: "must be 1 to 128 characters"
          })
        }
        if (input.amount < 0n || input.amount > 9223372036854775807n) {
          return yield* new KasirError.InvalidInput({
            provider: "kasir",
            operation: "ledger",
            field: "amount",
            reason: "must be a whole, non-negative number of rupiah"
          })
        }
        const fingerprint = Fingerprint.make({ ...input.fields, amount: input.amount })
        const { t, date } = yield* now
        const lease = DateTime.addDuration(
          t,
          input.lease === undefined ? sendLease : Duration.decode(input.lease)
        )
        const planned: Entry = {
          id: `le_${randomUUID()}`,
          provider: input.provider,
          operation: input.operation,
          reference: input.reference,
          fingerprint,
          amount: input.amount,
          state: "sending",
          upstreamCode: undefined,
          upstreamMessage: undefined,
          upstreamIds: {},
          createdAt: t,
          updatedAt: t,
          version: 1,
          lockedBy: instance,
          lockedUntil: lease,
          nextCheckAt: lease,
          attempts: 0
        }
        const event = makeEvent(planned, "created", null, "request")
        // One statement writes the entry, its history row and its event — atomic on its own, and
        // a conflict on (provider, reference) writes none of them.
        const inserted = yield* Effect.flatMap(
          sql.unsafe(
            `WITH entry AS (
               INSERT INTO ledger_entries (id, provider, operation, reference, fingerprint, fields, amount, state,
                 created_at, updated_at, locked_by, locked_until, next_check_at)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, 'sending', $8, $8, $9, $10, $10)
               ON CONFLICT (provider, reference) DO NOTHING
               RETURNING ${entryColumns}
             ), history AS (
               INSERT INTO ledger_history (entry_id, from_state, to_state, source, code, at)
               SELECT id, NULL, 'sending', 'request', NULL, created_at FROM entry
             ), event AS (
               INSERT INTO ledger_events (id, type, entry_id, payload, created_at)
               SELECT $11::text, $12::text, id, $13::jsonb, created_at FROM entry
             )
             SELECT ${entryColumns} FROM entry`,
            [
              planned.id,
              input.provider,
              input.operation,
              input.reference,
              fingerprint.hash,
              JSON.stringify(fingerprint.fields),
              input.amount,
              date,
              instance,
              DateTime.toDateUtc(lease),
              event.id,
              event.type,
              JSON.stringify(event.payload)
            ]
          ),
          entries
        )
        const created = inserted[0]
        if (created !== undefined) return new Claimed({ entry: created }) as BeginOutcome
        // (provider, reference) is taken: read what holds it (a new statement, so it sees the
        // conflicting row the INSERT waited for).
        const existing = (yield* Effect.flatMap(
          sql.unsafe(`SELECT ${entryColumns} FROM ledger_entries WHERE provider = $1 AND reference = $2`, [
            input.provider,
            input.reference
          ]),
          entries
        ))[0]
        if (existing === undefined) {
          // Only possible if the row was deleted between the two statements; nothing deletes.
          return yield* Effect.dieMessage("ledger: a conflicting entry vanished")
        }
        const differing = Fingerprint.differingFields(existing.fingerprint, fingerprint)
        if (differing.length > 0) return new FingerprintMismatch({ entry: existing, fields: differing })
        if (existing.state === "sending")
          return new InProgress({ entry: existing, retryAfter: retryAfter(existing, t) })
        return new Replay({ entry: existing })
      }).pipe(
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("begin")(e))),
        Effect.withSpan("ledger.begin")
      )

    const get = (provider: Provider, reference: string) =>
      Effect.flatMap(
        sql.unsafe(`SELECT ${entryColumns} FROM ledger_entries WHERE provider = $1 AND reference = $2`, [
          provider,
          reference
        ]),
        entries
      ).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0])),
        Effect.mapError(unavailable("get"))
      )

    const entry = (entryId: string) =>
      selectById(entryId).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0])),
        Effect.mapError(unavailable("entry"))
      )

    const awaitOutcome: LedgerService["awaitOutcome"] = (provider, reference, { interval, timeout }) =>
      get(provider, reference).pipe(
        Effect.repeat(
          Schedule.spaced(interval ?? "200 millis").pipe(
            Schedule.upTo(timeout),
            Schedule.whileInput(
              (found: Option.Option<Entry>) => Option.isSome(found) && found.value.state === "sending"
            ),
            Schedule.passthrough
          )
        ),
        Effect.withSpan("ledger.awaitOutcome")
      )

    // What `transition` does to `current`: a failure, `Unchanged`, or the row to write (with its
    // event). Pure: it decides from `current` alone.
    const plan = (
      current: Entry,
      transition: Transition,
      t: DateTime.Utc
    ):
      | StaleTransition
      | IllegalTransition
      | Unchanged
      | { readonly _tag: "Write"; readonly planned: Entry; readonly event: Event } => {
      const entryId = current.id
      if (transition.from !== undefined && transition.from !== current.state) {
        return new StaleTransition({ entryId, expected: transition.from, actual: current.state })
      }
      if (current.state === transition.to) return new Unchanged({ entry: current })
      if (!transitions[current.state].includes(transition.to)) {
        return new IllegalTransition({ entryId, from: current.state, to: transition.to })
      }
      const to = transition.to
      const lease =
        to === "sending"
          ? DateTime.addDuration(
              t,
              transition.lease === undefined ? sendLease : Duration.decode(transition.lease)
            )
          : undefined
      const nextCheck =
        to === "sending"
          ? lease
          : isFinal(to)
            ? undefined
            : DateTime.addDuration(
                t,
                transition.checkIn === undefined ? defaultCheckIn : Duration.decode(transition.checkIn)
              )
      const upstream = transition.upstream ?? {}
      const planned: Entry = {
        ...current,
        state: to,
        upstreamCode: upstream.code ?? current.upstreamCode,
        upstreamMessage: upstream.message ?? current.upstreamMessage,
        upstreamIds: { ...current.upstreamIds, ...upstream.ids },
        updatedAt: t,
        version: current.version + 1,
        lockedBy: to === "sending" ? instance : undefined,
        lockedUntil: lease,
        nextCheckAt: nextCheck
      }
      return { _tag: "Write", planned, event: makeEvent(planned, to, current.state, transition.source) }
    }

    // The change, its history row and its event in one statement, only if the entry is still at
    // the version `planned` was made from (every change of state or upstream details bumps it; the
    // lease columns `planned` overwrites anyway). No row: the entry moved on (or does not exist).
    const write = (
      from: Entry,
      planned: Entry,
      event: Event,
      transition: Transition,
      date: Date
    ): Effect.Effect<Entry | undefined, SqlError> =>
      Effect.map(
        Effect.flatMap(
          sql.unsafe(
            `WITH entry AS (
               UPDATE ledger_entries SET
                 state = $2,
                 upstream_code = $3,
                 upstream_message = $4,
                 upstream_ids = $5::jsonb,
                 updated_at = $6,
                 version = $7,
                 locked_by = $8,
                 locked_until = $9,
                 next_check_at = $10
               WHERE id = $1 AND version = $17
               RETURNING ${entryColumns}
             ), history AS (
               INSERT INTO ledger_history (entry_id, from_state, to_state, source, code, at)
               SELECT id, $11::text, state, $12::text, $13::text, updated_at FROM entry
             ), event AS (
               INSERT INTO ledger_events (id, type, entry_id, payload, created_at)
               SELECT $14::text, $15::text, id, $16::jsonb, updated_at FROM entry
             )
             SELECT ${entryColumns} FROM entry`,
            [
              from.id,
              planned.state,
              planned.upstreamCode ?? null,
              planned.upstreamMessage ?? null,
              JSON.stringify(planned.upstreamIds),
              date,
              planned.version,
              planned.lockedBy ?? null,
              planned.lockedUntil === undefined ? null : DateTime.toDateUtc(planned.lockedUntil),
              planned.nextCheckAt === undefined ? null : DateTime.toDateUtc(planned.nextCheckAt),
              from.state,
              transition.source,
              transition.upstream?.code ?? null,
              event.id,
              event.type,
              JSON.stringify(event.payload),
              from.version
            ]
          ),
          entries
        ),
        (rows) => rows[0]
      )

    const record: LedgerService["record"] = (entryId, transition, known) =>
      Effect.gen(function* () {
        const { t, date } = yield* now
        // The caller's copy of the entry: when it is still current, the guarded write is the only
        // round trip. Anything but a write, or a lost guard, is decided from the locked row below.
        if (known !== undefined && known.id === entryId) {
          const planned = plan(known, transition, t)
          if (planned._tag === "Write") {
            const updated = yield* write(known, planned.planned, planned.event, transition, date)
            if (updated !== undefined)
              return new Recorded({ entry: updated, event: planned.event }) as RecordOutcome
          }
        }
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            const current = (yield* Effect.flatMap(
              sql.unsafe(`SELECT ${entryColumns} FROM ledger_entries WHERE id = $1 FOR UPDATE`, [entryId]),
              entries
            ))[0]
            if (current === undefined) return yield* new EntryNotFound({ entryId })
            const planned = plan(current, transition, t)
            if (planned._tag !== "Write") {
              return planned._tag === "Unchanged" ? (planned as RecordOutcome) : yield* Effect.fail(planned)
            }
            // The row is locked: the guard holds.
            const updated = (yield* write(current, planned.planned, planned.event, transition, date))!
            return new Recorded({ entry: updated, event: planned.event }) as RecordOutcome
          })
        )
      }).pipe(
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("record")(e))),
        Effect.withSpan("ledger.record")
      )

    const list: LedgerService["list"] = (input) =>
      Effect.gen(function* () {
        const limit = input.limit ?? 50
        yield* checkLimit(limit, 500)
        const after =
          input.after === undefined
            ? undefined
            : yield* decodeCursor(
                "after",
                input.after,
                2,
                ([ms, id]) => digits.test(ms!) && id!.startsWith("le_")
              )
        const clauses = [
          input.provider === undefined ? undefined : sql`provider = ${input.provider}`,
          input.state === undefined ? undefined : sql`state = ${input.state}`,
          input.from === undefined ? undefined : sql`created_at >= ${DateTime.toDate(input.from)}`,
          input.to === undefined ? undefined : sql`created_at < ${DateTime.toDate(input.to)}`,
          after === undefined
            ? undefined
            : sql`(created_at, id) > (${new Date(Number(after[0]))}, ${after[1]!})`
        ].filter((clause) => clause !== undefined)
        const rows = yield* Effect.flatMap(
          sql`SELECT ${sql.literal(entryColumns)} FROM ledger_entries WHERE ${sql.and(clauses)}
              ORDER BY created_at, id LIMIT ${limit + 1}`,
          entries
        )
        const page = rows.slice(0, limit)
        const last = page[page.length - 1]
        return {
          entries: page,
          next:
            rows.length > limit && last !== undefined
              ? encodeCursor([String(DateTime.toEpochMillis(last.createdAt)), last.id])
              : undefined
        }
      }).pipe(
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("list")(e))),
        Effect.withSpan("ledger.list")
      )

    // `ORDER BY` names the table's columns: a bare name would be the `::text` output alias, and
    // text order puts 10 before 9.
    const history: LedgerService["history"] = (entryId) =>
      sql`SELECT id::text AS id, entry_id, from_state, to_state, source, code, at
          FROM ledger_history WHERE entry_id = ${entryId} ORDER BY ledger_history.id`.pipe(
        Effect.flatMap((rows) => Effect.orDie(decodeHistory(rows))),
        Effect.map((rows) =>
          rows.map(
            (row): HistoryRecord => ({
              id: row.id,
              entryId: row.entry_id,
              from: row.from_state ?? undefined,
              to: row.to_state,
              source: row.source,
              code: row.code ?? undefined,
              at: row.at
            })
          )
        ),
        Effect.mapError(unavailable("history"))
      )

    const claimDue: LedgerService["claimDue"] = ({ lease, limit, owner }) =>
      Effect.gen(function* () {
        yield* checkLimit(limit, 500)
        if (owner === "")
          return yield* new KasirError.InvalidInput({
            provider: "kasir",
            operation: "ledger",
            field: "owner",
            reason: "must not be empty"
          })
        const { t, date } = yield* now
        const claimed = yield* Effect.flatMap(
          sql.unsafe(
            `UPDATE ledger_entries SET locked_by = $1, locked_until = $2, attempts = attempts + 1
             WHERE id IN (
               SELECT id FROM ledger_entries
               WHERE state IN ('sending', 'pending', 'unknown')
                 AND next_check_at <= $3
                 AND (locked_until IS NULL OR locked_until <= $3)
               ORDER BY next_check_at, id
               LIMIT $4
               FOR UPDATE SKIP LOCKED
             )
             RETURNING ${entryColumns}`,
            [owner, plus(t, Duration.decode(lease)), date, limit]
          ),
          entries
        )
        return [...claimed].sort(
          (a, b) =>
            DateTime.toEpochMillis(a.nextCheckAt!) - DateTime.toEpochMillis(b.nextCheckAt!) ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
        )
      }).pipe(
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("claimDue")(e))),
        Effect.withSpan("ledger.claimDue")
      )

    const endClaim = (operation: string, entryId: string, owner: string, nextCheck: Date | undefined) =>
      Effect.flatMap(
        nextCheck === undefined
          ? sql`UPDATE ledger_entries SET locked_by = NULL, locked_until = NULL
                WHERE id = ${entryId} AND locked_by = ${owner} RETURNING id`
          : sql`UPDATE ledger_entries SET locked_by = NULL, locked_until = NULL, next_check_at = ${nextCheck}
                WHERE id = ${entryId} AND locked_by = ${owner}
                  AND state IN ('sending', 'pending', 'unknown') RETURNING id`,
        (rows) => (rows.length === 1 ? Effect.void : Effect.fail(new LeaseLost({ entryId, owner })))
      ).pipe(Effect.catchTag("SqlError", (e) => Effect.fail(unavailable(operation)(e))))

    const release: LedgerService["release"] = (entryId, owner) =>
      endClaim("release", entryId, owner, undefined)

    const reschedule: LedgerService["reschedule"] = (entryId, owner, checkIn) =>
      Effect.flatMap(DateTime.now, (t) =>
        endClaim("reschedule", entryId, owner, plus(t, Duration.decode(checkIn)))
      )

    const eventsAfter: LedgerService["eventsAfter"] = (cursor, limit) =>
      Effect.gen(function* () {
        yield* checkLimit(limit, 1000)
        const [txid, seq] =
          cursor === undefined
            ? ["0", "0"]
            : yield* decodeCursor("cursor", cursor, 2, (parts) => parts.every((part) => digits.test(part)))
        const rows = yield* Effect.flatMap(
          sql`SELECT id, seq::text AS seq, txid::text AS txid, type, entry_id, payload, created_at
              FROM ledger_events
              WHERE (txid, seq) > (${txid}::xid8, ${seq}::bigint)
                AND txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY ledger_events.txid, ledger_events.seq
              LIMIT ${limit}`,
          (rows) => Effect.orDie(decodeEvents(rows))
        )
        const last = rows[rows.length - 1]
        return {
          events: rows.map(toEvent),
          cursor:
            last === undefined ? (cursor ?? encodeCursor(["0", "0"])) : encodeCursor([last.txid, last.seq])
        }
      }).pipe(
        Effect.catchTag("SqlError", (e) => Effect.fail(unavailable("eventsAfter")(e))),
        Effect.withSpan("ledger.eventsAfter")
      )

    const event: LedgerService["event"] = (eventId) =>
      sql`SELECT id, seq::text AS seq, txid::text AS txid, type, entry_id, payload, created_at
          FROM ledger_events WHERE id = ${eventId}`.pipe(
        Effect.flatMap((rows) => Effect.orDie(decodeEvents(rows))),
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toEvent)),
        Effect.mapError(unavailable("event"))
      )

    return {
      instance,
      begin,
      awaitOutcome,
      record,
      get,
      entry,
      list,
      history,
      claimDue,
      release,
      reschedule,
      eventsAfter,
      event
    } satisfies LedgerService
  })

/**
 * The `Ledger` over the `SqlClient` in context (migrate first: `Migrations.run`).
 */
export const layer = (options: LedgerOptions = {}): Layer.Layer<Ledger, never, SqlClient.SqlClient> =>
  Layer.effect(Ledger, make(options))
