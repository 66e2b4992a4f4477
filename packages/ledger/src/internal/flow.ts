/**
 * The steps every provider module shares around one money-moving call: wait (bounded) for a
 * request that holds the reference, and record an outcome after the upstream answered without
 * letting a ledger hiccup hide that answer.
 */
import { DateTime, Duration, Effect, Option } from "effect"
import { type LedgerUnavailable, ReferenceInProgress } from "../Errors.js"
import type * as Ledger from "../Ledger.js"

/** What names a reference in errors. */
export interface Subject {
  readonly provider: Ledger.Provider
  readonly operation: string
  readonly referenceField: string
  readonly reference: string
}

const secondsLeft = (entry: Ledger.Entry, now: DateTime.Utc, fallback: Duration.Duration): number => {
  if (entry.lockedUntil === undefined) return Math.max(1, Math.ceil(Duration.toSeconds(fallback)))
  return Math.max(1, Math.ceil(DateTime.distance(now, entry.lockedUntil) / 1000))
}

/**
 * Waits up to `timeout` for the entry to leave `sending`; then it is the answer (a replay).
 * Still `sending`: `ReferenceInProgress` with the seconds left on the sender's lease.
 */
export const awaitOutcome = (
  ledger: Ledger.LedgerService,
  subject: Subject,
  inProgress: Ledger.InProgress,
  timeout: Duration.Duration
): Effect.Effect<Ledger.Entry, ReferenceInProgress | LedgerUnavailable> =>
  Effect.gen(function* () {
    const found =
      Duration.toMillis(timeout) <= 0
        ? Option.some(inProgress.entry)
        : yield* ledger.awaitOutcome(subject.provider, subject.reference, { timeout })
    if (Option.isSome(found) && found.value.state !== "sending") return found.value
    const now = yield* DateTime.now
    const entry = Option.getOrElse(found, () => inProgress.entry)
    return yield* new ReferenceInProgress({
      provider: subject.provider,
      operation: subject.operation,
      referenceField: subject.referenceField,
      reference: subject.reference,
      retryAfterSeconds: secondsLeft(entry, now, inProgress.retryAfter)
    })
  })

/**
 * Records a transition after the upstream answered. The upstream's answer is the truth the
 * caller gets either way: when the write fails (database gone, or recovery recorded something
 * first), the failure is logged and the entry stays where it was — `sending` under an expiring
 * lease, which recovery resolves by a status read. Returns the entry as written, if it was.
 */
export const settle = (
  ledger: Ledger.LedgerService,
  entry: Ledger.Entry,
  transition: Ledger.Transition
): Effect.Effect<Ledger.Entry> =>
  ledger.record(entry.id, transition, entry).pipe(
    Effect.map((outcome) => outcome.entry),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logWarning("ledger: an upstream outcome could not be recorded; recovery will resolve it").pipe(
          Effect.annotateLogs({
            ledgerEntry: entry.id,
            provider: entry.provider,
            reference: entry.reference,
            to: transition.to,
            reason: error._tag
          })
        ),
        entry
      )
    )
  )
