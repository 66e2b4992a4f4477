/**
 * @kasir/sandbox — stateful, offline simulators of Ayoconnect PPOB and NICEPAY SNAP payouts.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Fault from "./Fault.js"

/** @since 0.1.0 */
export * as RequestLog from "./RequestLog.js"
