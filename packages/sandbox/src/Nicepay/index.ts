/**
 * The NICEPAY SNAP payout simulator, in the same modules as the Ayoconnect one: `Simulator` (the
 * service, its layer and the HTTP shell), `Engine` (pure decisions), `State` (the state and its
 * transitions), `Auth`, `Responses`, `Scenario`, `Demo`, plus the upstream's field `Rules`.
 *
 * @since 0.1.0
 */
export * from "./Simulator.js"

/** @since 0.2.0 */
export * as Auth from "./Auth.js"

/** @since 0.1.0 */
export * as Demo from "./Demo.js"

/** @since 0.1.0 */
export * as Engine from "./Engine.js"

/** @since 0.2.0 */
export * as Responses from "./Responses.js"

/** @since 0.2.0 */
export * as Rules from "./Rules.js"

/** @since 0.2.0 */
export * as Scenario from "./Scenario.js"

/** @since 0.2.0 */
export * as State from "./State.js"
