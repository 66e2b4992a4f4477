/**
 * Recovery: finishes what a crash, a lost answer or a lost callback left open — by reading,
 * never by resending.
 *
 * Every `sending` / `unknown` / `pending` entry is claimed once it is due (`Ledger.claimDue`:
 * `FOR UPDATE SKIP LOCKED` and a lease, so any number of instances share one database without
 * working on one entry together; a crashed instance's claims are taken over when their lease
 * ends). A `sending` entry is only due once the lease of the request that wrote it ahead has
 * ended, so recovery never races a request that may still be running. Each claimed entry is
 * resolved by its upstream's status read, and the answer is recorded with source
 * `reconciliation` — or, when the upstream has not settled it, the entry is rescheduled on that
 * upstream's schedule. Callbacks and notifications only make this faster; it needs neither.
 *
 * The read and its mapping are upstream policy and live here, beside the ledger:
 *
 * - **Ayoconnect** (`recoverPayment`, i.e. `bill/status`): `Succeeded` / `Failed` are final;
 *   `Pending` is polled again (15 s, doubling, capped at 10 minutes). RC 188 ("no transaction under
 *   this refNumber") is only trusted once Ayoconnect's ~150 s have passed since the payment could
 *   last have been sent (`notCreatedAfter`, default 160 s after the entry's last write: the 150 s
 *   plus the payment's 10 s deadline); before that the entry is simply checked again then. After
 *   it, the payment never reached Ayoconnect: the entry is `failed` with code 188 — no money moved.
 * - **NICEPAY** (`inquiry` with the payout id `originalReferenceNo` the registration answered
 *   and the beneficiary account), mapped as the provider module maps answers (`Nicepay.stateOf`):
 *   `00` Success → `succeeded` (a scheduled payout stays `pending` until its time, checked again
 *   then); `04` Canceled, `05` Rejected, `09` Failed → `failed`; `08` Suspect → `pending`, polled again (30 s, doubling, capped at 30 min);
 *   `03` Pending — registered and waiting for the merchant's approve or reject, nothing NICEPAY
 *   will settle on its own — → `pending`, looked at again every `awaitingDecision` (15 min). A
 *   registration whose answer was lost has no payout id to read (NICEPAY's inquiry needs it), and
 *   resending it is the caller's decision, never recovery's: the entry becomes `unknown` with that
 *   reason and is looked at again hourly (`unreadable`).
 *
 * A read that fails (the upstream is down, a timeout) leaves the entry as it is and reschedules
 * it with the same backoff; the number of claims so far (`attempts`) drives the backoff. No
 * jitter: claims are exclusive, so instances never stampede on one entry.
 *
 * `runOnce` claims and resolves one batch; `run` does that at start and then every `interval`;
 * `layer` forks `run` for the life of its scope (the gateway's), interrupted on shutdown.
 * A provider whose client is not in context is skipped: its entries are released untouched.
 *
 * Metrics (Effect metrics, exported by the gateway's `/metrics` and OTLP): runs by outcome
 * (`kasir_reconciler_runs_total`), claimed entries by provider and outcome
 * (`kasir_reconciler_entries_total`), and resolutions by provider and the state recorded
 * (`kasir_reconciler_resolutions_total`). Label values are bounded: no references.
 */
import { Ayoconnect, Metrics as CoreMetrics, Nicepay, type KasirError } from "@kasir/core"
import {
  Config,
  type ConfigError,
  Context,
  Data,
  DateTime,
  Duration,
  Effect,
  Layer,
  Metric,
  Option,
  Schedule
} from "effect"
import type { LedgerUnavailable } from "./Errors.js"
import * as AyoconnectFlow from "./Ayoconnect.js"
import * as Ledger from "./Ledger.js"
import * as NicepayFlow from "./Nicepay.js"

/**
 * Reconciliation runs (`runOnce`: claim one batch of due entries, resolve each), by `outcome`:
 * `ok`, or `error` when the ledger could not be read or written.
 */
