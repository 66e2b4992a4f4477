/**
 * NICEPAY SNAP payouts (disbursements).
 *
 * The barrel follows the provider template: the client (its service tag, `make`, layers and
 * signer seam) and its errors are flattened, so `Nicepay.layer` and `Nicepay.InvalidTransition`
 * read as the provider's API; every other module is a namespace (`Nicepay.Config`, …).
 */
export * from "./Client.js"

export * as Config from "./Config.js"
export * from "./Errors.js"

export * as Notification from "./Notification.js"

export * as ResponseCode from "./ResponseCode.js"

export * as Schemas from "./Schemas.js"

export * as Variables from "./Variables.js"
