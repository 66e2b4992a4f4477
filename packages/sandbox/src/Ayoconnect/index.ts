/**
 * The Ayoconnect PPOB simulator, in the same modules as the NICEPAY one: `Simulator` (the
 * service, its layer and the HTTP shell), `Engine` (pure decisions), `State` (the state and its
 * transitions), `Auth`, `Responses`, `Scenario`, `Demo`, plus the upstream's own `Catalogue` and
 * `Messages`.
 */

export * as Auth from "./Auth.js"

export * as Catalogue from "./Catalogue.js"

export * as Demo from "./Demo.js"

export * as Engine from "./Engine.js"

export * as Messages from "./Messages.js"

export * as Responses from "./Responses.js"

export * as Scenario from "./Scenario.js"

export * as State from "./State.js"

export * from "./Simulator.js"
