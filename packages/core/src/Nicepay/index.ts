/**
 * NICEPAY SNAP payouts (disbursements).
 *
 * The barrel follows the provider template: the client (its service tag, `make`, layers and
 * signer seam) and its errors are flattened, so `Nicepay.layer` and `Nicepay.InvalidTransition`
 * read as the provider's API; every other module is a namespace (`Nicepay.Config`, …).
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
