/**
 * Liveness and readiness probes.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import * as Problem from "../Problem.js"

/**
 * Where a provider's calls go.
 */
export const ProviderMode = Schema.Literal("upstream", "sandbox").annotations({
  description:
    "`upstream`: the configured provider; `sandbox`: the embedded simulator (no credentials configured)"
})

export class Health extends Schema.Class<Health>("Health")({ status: Schema.Literal("ok") }) {}

export class Readiness extends Schema.Class<Readiness>("Readiness")({
  status: Schema.Literal("ready"),
  providers: Schema.Struct({ ayoconnect: ProviderMode, nicepay: ProviderMode })
}) {}

export class SystemGroup extends HttpApiGroup.make("system")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(Health)
      .annotate(OpenApi.Summary, "Liveness: the process is up and serving")
  )
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(Readiness)
      .addError(Problem.ServiceUnavailable)
      .annotate(
        OpenApi.Summary,
        "Readiness: configuration loaded, every provider routed; 503 while shutting down"
      )
  )
  .add(
    HttpApiEndpoint.get("metrics", "/metrics")
      .addSuccess(HttpApiSchema.Text({ contentType: "text/plain; version=0.0.4; charset=utf-8" }))
      .addError(Problem.NotFound)
      .annotate(OpenApi.Summary, "Prometheus metrics (text format), without an API key")
      .annotate(
        OpenApi.Description,
        "Requests by route and status, upstream attempts, token fetches and cache hits, money operations, requests in flight. 404 when `KASIR_METRICS=off` or when `KASIR_METRICS_PORT` serves them on a separate port."
      )
  )
  .annotate(OpenApi.Description, "Probes for orchestrators and load balancers, and the metrics scrape") {}
