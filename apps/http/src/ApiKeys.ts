/**
 * API keys for `/v1`: the gateway stores only SHA-256 digests of the keys it accepts
 * (`KASIR_API_KEYS`, comma-separated hex), so its configuration never holds a usable key.
 *
 * A presented key is hashed and compared with every configured digest in constant time; the
 * comparison never stops early, so timing reveals neither which digest matched nor how much of it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { Context, Either, Layer, Redacted } from "effect"

/**
 * The hex SHA-256 digest of a key, as written in `KASIR_API_KEYS`.
 */
export const digestHex = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

const HEX_DIGEST = /^[0-9a-f]{64}$/

/**
 * Parses `KASIR_API_KEYS`: comma-separated SHA-256 hex digests, whitespace and empty entries
 * ignored. Fails with a message naming the first malformed entry by position (never its value
 * beyond its length, in case someone pasted a raw key there).
 */
export const parseDigests = (raw: string): Either.Either<ReadonlyArray<Buffer>, string> => {
  const entries = raw
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "")
  const digests: Array<Buffer> = []
  for (const [index, entry] of entries.entries()) {
    if (!HEX_DIGEST.test(entry)) {
      return Either.left(
        `KASIR_API_KEYS entry ${index + 1} is not a SHA-256 hex digest (64 hex characters, got ${entry.length} characters): ` +
          'store digests, not keys — e.g. `printf %s "$KEY" | sha256sum`'
      )
    }
    digests.push(Buffer.from(entry, "hex"))
  }
  return Either.right(digests)
}

/**
 * A fresh random key for development use (`kasir_dev_` + 32 base64url characters, 192 bits).
 */
export const generateDevelopmentKey = (): string => `kasir_dev_${randomBytes(24).toString("base64url")}`

/**
 * The set of accepted keys.
 */
export class ApiKeys extends Context.Tag("@kasir/http/ApiKeys")<
  ApiKeys,
  {
    /** The fingerprint of the matching key (first 8 hex digits of its digest), or undefined. */
    readonly verify: (key: Redacted.Redacted<string>) => string | undefined
    readonly size: number
  }
>() {}

/**
 * Checks `key` against `digests`. Hashing first makes every comparison 32 bytes against 32 bytes
 * regardless of the key's length; every digest is compared even after a match.
 */
export const verify = (digests: ReadonlyArray<Buffer>, key: string): string | undefined => {
  if (key === "") return undefined
  const presented = createHash("sha256").update(key, "utf8").digest()
  let matched: Buffer | undefined
  for (const digest of digests) {
    if (timingSafeEqual(presented, digest)) matched = digest
  }
  return matched?.toString("hex").slice(0, 8)
}

export const make = (digests: ReadonlyArray<Buffer>): Context.Tag.Service<ApiKeys> => ({
  verify: (key) => verify(digests, Redacted.value(key)),
  size: digests.length
})

export const layer = (digests: ReadonlyArray<Buffer>): Layer.Layer<ApiKeys> =>
  Layer.succeed(ApiKeys, make(digests))
