/**
 * How the NICEPAY simulator authenticates requests, as NICEPAY does. Pure: the state and the time
 * are given, the new state (the X-EXTERNAL-ID recorded) is returned.
 *
 * The access-token request (`/v1.0/access-token/b2b`), in order: `X-TIMESTAMP`, `X-CLIENT-KEY`,
 * `X-SIGNATURE` present (`4007302`); the timestamp well-formed (`4007301`) and fresh (`4017300`);
 * the client known (`4017300`); SHA256withRSA over `clientId|X-TIMESTAMP` under the client's key
 * (`4017300`).
 *
 * A service call, in order (the first failure answers; svc = `11` balance, `00` payouts):
 *
 * 1. mandatory headers present — `400{svc}02 Invalid Mandatory Field {X-…}`
 * 2. `Authorization: Bearer` token known and unexpired — `401{svc}01 Access Token Invalid`
 * 3. `X-PARTNER-ID` is the token's client — `401{svc}00 Unauthorized. [X-PARTNER-ID]`
 * 4. `X-TIMESTAMP` format — `400{svc}01`; freshness — `401{svc}00 Unauthorized. [X-TIMESTAMP]`
 * 5. HMAC-SHA512 over the raw body bytes as received — `401{svc}00 Unauthorized. [Signature]`
 * 6. JSON body — `400{svc}00`; optional strict checks: minified body (`400{svc}00`), numeric
 *    X-EXTERNAL-ID (`400{svc}01`)
 * 7. `X-EXTERNAL-ID` not used before on the same WIB day — `409{svc}00 Conflict` (recorded here)
 * 8. the body is a JSON object — `400{svc}00 Bad Request`
 */
import { Snap, Timestamp } from "@kasir/core"
import { Effect, Either } from "effect"
import * as Wib from "../internal/wib.js"
import { type Answered, respond } from "./Responses.js"
import { isMissing } from "./Rules.js"
import * as State from "./State.js"

/**
 * The checks that can be relaxed or tightened, as `Nicepay.layer`'s options set them.
 */
export interface Settings {
  readonly timestampToleranceMillis: number
  readonly rejectReusedExternalId: boolean
  readonly requireNumericExternalId: boolean
  readonly requireMinifiedBody: boolean
}

/**
 * Request headers with lower-cased names.
 */
export type Headers = Readonly<Record<string, string | undefined>>

const header = (headers: Headers, name: string): string | undefined => headers[name.toLowerCase()]

const mandatoryServiceHeaders = [
  "Authorization",
  "X-TIMESTAMP",
  "X-SIGNATURE",
  "X-PARTNER-ID",
  "X-EXTERNAL-ID"
]

/**
 * Authenticates an access-token request: the client id whose signature verified, or the answer.
 */
export const tokenRequest = (
  state: State.State,
  settings: Settings,
  headers: Headers,
  now: number
): Either.Either<State.Merchant, Answered> => {
  for (const name of ["X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"]) {
    if (isMissing(header(headers, name)))
      return Either.left(respond("4007302", `Invalid Mandatory Field {${name}}`))
  }
  const timestamp = header(headers, "X-TIMESTAMP")!
  const clientId = header(headers, "X-CLIENT-KEY")!
  const instant = Timestamp.parse(timestamp)
  if (Either.isLeft(instant)) return Either.left(respond("4007301", "Invalid Field Format {X-TIMESTAMP}"))
  if (Math.abs(now - instant.right) > settings.timestampToleranceMillis) {
    return Either.left(respond("4017300", "Unauthorized. [X-TIMESTAMP]"))
  }
  const merchant = State.merchant(state, clientId)
  if (merchant === undefined) return Either.left(respond("4017300", "Unauthorized. [Unknown client]"))
  // The key is a parsed KeyObject: verification is synchronous and cannot fail with InvalidKey.
  const valid = Effect.runSync(
    Snap.Signature.verifyTokenSignature({
      clientId,
      timestamp,
      signature: header(headers, "X-SIGNATURE")!,
      publicKey: merchant.publicKey
    }).pipe(Effect.orElseSucceed(() => false))
  )
  return valid ? Either.right(merchant) : Either.left(respond("4017300", "Unauthorized. [Signature]"))
}

