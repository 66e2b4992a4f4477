/**
 * NICEPAY payouts through the ledger: the write-ahead contract around core's `register`,
 * `approve`, `reject` and `cancel` — the same shape as `Ayoconnect`.
 *
 * One entry per payout, keyed by `partnerReferenceNo`, fingerprinted by `beneficiaryAccountNo`,
 * `beneficiaryBankCode` (upper-cased: NICEPAY compares bank codes without regard to case) and
 * `amount`. Its upstream ids hold NICEPAY's `originalReferenceNo` and the payout's last known
 * NICEPAY `status`. The ledger state of a status (`stateOf`):
 *
 * | NICEPAY status | ledger state |
 * |---|---|
 * | `Pending` (registered, waiting for approval) | `pending` |
 * | `Success` | `succeeded` — `pending` while a scheduled payout's time has not come (it can still be canceled) |
 * | `Suspect` (approved, not yet known at the bank) | `pending` |
 * | `Failed`, `Rejected`, `Canceled` | `failed` |
 *
 * - `register`: `begin` (nothing is sent unless it commits) → `Claimed`: send; a registration is
 *   `pending`; NICEPAY's "duplicate" is resolved by core's `resolveDuplicateRegistration` (a read)
 *   and recorded from what it found; a lost answer is `unknown`; a decline or a request that was
 *   not carried out is `failed`. `Replay` → `Replayed`; `InProgress` → bounded wait, then
 *   `ReferenceInProgress`; `FingerprintMismatch` → core's `ReferenceReused`.
 * - `approve` / `reject` / `cancel` are a second money-moving step on the entry, written ahead the
 *   same way (`pending` → `sending`, one writer wins: the loser waits like an `InProgress`). Core's
 *   rule decides from the recorded status, without calling NICEPAY: a payout already where the
 *   step leads (`Success` / `Suspect` / `Failed` for approve, `Rejected`, `Canceled`) is
 *   `Replayed`; one whose status does not allow the step is core's `InvalidTransition`. An entry
 *   whose status is not known (a lost answer) is read first (`inquiry`, recorded as
 *   `status_read`) — never resent. A payout registered outside this ledger is read and adopted.
 */
import { type Idempotency, Nicepay as Core, type Snap, type KasirError } from "@kasir/core"
import { Context, Data, DateTime, Duration, Effect, Layer, Option } from "effect"
import { type LedgerUnavailable, ReferenceInProgress } from "./Errors.js"
import * as Fingerprint from "./Fingerprint.js"
import { awaitOutcome, settle, type Subject } from "./internal/flow.js"
import * as Ledger from "./Ledger.js"

export { ReferenceInProgress }

/**
 * What NICEPAY answered this request.
 */
export type PayoutResult =
  | Core.Schemas.Registered
  | Core.Schemas.PayoutState
  | Core.Schemas.Transitioned
  | Core.Schemas.InProgress

/**
 * The upstream answered this request (`result`, also recorded in `entry`).
 */
export class Sent extends Data.TaggedClass("Sent")<{
  readonly entry: Ledger.Entry
  readonly result: PayoutResult
}> {}

/**
 * Answered from the ledger: nothing was sent now.
 */
export class Replayed extends Data.TaggedClass("Replayed")<{ readonly entry: Ledger.Entry }> {}

export type PayoutAnswer = Sent | Replayed

export type Step = "approve" | "reject" | "cancel"

export type PayoutFailure =
  | Core.CallError
  | Core.Schemas.InvalidTransition
  | Snap.ResponseCode.DuplicatePartnerReference
  | Idempotency.ReferenceReused
  | ReferenceInProgress
  | LedgerUnavailable
  | KasirError.InvalidInput

export interface Options {
  /** How long a request waits for a concurrent one holding its reference; default 10 s. */
  readonly awaitTimeout?: Duration.DurationInput | undefined
}

export interface Service {
  readonly register: (payout: Core.Schemas.PayoutRequest) => Effect.Effect<PayoutAnswer, PayoutFailure>
  readonly approve: (payout: Core.Schemas.InquiryReference) => Effect.Effect<PayoutAnswer, PayoutFailure>
  readonly reject: (payout: Core.Schemas.InquiryReference) => Effect.Effect<PayoutAnswer, PayoutFailure>
  readonly cancel: (payout: Core.Schemas.InquiryReference) => Effect.Effect<PayoutAnswer, PayoutFailure>
  /** Reads the payout from NICEPAY and records it (`status_read`) when the ledger holds it. */
  readonly refresh: (
    payout: Core.Schemas.InquiryReference
  ) => Effect.Effect<
    { readonly state: Core.Schemas.PayoutState; readonly entry: Ledger.Entry | undefined },
    Core.CallError | LedgerUnavailable
  >
}

