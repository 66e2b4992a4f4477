/**
 * The environment decides what is exported, and the Prometheus scrape renders Effect metrics in
 * Prometheus conventions (issue 15).
 */
import { describe, expect, it } from "@effect/vitest"
import {
  ConfigProvider,
  Context,
  DefaultServices,
  Effect,
  Layer,
  Metric,
  MetricBoundaries,
  Tracer
} from "effect"
import { Prometheus, Telemetry } from "../src/index.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("Telemetry.settings", () => {
  const cases: ReadonlyArray<readonly [Record<string, string>, boolean, boolean]> = [
    [{}, false, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, true, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }, true, false],
    [{ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://127.0.0.1:4318/v1/metrics" }, false, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" }, false, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "none" }, false, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_METRICS_EXPORTER: "none" }, true, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "  " }, false, false]
  ]
  for (const [env, traces, metrics] of cases) {
    it.effect(`${JSON.stringify(env)} → traces ${traces}, metrics ${metrics}`, () =>
      Effect.gen(function* () {
        const settings = yield* withEnv(env)(Telemetry.settings)
        expect({ traces: settings.traces, metrics: settings.metrics }).toEqual({ traces, metrics })
      })
    )
  }

  it.effect("a malformed value is a ConfigError naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(withEnv({ OTEL_METRIC_EXPORT_INTERVAL: "soon" })(Telemetry.settings))
      expect(String(error)).toContain("OTEL_METRIC_EXPORT_INTERVAL")
    })
  )

  it.effect("with nothing configured the layer installs no tracer", () =>
    Effect.gen(function* () {
      const tracer = yield* Effect.tracer.pipe(
        Effect.provide(Telemetry.layer({ serviceName: "test" })),
        withEnv({})
      )
      expect(tracer).toBe(Context.get(DefaultServices.liveServices, Tracer.Tracer))
    })
  )

  it.effect("with an endpoint the layer installs the OpenTelemetry tracer", () =>
    Effect.gen(function* () {
      const tracer = yield* Effect.scoped(
        Layer.build(Telemetry.layer({ serviceName: "test" })).pipe(
          Effect.zipRight(Effect.tracer),
          withEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:9/v1/traces" })
        )
      )
      expect(tracer).not.toBe(Context.get(DefaultServices.liveServices, Tracer.Tracer))
    })
  )
})

describe("Prometheus.scrape", () => {
  it.effect("incremental counters are _total counters, histograms keep buckets, tags are labels", () =>
    Effect.gen(function* () {
      const counter = Metric.counter("telemetry_test_things", { description: "things", incremental: true })
      const histogram = Metric.histogram(
        "telemetry_test_duration_seconds",
        MetricBoundaries.fromIterable([0.1, 1])
      )
      yield* Metric.increment(Metric.tagged(counter, "kind", "a"))
      yield* Metric.increment(Metric.tagged(counter, "kind", "a"))
      yield* Metric.update(histogram, 0.5)
      const text = yield* Effect.flatMap(Prometheus.Prometheus, (p) => p.scrape).pipe(
        Effect.provide(Prometheus.layer({ serviceName: "test" }))
      )
      expect(text).toContain("# TYPE telemetry_test_things_total counter")
      expect(text).toContain('telemetry_test_things_total{kind="a"} 2')
      expect(text).toContain("# TYPE telemetry_test_duration_seconds histogram")
      expect(text).toContain('telemetry_test_duration_seconds_bucket{le="0.1"} 0')
      expect(text).toContain('telemetry_test_duration_seconds_bucket{le="1"} 1')
      expect(text).toContain('telemetry_test_duration_seconds_bucket{le="+Inf"} 1')
      expect(text).toContain("telemetry_test_duration_seconds_count 1")
      expect(text).not.toContain("otel_scope_name")
    })
  )
})
