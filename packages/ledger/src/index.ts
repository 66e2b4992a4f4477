/**
 * @kasir/ledger — the durable record of kasir's money movements on PostgreSQL (or embedded
 * PGlite): write-ahead claims, idempotency across instances, history, an outbox, recovery claims.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Database from "./Database.js"

/** @since 0.1.0 */
export * as Errors from "./Errors.js"

/** @since 0.1.0 */
export * as Fingerprint from "./Fingerprint.js"

/** @since 0.1.0 */
export * as Ledger from "./Ledger.js"

/** @since 0.1.0 */
export * as Migrations from "./Migrations.js"

/** @since 0.1.0 */
export * as Ayoconnect from "./Ayoconnect.js"

/** @since 0.1.0 */
export * as Nicepay from "./Nicepay.js"

/** @since 0.1.0 */
export * as Reconciler from "./Reconciler.js"

/** @since 0.2.0 */
export * as Webhook from "./Webhook.js"

/** @since 0.2.0 */
export * as Delivery from "./Delivery.js"
