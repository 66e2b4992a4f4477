/**
 * @kasir/sandbox — stateful, offline simulators of Ayoconnect PPOB and NICEPAY SNAP payouts.
 */

export * as Ayoconnect from "./Ayoconnect/index.js"

export * as Fault from "./Fault.js"

export * as Nicepay from "./Nicepay/index.js"

export * as RequestLog from "./RequestLog.js"

export * as Sandbox from "./Sandbox.js"
