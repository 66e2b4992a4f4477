/**
 * The Ayoconnect failures that are not a response code: bad input, bad configuration, answers
 * that are not API responses, and payments whose outcome cannot be known.
 *
 * None of them carries a secret, a token or a request body.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as KasirError from "../KasirError.js"

/**
 * The caller's input failed validation; nothing was sent. `field` names the offending parameter
 * (dotted path, e.g. `callbackUrls.0`).
 *
 * @since 0.1.0
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  operation: Schema.String,
  field: Schema.String,
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
    return `ayoconnect.${this.operation}: invalid ${this.field === "" ? "input" : this.field}: ${this.detail}`
  }
}

/**
 * The client's configuration is unusable (for instance a base URL that is not http(s)).
 *
 * @since 0.1.0
 */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  field: Schema.String,
  detail: Schema.String
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get kind(): ErrorKind {
    return "Configuration"
  }

  override get message(): string {
    return `Ayoconnect configuration: ${this.field} ${this.detail}`
  }
}

/**
 * The upstream answered something that is not an Ayoconnect API response: an HTTP error status
 * (a proxy's HTML page), a body that is not JSON, JSON without a `responseCode`, or `data` that
 * does not have the documented shape. `excerpt` is the start of the body, for diagnosis.
 *
 * @since 0.1.0
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
 * A payment was (or may have been) sent, but its outcome is unknown: a timeout or connection
 * failure after sending, an HTTP error page, a body without a response code, or "duplicate
 * transaction" (102/108). It must not be resent with a new refNumber; resolve it with
 * `status` / `recoverPayment` on the same `refNumber`.
 *
 * @since 0.1.0
 */
export class PaymentOutcomeUnknown extends Schema.TaggedError<PaymentOutcomeUnknown>()(
  "PaymentOutcomeUnknown",
  {
    refNumber: Schema.String,
    reason: Schema.String,
    responseCode: Schema.optional(Schema.Number)
  }
) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get upstreamCode(): string | undefined {
    return this.responseCode === undefined ? undefined : String(this.responseCode)
  }

  get kind(): ErrorKind {
    return "OutcomeUnknown"
  }

  override get message(): string {
    return `ayoconnect.payment ${this.refNumber}: outcome unknown (${this.reason}); check its status before doing anything else`
  }
}

/**
 * `awaitFinal` gave up while the transaction was still processing.
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
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
