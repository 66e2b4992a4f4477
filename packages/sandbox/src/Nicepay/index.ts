/**
 * The NICEPAY SNAP payout simulator, in the same modules as the Ayoconnect one: `Simulator` (the
 * service, its layer and the HTTP shell), `Engine` (pure decisions), `State` (the state and its
 * transitions), `Auth`, `Responses`, `Scenario`, `Demo`, plus the upstream's field `Rules`.
 */
export * from "./Simulator.js"

export * as Auth from "./Auth.js"

export * as Demo from "./Demo.js"

export * as Engine from "./Engine.js"

export * as Responses from "./Responses.js"

export * as Rules from "./Rules.js"

export * as Scenario from "./Scenario.js"

export * as State from "./State.js"