/**
 * A service call, as far as authentication got: refused with an answer, or authenticated with the
 * merchant and the body. Either way `state` holds the X-EXTERNAL-ID when it was recorded.
 */
export type ServiceAuth =
  | { readonly _tag: "Refused"; readonly refusal: Answered; readonly state: State.State }
  | {
      readonly _tag: "Authenticated"
      readonly merchant: State.Merchant
      readonly body: Record<string, unknown>
      readonly state: State.State
    }

/**
 * Authenticates a signed service call; `svc` is the service code of its errors, `signedPath` the
 * path after `/nicepay`.
 */
export const serviceCall = (
  state: State.State,
  settings: Settings,
  request: {
    readonly svc: string
    readonly signedPath: string
    readonly headers: Headers
    readonly body: Uint8Array
    readonly now: number
  }
): ServiceAuth => {
  const { svc, headers, now } = request
  const refused = (refusal: Answered, after: State.State = state): ServiceAuth => ({
    _tag: "Refused",
    refusal,
    state: after
  })
  for (const name of mandatoryServiceHeaders) {
    if (isMissing(header(headers, name)))
      return refused(respond(`400${svc}02`, `Invalid Mandatory Field {${name}}`))
  }
  // NICEPAY's own SDKs send CHANNEL-ID in many forms (even empty); only its presence is checked.
  if (header(headers, "CHANNEL-ID") === undefined) {
    return refused(respond(`400${svc}02`, "Invalid Mandatory Field {CHANNEL-ID}"))
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(headers, "Authorization")!.trim())
  const token = bearer === null ? undefined : State.token(state, bearer[1]!)
  if (bearer === null || token === undefined || now >= token.expiresAt) {
    return refused(respond(`401${svc}01`, "Access Token Invalid"))
  }
  const merchant = State.merchant(state, token.clientId)
  if (merchant === undefined || header(headers, "X-PARTNER-ID") !== token.clientId) {
    return refused(respond(`401${svc}00`, "Unauthorized. [X-PARTNER-ID]"))
  }
  const timestamp = header(headers, "X-TIMESTAMP")!
  const instant = Timestamp.parse(timestamp)
  if (Either.isLeft(instant)) return refused(respond(`400${svc}01`, "Invalid Field Format {X-TIMESTAMP}"))
  if (Math.abs(now - instant.right) > settings.timestampToleranceMillis) {
    return refused(respond(`401${svc}00`, "Unauthorized. [X-TIMESTAMP]"))
  }
  const signatureValid = Snap.Signature.verifyServiceSignature({
    method: "POST",
    path: request.signedPath,
    accessToken: bearer[1]!,
    body: request.body,
    timestamp,
    clientSecret: merchant.clientSecret,
    signature: header(headers, "X-SIGNATURE")!
  })
  if (!signatureValid) return refused(respond(`401${svc}00`, "Unauthorized. [Signature]"))
  const raw = Buffer.from(request.body).toString("utf8")
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    return refused(respond(`400${svc}00`, "Bad Request"))
  }
  if (settings.requireMinifiedBody && raw !== JSON.stringify(body)) {
    return refused(respond(`400${svc}00`, "Bad Request. [body is not minified JSON]"))
  }
  const externalId = header(headers, "X-EXTERNAL-ID")!
  if (externalId.length > 40 || (settings.requireNumericExternalId && !/^[0-9]{1,36}$/.test(externalId))) {
    return refused(respond(`400${svc}01`, "Invalid Field Format {X-EXTERNAL-ID}"))
  }
  let after = state
  if (settings.rejectReusedExternalId) {
    const [reused, recorded] = State.useExternalId(state, merchant.clientId, Wib.day(now), externalId)
    if (reused) return refused(respond(`409${svc}00`, "Conflict"))
    after = recorded
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return refused(respond(`400${svc}00`, "Bad Request"), after)
  }
  return {
    _tag: "Authenticated",
    merchant: State.merchant(after, merchant.clientId)!,
    body: body as Record<string, unknown>,
    state: after
  }
}