export const runsMetric = Metric.counter("kasir_reconciler_runs", {
  description: "Reconciliation runs (claim a batch of due ledger entries and resolve each), by outcome",
  incremental: true
})

/**
 * Claimed entries, by `provider` and `outcome`: `resolved`, `rescheduled` or `skipped`.
 */
export const entriesMetric = Metric.counter("kasir_reconciler_entries", {
  description:
    "Due ledger entries the reconciler claimed, by provider and outcome (resolved, rescheduled, skipped)",
  incremental: true
})

/**
 * Resolved entries, by `provider` and the `state` recorded (`succeeded`, `failed`, `unknown`, …).
 */
export const resolutionsMetric = Metric.counter("kasir_reconciler_resolutions", {
  description: "Ledger entries the reconciler resolved by a status read, by provider and the state recorded",
  incremental: true
})

const recordRun = CoreMetrics.recorder(runsMetric, "outcome")
const recordEntry = CoreMetrics.recorder(entriesMetric, "provider", "outcome")
const recordResolution = CoreMetrics.recorder(resolutionsMetric, "provider", "state")

const recordOutcome = (provider: string, outcome: Outcome): void => {
  recordEntry(1, provider, outcome._tag.toLowerCase())
  if (outcome._tag === "Resolved") recordResolution(1, provider, outcome.to)
}

/**
 * A backoff: `base` after the first claim, doubling per claim, never more than `cap`.
 */
export interface Backoff {
  readonly base: Duration.DurationInput
  readonly cap: Duration.DurationInput
}

export interface Options {
  /** The claiming instance's id; default the ledger's `instance`. */
  readonly owner?: string | undefined
  /** How long a claim lasts (a status read with its retries must fit); default 2 minutes. */
  readonly lease?: Duration.DurationInput | undefined
  /** Entries per claim; default 50. */
  readonly batch?: number | undefined
  /** Between two runs of `run`; default 10 seconds. */
  readonly interval?: Duration.DurationInput | undefined
  readonly ayoconnect?:
    | {
        /** Pending polls; default 15 s doubling to 10 minutes. */
        readonly backoff?: Backoff | undefined
        /** RC 188 is trusted this long after the entry's last write; default 160 s. */
        readonly notCreatedAfter?: Duration.DurationInput | undefined
      }
    | undefined
  readonly nicepay?:
    | {
        /** Suspect / unknown polls; default 30 s doubling to 30 minutes. */
        readonly backoff?: Backoff | undefined
        /** A registered payout waiting for approve / reject; default 15 minutes. */
        readonly awaitingDecision?: Duration.DurationInput | undefined
        /** A registration without a payout id to read; default 1 hour. */
        readonly unreadable?: Duration.DurationInput | undefined
      }
    | undefined
}

/**
 * What one claimed entry came to.
 *
 * - `Resolved`: a transition was recorded (`to`).
 * - `Rescheduled`: nothing to record yet; checked again after `after`.
 * - `Skipped`: the entry changed under the claim (a request or callback recorded first), or its
 *   provider has no client here; nothing was written.
 */
export type Outcome = Data.TaggedEnum<{
  Resolved: { readonly entryId: string; readonly reference: string; readonly to: Ledger.State }
  Rescheduled: { readonly entryId: string; readonly reference: string; readonly after: Duration.Duration }
  Skipped: { readonly entryId: string; readonly reference: string; readonly reason: string }
}>

export const Outcome = Data.taggedEnum<Outcome>()

export interface Service {
  /** Claims one batch of due entries and resolves each; answers what became of each. */
  readonly runOnce: Effect.Effect<ReadonlyArray<Outcome>, LedgerUnavailable | KasirError.InvalidInput>
  /** `runOnce` now and then every `interval`, forever; a failed run is logged and the next one runs. */
  readonly run: Effect.Effect<never>
}

export class Reconciler extends Context.Tag("@kasir/ledger/Reconciler")<Reconciler, Service>() {}

/**
 * The delay after the `attempts`-th claim: `base · 2^(attempts − 1)`, at most `cap`.
 */
