/**
 * Standard Webhooks v1 signatures (https://www.standardwebhooks.com), with `node:crypto`.
 *
 * What is signed: `${webhook-id}.${webhook-timestamp}.${body}` — the exact body bytes that are
 * sent — with HMAC-SHA256 keyed by the base64-decoded part of a `whsec_…` secret. The headers:
 *
 * | header | value |
 * |---|---|
 * | `webhook-id` | the event id (`evt_…`), the same on every redelivery: the receiver's idempotency key |
 * | `webhook-timestamp` | integer Unix seconds of this attempt |
 * | `webhook-signature` | `v1,<base64>` per secret, space-separated (several during a rotation) |
 *
 * Secrets: `whsec_` + base64 of 24 to 64 random bytes (`generateSecret` makes 32). During a
 * rotation the sender holds the old and the new secret and signs with both; a receiver that holds
 * either accepts. `parseSecrets` takes that space-separated list as the environment gives it.
 *
 * `verify` is the receiver's side, over the raw received bytes, before any parsing: the timestamp
 * must be within the tolerance (5 minutes by default, either way, so a replayed capture goes
 * stale) of the receiver's `Clock`, and some `v1,` signature must equal one computed with some
 * secret, compared in constant time (`timingSafeEqual` on equal-length digests). It accepts what
 * the `standardwebhooks` reference library signs, and that library accepts what `sign` signs (the
 * tests check both ways). Failures are a typed `WebhookVerificationFailed` naming what was wrong,
 * never a secret or a signature.
 *
 * Secrets are `Redacted` everywhere; the key bytes never appear in a message or a log.
 */
import type { ErrorKind } from "@kasir/core"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { Clock, Effect, Either, Redacted, Schema } from "effect"

/**
 * One signing secret: its key bytes (the decoded part after `whsec_`), redacted.
 */
export interface Secret {
  readonly key: Redacted.Redacted<Buffer>
}

const prefix = "whsec_"
const base64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Parses one `whsec_…` secret. The reason never contains the value.
 */
export const parseSecret = (value: string): Either.Either<Secret, string> => {
  if (!value.startsWith(prefix)) return Either.left("a secret must start with whsec_")
  const encoded = value.slice(prefix.length)
  if (!base64.test(encoded) || encoded.length % 4 !== 0) {
    return Either.left("the part after whsec_ must be base64")
  }
  const key = Buffer.from(encoded, "base64")
  if (key.length < 24 || key.length > 64) {
    return Either.left(`the part after whsec_ must decode to 24 to 64 bytes (got ${key.length})`)
  }
  return Either.right({ key: Redacted.make(key) })
}

/**
 * Parses a space-separated list of `whsec_…` secrets (at least one). The reason names the
 * position of a bad one, never its value.
 */
export const parseSecrets = (value: string): Either.Either<ReadonlyArray<Secret>, string> => {
  const parts = value.split(/\s+/).filter((part) => part.length > 0)
  if (parts.length === 0) return Either.left("no secret given (expected whsec_… values separated by spaces)")
  const secrets: Array<Secret> = []
  for (const [index, part] of parts.entries()) {
    const parsed = parseSecret(part)
    if (Either.isLeft(parsed)) return Either.left(`secret ${index + 1} of ${parts.length}: ${parsed.left}`)
    secrets.push(parsed.right)
  }
  return Either.right(secrets)
}

/**
 * A new random secret: `whsec_` + base64 of 32 bytes.
 */
export const generateSecret = (): Redacted.Redacted<string> =>
  Redacted.make(`${prefix}${randomBytes(32).toString("base64")}`)

const bytesOf = (body: Uint8Array | string): Buffer =>
  typeof body === "string"
    ? Buffer.from(body, "utf8")
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength)

const digest = (key: Buffer, id: string, timestamp: number, body: Buffer): Buffer =>
  createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest()

/**
 * The `webhook-signature` value: one `v1,<base64>` per secret, space-separated.
 */
