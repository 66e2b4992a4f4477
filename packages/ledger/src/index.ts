/**
 * @kasir/ledger — the durable record of kasir's money movements on PostgreSQL (or embedded
 * PGlite): write-ahead claims, idempotency across instances, history, an outbox, recovery claims.
 */

export * as Database from "./Database.js"

export * as Errors from "./Errors.js"

export * as Fingerprint from "./Fingerprint.js"

export * as Ledger from "./Ledger.js"

export * as Migrations from "./Migrations.js"

export * as Ayoconnect from "./Ayoconnect.js"

export * as Nicepay from "./Nicepay.js"

export * as Reconciler from "./Reconciler.js"

export * as Webhook from "./Webhook.js"

export * as Delivery from "./Delivery.js"
