/**
 * NICEPAY SNAP payouts (disbursements).
 *
 * @since 0.1.0
 */
export * from "./Client.js"

/** @since 0.1.0 */
export * as Config from "./Config.js"
export * from "./Errors.js"

/** @since 0.1.0 */
export * as Notification from "./Notification.js"

/** @since 0.1.0 */
export * as ResponseCode from "./ResponseCode.js"

/** @since 0.1.0 */
export * as Schemas from "./Schemas.js"

/** @since 0.1.0 */
export * as Variables from "./Variables.js"
