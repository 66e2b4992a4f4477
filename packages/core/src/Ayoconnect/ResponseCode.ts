/**
 * Ayoconnect response codes and the typed errors they become.
 *
 * Ranges: 0–99 success, 100–199 failed (balance refunded), 200–299 processing, 300 inquiry
 * success, 301–399 inquiry failed; 401–495 are documented one by one. Every documented failure
 * code maps to one error class per meaning; a code nobody documented becomes
 * `UnknownResponseCode` with the raw envelope. Each error carries the exact code, both messages
 * and the response's `data`.
 *
 * On a payment only 100–199 (except 102/108), 301–399 and 401 are final (`isFinalForPayment`);
 * 402, 403, 409, 490, 495 and any other code make the payment's outcome unknown until `status`
 * confirms it. `status` and the reads map every documented code to its class.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import type { Envelope } from "./Schemas.js"

const responseFields = {
  responseCode: Schema.Number,
  upstreamMessage: Schema.Struct({ ID: Schema.String, EN: Schema.String }),
  data: Schema.Unknown
}

/**
 * The fields every response-code error carries.
 *
 * @since 0.1.0
 */
export interface ResponseFields {
  readonly responseCode: number
  readonly upstreamMessage: { readonly ID: string; readonly EN: string }
  readonly data: unknown
}

const describe = (error: ResponseFields, meaning: string): string =>
  `Ayoconnect answered ${error.responseCode} (${meaning})${
    error.upstreamMessage.EN === "" ? "" : `: ${error.upstreamMessage.EN}`
  }`

