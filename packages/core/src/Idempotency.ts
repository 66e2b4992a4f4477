/**
 * Idempotency keys reused for a different request.
 *
 * Both upstreams key a money-moving call on a reference the caller chooses (Ayoconnect
 * `refNumber`, NICEPAY `partnerReferenceNo`) and answer a repeat with "duplicate" instead of
 * acting twice. A repeat is only the *same* call when the rest of the request matches what the
 * upstream holds under that reference; otherwise the caller reused the key for a different
 * payment, and the existing one must not be reported as that payment's result. The comparisons
 * are `Ayoconnect.Status.differingFields` and `Nicepay.Schemas.differingFields`.
 */
import { Schema } from "effect"
import type { ErrorKind } from "./ErrorKind.js"
import * as KasirError from "./KasirError.js"

/**
 * The upstream already holds a payment under this reference, and it is not the one requested:
 * `fields` names what differs (names only, never values). Nothing was sent again and nothing new
 * was charged; a new payment needs a new reference.
 */
export class ReferenceReused extends Schema.TaggedError<ReferenceReused>()("ReferenceReused", {
  upstream: Schema.String,
  operation: Schema.String,
  /** The name of the reference: `refNumber` or `partnerReferenceNo`. */
  referenceField: Schema.String,
  /** The caller's own reference. */
  reference: Schema.String,
  /** The request fields that differ from the existing payment, e.g. `["amount"]`. */
  fields: Schema.Array(Schema.String)
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get provider(): KasirError.Provider {
    return KasirError.providerOf(this.upstream)
  }

  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  override get message(): string {
    return `${this.upstream}.${this.operation}: ${this.referenceField} ${this.reference} already belongs to a different payment (${this.fields.join(", ")} differ${this.fields.length === 1 ? "s" : ""}); use a new ${this.referenceField} for a new payment`
  }
}
