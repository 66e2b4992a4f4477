/**
 * Compact HS256 JSON Web Tokens, as Ayoconnect's `TOKEN` header needs them.
 *
 * `sign` takes the payload as the exact JSON text, because Ayoconnect also sends that same text as
 * the request body: one serialisation, two uses. `verify` checks the signature over the segments as
 * received — never over a re-serialisation — and compares in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { Either, Redacted, Schema } from "effect"
import type { ErrorKind } from "./ErrorKind.js"
import * as KasirError from "./KasirError.js"

/**
 * Why a token was rejected. Never carries the secret or the signature.
 */
export class InvalidJwt extends Schema.TaggedError<InvalidJwt>()("InvalidJwt", {
  reason: Schema.Literal("Malformed", "UnsupportedAlgorithm", "BadSignature", "InvalidPayload"),
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "kasir"
  }

  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  override get message(): string {
    return `invalid JWT (${this.reason}): ${this.detail}`
  }
}

const HEADER_SEGMENT = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url")

const secretBytes = (secret: Redacted.Redacted<string> | string): Buffer =>
  Buffer.from(typeof secret === "string" ? secret : Redacted.value(secret), "utf8")

const mac = (signingInput: string, secret: Redacted.Redacted<string> | string): Buffer =>
  createHmac("sha256", secretBytes(secret)).update(signingInput, "utf8").digest()

/**
 * Signs a payload given as its exact JSON text. Output: base64url segments without padding.
 */
export const sign = (options: {
  readonly payloadJson: string
  readonly secret: Redacted.Redacted<string> | string
}) => {
  const signingInput = `${HEADER_SEGMENT}.${Buffer.from(options.payloadJson, "utf8").toString("base64url")}`
  return `${signingInput}.${mac(signingInput, options.secret).toString("base64url")}`
}

/**
 * A verified token: the decoded header and payload, and the payload's JSON text as received.
 */
export interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>
  readonly payload: Readonly<Record<string, unknown>>
  readonly payloadJson: string
}

// Accepts base64url and standard base64, with or without `=` padding; rejects anything else.
const segmentPattern = /^[A-Za-z0-9_\-+/]*={0,2}$/

const decodeSegment = (segment: string): Buffer | undefined => {
  if (!segmentPattern.test(segment)) return undefined
  const normalized = segment.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")
  if (normalized.length % 4 === 1) return undefined
  return Buffer.from(normalized, "base64url")
}

const parseObject = (bytes: Buffer): Readonly<Record<string, unknown>> | undefined => {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"))
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies an HS256 token with the shared secret. Only `alg: "HS256"` is accepted (`none` and
 * every other algorithm are refused before any signature work).
 */
export const verify = (options: {
  readonly token: string
  readonly secret: Redacted.Redacted<string> | string
}): Either.Either<VerifiedJwt, InvalidJwt> => {
  const fail = (reason: InvalidJwt["reason"], detail: string) =>
    Either.left(new InvalidJwt({ reason, detail }))
  const parts = options.token.trim().split(".")
  if (parts.length !== 3) return fail("Malformed", `expected 3 dot-separated segments, got ${parts.length}`)
  const [headerSegment, payloadSegment, signatureSegment] = parts as [string, string, string]
  const headerBytes = decodeSegment(headerSegment)
  const payloadBytes = decodeSegment(payloadSegment)
  const signature = decodeSegment(signatureSegment)
  if (headerBytes === undefined || payloadBytes === undefined || signature === undefined) {
    return fail("Malformed", "a segment is not base64url")
  }
  const header = parseObject(headerBytes)
  if (header === undefined) return fail("Malformed", "the header is not a JSON object")
  if (header.alg !== "HS256") {
    return fail(
      "UnsupportedAlgorithm",
      `alg ${JSON.stringify(header.alg ?? null)} is not accepted; only HS256`
    )
  }
  const expected = mac(`${headerSegment}.${payloadSegment}`, options.secret)
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return fail("BadSignature", "the signature does not match the secret")
  }
  const payload = parseObject(payloadBytes)
  if (payload === undefined) return fail("InvalidPayload", "the payload is not a JSON object")
  return Either.right({ header, payload, payloadJson: payloadBytes.toString("utf8") })
}
