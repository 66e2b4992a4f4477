/**
 * @kasir/core — typed Effect clients for Indonesian payment upstreams.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Ayoconnect from "./Ayoconnect/index.js"

/** @since 0.1.0 */
export * as ErrorKind from "./ErrorKind.js"

/** @since 0.1.0 */
export * as ExternalId from "./ExternalId.js"

/** @since 0.1.0 */
export * as Idempotency from "./Idempotency.js"

/** @since 0.1.0 */
export * as Jwt from "./Jwt.js"

/** @since 0.1.0 */
export * as KasirError from "./KasirError.js"

/** @since 0.3.0 */
export * as Metrics from "./Metrics.js"

/** @since 0.1.0 */
export * as Money from "./Money.js"

/** @since 0.1.0 */
export * as Nicepay from "./Nicepay/index.js"

/** @since 0.1.0 */
export * as Poll from "./Poll.js"

/** @since 0.1.0 */
export * as Snap from "./Snap/index.js"

/** @since 0.1.0 */
export * as Timestamp from "./Timestamp.js"

/** @since 0.2.0 */
export * as Tracing from "./Tracing.js"

/** @since 0.2.0 */
export * as Transport from "./Transport.js"

/** @since 0.1.0 */
export * as Upstream from "./Upstream.js"

/** @since 0.1.0 */
export * as Variable from "./Variable.js"
