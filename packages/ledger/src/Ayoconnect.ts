/**
 * Ayoconnect payments through the ledger: the write-ahead contract around core's `payment`.
 *
 * `payment(input)`:
 *
 * 1. `begin` with the payment's defining fields — `accountNumber`, `productCode`, `amount` — as
 *    the fingerprint, keyed by `refNumber`. Nothing is sent unless this commits: a database
 *    failure is `LedgerUnavailable` and the request never leaves.
 * 2. `Claimed`: send through core and record what it said (`source: "answer"`):
 *    - `Succeeded` / `Pending` → `succeeded` / `pending`, with the response code, the English
 *      message and the ids (`transactionId`, and the `token` / serial number once succeeded).
 *    - a decline (a failure response code: the partner balance was refunded) → `failed` with its
 *      code, and the decline is the error.
 *    - `OutcomeUnknown` (a lost answer; or Ayoconnect's "duplicate transaction", when the
 *      refNumber was used outside this ledger) → `unknown`, then one status read — never a resend:
 *      the transaction Ayoconnect holds under the refNumber is recorded (`source: "status_read"`)
 *      and answered when it is this payment; when it is a different payment, this one was refused
 *      as a duplicate → `failed`, and the error is core's `ReferenceReused`; "no such transaction"
 *      right after an unclear outcome proves nothing (Ayoconnect asks to wait 150 s), so the entry
 *      stays `unknown` for recovery and the error stays `OutcomeUnknown`.
 *    - anything else is, by core's contract, a request that was not carried out (never sent, or
 *      refused before it was processed) → `failed`; the refNumber is then spent: a new payment
 *      needs a new one.
 * 3. `Replay` (an outcome exists): answered from the entry as `Replayed`, nothing sent.
 * 4. `InProgress` (another request, perhaps on another instance, is sending it): wait up to
 *    `awaitTimeout` for its outcome (then `Replayed`), else `ReferenceInProgress` with the
 *    seconds left on the sender's lease.
 * 5. `FingerprintMismatch`: core's `ReferenceReused` naming the differing fields.
 *
 * The same shape as `Nicepay`: a service over `Ledger` and core's client, app-agnostic (the
 * gateway and the CLI compose it), with the mapping from core's outcomes to ledger states here.
 */
import { Ayoconnect as Core, type Idempotency, type KasirError } from "@kasir/core"
import { Context, Data, Duration, Effect, Layer } from "effect"
import { type LedgerUnavailable, ReferenceInProgress } from "./Errors.js"
import * as Fingerprint from "./Fingerprint.js"
import { awaitOutcome, settle, type Subject } from "./internal/flow.js"
import * as Ledger from "./Ledger.js"

export { ReferenceInProgress }

/**
 * The upstream answered this request: `status` is what it said (also recorded in `entry`).
 */
export class Sent extends Data.TaggedClass("Sent")<{
  readonly entry: Ledger.Entry
  readonly status: Core.Status.TransactionStatus
}> {}

/**
 * Answered from the ledger: an earlier (or concurrent) request sent it; nothing was sent now.
 */
export class Replayed extends Data.TaggedClass("Replayed")<{ readonly entry: Ledger.Entry }> {}

export type PaymentAnswer = Sent | Replayed

/**
 * Why a payment was not answered: core's errors, a reused refNumber, one in progress elsewhere,
 * or the ledger being unavailable (nothing was sent then).
 */
export type PaymentFailure =
  | Core.PaymentError
  | Core.ResponseCode.ResponseCodeError
  | Idempotency.ReferenceReused
  | ReferenceInProgress
  | LedgerUnavailable
  | KasirError.InvalidInput

export interface Options {
  /** How long a request waits for a concurrent one holding its refNumber; default 10 s. */
  readonly awaitTimeout?: Duration.DurationInput | undefined
}