export const sign = (input: {
  readonly id: string
  /** Unix seconds. */
  readonly timestamp: number
  readonly body: Uint8Array | string
  readonly secrets: ReadonlyArray<Secret>
}): string => {
  const body = bytesOf(input.body)
  return input.secrets
    .map(
      (secret) =>
        `v1,${digest(Redacted.value(secret.key), input.id, input.timestamp, body).toString("base64")}`
    )
    .join(" ")
}

/**
 * The three headers of one delivery attempt.
 */
export const headers = (input: {
  readonly id: string
  readonly timestamp: number
  readonly body: Uint8Array | string
  readonly secrets: ReadonlyArray<Secret>
}): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> => ({
  "webhook-id": input.id,
  "webhook-timestamp": String(input.timestamp),
  "webhook-signature": sign(input)
})

/**
 * Why a delivery was refused by `verify`: `missing-header` (one of the three is absent),
 * `invalid-timestamp` (not integer seconds), `stale-timestamp` (outside the tolerance),
 * `no-signature` (no `v1,` entry), `bad-signature` (no entry matches any secret).
 */
export class WebhookVerificationFailed extends Schema.TaggedError<WebhookVerificationFailed>()(
  "WebhookVerificationFailed",
  {
    reason: Schema.Literal(
      "missing-header",
      "invalid-timestamp",
      "stale-timestamp",
      "no-signature",
      "bad-signature"
    ),
    detail: Schema.String
  }
) {
  get kind(): ErrorKind.ErrorKind {
    return "Unauthorized"
  }
  override get message(): string {
    return `webhook refused (${this.reason}): ${this.detail}`
  }
}

/**
 * A verified delivery: its id and timestamp (the body is the caller's raw bytes, now trusted).
 */
export interface Verified {
  readonly id: string
  readonly timestamp: number
}

const header = (
  headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>,
  name: string
): string | undefined => {
  const value = headers[name] ?? headers[name.toLowerCase()]
  return typeof value === "string" ? value : value?.[0]
}

/**
 * Verifies one received delivery over its raw body bytes (before parsing), at the `Clock`'s time.
 * `headers` are as Node gives them (lower-case names). `tolerance`: seconds either way, default
 * 300.
 */
export const verify = (input: {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: Uint8Array | string
  readonly secrets: ReadonlyArray<Secret>
  readonly tolerance?: number | undefined
}): Effect.Effect<Verified, WebhookVerificationFailed> =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) => {
    const fail = (reason: WebhookVerificationFailed["reason"], detail: string) =>
      Effect.fail(new WebhookVerificationFailed({ reason, detail }))
    const id = header(input.headers, "webhook-id")
    const stamp = header(input.headers, "webhook-timestamp")
    const signature = header(input.headers, "webhook-signature")
    if (id === undefined || stamp === undefined || signature === undefined) {
      return fail("missing-header", "webhook-id, webhook-timestamp and webhook-signature are required")
    }
    if (!/^[0-9]{1,15}$/.test(stamp))
      return fail("invalid-timestamp", "webhook-timestamp must be integer Unix seconds")
    const timestamp = Number(stamp)
    const tolerance = input.tolerance ?? 300
    const now = Math.floor(millis / 1000)
    if (Math.abs(now - timestamp) > tolerance) {
      return fail(
        "stale-timestamp",
        `webhook-timestamp is ${now - timestamp} s from now; at most ${tolerance} s either way is accepted`
      )
    }
    const candidates = signature
      .split(" ")
      .filter((entry) => entry.startsWith("v1,"))
      .map((entry) => Buffer.from(entry.slice(3), "base64"))
    if (candidates.length === 0) return fail("no-signature", "webhook-signature has no v1, entry")
    const body = bytesOf(input.body)
    for (const secret of input.secrets) {
      const expected = digest(Redacted.value(secret.key), id, timestamp, body)
      for (const candidate of candidates) {
        if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
          return Effect.succeed({ id, timestamp })
        }
      }
    }
    return fail("bad-signature", "no signature matches the body with any configured secret")
  })