export class NicepayPayouts extends Context.Tag("@kasir/ledger/NicepayPayouts")<NicepayPayouts, Service>() {}

/**
 * The fingerprint fields of a payout (besides `amount`).
 */
export const fingerprintFields = (payout: {
  readonly beneficiaryAccountNo: string
  readonly beneficiaryBankCode: string
}): Record<string, string> => ({
  beneficiaryAccountNo: payout.beneficiaryAccountNo,
  beneficiaryBankCode: payout.beneficiaryBankCode.toUpperCase()
})

const statuses: ReadonlyArray<Core.Schemas.TransactionStatus> = [
  "Success",
  "Pending",
  "Canceled",
  "Rejected",
  "Suspect",
  "Failed"
]

/**
 * The NICEPAY status an entry last recorded, if any.
 */
export const statusOf = (entry: Ledger.Entry): Core.Schemas.TransactionStatus | undefined => {
  const status = entry.upstreamIds.status
  return statuses.find((s) => s === status)
}

/**
 * The ledger state of a NICEPAY status (see the module header). `scheduledAt`: when a scheduled
 * payout runs.
 */
export const stateOf = (
  status: Core.Schemas.TransactionStatus,
  scheduledAt: DateTime.Utc | undefined,
  now: DateTime.Utc
): Ledger.State => {
  switch (status) {
    case "Pending":
    case "Suspect":
      return "pending"
    case "Success":
      return scheduledAt !== undefined && DateTime.lessThan(now, scheduledAt) ? "pending" : "succeeded"
    default:
      return "failed"
  }
}

// reservedDt / reservedTm are WIB (UTC+7).
const scheduledInstant = (payout: Core.Schemas.PayoutRequest): string | undefined => {
  if (payout.reservedDt === undefined || payout.reservedTm === undefined) return undefined
  const d = payout.reservedDt
  const t = payout.reservedTm
  const ms = Date.UTC(
    Number(d.slice(0, 4)),
    Number(d.slice(4, 6)) - 1,
    Number(d.slice(6, 8)),
    Number(t.slice(0, 2)) - 7,
    Number(t.slice(2, 4)),
    Number(t.slice(4, 6))
  )
  return DateTime.formatIso(DateTime.unsafeMake(ms))
}

const scheduledAtOf = (entry: Ledger.Entry): DateTime.Utc | undefined => {
  const at = entry.upstreamIds.scheduledAt
  return at === undefined ? undefined : Option.getOrUndefined(DateTime.make(at))
}

/**
 * The payout as the ledger knows it (for answers from the ledger); `undefined` while its outcome
 * is not known (`sending`, `unknown`) or NICEPAY's id or status never was (a lost answer).
 */
export const payoutOf = (entry: Ledger.Entry): Core.Schemas.PayoutState | undefined => {
  if (entry.state === "sending" || entry.state === "unknown") return undefined
  const status = statusOf(entry)
  const originalReferenceNo = entry.upstreamIds.originalReferenceNo
  if (status === undefined || originalReferenceNo === undefined) return undefined
  return {
    partnerReferenceNo: entry.reference,
    originalReferenceNo,
    beneficiaryAccountNo: entry.fingerprint.fields.beneficiaryAccountNo ?? "",
    beneficiaryBankCode: entry.fingerprint.fields.beneficiaryBankCode,
    amount: Number(entry.amount) as Core.Schemas.PayoutState["amount"] & number,
    status
  }
}

// Where each step leaves a payout (core's rule), and the statuses it starts from.
const endStates: Record<Step, ReadonlyArray<Core.Schemas.TransactionStatus>> = {
  approve: ["Success", "Suspect", "Failed"],
  reject: ["Rejected"],
  cancel: ["Canceled"]
}
const startStates: Record<Step, ReadonlyArray<Core.Schemas.TransactionStatus>> = {
  approve: ["Pending"],
  reject: ["Pending"],
  cancel: ["Success"]
}

