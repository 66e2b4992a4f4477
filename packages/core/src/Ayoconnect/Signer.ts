/**
 * The signing seam for an Ayoconnect partner.
 *
 * The client never holds the API secret itself: it hands the exact payload JSON to a `Signer`
 * and sends the token it gets back. `fromSecret` signs in memory; a KMS- or HSM-backed signer
 * implements the same interface and fails with `SigningFailed` when it cannot sign.
 */
import { Effect, type Redacted } from "effect"
import * as Jwt from "../Jwt.js"
import { SigningFailed } from "../Snap/Signer.js"

export { SigningFailed }

/**
 * Produces the compact HS256 JWT for one request, over the payload JSON exactly as given.
 */
export interface Signer {
  readonly sign: (payloadJson: string) => Effect.Effect<string, SigningFailed>
}

/**
 * A signer over an API secret held in memory.
 */
export const fromSecret = (secret: Redacted.Redacted<string>): Signer => ({
  sign: (payloadJson) => Effect.sync(() => Jwt.sign({ payloadJson, secret }))
})
