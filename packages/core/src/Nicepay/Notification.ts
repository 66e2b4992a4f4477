/**
 * NICEPAY payout notifications (NICEPAY → merchant, `POST …/api/v1.0/transfer/notify`).
 *
 * NICEPAY signs only `X-CLIENT-KEY|X-TIMESTAMP` with its notification key (SHA256withRSA); the
 * body is not covered. `verify` checks the signature, the client id and the timestamp's freshness
 * before reading the body, and returns the body as an unconfirmed claim: `NicepayPayout`'s
 * `confirmNotification` re-reads the payout with an inquiry.
 */
import { Clock, Duration, Effect, Either, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import type { Rupiah } from "../Money.js"
import { type KeyInput, verifyNotificationSignature } from "../Snap/Signature.js"
import * as Timestamp from "../Timestamp.js"
import { describeParseError, NotificationBody, type TransactionStatus } from "./Schemas.js"
import * as KasirError from "../KasirError.js"

const decodeNotificationBody = Schema.decodeUnknownEither(NotificationBody)

/**
 * Why a notification was refused.
 */
export const RejectionReason = Schema.Literal(
  "MissingHeader",
  "UnknownClient",
  "InvalidTimestamp",
  "StaleTimestamp",
  "InvalidSignature",
  "InvalidBody",
  "NoPublicKey"
)

/**
 * A notification that must not be trusted. The message says why and never echoes the signature.
 */
export class InvalidNotification extends Schema.TaggedError<InvalidNotification>()("InvalidNotification", {
  reason: RejectionReason,
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "nicepay"
  }

  get kind(): ErrorKind {
    return this.reason === "NoPublicKey" ? "Configuration" : "InvalidRequest"
  }
  override get message(): string {
    return `nicepay notification refused (${this.reason}): ${this.detail}`
  }
}

/**
 * A verified notification: it came from NICEPAY for this merchant, recently. Its body fields are
 * NICEPAY's claims, not confirmed facts.
 */
export interface Notification {
  readonly clientId: string
  readonly timestamp: string
  readonly partnerReferenceNo: string
  readonly originalReferenceNo: string
  readonly beneficiaryAccountNo?: string | undefined
  readonly amount?: Rupiah | undefined
  readonly status?: TransactionStatus | undefined
  /** The parsed body as received. */
  readonly body: Readonly<Record<string, unknown>>
}

/**
 * What a notification handler received: header names in any case, and the body bytes or text
 * exactly as received.
 */
export interface Received {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly rawBody: string | Uint8Array
}

const header = (headers: Received["headers"], name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return typeof value === "string" ? value : value?.[0]
  }
  return undefined
}

/**
 * The options of `verifyHeaders` and `verify`.
 */
export interface VerifyOptions {
  readonly clientId: string
  /**
   * NICEPAY's notification public key. Pass it parsed (`Snap.Signature.parsePublicKey`), as the
   * `NicepayPayout` client does: key text is parsed on every call, and a malformed one only shows
   * up here, as `NoPublicKey`.
   */
  readonly publicKey: KeyInput
  /** How far X-TIMESTAMP may be from now, either way; default 5 minutes. */
  readonly tolerance?: Duration.DurationInput | undefined
}

const refuse = (reason: typeof RejectionReason.Type, detail: string) =>
  Effect.fail(new InvalidNotification({ reason, detail }))

/**
 * Verifies everything about a notification that needs no body: the headers are present, the
 * client key is this merchant's, X-TIMESTAMP is well-formed and fresh, X-SIGNATURE verifies (it
 * covers `X-CLIENT-KEY|X-TIMESTAMP` only). A receiver calls this before reading the body, so an
 * unsigned request never costs a body read.
 */
export const verifyHeaders = (
  headers: Received["headers"],
  options: VerifyOptions
): Effect.Effect<{ readonly clientId: string; readonly timestamp: string }, InvalidNotification> =>
  Effect.gen(function* () {
    const received = { headers }
    const timestamp = header(received.headers, "x-timestamp")
    const clientKey = header(received.headers, "x-client-key")
    const signature = header(received.headers, "x-signature")
    if (timestamp === undefined) return yield* refuse("MissingHeader", "X-TIMESTAMP is missing")
    if (clientKey === undefined) return yield* refuse("MissingHeader", "X-CLIENT-KEY is missing")
    if (signature === undefined) return yield* refuse("MissingHeader", "X-SIGNATURE is missing")
    if (clientKey !== options.clientId) {
      return yield* refuse("UnknownClient", "X-CLIENT-KEY is not this merchant's client id")
    }
    const instant = Timestamp.parse(timestamp)
    if (Either.isLeft(instant)) return yield* refuse("InvalidTimestamp", instant.left.reason)
    const now = yield* Clock.currentTimeMillis
    const tolerance = Duration.toMillis(options.tolerance ?? Duration.minutes(5))
    if (Math.abs(now - instant.right) > tolerance) {
      return yield* refuse("StaleTimestamp", `X-TIMESTAMP is more than ${tolerance / 1000} s from now`)
    }
    const valid = yield* verifyNotificationSignature({
      clientId: clientKey,
      timestamp,
      signature,
      publicKey: options.publicKey
    }).pipe(
      Effect.mapError(
        (error) =>
          new InvalidNotification({ reason: "NoPublicKey", detail: `the notification key: ${error.reason}` })
      )
    )
    if (!valid) return yield* refuse("InvalidSignature", "X-SIGNATURE does not verify with NICEPAY's key")
    return { clientId: clientKey, timestamp }
  })

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Verifies a notification (`verifyHeaders`) and reads its body. The body must be valid UTF-8
 * (decoded strictly: invalid bytes are refused, never replaced) and JSON.
 */
