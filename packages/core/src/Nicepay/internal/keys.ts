/**
 * NICEPAY's notification key, parsed once when the client is built: a corrupt key fails startup
 * instead of every notification. The error names the variable, never the key material.
 *
 * @internal
 */
import type { KeyObject } from "node:crypto"
import { Either } from "effect"
import { InvalidKey, type KeyInput, parsePublicKey } from "../../Snap/Signature.js"

/** @internal */
export const parseNotificationKey = (key: KeyInput): Either.Either<KeyObject, InvalidKey> =>
  Either.mapLeft(
    parsePublicKey(key),
    (error) =>
      new InvalidKey({
        keyType: "public",
        reason: `NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): ${error.reason}`
      })
  )