/** RC 100, 364: the operator (telco, biller) failed the transaction. @since 0.1.0 */
export class OperatorError extends Schema.TaggedError<OperatorError>()("OperatorError", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "operator issue"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 101: connectivity between Ayoconnect and the biller failed. @since 0.1.0 */
export class ConnectivityIssue extends Schema.TaggedError<ConnectivityIssue>()(
  "ConnectivityIssue",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "connectivity issue"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 102, 108: a transaction with this refNumber already exists. From `payment` this becomes
 * `PaymentOutcomeUnknown` (the earlier attempt may have gone through); look it up with `status`.
 *
 * @since 0.1.0
 */
export class DuplicateTransaction extends Schema.TaggedError<DuplicateTransaction>()(
  "DuplicateTransaction",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "duplicate transaction"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 103, 304, 306, 307, 308: the account number (IDPEL, phone, meter) is wrong. @since 0.1.0 */
export class WrongAccountNumber extends Schema.TaggedError<WrongAccountNumber>()(
  "WrongAccountNumber",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "wrong account number"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 104: the transaction amount is invalid for the product. @since 0.1.0 */
export class InvalidAmount extends Schema.TaggedError<InvalidAmount>()("InvalidAmount", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "invalid amount"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 105, 107, 112: the customer or account is blocked by the biller. @since 0.1.0 */
export class AccountBlocked extends Schema.TaggedError<AccountBlocked>()("AccountBlocked", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "account blocked by the biller"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 106, 111, 315: the bill or transaction exceeds a maximum limit. @since 0.1.0 */
export class LimitExceeded extends Schema.TaggedError<LimitExceeded>()("LimitExceeded", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "exceeds the maximum limit"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 109, 310: the biller's cut-off window; try again later. @since 0.1.0 */
export class CutOff extends Schema.TaggedError<CutOff>()("CutOff", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "biller cut-off time"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 110, 184, 311: the product is out of stock, offline or unavailable. @since 0.1.0 */
export class ProductUnavailable extends Schema.TaggedError<ProductUnavailable>()(
  "ProductUnavailable",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "product not available"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 114, 403: the paid amount does not match the inquiry. A 403 answered to a payment is not
 * final (it becomes `PaymentOutcomeUnknown`); `status` reports it with this class.
 *
 * @since 0.1.0
 */
export class AmountMismatch extends Schema.TaggedError<AmountMismatch>()("AmountMismatch", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "amount does not match"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 180: a system error at Ayoconnect failed the payment (balance refunded). @since 0.1.0 */
export class SystemError extends Schema.TaggedError<SystemError>()("SystemError", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "system error"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 181, 305, 316, 317, 319, 323: the biller's or provider's system cannot serve the request
 * now (inquiry service down, provider problem, no switch or server). Worth retrying later.
 *
 * @since 0.1.0
 */
export class ProviderUnavailable extends Schema.TaggedError<ProviderUnavailable>()(
  "ProviderUnavailable",
  responseFields
) {
  get kind(): ErrorKind {
    return "Unavailable"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "provider system unavailable"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 183: the refNumber cannot be used. @since 0.1.0 */
export class RefNumberUnavailable extends Schema.TaggedError<RefNumberUnavailable>()(
  "RefNumberUnavailable",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "refNumber not available"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 185: the inquiry referenced by the payment does not exist (or was already used). @since 0.1.0 */
export class InquiryNotFound extends Schema.TaggedError<InquiryNotFound>()(
  "InquiryNotFound",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "inquiry not available"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 186, 341: no such product code. @since 0.1.0 */
export class ProductNotFound extends Schema.TaggedError<ProductNotFound>()(
  "ProductNotFound",
  responseFields
) {
  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "product not found"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 188: no transaction with this refNumber. After an unclear payment this means nothing was
 * created, so resending with the same refNumber is safe.
 *
 * @since 0.1.0
 */
export class TransactionNotFound extends Schema.TaggedError<TransactionNotFound>()(
  "TransactionNotFound",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "transaction not available"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 198: the transaction was failed manually by Ayoconnect. @since 0.1.0 */
export class ManuallyFailed extends Schema.TaggedError<ManuallyFailed>()("ManuallyFailed", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "manually failed"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 199, 399: a generic failure. @since 0.1.0 */
export class GeneralFailure extends Schema.TaggedError<GeneralFailure>()("GeneralFailure", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "general error"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 301: more outstanding bills than may be paid at once (at most 3 months). @since 0.1.0 */
export class TooManyOutstandingBills extends Schema.TaggedError<TooManyOutstandingBills>()(
  "TooManyOutstandingBills",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "bill more than 3 months"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 302, 309: the bill is already paid. @since 0.1.0 */
export class BillAlreadyPaid extends Schema.TaggedError<BillAlreadyPaid>()(
  "BillAlreadyPaid",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "bill already paid"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 303: there is no bill for this account. @since 0.1.0 */
export class BillNotAvailable extends Schema.TaggedError<BillNotAvailable>()(
  "BillNotAvailable",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "bill not available"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 312, 409: the inquiry expired; inquire again. A 409 answered to a payment is not final (it
 * becomes `PaymentOutcomeUnknown`); `status` reports it with this class.
 *
 * @since 0.1.0
 */
export class InquiryExpired extends Schema.TaggedError<InquiryExpired>()("InquiryExpired", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "inquiry expired"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 313: the payment (or inquiry amount) does not match the inquiry. @since 0.1.0 */
export class InquiryMismatch extends Schema.TaggedError<InquiryMismatch>()(
  "InquiryMismatch",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "inquiry and payment details do not match"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 314: a mandatory bill must be paid first. @since 0.1.0 */
export class MandatoryBillFirst extends Schema.TaggedError<MandatoryBillFirst>()(
  "MandatoryBillFirst",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "mandatory bill must be paid first"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 320, 324: must be paid at the provider's counter or branch office. @since 0.1.0 */
export class PayAtProvider extends Schema.TaggedError<PayAtProvider>()("PayAtProvider", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "must be paid at the provider"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 318, 322: the product type or category is invalid or inactive. @since 0.1.0 */
export class InvalidProductType extends Schema.TaggedError<InvalidProductType>()(
  "InvalidProductType",
  responseFields
) {
  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "invalid product type or category"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 321: the upstream rejected the request as malformed (e.g. a missing `month` or `zoneId`). @since 0.1.0 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", responseFields) {
  get kind(): ErrorKind {
    return "InvalidRequest"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "bad request"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 330: the same transaction was repeated within 30 minutes. @since 0.1.0 */
export class RepeatedTransaction extends Schema.TaggedError<RepeatedTransaction>()(
  "RepeatedTransaction",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "transaction repeated within 30 minutes"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/** RC 401: the KEY or TOKEN was rejected. Nothing was created, so it is final on a payment too. @since 0.1.0 */
export class UnauthorisedAccess extends Schema.TaggedError<UnauthorisedAccess>()(
  "UnauthorisedAccess",
  responseFields
) {
  get kind(): ErrorKind {
    return "Unauthorized"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "unauthorised access"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 402, 490: the payment was cancelled (by the user or the system). Reported by `status`; the
 * same code answered to the payment itself becomes `PaymentOutcomeUnknown` until `status` confirms.
 *
 * @since 0.1.0
 */
export class PaymentCancelled extends Schema.TaggedError<PaymentCancelled>()(
  "PaymentCancelled",
  responseFields
) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "payment cancelled"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * RC 495: the payment expired. Reported by `status`; the same code answered to the payment itself
 * becomes `PaymentOutcomeUnknown` until `status` confirms.
 *
 * @since 0.1.0
 */
export class PaymentExpired extends Schema.TaggedError<PaymentExpired>()("PaymentExpired", responseFields) {
  get kind(): ErrorKind {
    return "Declined"
  }

  /** The documented meaning of the code. */
  get meaning(): string {
    return "payment expired"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * A response code no documentation covers, with the whole envelope as received.
 *
 * @since 0.1.0
 */
export class UnknownResponseCode extends Schema.TaggedError<UnknownResponseCode>()("UnknownResponseCode", {
  ...responseFields,
  envelope: Schema.Unknown
}) {
  get kind(): ErrorKind {
    // Codes inside the documented failure ranges are failures; anything else is not an API answer we know.
    return (this.responseCode >= 100 && this.responseCode < 200) ||
      (this.responseCode > 300 && this.responseCode < 500)
      ? "Declined"
      : "Unavailable"
  }

  override get message(): string {
    return describe(this, "undocumented response code")
  }
}

/**
 * Every error a response code can become.
 *
 * @since 0.1.0
 */
export type ResponseCodeError =
  | OperatorError
  | ConnectivityIssue
  | DuplicateTransaction
  | WrongAccountNumber
  | InvalidAmount
  | AccountBlocked
  | LimitExceeded
  | CutOff
  | ProductUnavailable
  | AmountMismatch
  | SystemError
  | ProviderUnavailable
  | RefNumberUnavailable
  | InquiryNotFound
  | ProductNotFound
  | TransactionNotFound
  | ManuallyFailed
  | GeneralFailure
  | TooManyOutstandingBills
  | BillAlreadyPaid
  | BillNotAvailable
  | InquiryExpired
  | InquiryMismatch
  | MandatoryBillFirst
  | PayAtProvider
  | InvalidProductType
  | BadRequest
  | RepeatedTransaction
  | UnauthorisedAccess
  | PaymentCancelled
  | PaymentExpired
  | UnknownResponseCode

type ErrorClass = new (fields: ResponseFields) => Exclude<ResponseCodeError, UnknownResponseCode>

/**
 * The documented failure codes and their classes (the table in the package README).
 *
 * @since 0.1.0
 */
export const documented: ReadonlyMap<number, ErrorClass> = new Map<number, ErrorClass>([
  [100, OperatorError],
  [101, ConnectivityIssue],
  [102, DuplicateTransaction],
  [103, WrongAccountNumber],
  [104, InvalidAmount],
  [105, AccountBlocked],
  [106, LimitExceeded],
  [107, AccountBlocked],
  [108, DuplicateTransaction],
  [109, CutOff],
  [110, ProductUnavailable],
  [111, LimitExceeded],
  [112, AccountBlocked],
  [114, AmountMismatch],
  [180, SystemError],
  [181, ProviderUnavailable],
  [183, RefNumberUnavailable],
  [184, ProductUnavailable],
  [185, InquiryNotFound],
  [186, ProductNotFound],
  [188, TransactionNotFound],
  [198, ManuallyFailed],
  [199, GeneralFailure],
  [301, TooManyOutstandingBills],
  [302, BillAlreadyPaid],
  [303, BillNotAvailable],
  [304, WrongAccountNumber],
  [305, ProviderUnavailable],
  [306, WrongAccountNumber],
  [307, WrongAccountNumber],
  [308, WrongAccountNumber],
  [309, BillAlreadyPaid],
  [310, CutOff],
  [311, ProductUnavailable],
  [312, InquiryExpired],
  [313, InquiryMismatch],
  [314, MandatoryBillFirst],
  [315, LimitExceeded],
  [316, ProviderUnavailable],
  [317, ProviderUnavailable],
  [318, InvalidProductType],
  [319, ProviderUnavailable],
  [320, PayAtProvider],
  [321, BadRequest],
  [322, InvalidProductType],
  [323, ProviderUnavailable],
  [324, PayAtProvider],
  [330, RepeatedTransaction],
  [341, ProductNotFound],
  [364, OperatorError],
  [399, GeneralFailure],
  [401, UnauthorisedAccess],
  [402, PaymentCancelled],
  [403, AmountMismatch],
  [409, InquiryExpired],
  [490, PaymentCancelled],
  [495, PaymentExpired]
])

/**
 * The error a failure envelope becomes. `raw` is the parsed response body, kept on
 * `UnknownResponseCode`.
 *
 * @since 0.1.0
 */
export const toError = (envelope: Envelope, raw: unknown): ResponseCodeError => {
  const fields: ResponseFields = {
    responseCode: envelope.responseCode,
    upstreamMessage: { ID: envelope.message.ID, EN: envelope.message.EN },
    data: envelope.data ?? null
  }
  const ErrorClass = documented.get(envelope.responseCode)
  return ErrorClass === undefined
    ? new UnknownResponseCode({ ...fields, envelope: raw })
    : new ErrorClass(fields)
}

/**
 * 0–99: the transaction succeeded.
 *
 * @since 0.1.0
 */
export const isSuccess = (code: number): boolean => code >= 0 && code <= 99

/**
 * 200–299: the transaction is processing; the result comes by callback or status.
 *
 * @since 0.1.0
 */
export const isPending = (code: number): boolean => code >= 200 && code <= 299

/**
 * 300: the inquiry succeeded.
 *
 * @since 0.1.0
 */
export const INQUIRY_OK = 300

/**
 * 188: no transaction with this refNumber.
 *
 * @since 0.1.0
 */
export const TRANSACTION_NOT_FOUND = 188

/**
 * 102 and 108: "duplicate transaction" — an earlier payment with this refNumber exists.
 *
 * @since 0.1.0
 */
export const isDuplicate = (code: number): boolean => code === 102 || code === 108

/**
 * Whether a failure code answered to a payment is final (nothing was or will be charged):
 * 100–199 except the duplicates 102/108, 301–399, and 401 (the KEY or TOKEN was rejected, so
 * nothing was processed). The docs treat every other code on a payment as "processing"; 402, 403,
 * 409, 490 and 495 are failures only by third-party reading, so on a payment they are confirmed
 * with `status` first. `status` itself still maps them to their classes.
 *
 * @since 0.1.0
 */
export const isFinalForPayment = (code: number): boolean =>
  (code >= 100 && code <= 199 && !isDuplicate(code)) || (code >= 301 && code <= 399) || code === 401