export const backoffDelay = (backoff: Backoff, attempts: number): Duration.Duration => {
  const base = Duration.toMillis(Duration.decode(backoff.base))
  const cap = Duration.toMillis(Duration.decode(backoff.cap))
  const exponent = Math.min(Math.max(attempts - 1, 0), 30)
  return Duration.millis(Math.min(cap, base * 2 ** exponent))
}

// What a read decided for one entry, before it is written.
type Decision =
  | {
      readonly _tag: "Record"
      readonly to: Ledger.State
      readonly upstream: Ledger.UpstreamDetails
      readonly checkIn?: Duration.Duration | undefined
    }
  | { readonly _tag: "Later"; readonly after: Duration.Duration; readonly reason: string }

const later = (after: Duration.Duration, reason: string): Decision => ({ _tag: "Later", after, reason })

/**
 * The Ayoconnect read and its mapping (see the module header).
 */
export const decideAyoconnect = (
  client: Ayoconnect.Service,
  entry: Ledger.Entry,
  settings: { readonly backoff: Backoff; readonly notCreatedAfter: Duration.Duration }
): Effect.Effect<Decision> =>
  Effect.gen(function* () {
    const retry = backoffDelay(settings.backoff, entry.attempts)
    const found = yield* Effect.either(client.recoverPayment(entry.reference))
    if (found._tag === "Left") return later(retry, `status read failed: ${found.left._tag}`)
    const recovery = found.right
    if (recovery._tag === "NotCreated") {
      const now = yield* DateTime.now
      const trustedAt = DateTime.addDuration(entry.updatedAt, settings.notCreatedAfter)
      if (DateTime.lessThan(now, trustedAt)) {
        const wait = Duration.millis(DateTime.toEpochMillis(trustedAt) - DateTime.toEpochMillis(now))
        return later(wait, "RC 188 before Ayoconnect's 150 s: not yet conclusive")
      }
      if (entry.state === "pending") {
        // Ayoconnect once reported it processing: a 188 now is an upstream inconsistency, not
        // proof that nothing moved. Keep asking.
        return later(retry, "RC 188 for a payment Ayoconnect reported as processing")
      }
      return {
        _tag: "Record",
        to: "failed",
        upstream: {
          code: String(Ayoconnect.ResponseCode.TRANSACTION_NOT_FOUND),
          message:
            "no transaction under this refNumber at Ayoconnect: the payment never arrived, no money moved"
        }
      }
    }
    const status = recovery.status
    const to = AyoconnectFlow.stateOf(status)
    return {
      _tag: "Record",
      to,
      upstream: AyoconnectFlow.upstreamOf(status),
      checkIn: to === "pending" ? retry : undefined
    }
  })

const field = (entry: Ledger.Entry, name: string): string | undefined =>
  entry.upstreamIds[name] ?? entry.fingerprint.fields[name]

const statusCode: Record<Nicepay.Schemas.TransactionStatus, string> = {
  Success: "00",
  Pending: "03",
  Canceled: "04",
  Rejected: "05",
  Suspect: "08",
  Failed: "09"
}

/**
 * The NICEPAY read and its mapping (see the module header).
 */
