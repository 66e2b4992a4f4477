/**
 * Ayoconnect PPOB (formerly Ayopop): balance, products, inquiry, payment, status and callbacks.
 *
 * The barrel follows the provider template: the client (its service tag, `make`, layers and
 * signer seam) and its errors are flattened, so `Ayoconnect.layer` and `Ayoconnect.InvalidCallback` read as the provider's
 * API; every other module is a namespace (`Ayoconnect.Config`, `Ayoconnect.Schemas`, …).
 */

export * as Callback from "./Callback.js"

export * as Config from "./Config.js"

export * as ResponseCode from "./ResponseCode.js"

export * as Schemas from "./Schemas.js"

export * as Signer from "./Signer.js"

export * as Status from "./Status.js"

export * from "./Client.js"

export * from "./Errors.js"

export * as Variables from "./Variables.js"
