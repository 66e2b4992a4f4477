/**
 * The ledger's typed failures.
 *
 * Each class has a `kind` from `@kasir/core`'s `ErrorKind`, so the apps map them to exit codes and
 * HTTP statuses the way they map core's errors. Messages name variables, fields and states, never
 * a value that could be a secret (a database URL's password is never part of any message).
 * A malformed argument or configuration value is core's shared `KasirError.InvalidInput` /
 * `KasirError.InvalidConfig` (provider `kasir`; a ledger input error names operation `ledger`), so one class of each
 * exists across kasir.
 */
import { type ErrorKind, KasirError } from "@kasir/core"
import { Schema } from "effect"

/**
 * The database cannot be reached or refused a statement. Nothing was written: a money-moving
 * request must not be sent (the gateway answers 503 `ledger-unavailable`).
 */
export class LedgerUnavailable extends Schema.TaggedError<LedgerUnavailable>()("LedgerUnavailable", {
  /** The ledger operation, e.g. `begin`. */
  operation: Schema.String,
  /** What the database driver said (no URL, no password). */
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Unavailable"
  }
  override get message(): string {
    return `ledger.${this.operation}: the ledger database is unavailable (${this.detail}); nothing was recorded`
  }
}

/**
 * The database holds migrations this code does not know: it was migrated by a newer kasir.
 * Running older code against it could misread or corrupt the record, so it refuses to start.
 */
export class SchemaTooNew extends Schema.TaggedError<SchemaTooNew>()("SchemaTooNew", {
  /** The newest migration recorded in the database. */
  database: Schema.Number,
  /** The newest migration this code ships. */
  code: Schema.Number
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Configuration"
  }
  override get message(): string {
    return `the ledger database is at schema version ${this.database}, newer than this kasir's ${this.code}; upgrade kasir (or point KASIR_DATABASE_URL at a database of this version)`
  }
}

/**
 * No entry has this id.
 */
export class EntryNotFound extends Schema.TaggedError<EntryNotFound>()("EntryNotFound", {
  entryId: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "InvalidRequest"
  }
  override get message(): string {
    return `ledger: no entry ${this.entryId}`
  }
}

/**
 * The transition is not allowed by the state machine (e.g. `succeeded` → `failed`: a final
 * outcome never changes). Nothing was written: no state, no history, no event.
 */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  entryId: Schema.String,
  from: Schema.String,
  to: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "InvalidRequest"
  }
  override get message(): string {
    return `ledger: entry ${this.entryId} cannot go from ${this.from} to ${this.to}`
  }
}

/**
 * The caller expected the entry in one state and it is in another: someone else recorded a
 * transition first (e.g. two approvals racing; a recovery check racing the answer). Nothing was
 * written; read the entry again.
 */
export class StaleTransition extends Schema.TaggedError<StaleTransition>()("StaleTransition", {
  entryId: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "InvalidRequest"
  }
  override get message(): string {
    return `ledger: entry ${this.entryId} is ${this.actual}, not ${this.expected}; it changed meanwhile`
  }
}

/**
 * The recovery claim on an entry is no longer this owner's: its lease expired and another
 * instance claimed it (or the entry reached a final state).
 */
export class LeaseLost extends Schema.TaggedError<LeaseLost>()("LeaseLost", {
  entryId: Schema.String,
  owner: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Unavailable"
  }
  override get message(): string {
    return `ledger: ${this.owner} no longer holds the claim on entry ${this.entryId}`
  }
}

/**
 * Another request (perhaps on another gateway instance) is sending the money movement under this
 * reference, and it did not finish within the wait. Nothing was sent by this request; repeat it
 * after `retryAfter` (the gateway answers 409 `in-progress` with `Retry-After`).
 */
export class ReferenceInProgress extends Schema.TaggedError<ReferenceInProgress>()("ReferenceInProgress", {
  provider: Schema.Literal("ayoconnect", "nicepay"),
  operation: Schema.String,
  /** `refNumber` / `partnerReferenceNo`. */
  referenceField: Schema.String,
  reference: Schema.String,
  /** Whole seconds (at least 1) until the sender's lease ends. */
  retryAfterSeconds: Schema.Number
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get kind(): ErrorKind.ErrorKind {
    return "Unavailable"
  }
  override get message(): string {
    return `${this.provider} ${this.operation}: ${this.referenceField} ${this.reference} is being sent by another request; nothing was sent again, retry after ${this.retryAfterSeconds} s`
  }
}
