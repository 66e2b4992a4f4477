/**
 * SNAP (Bank Indonesia) signatures, as pure functions.
 *
 * - token signature: SHA256withRSA over `clientId|timestamp`;
 * - service signature: HMAC-SHA512 over `METHOD:path:accessToken:sha256hex(body):timestamp`;
 * - asymmetric service signature: SHA256withRSA over `METHOD:path:sha256hex(body):timestamp`;
 * - NICEPAY notification signature: SHA256withRSA over `clientId|timestamp` (body not covered).
 *
 * Bodies are hashed exactly as given: pass the very string or bytes that go on the wire.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  sign,
  timingSafeEqual,
  verify
} from "node:crypto"
import { Effect, Either, Redacted, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * A key that could not be read. The message says what was expected and never echoes the input.
 */
export class InvalidKey extends Schema.TaggedError<InvalidKey>()("InvalidKey", {
  keyType: Schema.Literal("private", "public"),
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
    return `invalid RSA ${this.keyType} key: ${this.reason}`
  }
}

/**
 * A key as users hold it: PEM text (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SPKI
 * `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`), the bare base64 DER body the NICEPAY SDKs pass around,
 * or a node:crypto `KeyObject`. Strings may be `Redacted`.
 */
export type KeyInput = string | Redacted.Redacted<string> | KeyObject

const pemPattern = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/

const readKey = (kind: "private" | "public", input: KeyInput): Either.Either<KeyObject, InvalidKey> => {
  const fail = (reason: string) => Either.left(new InvalidKey({ keyType: kind, reason }))
  if (input instanceof KeyObject) {
    const type = input.type === "secret" ? "secret" : input.type
    if (type !== kind) return fail(`expected a ${kind} KeyObject, got a ${type} one`)
    if (input.asymmetricKeyType !== "rsa") return fail(`expected an RSA key, got ${input.asymmetricKeyType}`)
    return Either.right(input)
  }
  const text = (Redacted.isRedacted(input) ? Redacted.value(input) : input).trim()
  if (text.length === 0) return fail("the key is empty")
  const create = kind === "private" ? createPrivateKey : createPublicKey
  try {
    const pem = pemPattern.exec(text)
    let key: KeyObject
    if (pem !== null) {
      const label = pem[1]!
      const body = pem[2]!.replace(/\s+/g, "")
      const der = Buffer.from(body, "base64")
      if (label === "PRIVATE KEY" || label === "RSA PRIVATE KEY") {
        if (kind !== "private") return fail(`expected a public key, got a PEM "${label}" block`)
        // PHP SDKs wrap PKCS#8 DER in RSA PRIVATE KEY headers; try both encodings of the DER.
        key = tryDer(create, der, label === "PRIVATE KEY" ? ["pkcs8", "pkcs1"] : ["pkcs1", "pkcs8"])
      } else if (label === "PUBLIC KEY" || label === "RSA PUBLIC KEY") {
        if (kind !== "public") return fail(`expected a private key, got a PEM "${label}" block`)
        key = tryDer(create, der, label === "PUBLIC KEY" ? ["spki", "pkcs1"] : ["pkcs1", "spki"])
      } else {
        return fail(`unsupported PEM block "${label}"; use PRIVATE KEY, RSA PRIVATE KEY or PUBLIC KEY`)
      }
    } else {
      const body = text.replace(/\s+/g, "")
      if (!base64Pattern.test(body)) {
        return fail("expected PEM text or base64 DER (PKCS#8 / PKCS#1 private, SPKI public)")
      }
      const der = Buffer.from(body, "base64")
      key = tryDer(create, der, kind === "private" ? ["pkcs8", "pkcs1"] : ["spki", "pkcs1"])
    }
    if (key.asymmetricKeyType !== "rsa") return fail(`expected an RSA key, got ${key.asymmetricKeyType}`)
    return Either.right(key)
  } catch {
    return fail("the key material could not be decoded (corrupt or not an RSA key)")
  }
}

