/**
 * The signing seam for a SNAP merchant.
 *
 * Clients never hold keys themselves: they ask a `Signer` for the token signature and for each
 * service signature. `fromKeys` keeps the keys in memory (parsed once); a KMS- or HSM-backed
 * implementation provides the same interface and fails with `SigningFailed` when it cannot sign.
 */
import { Effect, type Redacted, Schema } from "effect"
import * as Signature from "./Signature.js"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * A signer could not produce a signature (for instance a remote KMS was unreachable).
 */
export class SigningFailed extends Schema.TaggedError<SigningFailed>()("SigningFailed", {
  reason: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind {
    return "Configuration"
  }

  override get message(): string {
    return `signing failed: ${this.reason}`
  }
}

/**
 * What a SNAP client needs signed. `body` is the exact string or bytes that will be sent.
 */
export interface Signer {
  readonly clientId: string
  readonly tokenSignature: (timestamp: string) => Effect.Effect<string, SigningFailed>
  readonly serviceSignature: (request: {
    readonly method: string
    readonly path: string
    readonly accessToken: string
    readonly body: Signature.Body
    readonly timestamp: string
  }) => Effect.Effect<string, SigningFailed>
}

/**
 * A signer over keys held in memory. The private key is parsed once, here; a malformed key fails
 * with `InvalidKey` before any request is made.
 */
export const fromKeys = (options: {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly privateKey: Signature.KeyInput
}): Effect.Effect<Signer, Signature.InvalidKey> =>
  Effect.map(
    Signature.parsePrivateKey(options.privateKey),
    (privateKey): Signer => ({
      clientId: options.clientId,
      tokenSignature: (timestamp) =>
        Signature.tokenSignature({ clientId: options.clientId, timestamp, privateKey }).pipe(
          Effect.mapError((error) => new SigningFailed({ reason: error.message }))
        ),
      serviceSignature: (request) =>
        Effect.sync(() => Signature.serviceSignature({ ...request, clientSecret: options.clientSecret }))
    })
  )