export const verify = (
  received: Received,
  options: VerifyOptions
): Effect.Effect<Notification, InvalidNotification> =>
  Effect.gen(function* () {
    const { clientId: clientKey, timestamp } = yield* verifyHeaders(received.headers, options)
    let text: string
    try {
      text = typeof received.rawBody === "string" ? received.rawBody : strictUtf8.decode(received.rawBody)
    } catch {
      return yield* refuse("InvalidBody", "the body is not valid UTF-8")
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return yield* refuse("InvalidBody", "the body is not valid JSON")
    }
    const body = decodeNotificationBody(json)
    if (Either.isLeft(body)) return yield* refuse("InvalidBody", describeParseError(body.left))
    const b = body.right
    return {
      clientId: clientKey,
      timestamp,
      partnerReferenceNo: b.originalPartnerReferenceNo,
      originalReferenceNo: b.originalReferenceNo,
      beneficiaryAccountNo: b.beneficiaryAccountNo ?? b.beneficiaryaccountNo,
      amount: b.amount,
      status: b.latestTransactionStatus,
      body: json as Record<string, unknown>
    } satisfies Notification
  })

/**
 * The SNAP answers a merchant gives a notification, one per situation:
 *
 * | situation                                   | HTTP | `responseCode` |
 * |---------------------------------------------|------|----------------|
 * | signature valid and payout confirmed        | 200  | `2000000`      |
 * | missing, stale or invalid signature         | 401  | `4010000`      |
 * | signed, but the body is not a notification  | 400  | `4000000`      |
 * | the body exceeds the receiver's limit       | 413  | `4130000`      |
 * | signed, but not confirmable now             | 500  | `5000000` (NICEPAY retries) |
 *
 * `4130000` follows SNAP's code pattern; NICEPAY documents no code for it.
 */
export const answers = {
  acknowledged: { status: 200, responseCode: "2000000", responseMessage: "Success" },
  refused: { status: 401, responseCode: "4010000", responseMessage: "Unauthorized Signature" },
  invalid: { status: 400, responseCode: "4000000", responseMessage: "Bad Request" },
  tooLarge: { status: 413, responseCode: "4130000", responseMessage: "Payload Too Large" },
  unconfirmed: { status: 500, responseCode: "5000000", responseMessage: "General Error" }
} as const

/**
 * One of the situations in `answers`.
 */
export type Verdict = keyof typeof answers

/**
 * An HTTP answer to a notification, ready to send.
 */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * Whether a failed header check (`verifyHeaders`) refuses the notification before its body is
 * read: every reason except a receiver with no NICEPAY public key configured, which is the
 * receiver's problem, not the sender's (the notification is then left unconfirmed).
 */
export const refusesHeaders = (error: InvalidNotification): boolean => error.reason !== "NoPublicKey"

/**
 * What a failed confirmation (`confirmNotification`) means for NICEPAY: a body that is not a
 * notification is `invalid`, a bad signature `refused`; anything else (no key configured,
 * NICEPAY unreachable for the inquiry) leaves it `unconfirmed`, so NICEPAY sends it again.
 */
export const verdictOf = (error: unknown): Exclude<Verdict, "acknowledged" | "tooLarge"> =>
  error instanceof InvalidNotification && error.reason !== "NoPublicKey"
    ? error.reason === "InvalidBody"
      ? "invalid"
      : "refused"
    : "unconfirmed"

/**
 * The answer for a verdict. The acknowledgement and the refusal carry an `X-TIMESTAMP`, as
 * NICEPAY's own plugin sends them.
 */
export const answer = (verdict: Verdict): Effect.Effect<Answer> => {
  const { status, responseCode, responseMessage } = answers[verdict]
  const body = JSON.stringify({ responseCode, responseMessage })
  return verdict === "acknowledged" || verdict === "refused"
    ? Effect.map(Timestamp.now, (timestamp) => ({
        status,
        headers: { "content-type": "application/json", "x-timestamp": timestamp },
        body
      }))
    : Effect.succeed({ status, headers: { "content-type": "application/json" }, body })
}

/**
 * The acknowledgement NICEPAY expects: HTTP 200 with `{"responseCode":"2000000",…}`, plus an
 * `X-TIMESTAMP` header.
 */
export const acknowledgement: Effect.Effect<Answer> = answer("acknowledged")

/**
 * The answer to a refused notification, as NICEPAY's own plugin gives it: HTTP 401 with
 * `{"responseCode":"4010000","responseMessage":"Unauthorized Signature"}`.
 */
export const refusal: Effect.Effect<Answer> = answer("refused")