const tryDer = (
  create: typeof createPrivateKey | typeof createPublicKey,
  der: Buffer,
  types: ReadonlyArray<"pkcs8" | "pkcs1" | "spki">
): KeyObject => {
  let lastError: unknown
  for (const type of types) {
    try {
      return create({ key: der, format: "der", type } as Parameters<typeof createPrivateKey>[0] & {
        type: "pkcs1"
      })
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/**
 * Reads an RSA private key. Accepts PEM (PKCS#8 or PKCS#1), bare base64 DER, or a KeyObject.
 */
export const parsePrivateKey = (input: KeyInput): Either.Either<KeyObject, InvalidKey> =>
  readKey("private", input)

/**
 * Reads an RSA public key. Accepts PEM (SPKI or PKCS#1), bare base64 DER, or a KeyObject.
 */
export const parsePublicKey = (input: KeyInput): Either.Either<KeyObject, InvalidKey> =>
  readKey("public", input)

/**
 * The public half of a private key, as SPKI PEM text (what a merchant hands to NICEPAY).
 */
export const publicKeyPem = (privateKey: KeyInput): Either.Either<string, InvalidKey> =>
  Either.map(parsePrivateKey(privateKey), (key) =>
    createPublicKey(key).export({ type: "spki", format: "pem" }).toString()
  )

/**
 * A body as it goes on the wire: the exact string or bytes.
 */
export type Body = string | Uint8Array

/**
 * Lower-case hex SHA-256 of the exact body bytes (the empty body hashes the empty string).
 */
export const bodyHash = (body: Body): string => createHash("sha256").update(body).digest("hex")

const rsaSign = (data: string, privateKey: KeyInput): Effect.Effect<string, InvalidKey> =>
  Effect.map(parsePrivateKey(privateKey), (key) =>
    sign("sha256", Buffer.from(data, "utf8"), key).toString("base64")
  )

const rsaVerify = (
  data: string,
  signature: string,
  publicKey: KeyInput
): Effect.Effect<boolean, InvalidKey> =>
  Effect.map(parsePublicKey(publicKey), (key) => {
    const trimmed = signature.trim()
    if (trimmed.length === 0 || !base64Pattern.test(trimmed)) return false
    // node:crypto's verify compares in constant time over the decoded signature.
    return verify("sha256", Buffer.from(data, "utf8"), key, Buffer.from(trimmed, "base64"))
  })

/**
 * The string signed for a B2B access token and for NICEPAY notifications: `clientId|timestamp`.
 */
export const tokenStringToSign = (clientId: string, timestamp: string): string => `${clientId}|${timestamp}`

/**
 * The B2B access-token `X-SIGNATURE`: base64 SHA256withRSA (PKCS#1 v1.5) over `clientId|timestamp`.
 */
export const tokenSignature = (options: {
  readonly clientId: string
  readonly timestamp: string
  readonly privateKey: KeyInput
}): Effect.Effect<string, InvalidKey> =>
  rsaSign(tokenStringToSign(options.clientId, options.timestamp), options.privateKey)

/**
 * The string signed by a symmetric service signature.
 */
export const serviceStringToSign = (options: {
  readonly method: string
  readonly path: string
  readonly accessToken: string
  readonly body: Body
  readonly timestamp: string
}): string =>
  `${options.method.toUpperCase()}:${options.path}:${options.accessToken}:${bodyHash(options.body)}:${options.timestamp}`

/**
 * Base64 HMAC-SHA512 of a string to sign, keyed with the client secret's UTF-8 bytes as-is (not
 * base64-decoded, even when the secret looks like base64).
 */
export const symmetricSignature = (options: {
  readonly stringToSign: string
  readonly clientSecret: Redacted.Redacted<string> | string
}): string => {
  const secret =
    typeof options.clientSecret === "string" ? options.clientSecret : Redacted.value(options.clientSecret)
  return createHmac("sha512", Buffer.from(secret, "utf8"))
    .update(options.stringToSign, "utf8")
    .digest("base64")
}

/**
 * The service-call `X-SIGNATURE`: base64 HMAC-SHA512 keyed with the client secret's UTF-8 bytes
 * over `METHOD:path:accessToken:lowerhex(sha256(body)):timestamp`.
 */
export const serviceSignature = (options: {
  readonly method: string
  readonly path: string
  readonly accessToken: string
  readonly body: Body
  readonly timestamp: string
  readonly clientSecret: Redacted.Redacted<string> | string
}): string =>
  symmetricSignature({ stringToSign: serviceStringToSign(options), clientSecret: options.clientSecret })

/**
 * The string signed by an asymmetric service signature: `METHOD:path:sha256hex(body):timestamp`.
 */
export const asymmetricStringToSign = (options: {
  readonly method: string
  readonly path: string
  readonly body: Body
  readonly timestamp: string
}): string => `${options.method.toUpperCase()}:${options.path}:${bodyHash(options.body)}:${options.timestamp}`

/**
 * The asymmetric (ASPI) service signature: base64 SHA256withRSA over
 * `METHOD:path:lowerhex(sha256(body)):timestamp`.
 */
export const asymmetricServiceSignature = (options: {
  readonly method: string
  readonly path: string
  readonly body: Body
  readonly timestamp: string
  readonly privateKey: KeyInput
}): Effect.Effect<string, InvalidKey> => rsaSign(asymmetricStringToSign(options), options.privateKey)

/**
 * Verifies a NICEPAY notification `X-SIGNATURE` over `clientId|timestamp` with NICEPAY's
 * notification public key. The body is not covered: confirm it with an inquiry.
 */
export const verifyNotificationSignature = (options: {
  readonly clientId: string
  readonly timestamp: string
  readonly signature: string
  readonly publicKey: KeyInput
}): Effect.Effect<boolean, InvalidKey> =>
  rsaVerify(tokenStringToSign(options.clientId, options.timestamp), options.signature, options.publicKey)

/**
 * Verifies a B2B access-token signature (what a SNAP server does with the merchant's public key).
 */
export const verifyTokenSignature: (options: {
  readonly clientId: string
  readonly timestamp: string
  readonly signature: string
  readonly publicKey: KeyInput
}) => Effect.Effect<boolean, InvalidKey> = verifyNotificationSignature

/**
 * Verifies the body-covering asymmetric (ASPI) service signature.
 */
export const verifyAsymmetricServiceSignature = (options: {
  readonly method: string
  readonly path: string
  readonly body: Body
  readonly timestamp: string
  readonly signature: string
  readonly publicKey: KeyInput
}): Effect.Effect<boolean, InvalidKey> =>
  rsaVerify(asymmetricStringToSign(options), options.signature, options.publicKey)

/**
 * Verifies a symmetric service signature in constant time (what a SNAP server does).
 */
export const verifyServiceSignature = (options: {
  readonly method: string
  readonly path: string
  readonly accessToken: string
  readonly body: Body
  readonly timestamp: string
  readonly clientSecret: Redacted.Redacted<string> | string
  readonly signature: string
}): boolean => {
  const expected = Buffer.from(serviceSignature(options), "base64")
  const trimmed = options.signature.trim()
  if (!base64Pattern.test(trimmed)) return false
  const received = Buffer.from(trimmed, "base64")
  return received.length === expected.length && timingSafeEqual(received, expected)
}
