/**
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Prometheus from "./Prometheus.js"

/** @since 0.1.0 */
export * as Telemetry from "./Telemetry.js"
