/**
 * @kasir/sandbox — stateful, offline simulators of Ayoconnect PPOB and NICEPAY SNAP payouts.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Ayoconnect from "./Ayoconnect/index.js"

/** @since 0.1.0 */
export * as Fault from "./Fault.js"

/** @since 0.1.0 */
export * as Nicepay from "./Nicepay/index.js"

/** @since 0.1.0 */
export * as RequestLog from "./RequestLog.js"

/** @since 0.1.0 */
export * as Sandbox from "./Sandbox.js"