export interface Service {
  /** Pays once per refNumber, written ahead in the ledger (see the module header). */
  readonly payment: (input: Core.PaymentInput) => Effect.Effect<PaymentAnswer, PaymentFailure>
  /**
   * Reads the payment's status from Ayoconnect and records it (`source: "status_read"`) when the
   * ledger holds the refNumber. Returns the status and the entry as it is after the read.
   */
  readonly refresh: (
    refNumber: string
  ) => Effect.Effect<
    { readonly status: Core.Status.TransactionStatus; readonly entry: Ledger.Entry | undefined },
    Core.ReadError | KasirError.InvalidInput | LedgerUnavailable
  >
}

export class AyoconnectPayments extends Context.Tag("@kasir/ledger/AyoconnectPayments")<
  AyoconnectPayments,
  Service
>() {}

/**
 * The fingerprint fields of a payment (besides `amount`).
 */
export const fingerprintFields = (input: {
  readonly accountNumber: string
  readonly productCode: string
}): Record<string, string> => ({ accountNumber: input.accountNumber, productCode: input.productCode })

/**
 * The ledger state of an Ayoconnect transaction status.
 */
export const stateOf = (status: Core.Status.TransactionStatus): Ledger.State =>
  status._tag === "Succeeded" ? "succeeded" : status._tag === "Pending" ? "pending" : "failed"

/**
 * What the ledger keeps of a status: code, English message, and as ids the Indonesian message
 * (`messageID`), `transactionId`, the `token` once there is one and, for a failure, the meaning
 * of its code (`reason`). No secret is part of an answer.
 */
export const upstreamOf = (status: Core.Status.TransactionStatus): Ledger.UpstreamDetails => {
  const ids: Record<string, string> = { messageID: status.message.ID }
  if (status._tag === "Failed") ids.reason = status.error._tag
  const transaction = status.transaction
  if (transaction !== undefined) {
    if (transaction.transactionId !== 0) ids.transactionId = String(transaction.transactionId)
    if (transaction.token !== "") ids.token = transaction.token
  }
  return { code: String(status.responseCode), message: status.message.EN, ids }
}

const errorUpstream = (error: unknown): Ledger.UpstreamDetails => {
  const e = error as {
    readonly responseCode?: unknown
    readonly upstreamMessage?: { readonly EN?: unknown; readonly ID?: unknown }
    readonly message?: unknown
  }
  const code = typeof e.responseCode === "number" ? String(e.responseCode) : undefined
  const en = typeof e.upstreamMessage?.EN === "string" ? e.upstreamMessage.EN : undefined
  const id = typeof e.upstreamMessage?.ID === "string" ? e.upstreamMessage.ID : undefined
  const ids: Record<string, string> = {}
  if (id !== undefined) ids.messageID = id
  // The meaning of a failure code, e.g. `WrongAccountNumber`.
  const tag = (error as { readonly _tag?: unknown })._tag
  if (code !== undefined && typeof tag === "string") ids.reason = tag
  return {
    code,
    message: en ?? (typeof e.message === "string" ? e.message.slice(0, 500) : undefined),
    ids
  }
}

