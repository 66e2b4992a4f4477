/**
 * Reading a SNAP response: decide success from the `responseCode` in the body, check that the HTTP
 * status agrees with it, and turn everything else into a typed error — a gateway's HTML page, a
 * truncated body or a missing code included. Nothing here throws.
 */
import { Either, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import type { RawResponse } from "../Upstream.js"
import * as ResponseCode from "./ResponseCode.js"
import * as KasirError from "../KasirError.js"

// A value may be cut off by a truncated body, so an unterminated string is masked to the end.
const sensitiveJsonKeys = /"(accessToken|refreshToken|clientSecret|privateKey|signature)"(\s*:\s*)"[^"]*"?/gi

/**
 * A response body as it may appear in errors: values of token-like keys masked, at most 1,000
 * characters.
 */
export const maskBody = (body: string): string => {
  const masked = body.replace(sensitiveJsonKeys, '"$1"$2"<redacted>"')
  return masked.length > 1_000 ? `${masked.slice(0, 1_000)}…` : masked
}

/**
 * The upstream answered something that is not a SNAP response: not JSON (an HTML error page, a
 * truncated body), no `responseCode`, or a success body missing the fields the operation needs.
 */
export class MalformedResponse extends Schema.TaggedError<MalformedResponse>()("MalformedResponse", {
  upstream: Schema.String,
  operation: Schema.String,
  httpStatus: Schema.Number,
  reason: Schema.String,
  /** The body received, masked and truncated. */
  body: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return KasirError.providerOf(this.upstream)
  }

  get kind(): ErrorKind {
    return "Unavailable"
  }
  /** A gateway error page (5xx, 429) may be gone on the next attempt; a malformed 2xx will not. */
  get transient(): boolean {
    return this.httpStatus >= 500 || this.httpStatus === 429
  }
  override get message(): string {
    return `${this.upstream} ${this.operation}: malformed response (HTTP ${this.httpStatus}): ${this.reason}`
  }
}

/**
 * The HTTP status contradicts the `responseCode` in the body (e.g. HTTP 200 with `5000000`), and
 * no provider documents that combination. Which one to believe is unknown, so neither is.
 */
export class StatusMismatch extends Schema.TaggedError<StatusMismatch>()("StatusMismatch", {
  upstream: Schema.String,
  operation: Schema.String,
  httpStatus: Schema.Number,
  responseCode: Schema.String,
  responseMessage: Schema.String,
  body: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return KasirError.providerOf(this.upstream)
  }

  get upstreamCode(): string {
    return this.responseCode
  }

  get upstreamMessages(): KasirError.UpstreamMessages {
    return { message: this.responseMessage }
  }

  get kind(): ErrorKind {
    return "Unavailable"
  }
  get transient(): boolean {
    return this.httpStatus >= 500
  }
  override get message(): string {
    return `${this.upstream} ${this.operation}: HTTP ${this.httpStatus} contradicts responseCode ${this.responseCode} (${this.responseMessage})`
  }
}

/**
 * A response whose code is success (`200xx00`) or in progress (`202xx00`).
 */
export interface Accepted {
  readonly httpStatus: number
  readonly code: ResponseCode.ResponseCode
  readonly responseMessage: string
  /** The parsed JSON object. */
  readonly json: Readonly<Record<string, unknown>>
  /** The body exactly as received. */
  readonly body: string
}

/**
 * Why a response was not accepted.
 */
export type Rejection = ResponseCode.ResponseCodeError | MalformedResponse | StatusMismatch

const looksLikeHtml = (body: string): boolean => /^\s*<(!doctype|html|head|body|\?xml)/i.test(body)

/**
 * Interprets a raw response: success and in-progress codes are accepted; every other code, and
 * every answer that is not a SNAP response, is a typed error. Codes are read with the provider's
 * `dialect` (ASPI's general table by default).
 */
export const interpret = (
  response: RawResponse,
  labels: { readonly upstream: string; readonly operation: string },
  dialect: ResponseCode.Dialect = ResponseCode.aspi
): Either.Either<Accepted, Rejection> => {
  const malformed = (reason: string) =>
    Either.left(
      new MalformedResponse({
        ...labels,
        httpStatus: response.status,
        reason,
        body: maskBody(response.body)
      })
    )
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch {
    if (response.body.trim() === "") return malformed("empty body")
    return malformed(
      looksLikeHtml(response.body) ? "an HTML page instead of JSON" : "the body is not valid JSON"
    )
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return malformed("the body is not a JSON object")
  }
  const object = json as Record<string, unknown>
  const rawCode = object.responseCode
  if (typeof rawCode !== "string") return malformed("the body has no responseCode")
  const parsed = ResponseCode.parse(rawCode)
  if (Either.isLeft(parsed)) return malformed(parsed.left)
  const code = parsed.right
  const responseMessage = typeof object.responseMessage === "string" ? object.responseMessage : ""
  if (!ResponseCode.statusAgrees(response.status, code, dialect)) {
    return Either.left(
      new StatusMismatch({
        ...labels,
        httpStatus: response.status,
        responseCode: code.code,
        responseMessage,
        body: maskBody(response.body)
      })
    )
  }
  if (ResponseCode.isSuccess(code) || ResponseCode.isInProgress(code)) {
    return Either.right({
      httpStatus: response.status,
      code,
      responseMessage,
      json: object,
      body: response.body
    })
  }
  return Either.left(ResponseCode.toError(code, responseMessage, maskBody(response.body), dialect))
}
