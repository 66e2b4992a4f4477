/**
 * Failures the CLI itself detects, classified with the same `kind` as @kasir/core's errors so
 * one mapping turns every failure into an exit code. A wrong command line or configuration is
 * core's shared `KasirError.InvalidInput` / `KasirError.InvalidConfig` (provider `kasir`, with
 * the reason and an optional hint), the same classes core and the ledger fail with.
 */
import type { ErrorKind } from "@kasir/core"
import * as KasirError from "@kasir/core/KasirError"
import { Schema } from "effect"

/**
 * The embedded sandbox could not be started (no free loopback port, for instance). Exit code 3.
 */
export class SandboxUnavailable extends Schema.TaggedError<SandboxUnavailable>()("SandboxUnavailable", {
  reason: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Unavailable"
  }

  override get message(): string {
    return `the embedded sandbox could not start: ${this.reason}`
  }
}

/**
 * A payout status lookup found the payout failed at the bank. Exit code 1.
 */
export class PayoutFailed extends Schema.TaggedError<PayoutFailed>()("PayoutFailed", {
  partnerReferenceNo: Schema.String,
  description: Schema.optional(Schema.String)
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind.ErrorKind {
    return "Declined"
  }

  override get message(): string {
    return `NICEPAY payout ${this.partnerReferenceNo} failed${this.description === undefined || this.description === "" ? "" : `: ${this.description}`}`
  }
}
