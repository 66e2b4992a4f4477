/**
 * Liveness and readiness probes.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import * as Problem from "../Problem.js"

/**
 * Where a provider's calls go.
 *
 * @since 0.1.0
 */
export const ProviderMode = Schema.Literal("upstream", "sandbox").annotations({
  description:
    "`upstream`: the configured provider; `sandbox`: the embedded simulator (no credentials configured)"
})

/**
 * @since 0.1.0
 */
export class Health extends Schema.Class<Health>("Health")({ status: Schema.Literal("ok") }) {}

/**
 * @since 0.1.0
 */
export class Readiness extends Schema.Class<Readiness>("Readiness")({
  status: Schema.Literal("ready"),
  providers: Schema.Struct({ ayoconnect: ProviderMode, nicepay: ProviderMode })
}) {}

/**
 * @since 0.1.0
 */
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
  .annotate(OpenApi.Description, "Probes for orchestrators and load balancers") {}
