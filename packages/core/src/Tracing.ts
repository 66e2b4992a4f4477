/**
 * Whether anyone is tracing. kasir's clients and the gateway ask once, when their layer is built:
 * with a tracer configured (e.g. `@effect/opentelemetry`'s `NodeSdk.layer`, or `Effect.withTracer`
 * around the layer), every operation and HTTP span is recorded; with none, operations run
 * untraced and cost nothing extra per call. Configure the tracer outside (before) the layers that
 * should be traced.
 */
import type { Effect } from "effect"
import * as internal from "./internal/tracing.js"

/**
 * True when a tracer other than Effect's built-in one is configured and tracing is enabled.
 */
export const configured: Effect.Effect<boolean> = internal.configured
