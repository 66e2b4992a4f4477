/**
 * The Ayoconnect failures that are not a response code: answers that are not API responses, a
 * wait that ended while a transaction was still processing, and callbacks that are not results.
 * Bad input, bad configuration and payments whose outcome cannot be known are the errors every
 * provider shares (`KasirError.InvalidInput`, `KasirError.InvalidConfig`,
 * `KasirError.OutcomeUnknown`).
 *
 * None of them carries a secret, a token or a request body.
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * The upstream answered something that is not an Ayoconnect API response: an HTTP error status
 * (a proxy's HTML page), a body that is not JSON, JSON without a `responseCode`, or `data` that
 * does not have the documented shape. `excerpt` is the start of the body, for diagnosis.
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  operation: Schema.String,
  status: Schema.Number,
  reason: Schema.Literal("HttpStatus", "MalformedJson", "MissingResponseCode", "InvalidBody"),
  detail: Schema.String,
  excerpt: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get kind(): ErrorKind {
    return "Unavailable"
  }

  override get message(): string {
    return `ayoconnect.${this.operation}: unexpected response (${this.reason}, HTTP ${this.status}): ${this.detail}`
  }
}

/**
 * `awaitFinal` gave up while the transaction was still processing.
 */
export class StillPending extends Schema.TaggedError<StillPending>()("StillPending", {
  refNumber: Schema.String,
  responseCode: Schema.Number
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get upstreamCode(): string {
    return String(this.responseCode)
  }

  get kind(): ErrorKind {
    return "OutcomeUnknown"
  }

  override get message(): string {
    return `ayoconnect ${this.refNumber}: still processing (RC ${this.responseCode}) when the wait ended`
  }
}

/**
 * A callback body that is not a transaction result.
 */
export class InvalidCallback extends Schema.TaggedError<InvalidCallback>()("InvalidCallback", {
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  override get message(): string {
    return `invalid Ayoconnect callback: ${this.detail}`
  }
}