export const decideNicepay = (
  client: Nicepay.Service,
  entry: Ledger.Entry,
  settings: {
    readonly backoff: Backoff
    readonly awaitingDecision: Duration.Duration
    readonly unreadable: Duration.Duration
  }
): Effect.Effect<Decision> =>
  Effect.gen(function* () {
    const retry = backoffDelay(settings.backoff, entry.attempts)
    const originalReferenceNo = field(entry, "originalReferenceNo")
    const beneficiaryAccountNo = field(entry, "beneficiaryAccountNo")
    if (originalReferenceNo === undefined || beneficiaryAccountNo === undefined) {
      const reason =
        "the registration's answer was lost: no payout id (originalReferenceNo) to read; repeating the registration is the caller's decision"
      return entry.state === "unknown"
        ? later(settings.unreadable, reason)
        : { _tag: "Record", to: "unknown", upstream: { message: reason }, checkIn: settings.unreadable }
    }
    const read = yield* Effect.either(
      client.inquiry({ partnerReferenceNo: entry.reference, originalReferenceNo, beneficiaryAccountNo })
    )
    if (read._tag === "Left") return later(retry, `inquiry failed: ${read.left._tag}`)
    const state = read.right
    const upstream: Ledger.UpstreamDetails = {
      code: statusCode[state.status],
      message: state.statusDescription ?? state.status,
      ids: { originalReferenceNo: state.originalReferenceNo, status: state.status }
    }
    const scheduled = entry.upstreamIds.scheduledAt
    const scheduledAt = scheduled === undefined ? undefined : Option.getOrUndefined(DateTime.make(scheduled))
    const now = yield* DateTime.now
    const to = NicepayFlow.stateOf(state.status, scheduledAt, now)
    if (to !== "pending") return { _tag: "Record", to, upstream }
    // Pending: a registration waiting for the merchant's decision, a Suspect at the bank, or a
    // scheduled payout that has not run yet (checked again when it is due to).
    const checkIn =
      state.status === "Pending"
        ? settings.awaitingDecision
        : state.status === "Success" && scheduledAt !== undefined
          ? Duration.millis(Math.max(0, DateTime.toEpochMillis(scheduledAt) - DateTime.toEpochMillis(now)))
          : retry
    return { _tag: "Record", to, upstream, checkIn }
  })

export const make = (options: Options = {}): Effect.Effect<Service, never, Ledger.Ledger> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    const ayoconnect = yield* Effect.serviceOption(Ayoconnect.Ayoconnect)
    const nicepay = yield* Effect.serviceOption(Nicepay.NicepayPayout)
    const owner = options.owner ?? ledger.instance
    const lease = options.lease ?? "2 minutes"
    const batch = options.batch ?? 50
    const interval = options.interval ?? "10 seconds"
    const ayoconnectSettings = {
      backoff: options.ayoconnect?.backoff ?? { base: "15 seconds", cap: "10 minutes" },
      notCreatedAfter: Duration.decode(options.ayoconnect?.notCreatedAfter ?? "160 seconds")
    }
    const nicepaySettings = {
      backoff: options.nicepay?.backoff ?? { base: "30 seconds", cap: "30 minutes" },
      awaitingDecision: Duration.decode(options.nicepay?.awaitingDecision ?? "15 minutes"),
      unreadable: Duration.decode(options.nicepay?.unreadable ?? "1 hour")
    }

    const decide = (entry: Ledger.Entry): Effect.Effect<Option.Option<Decision>> => {
      if (entry.provider === "ayoconnect")
        return Option.match(ayoconnect, {
          onNone: () => Effect.succeedNone,
          onSome: (client) => Effect.asSome(decideAyoconnect(client, entry, ayoconnectSettings))
        })
      return Option.match(nicepay, {
        onNone: () => Effect.succeedNone,
        onSome: (client) => Effect.asSome(decideNicepay(client, entry, nicepaySettings))
      })
    }

    const resolve = (entry: Ledger.Entry): Effect.Effect<Outcome, LedgerUnavailable> =>
      Effect.gen(function* () {
        const ids = { entryId: entry.id, reference: entry.reference }
        const skipped = (reason: string) => Effect.succeed(Outcome.Skipped({ ...ids, reason }))
        const decision = yield* decide(entry)
        if (Option.isNone(decision)) {
          yield* Effect.catchTag(ledger.release(entry.id, owner), "LeaseLost", () => Effect.void)
          return Outcome.Skipped({ ...ids, reason: `no ${entry.provider} client configured` })
        }
        const d = decision.value
        const reschedule = (after: Duration.Duration) =>
          ledger.reschedule(entry.id, owner, after).pipe(
            Effect.as(Outcome.Rescheduled({ ...ids, after })),
            Effect.catchTag("LeaseLost", () => skipped("the claim was lost"))
          )
        if (d._tag === "Later") {
          yield* Effect.logDebug(`reconcile ${entry.provider} ${entry.reference}: ${d.reason}`)
          return yield* reschedule(d.after)
        }
        const recorded = yield* ledger
          .record(entry.id, {
            to: d.to,
            from: entry.state,
            source: "reconciliation",
            upstream: d.upstream,
            checkIn: d.checkIn
          })
          .pipe(
            Effect.map(Option.some),
            Effect.catchTags({
              // A request, callback or notification recorded first: its word stands.
              StaleTransition: () => Effect.succeedNone,
              IllegalTransition: () => Effect.succeedNone,
              EntryNotFound: () => Effect.succeedNone
            })
          )
        if (Option.isNone(recorded)) return yield* skipped("the entry changed while it was read")
        if (recorded.value._tag === "Recorded") {
          yield* Effect.logInfo(
            `reconciled ${entry.provider} ${entry.reference}: ${entry.state} → ${d.to}`
          ).pipe(Effect.annotateLogs({ provider: entry.provider, reference: entry.reference, state: d.to }))
          return Outcome.Resolved({ ...ids, to: d.to })
        }
        // Unchanged (still pending): nothing new to record; ask again later.
        return yield* reschedule(d.checkIn ?? backoffDelay(ayoconnectSettings.backoff, entry.attempts))
      }).pipe(
        Effect.withSpan("ledger.reconcile", {
          attributes: { "kasir.provider": entry.provider, "kasir.reference": entry.reference }
        })
      )

    const runOnce = Effect.flatMap(ledger.claimDue({ owner, lease, limit: batch }), (claimed) =>
      Effect.forEach(
        claimed,
        (entry) => Effect.tap(resolve(entry), (outcome) => recordOutcome(entry.provider, outcome)),
        { concurrency: 4 }
      )
    ).pipe(Effect.onExit((exit) => Effect.sync(() => recordRun(1, exit._tag === "Success" ? "ok" : "error"))))

    const run = runOnce.pipe(
      Effect.catchAllCause((cause) =>
        Effect.as(Effect.logWarning("reconciliation run failed; the next run retries", cause), [])
      ),
      Effect.repeat(Schedule.spaced(interval)),
      Effect.zipRight(Effect.never)
    ) as Effect.Effect<never>

    return { runOnce, run } satisfies Service
  })

