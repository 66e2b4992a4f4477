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
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import type { ErrorKind } from "./ErrorKind.js"

/**
 * @since 0.1.0
 */
export const TypeId: unique symbol = Symbol.for("@kasir/core/KasirError")

/**
 * @since 0.1.0
 */
export type TypeId = typeof TypeId

/**
 * Whose failure an error is.
 *
 * @since 0.1.0
 */
export type Provider = "ayoconnect" | "nicepay" | "snap" | "kasir"

/**
 * What the upstream said, in its own words: Ayoconnect's Indonesian and English pair
 * (`{ ID, EN }`), or SNAP's single `responseMessage` (`{ message }`).
 *
 * @since 0.1.0
 */
export type UpstreamMessages = { readonly ID: string; readonly EN: string } | { readonly message: string }

/**
 * The fields every kasir error exposes.
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
 */
export const isKasirError = (u: unknown): u is KasirError => Predicate.hasProperty(u, TypeId)

/**
 * The provider an upstream label names (`ayoconnect`, `nicepay`); any other SNAP upstream is
 * reported as `snap`.
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
 */
export const isUnknownReference = (error: KasirError): boolean =>
  error.provider !== "kasir" && error.upstreamCode !== undefined && unknownReferenceTags.has(error._tag)
