/**
 * The metrics kasir's clients record, as Effect metrics. They live in Effect's global metric
 * registry: anyone can read them (`Metric.snapshot`), and `@kasir/telemetry` exports them through
 * OpenTelemetry (OTLP) and as Prometheus text. Recording is a synchronous update of a pre-tagged
 * metric (`unsafeUpdate`), a few hundred nanoseconds, so the clients record whether or not anyone
 * exports.
 *
 * Names follow Prometheus conventions: base units in the name (`_seconds`), counters incremental
 * (exported with `_total`). Label values are bounded: provider, operation, outcome — never a
 * reference, an account or an amount.
 */
import { type Exit, Metric, MetricBoundaries, MetricLabel } from "effect"
import { kindOf } from "./ErrorKind.js"

/**
 * Latency buckets in seconds, 5 ms to 60 s (upstream payouts answer in seconds, reads in ms).
 */
export const latencyBoundaries: MetricBoundaries.MetricBoundaries = MetricBoundaries.fromIterable([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
])

/**
 * Every HTTP attempt to an upstream (one per retry), by `provider`, `operation` and `outcome`:
 * `answered` (an HTTP response was read, whatever its code), `timeout`, `unavailable`.
 */
export const upstreamRequestDuration = Metric.histogram(
  "kasir_upstream_request_duration_seconds",
  latencyBoundaries,
  "Duration of HTTP attempts to an upstream, by provider, operation and outcome"
)

/**
 * B2B access-token requests sent to a SNAP provider, by `provider` and `outcome` (`ok`, or the
 * error kind).
 */
export const tokenFetches = Metric.counter("kasir_token_fetches", {
  description: "SNAP access-token requests sent, by provider and outcome",
  incremental: true
})

/**
 * Calls served by a cached access token, by `provider`.
 */
export const tokenCacheHits = Metric.counter("kasir_token_cache_hits", {
  description: "Upstream calls that used a cached SNAP access token, by provider",
  incremental: true
})

/**
 * Money-moving operations (NICEPAY registration / approve / reject / cancel, Ayoconnect payment),
 * by `provider`, `operation` and `outcome`: `ok`, or the error kind in snake case
 * (`declined`, `invalid_request`, `outcome_unknown`, `unavailable`, `timeout`, `unauthorized`,
 * `configuration`), `error` for anything else.
 */
export const moneyOperations = Metric.counter("kasir_money_operations", {
  description: "Money-moving upstream operations, by provider, operation and outcome",
  incremental: true
})

const snake = (kind: string): string => kind.replace(/[a-z](?=[A-Z])/g, "$&_").toLowerCase()

/**
 * The `outcome` label of an exit: `ok`, the error kind in snake case, or `error`.
 */
export const outcomeOf = (exit: Exit.Exit<unknown, unknown>): string => {
  if (exit._tag === "Success") return "ok"
  if (exit.cause._tag !== "Fail") return "error"
  const kind = kindOf(exit.cause.error)
  return kind === undefined ? "error" : snake(kind)
}

/**
 * A recorder for one metric with a fixed set of label names, updated synchronously.
 *
 * The labels of each distinct set of values (a small, bounded set) are made once and passed to the
 * untagged metric as the same array every time: Effect resolves a metric's registry entry by the
 * identity of that array (a `WeakMap`), so a repeated update is one map lookup. (`Metric.tagged`
 * builds a fresh label array on every update, so each one hashes the whole metric key — its name,
 * description, boundaries and labels — to find the entry again: measured, most of the gateway's
 * per-request metrics cost.)
 */
export const recorder = <Type, In, Out>(
  metric: Metric.Metric<Type, In, Out>,
  ...names: ReadonlyArray<string>
): ((input: In, ...values: ReadonlyArray<string>) => void) => {
  const labelled = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
  const none: ReadonlyArray<MetricLabel.MetricLabel> = []
  return (input, ...values) => {
    if (names.length === 0) return metric.unsafeUpdate(input, none)
    const key = values.join("\u0000")
    let labels = labelled.get(key)
    if (labels === undefined) {
      labels = names.map((name, i) => MetricLabel.make(name, values[i] ?? ""))
      labelled.set(key, labels)
    }
    metric.unsafeUpdate(input, labels)
  }
}