/**
 * The `Reconciler` service, without running it.
 */
export const layer = (options: Options = {}): Layer.Layer<Reconciler, never, Ledger.Ledger> =>
  Layer.effect(Reconciler, make(options))

/**
 * Runs the reconciler (`run`) in a fiber for the life of the layer: once at start, then every
 * `interval`; interrupted when the layer's scope closes (the gateway's shutdown).
 */
export const layerRunning = (options: Options = {}): Layer.Layer<Reconciler, never, Ledger.Ledger> =>
  Layer.scoped(
    Reconciler,
    Effect.tap(make(options), (service) => Effect.forkScoped(service.run))
  )

/**
 * The variables of `layerConfig`.
 */
export const variables = {
  /** `false` turns recovery off in this process (another instance, or a separate worker, runs it). */
  enabled: "KASIR_RECONCILE",
  /** Between two runs, e.g. `10 seconds` (the default). */
  interval: "KASIR_RECONCILE_INTERVAL"
} as const

/**
 * `layerRunning` from the environment: `KASIR_RECONCILE` (default `true`) and
 * `KASIR_RECONCILE_INTERVAL` (default 10 seconds). The upstream schedules are not configurable
 * here: they are the upstreams' rules.
 */
export const layerConfig = (
  options: Omit<Options, "interval"> = {}
): Layer.Layer<never, ConfigError.ConfigError, Ledger.Ledger> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const enabled = yield* Config.boolean(variables.enabled).pipe(Config.withDefault(true))
      const interval = yield* Config.duration(variables.interval).pipe(
        Config.withDefault(Duration.seconds(10))
      )
      return enabled ? Layer.discard(layerRunning({ ...options, interval })) : Layer.empty
    })
  )
