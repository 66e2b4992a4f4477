/**
 * The NICEPAY SNAP payout simulator.
 *
 * @since 0.1.0
 */
export * from "./Simulator.js"

/** @since 0.1.0 */
export * as Demo from "./Demo.js"

/** @since 0.1.0 */
export * as Engine from "./Engine.js"
