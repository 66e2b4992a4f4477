/**
 * The sandbox's demo partner, which the standalone sandbox (and `Sandbox.layer`) always registers,
 * so a client can be pointed at it with no set-up. The same names as `Nicepay.Demo`.
 *
 * None of this is secret: the credentials are the sandbox's own, clearly fake, and printed in
 * every sandbox's banner. Ayoconnect publishes no sandbox credentials of its own.
 */

/**
 * The demo partner's API key (the `KEY` header; `AYOCONNECT_API_KEY`).
 */
export const API_KEY = "SANDBOXDEMO1"

/**
 * The demo partner's JWT secret (`AYOCONNECT_API_SECRET`).
 */
export const API_SECRET = "sandbox-demo-secret-not-for-production"

/**
 * The opening deposit of the demo partner and of every partner registered without one:
 * Rp 10.000.000.
 */
export const BALANCE = 10_000_000
