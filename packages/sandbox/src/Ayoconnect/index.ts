/**
 * The Ayoconnect PPOB simulator: the service and app (`Simulator`), its catalogue, its
 * scenarios, and the pieces they are built from.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Auth from "./Auth.js"

/** @since 0.1.0 */
export * as Catalogue from "./Catalogue.js"

/** @since 0.1.0 */
export * as Ledger from "./Ledger.js"

/** @since 0.1.0 */
export * as Messages from "./Messages.js"

/** @since 0.1.0 */
export * as Responses from "./Responses.js"

/** @since 0.1.0 */
export * as Scenario from "./Scenario.js"

/** @since 0.1.0 */
export * from "./Simulator.js"
