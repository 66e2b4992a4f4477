export * as Prometheus from "./Prometheus.js"

export * as Telemetry from "./Telemetry.js"
