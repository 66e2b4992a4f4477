/**
 * Ayoconnect PPOB (formerly Ayopop): balance, products, inquiry, payment, status and callbacks.
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
