/**
 * The one vocabulary every kasir error shares.
 *
 * Each error class of kasir (core, ledger, the apps' own) carries the type id below, so a caller
 * recognises a kasir error with `isKasirError` — as `@effect/platform`'s `HttpClientError` and
 * `@effect/ai`'s `AiError` are recognised — and then reads typed fields instead of probing an
 * `unknown` for whichever fields a provider happens to use:
 *
 * - `kind`: what the failure means to the caller (`ErrorKind`), which the apps map to exit codes
 *   and HTTP statuses;
 * - `provider`: whose failure it is (`ayoconnect`, `nicepay`, the generic `snap` layer, or `kasir`
 *   itself for input, configuration and ledger failures);
 * - `operation`: the operation that failed, where the error knows it;
 * - `upstreamCode` and `upstreamMessages`: only where the upstream answered — its response code as text
 *   (Ayoconnect's `188`, SNAP's `4030014`) and its messages (Ayoconnect's Indonesian and English
 *   pair, SNAP's single `responseMessage`).
 */
import { Predicate, Schema } from "effect"
import type { ErrorKind } from "./ErrorKind.js"

export const TypeId: unique symbol = Symbol.for("@kasir/core/KasirError")

export type TypeId = typeof TypeId

/**
 * Whose failure an error is.
 */
export type Provider = "ayoconnect" | "nicepay" | "snap" | "kasir"

/**
 * What the upstream said, in its own words: Ayoconnect's Indonesian and English pair
 * (`{ ID, EN }`), or SNAP's single `responseMessage` (`{ message }`).
 */
export type UpstreamMessages = { readonly ID: string; readonly EN: string } | { readonly message: string }

/**
 * The fields every kasir error exposes.
 */
export interface KasirError {
  readonly [TypeId]: TypeId
  readonly _tag: string
  readonly message: string
  readonly kind: ErrorKind
  readonly provider: Provider
  /** The operation that failed (`payment`, `register`…), when the error knows it. */
  readonly operation?: string | undefined
  /** The upstream's response code, as text, when the upstream answered. */
  readonly upstreamCode?: string | undefined
  /** The upstream's messages, when the upstream answered. */
  readonly upstreamMessages?: UpstreamMessages | undefined
}

/**
 * Whether a value is a kasir error.
 */
export const isKasirError = (u: unknown): u is KasirError => Predicate.hasProperty(u, TypeId)

/**
 * The provider an upstream label names (`ayoconnect`, `nicepay`); any other SNAP upstream is
 * reported as `snap`.
 */
export const providerOf = (upstream: string): Provider =>
  upstream === "ayoconnect" || upstream === "nicepay" ? upstream : "snap"

// The response-code classes that mean "no such reference", by the names both tables give them:
// Ayoconnect's RC 185 (`InquiryNotFound`) and RC 188 (`TransactionNotFound`), SNAP's 404xx01
// (`TransactionNotFound`).
const unknownReferenceTags: ReadonlySet<string> = new Set(["InquiryNotFound", "TransactionNotFound"])

/**
 * Whether the upstream answered that it holds nothing under the reference it was given (an
 * inquiry id or a transaction reference): Ayoconnect's RC 185 and 188, SNAP's 404xx01. The apps
 * ask this instead of comparing response codes.
 */
export const isUnknownReference = (error: KasirError): boolean =>
  error.provider !== "kasir" && error.upstreamCode !== undefined && unknownReferenceTags.has(error._tag)

// ---------------------------------------------------------------------------------------------
// The three failures every provider shares
// ---------------------------------------------------------------------------------------------
//
// Bad input, bad configuration and a money movement whose outcome is unknown mean the same thing
// whichever provider (or the ledger, or an app) detects them, so each is one class with one set
// of fields, not a class per provider: a caller catches `InvalidInput` once and reads `provider`,
// `operation` and `field` from it.

const ProviderSchema = Schema.Literal("ayoconnect", "nicepay", "snap", "kasir")

// `provider.operation: ` (or `operation: ` for kasir's own components, e.g. `ledger`), or nothing.
const scopeOf = (provider: Provider, operation: string | undefined): string =>
  operation === undefined || operation === ""
    ? ""
    : `${provider === "kasir" ? "" : `${provider}.`}${operation}: `

