/**
 * Ayoconnect PPOB (formerly Ayopop): balance, products, inquiry, payment, status and callbacks.
 *
 * The barrel follows the provider template: the client (its service tag, `make`, layers and
 * signer seam) and its errors are flattened, so `Ayoconnect.layer` and `Ayoconnect.InvalidCallback` read as the provider's
 * API; every other module is a namespace (`Ayoconnect.Config`, `Ayoconnect.Schemas`, …).
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Callback from "./Callback.js"

/** @since 0.1.0 */
export * as Config from "./Config.js"

/** @since 0.1.0 */
export * as ResponseCode from "./ResponseCode.js"

/** @since 0.1.0 */
export * as Schemas from "./Schemas.js"

/** @since 0.1.0 */
export * as Signer from "./Signer.js"

/** @since 0.1.0 */
export * as Status from "./Status.js"

/** @since 0.1.0 */
export * from "./Client.js"

/** @since 0.1.0 */
export * from "./Errors.js"

/** @since 0.1.0 */
export * as Variables from "./Variables.js"