export const make = (options: Options = {}): Effect.Effect<Service, never, Ledger.Ledger | Core.Ayoconnect> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    const client = yield* Core.Ayoconnect
    const awaitTimeout = Duration.decode(options.awaitTimeout ?? "10 seconds")

    const reused = (refNumber: string, fields: ReadonlyArray<string>) =>
      Fingerprint.toReferenceReused({
        upstream: "ayoconnect",
        operation: "payment",
        referenceField: "refNumber",
        reference: refNumber,
        fields
      })

    // The outcome is unknown: one status read, never a resend.
    const resolveUnknown = (
      input: Core.PaymentInput,
      entry: Ledger.Entry,
      unknown: KasirError.OutcomeUnknown
    ): Effect.Effect<PaymentAnswer, PaymentFailure> =>
      Effect.gen(function* () {
        const recorded = yield* settle(ledger, entry, {
          to: "unknown",
          from: "sending",
          source: "answer",
          upstream: {
            code: unknown.upstreamCode,
            message: unknown.reason.slice(0, 500)
          }
        })
        // Core's rule: one status read; 188 right after an unclear outcome proves nothing (the
        // entry stays `unknown`), a different payment under the refNumber means ours was refused.
        const resolved = yield* Effect.either(client.resolvePaymentOutcome(input, unknown))
        if (resolved._tag === "Left") {
          if (resolved.left._tag === "OutcomeUnknown") return yield* Effect.fail(resolved.left)
          const differing = resolved.left.fields
          yield* settle(ledger, recorded, {
            to: "failed",
            source: "status_read",
            upstream: {
              code: unknown.upstreamCode,
              message: `refused: Ayoconnect holds a different payment under this refNumber (${differing.join(", ")} differ)`
            }
          })
          return yield* Effect.fail(reused(input.refNumber, differing))
        }
        const status = resolved.right
        const settled = yield* settle(ledger, recorded, {
          to: stateOf(status),
          source: "status_read",
          upstream: upstreamOf(status)
        })
        return status._tag === "Failed"
          ? yield* Effect.fail(status.error)
          : new Sent({ entry: settled, status })
      })

    const send = (
      input: Core.PaymentInput,
      entry: Ledger.Entry
    ): Effect.Effect<PaymentAnswer, PaymentFailure> =>
      client.payment(input).pipe(
        Effect.flatMap((status) =>
          Effect.map(
            settle(ledger, entry, {
              to: stateOf(status),
              from: "sending",
              source: "answer",
              upstream: upstreamOf(status)
            }),
            (settled): PaymentAnswer => new Sent({ entry: settled, status })
          )
        ),
        Effect.catchAll((error): Effect.Effect<PaymentAnswer, PaymentFailure> => {
          if (error._tag === "OutcomeUnknown") return resolveUnknown(input, entry, error)
          // Core's contract: any other failure means the payment was not carried out.
          return Effect.zipRight(
            settle(ledger, entry, {
              to: "failed",
              from: "sending",
              source: "answer",
              upstream: errorUpstream(error)
            }),
            Effect.fail(error)
          )
        })
      )

    const payment: Service["payment"] = (input) =>
      Effect.gen(function* () {
        const subject: Subject = {
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: input.refNumber
        }
        const outcome = yield* ledger.begin({
          provider: "ayoconnect",
          operation: "payment",
          reference: input.refNumber,
          fields: fingerprintFields(input),
          amount: BigInt(input.amount)
        })
        switch (outcome._tag) {
          case "Claimed":
            return yield* send(input, outcome.entry)
          case "Replay":
            return new Replayed({ entry: outcome.entry })
          case "InProgress":
            return new Replayed({ entry: yield* awaitOutcome(ledger, subject, outcome, awaitTimeout) })
          case "FingerprintMismatch":
            return yield* Effect.fail(reused(input.refNumber, outcome.fields))
        }
      })

    const refresh: Service["refresh"] = (refNumber) =>
      Effect.gen(function* () {
        const status = yield* client.status({ refNumber })
        const found = yield* ledger.get("ayoconnect", refNumber)
        if (found._tag === "None") return { status, entry: undefined }
        const entry = found.value
        if (entry.state === "sending" || Ledger.isFinal(entry.state)) return { status, entry }
        const to = stateOf(status)
        // `unknown` → `pending` is a legal step; only a different state is written.
        if (to === entry.state || !Ledger.transitions[entry.state].includes(to)) return { status, entry }
        const settled = yield* settle(ledger, entry, {
          to,
          from: entry.state,
          source: "status_read",
          upstream: upstreamOf(status)
        })
        return { status, entry: settled }
      })

    return { payment, refresh } satisfies Service
  })

export const layer = (
  options: Options = {}
): Layer.Layer<AyoconnectPayments, never, Ledger.Ledger | Core.Ayoconnect> =>
  Layer.effect(AyoconnectPayments, make(options))