/**
 * An input was refused before anything was sent: an argument of a core operation, a ledger
 * query, a command line. `field` names the offending field as a dotted path (`callbackUrls.0`),
 * or is empty when the input as a whole is wrong; `reason` says what is wrong with it and `hint`,
 * when there is one, how to fix it. Nothing in it is a secret: reasons describe values, they do
 * not echo credentials.
 *
 * The message is `<provider>.<operation>: invalid <field>: <reason>` (`ayoconnect.payment:
 * invalid amount: …`); kasir's own components name themselves (`ledger: invalid after: …`), and
 * an input without an operation or field (the CLI's) is its reason alone.
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  provider: ProviderSchema,
  /** The operation that refused the input (`payment`, `register`, `ledger`), when there is one. */
  operation: Schema.optional(Schema.String),
  /** The offending field (dotted path); empty for the input as a whole. */
  field: Schema.optionalWith(Schema.String, { default: () => "" }),
  /** What is wrong with it. */
  reason: Schema.String,
  /** How to fix it, when that is not obvious from the reason. */
  hint: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId

  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  override get message(): string {
    return `${scopeOf(this.provider, this.operation)}${this.field === "" ? "" : `invalid ${this.field}: `}${this.reason}`
  }
}

/**
 * A configuration value is missing, malformed or unusable: an environment variable
 * (`NICEPAY_PRIVATE_KEY`, `KASIR_DATABASE_URL`), a layer option (`baseUrl`), a key file.
 * `setting` names it — never its value, which may be a secret; `reason` says what is wrong and
 * `hint`, when there is one, how to fix it.
 *
 * The message is `<setting>: <reason>`, or the reason alone when no single setting is to blame.
 */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  provider: ProviderSchema,
  /** The variable or option at fault; empty when no single one is. */
  setting: Schema.optionalWith(Schema.String, { default: () => "" }),
  /** What is wrong with it (never its value). */
  reason: Schema.String,
  /** How to fix it, when that is not obvious from the reason. */
  hint: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId

  get kind(): ErrorKind {
    return "Configuration"
  }

  override get message(): string {
    return this.setting === "" ? this.reason : `${this.setting}: ${this.reason}`
  }
}

/**
 * A money-moving call (an Ayoconnect payment, a NICEPAY registration or transition) was, or may
 * have been, sent, and no clear answer came back: a timeout or a connection failure after
 * sending, an answer that is not an API response, a code that is not final. Money may have moved.
 * Never resend it under a new reference: look it up by `reference` (Ayoconnect:
 * `recoverPayment` / `resolvePaymentOutcome`; NICEPAY: `recover`).
 *
 * - `referenceField` / `reference`: the caller's idempotency key (`refNumber`,
 *   `partnerReferenceNo`) and its value;
 * - `references`: every reference the lookup needs, by the upstream's field names (the key
 *   itself included; NICEPAY adds `originalReferenceNo` and `beneficiaryAccountNo` once known);
 * - `reason`: what made the outcome unclear; `causeTag`: the tag of the failure behind it
 *   (`UpstreamTimeout`, `UpstreamUnavailable`, a response-code class);
 * - `upstreamCode`: the upstream's response code, when it answered one.
 */
export class OutcomeUnknown extends Schema.TaggedError<OutcomeUnknown>()("OutcomeUnknown", {
  provider: ProviderSchema,
  operation: Schema.String,
  referenceField: Schema.String,
  reference: Schema.String,
  references: Schema.Record({ key: Schema.String, value: Schema.String }),
  reason: Schema.String,
  causeTag: Schema.String,
  upstreamCode: Schema.optional(Schema.String)
}) {
  readonly [TypeId]: TypeId = TypeId

  get kind(): ErrorKind {
    return "OutcomeUnknown"
  }

  override get message(): string {
    const original = this.references.originalReferenceNo
    const refs = [
      `${this.referenceField} ${this.reference}`,
      ...(original === undefined || this.referenceField === "originalReferenceNo"
        ? []
        : [`originalReferenceNo ${original}`])
    ].join(", ")
    return `${this.provider}.${this.operation}: outcome unknown for ${refs} (${this.reason}); look it up before retrying`
  }
}