const errorUpstream = (error: unknown): Ledger.UpstreamDetails => {
  const e = error as {
    readonly responseCode?: unknown
    readonly responseMessage?: unknown
    readonly message?: unknown
  }
  return {
    code: typeof e.responseCode === "string" ? e.responseCode : undefined,
    message:
      typeof e.responseMessage === "string"
        ? e.responseMessage
        : typeof e.message === "string"
          ? e.message.slice(0, 500)
          : undefined
  }
}

export const make = (
  options: Options = {}
): Effect.Effect<Service, never, Ledger.Ledger | Core.NicepayPayout> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    const client = yield* Core.NicepayPayout
    const awaitTimeout = Duration.decode(options.awaitTimeout ?? "10 seconds")

    const reused = (operation: string, reference: string, fields: ReadonlyArray<string>) =>
      Fingerprint.toReferenceReused({
        upstream: "nicepay",
        operation,
        referenceField: "partnerReferenceNo",
        reference,
        fields
      })

    const upstreamOfState = (
      state: Core.Schemas.Payout & { readonly status: Core.Schemas.TransactionStatus }
    ) => ({
      ids: { originalReferenceNo: state.originalReferenceNo, status: state.status },
      message: state.status
    })

    // Records a status NICEPAY reported (an answer or a read).
    const recordStatus = (
      entry: Ledger.Entry,
      state: Core.Schemas.Payout & { readonly status: Core.Schemas.TransactionStatus },
      source: Ledger.Source,
      from?: Ledger.State
    ) =>
      Effect.flatMap(DateTime.now, (now) =>
        settle(ledger, entry, {
          to: stateOf(state.status, scheduledAtOf(entry), now),
          from,
          source,
          upstream: upstreamOfState(state)
        })
      )

    const register: Service["register"] = (payout) =>
      Effect.gen(function* () {
        const subject: Subject = {
          provider: "nicepay",
          operation: "register",
          referenceField: "partnerReferenceNo",
          reference: payout.partnerReferenceNo
        }
        const outcome = yield* ledger.begin({
          provider: "nicepay",
          operation: "payout",
          reference: payout.partnerReferenceNo,
          fields: fingerprintFields(payout),
          amount: BigInt(payout.amount)
        })
        switch (outcome._tag) {
          case "Replay":
            return new Replayed({ entry: outcome.entry })
          case "InProgress":
            return new Replayed({ entry: yield* awaitOutcome(ledger, subject, outcome, awaitTimeout) })
          case "FingerprintMismatch":
            return yield* Effect.fail(reused("register", payout.partnerReferenceNo, outcome.fields))
          case "Claimed":
            break
        }
        const scheduledAt = scheduledInstant(payout)
        const entry: Ledger.Entry = outcome.entry
        const withSchedule = (ids: Record<string, string>) =>
          scheduledAt === undefined ? ids : { ...ids, scheduledAt }
        return yield* client.register(payout).pipe(
          Effect.flatMap((registered) =>
            Effect.map(
              settle(ledger, entry, {
                to: "pending",
                from: "sending",
                source: "answer",
                upstream: {
                  message: registered.status,
                  ids: withSchedule({
                    originalReferenceNo: registered.originalReferenceNo,
                    status: registered.status
                  })
                }
              }),
              (settled): PayoutAnswer => new Sent({ entry: settled, result: registered })
            )
          ),
          Effect.catchAll((error): Effect.Effect<PayoutAnswer, PayoutFailure> => {
            switch (error._tag) {
              case "DuplicatePartnerReference":
                // NICEPAY holds a payout under this reference (registered outside this ledger).
                return client.resolveDuplicateRegistration(payout, error).pipe(
                  Effect.flatMap((state) =>
                    Effect.map(
                      settle(ledger, entry, {
                        to: "pending",
                        from: "sending",
                        source: "status_read",
                        upstream: { ...upstreamOfState(state), ids: withSchedule(upstreamOfState(state).ids) }
                      }).pipe(
                        // Past `pending` already (approved, rejected …): record that too.
                        Effect.flatMap((pending) =>
                          pending.state === "pending" && state.status !== "Pending"
                            ? recordStatus(pending, state, "status_read", "pending")
                            : Effect.succeed(pending)
                        )
                      ),
                      (settled): PayoutAnswer => new Sent({ entry: settled, result: state })
                    )
                  ),
                  Effect.catchAll((failure) =>
                    Effect.zipRight(
                      failure._tag === "ReferenceReused"
                        ? settle(ledger, entry, {
                            to: "failed",
                            from: "sending",
                            source: "status_read",
                            upstream: {
                              ...errorUpstream(error),
                              message:
                                "refused: NICEPAY holds a different payout under this partnerReferenceNo"
                            }
                          })
                        : settle(ledger, entry, {
                            to: "unknown",
                            from: "sending",
                            source: "answer",
                            upstream: errorUpstream(error)
                          }),
                      Effect.fail(failure)
                    )
                  )
                )
              case "OutcomeUnknown":
                return Effect.zipRight(
                  settle(ledger, entry, {
                    to: "unknown",
                    from: "sending",
                    source: "answer",
                    upstream: { message: error.reason.slice(0, 500) }
                  }),
                  Effect.fail(error)
                )
              default:
                // Core's contract: any other failure means the registration was not carried out.
                return Effect.zipRight(
                  settle(ledger, entry, {
                    to: "failed",
                    from: "sending",
                    source: "answer",
                    upstream: errorUpstream(error)
                  }),
                  Effect.fail(error)
                )
            }
          })
        )
      })

    // Sends one step on an entry already moved to `sending` for it (`previous`: where it was).
    const sendStep = (
      step: Step,
      ref: Core.Schemas.InquiryReference,
      entry: Ledger.Entry,
      previous: Ledger.State
    ): Effect.Effect<PayoutAnswer, PayoutFailure> =>
      client[step](ref).pipe(
        Effect.flatMap((result) =>
          result._tag === "InProgress"
            ? Effect.map(
                settle(ledger, entry, {
                  to: "pending",
                  from: "sending",
                  source: "answer",
                  upstream: { code: "2020000", message: result.responseMessage, ids: { status: "Suspect" } }
                }),
                (settled): PayoutAnswer => new Sent({ entry: settled, result })
              )
            : Effect.map(
                recordStatus(entry, result, "answer", "sending"),
                (settled): PayoutAnswer => new Sent({ entry: settled, result })
              )
        ),
        Effect.catchAll((error): Effect.Effect<PayoutAnswer, PayoutFailure> => {
          switch (error._tag) {
            case "InvalidTransition":
              // Core read the payout: record where it is, refuse the step.
              return Effect.zipRight(
                recordStatus(
                  entry,
                  {
                    partnerReferenceNo: error.partnerReferenceNo,
                    originalReferenceNo: error.originalReferenceNo,
                    status: error.status
                  },
                  "status_read",
                  "sending"
                ),
                Effect.fail(error)
              )
            case "OutcomeUnknown":
              return Effect.gen(function* () {
                const unknown = yield* settle(ledger, entry, {
                  to: "unknown",
                  from: "sending",
                  source: "answer",
                  upstream: { message: error.reason.slice(0, 500) }
                })
                const read = yield* Effect.either(client.recover(error))
                if (read._tag === "Left") return yield* Effect.fail(error)
                const settled = yield* recordStatus(unknown, read.right, "status_read")
                return new Sent({ entry: settled, result: read.right })
              })
            default:
              // Not carried out: the payout is where it was.
              return Effect.zipRight(
                settle(ledger, entry, {
                  to: previous === "sending" ? "unknown" : previous,
                  from: "sending",
                  source: "answer",
                  upstream: errorUpstream(error)
                }),
                Effect.fail(error)
              )
          }
        })
      )

    const step =
      (name: Step): Service["approve"] =>
      (ref) =>
        Effect.gen(function* () {
          const subject: Subject = {
            provider: "nicepay",
            operation: name,
            referenceField: "partnerReferenceNo",
            reference: ref.partnerReferenceNo
          }
          const found = yield* ledger.get("nicepay", ref.partnerReferenceNo)
          if (Option.isNone(found)) {
            // Registered outside this ledger: read it, adopt it written ahead for this step.
            const state = yield* client.inquiry(ref)
            const outcome = yield* ledger.begin({
              provider: "nicepay",
              operation: "payout",
              reference: ref.partnerReferenceNo,
              fields: fingerprintFields({
                beneficiaryAccountNo: state.beneficiaryAccountNo,
                beneficiaryBankCode: state.beneficiaryBankCode ?? ""
              }),
              amount: BigInt(state.amount ?? 0)
            })
            if (outcome._tag === "Claimed") return yield* sendStep(name, ref, outcome.entry, "sending")
            return yield* decide(name, ref, subject, outcome.entry, 0)
          }
          return yield* decide(name, ref, subject, found.value, 0)
        })

    // Core's rule over the recorded status; `round` bounds the re-reads after losing a race.
    const decide = (
      name: Step,
      ref: Core.Schemas.InquiryReference,
      subject: Subject,
      entry: Ledger.Entry,
      round: number
    ): Effect.Effect<PayoutAnswer, PayoutFailure> =>
      Effect.gen(function* () {
        const known = entry.upstreamIds.originalReferenceNo
        if (known !== undefined && known !== ref.originalReferenceNo) {
          return yield* Effect.fail(reused(name, ref.partnerReferenceNo, ["originalReferenceNo"]))
        }
        if (entry.state === "sending") {
          if (round > 0) return yield* Effect.fail(yield* inProgress(subject, entry))
          const waited = yield* awaitOutcome(
            ledger,
            subject,
            new Ledger.InProgress({ entry, retryAfter: Duration.seconds(1) }),
            awaitTimeout
          )
          return yield* decide(name, ref, subject, waited, round + 1)
        }
        const status = statusOf(entry)
        if (status === undefined || known === undefined || entry.state === "unknown") {
          // What the last answer said is not known: read it (never resend), then decide.
          if (round > 1) return new Replayed({ entry })
          const state = yield* client.inquiry(ref)
          const read = yield* recordStatus(entry, state, "status_read")
          const reread =
            read.state === entry.state && statusOf(read) === undefined
              ? {
                  ...read,
                  upstreamIds: {
                    ...read.upstreamIds,
                    originalReferenceNo: state.originalReferenceNo,
                    status: state.status
                  }
                }
              : read
          return yield* decide(name, ref, subject, reread, round + 1)
        }
        if (endStates[name].includes(status)) return new Replayed({ entry })
        if (Ledger.isFinal(entry.state) || !startStates[name].includes(status)) {
          return yield* new Core.Schemas.InvalidTransition({
            operation: name,
            partnerReferenceNo: entry.reference,
            originalReferenceNo: known,
            status
          })
        }
        const claimed = yield* ledger
          .record(entry.id, { to: "sending", from: entry.state, source: "request" }, entry)
          .pipe(
            Effect.map((outcome) => Option.some(outcome.entry)),
            Effect.catchTags({
              StaleTransition: () => Effect.succeed(Option.none<Ledger.Entry>()),
              IllegalTransition: () => Effect.succeed(Option.none<Ledger.Entry>()),
              EntryNotFound: () => Effect.succeed(Option.none<Ledger.Entry>())
            })
          )
        if (Option.isSome(claimed)) return yield* sendStep(name, ref, claimed.value, entry.state)
        // Another request moved it first: decide again on what it wrote.
        const again = yield* ledger.get("nicepay", ref.partnerReferenceNo)
        if (Option.isNone(again) || round > 1) return yield* Effect.fail(yield* inProgress(subject, entry))
        return yield* decide(name, ref, subject, again.value, round + 1)
      })

    const inProgress = (subject: Subject, entry: Ledger.Entry) =>
      Effect.map(
        DateTime.now,
        (now) =>
          new ReferenceInProgress({
            provider: subject.provider,
            operation: subject.operation,
            referenceField: subject.referenceField,
            reference: subject.reference,
            retryAfterSeconds:
              entry.lockedUntil === undefined
                ? 1
                : Math.max(1, Math.ceil(DateTime.distance(now, entry.lockedUntil) / 1000))
          })
      )

    const refresh: Service["refresh"] = (ref) =>
      Effect.gen(function* () {
        const state = yield* client.inquiry(ref)
        const found = yield* ledger.get("nicepay", ref.partnerReferenceNo)
        if (Option.isNone(found)) return { state, entry: undefined }
        const entry = found.value
        if (entry.state === "sending" || Ledger.isFinal(entry.state)) return { state, entry }
        if (
          entry.upstreamIds.originalReferenceNo !== undefined &&
          entry.upstreamIds.originalReferenceNo !== state.originalReferenceNo
        ) {
          return { state, entry }
        }
        const now = yield* DateTime.now
        const to = stateOf(state.status, scheduledAtOf(entry), now)
        if (to === entry.state || !Ledger.transitions[entry.state].includes(to)) return { state, entry }
        return { state, entry: yield* recordStatus(entry, state, "status_read", entry.state) }
      })

    return {
      register,
      approve: step("approve"),
      reject: step("reject"),
      cancel: step("cancel"),
      refresh
    } satisfies Service
  })

export const layer = (
  options: Options = {}
): Layer.Layer<NicepayPayouts, never, Ledger.Ledger | Core.NicepayPayout> =>
  Layer.effect(NicepayPayouts, make(options))
