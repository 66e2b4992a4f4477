/**
 * What every NICEPAY operation module is built over: the SNAP client (which signs, sends,
 * caches the token and maps response codes with NICEPAY's dialect), the merchant's client id,
 * and the operation builder decided once when the layer was built (traced or not).
 *
 * @internal
 */
import * as AccessToken from "../../Snap/AccessToken.js"
import type * as SnapClient from "../../Snap/Client.js"
import type * as Tracing from "../../internal/tracing.js"

/** @internal */
export const UPSTREAM = "nicepay"

/** The signed paths (after the base URL, which carries the `/nicepay` context). @internal */
export const paths = {
  accessToken: AccessToken.TOKEN_PATH,
  balance: "/api/v1.0/balance-inquiry",
  registration: "/api/v1.0/transfer/registration",
  approve: "/api/v1.0/transfer/approve",
  inquiry: "/api/v1.0/transfer/inquiry",
  cancel: "/api/v1.0/transfer/cancel",
  reject: "/api/v1.0/transfer/reject"
} as const

/** @internal */
export interface Context {
  readonly snap: SnapClient.SnapClient
  readonly clientId: string
  readonly fn: Tracing.Operations["fn"]
}
