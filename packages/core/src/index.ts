/**
 * @kasir/core — typed Effect clients for Indonesian payment upstreams.
 */

export * as Ayoconnect from "./Ayoconnect/index.js"

export * as ErrorKind from "./ErrorKind.js"

export * as ExternalId from "./ExternalId.js"

export * as Idempotency from "./Idempotency.js"

export * as Jwt from "./Jwt.js"

export * as KasirError from "./KasirError.js"

export * as Metrics from "./Metrics.js"

export * as Money from "./Money.js"

export * as Nicepay from "./Nicepay/index.js"

export * as Poll from "./Poll.js"

export * as Snap from "./Snap/index.js"

export * as Timestamp from "./Timestamp.js"

export * as Tracing from "./Tracing.js"

export * as Transport from "./Transport.js"

export * as Upstream from "./Upstream.js"

export * as Variable from "./Variable.js"
