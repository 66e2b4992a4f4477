/**
 * Effect metrics as Prometheus text (exposition format 0.0.4), for a `/metrics` route.
 *
 * The OpenTelemetry Prometheus exporter is used as a pull reader without its own server
 * (`preventServerStart`): the app serves `scrape` wherever it wants (the gateway's own port, or a
 * separate internal one). Every Effect metric in the global registry is included; incremental
 * counters become Prometheus counters (`_total`), histograms keep their buckets, `_sum` and
 * `_count`. Resource attributes go on `target_info`, not on every series.
 */
import * as OtelMetrics from "@effect/opentelemetry/Metrics"
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus"
import { Context, Effect, Layer } from "effect"
import * as Telemetry from "./Telemetry.js"

/**
 * The content type of `scrape`'s text.
 */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"

/**
 * The scrape of the current metric values.
 */
export class Prometheus extends Context.Tag("@kasir/telemetry/Prometheus")<
  Prometheus,
  { readonly scrape: Effect.Effect<string> }
>() {}

/**
 * A `Prometheus` service reading Effect's metric registry.
 */
export const layer = (options: Telemetry.Options): Layer.Layer<Prometheus> =>
  Layer.scoped(
    Prometheus,
    Effect.gen(function* () {
      const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true })
      const producer = yield* OtelMetrics.makeProducer
      yield* OtelMetrics.registerProducer(producer, () => reader)
      const serializer = new PrometheusSerializer(undefined, false, undefined, false, true)
      return {
        scrape: Effect.map(
          Effect.promise(() => reader.collect()),
          ({ resourceMetrics }) => serializer.serialize(resourceMetrics)
        )
      }
    })
  ).pipe(Layer.provide(Telemetry.layerResource(options)))
