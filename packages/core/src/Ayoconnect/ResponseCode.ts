/**
 * Ayoconnect response codes and the typed errors they become.
 *
 * Ranges: 0–99 success, 100–199 failed (balance refunded), 200–299 processing, 300 inquiry
 * success, 301–399 inquiry failed; 401–495 are documented one by one. Every documented failure
 * code maps to one error class per meaning, declared once in `rows` below and made into classes by
 * the shared response-code factory; a code nobody documented becomes `UnknownResponseCode` with
 * the raw envelope. Each error carries the exact code, both messages and the response's `data`.
 *
 * On a payment only 100–199 (except 102/108), 301–399 and 401 are final (`isFinalForPayment`);
 * 402, 403, 409, 490, 495 and any other code make the payment's outcome unknown until `status`
 * confirms it. `status` and the reads map every documented code to its class.
 */
import { Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as ErrorTable from "../internal/errorTable.js"
import * as KasirError from "../KasirError.js"
import type { Envelope } from "./Schemas.js"

const responseFields = {
  responseCode: Schema.Number,
  upstreamMessage: Schema.Struct({ ID: Schema.String, EN: Schema.String }),
  data: Schema.Unknown
}

/**
 * The fields every response-code error carries.
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

/**
 * The documented failure codes, one row per meaning (the table in the package README).
 */
export const rows = {
  /** RC 100, 364: the operator (telco, biller) failed the transaction. */
  OperatorError: { codes: [100, 364], meaning: "operator issue", kind: "Declined" },
  /** RC 101: connectivity between Ayoconnect and the biller failed. */
  ConnectivityIssue: { codes: [101], meaning: "connectivity issue", kind: "Declined" },
  /** RC 102, 108: a transaction with this refNumber already exists. From `payment` this becomes `OutcomeUnknown` (the earlier attempt may have gone through); look it up with `status`. */
  DuplicateTransaction: { codes: [102, 108], meaning: "duplicate transaction", kind: "Declined" },
  /** RC 103, 304, 306, 307, 308: the account number (IDPEL, phone, meter) is wrong. */
  WrongAccountNumber: { codes: [103, 304, 306, 307, 308], meaning: "wrong account number", kind: "Declined" },
  /** RC 104: the transaction amount is invalid for the product. */
  InvalidAmount: { codes: [104], meaning: "invalid amount", kind: "Declined" },
  /** RC 105, 107, 112: the customer or account is blocked by the biller. */
  AccountBlocked: { codes: [105, 107, 112], meaning: "account blocked by the biller", kind: "Declined" },
  /** RC 106, 111, 315: the bill or transaction exceeds a maximum limit. */
  LimitExceeded: { codes: [106, 111, 315], meaning: "exceeds the maximum limit", kind: "Declined" },
  /** RC 109, 310: the biller's cut-off window; try again later. */
  CutOff: { codes: [109, 310], meaning: "biller cut-off time", kind: "Declined" },
  /** RC 110, 184, 311: the product is out of stock, offline or unavailable. */
  ProductUnavailable: { codes: [110, 184, 311], meaning: "product not available", kind: "Declined" },
  /** RC 114, 403: the paid amount does not match the inquiry. A 403 answered to a payment is not final (it becomes `OutcomeUnknown`); `status` reports it with this class. */
  AmountMismatch: { codes: [114, 403], meaning: "amount does not match", kind: "Declined" },
  /** RC 180: a system error at Ayoconnect failed the payment (balance refunded). */
  SystemError: { codes: [180], meaning: "system error", kind: "Declined" },
  /** RC 181, 305, 316, 317, 319, 323: the biller's or provider's system cannot serve the request now (inquiry service down, provider problem, no switch or server). Worth retrying later. */
  ProviderUnavailable: {
    codes: [181, 305, 316, 317, 319, 323],
    meaning: "provider system unavailable",
    kind: "Unavailable"
  },
  /** RC 183: the refNumber cannot be used. */
  RefNumberUnavailable: { codes: [183], meaning: "refNumber not available", kind: "Declined" },
  /** RC 185: the inquiry referenced by the payment does not exist (or was already used). */
  InquiryNotFound: { codes: [185], meaning: "inquiry not available", kind: "Declined" },
  /** RC 186, 341: no such product code. */
  ProductNotFound: { codes: [186, 341], meaning: "product not found", kind: "InvalidRequest" },
  /** RC 188: no transaction with this refNumber. After an unclear payment this means nothing was created, so resending with the same refNumber is safe. */
  TransactionNotFound: { codes: [188], meaning: "transaction not available", kind: "Declined" },
  /** RC 198: the transaction was failed manually by Ayoconnect. */
  ManuallyFailed: { codes: [198], meaning: "manually failed", kind: "Declined" },
  /** RC 199, 399: a generic failure. */
  GeneralFailure: { codes: [199, 399], meaning: "general error", kind: "Declined" },
  /** RC 301: more outstanding bills than may be paid at once (at most 3 months). */
  TooManyOutstandingBills: { codes: [301], meaning: "bill more than 3 months", kind: "Declined" },
  /** RC 302, 309: the bill is already paid. */
  BillAlreadyPaid: { codes: [302, 309], meaning: "bill already paid", kind: "Declined" },
  /** RC 303: there is no bill for this account. */
  BillNotAvailable: { codes: [303], meaning: "bill not available", kind: "Declined" },
  /** RC 312, 409: the inquiry expired; inquire again. A 409 answered to a payment is not final (it becomes `OutcomeUnknown`); `status` reports it with this class. */
  InquiryExpired: { codes: [312, 409], meaning: "inquiry expired", kind: "Declined" },
  /** RC 313: the payment (or inquiry amount) does not match the inquiry. */
  InquiryMismatch: { codes: [313], meaning: "inquiry and payment details do not match", kind: "Declined" },
  /** RC 314: a mandatory bill must be paid first. */
  MandatoryBillFirst: { codes: [314], meaning: "mandatory bill must be paid first", kind: "Declined" },
  /** RC 320, 324: must be paid at the provider's counter or branch office. */
  PayAtProvider: { codes: [320, 324], meaning: "must be paid at the provider", kind: "Declined" },
  /** RC 318, 322: the product type or category is invalid or inactive. */
  InvalidProductType: {
    codes: [318, 322],
    meaning: "invalid product type or category",
    kind: "InvalidRequest"
  },
  /** RC 321: the upstream rejected the request as malformed (e.g. a missing `month` or `zoneId`). */
  BadRequest: { codes: [321], meaning: "bad request", kind: "InvalidRequest" },
  /** RC 330: the same transaction was repeated within 30 minutes. */
  RepeatedTransaction: { codes: [330], meaning: "transaction repeated within 30 minutes", kind: "Declined" },
  /** RC 401: the KEY or TOKEN was rejected. Nothing was created, so it is final on a payment too. */
  UnauthorisedAccess: { codes: [401], meaning: "unauthorised access", kind: "Unauthorized" },
  /** RC 402, 490: the payment was cancelled (by the user or the system). Reported by `status`; the same code answered to the payment itself becomes `OutcomeUnknown` until `status` confirms. */
  PaymentCancelled: { codes: [402, 490], meaning: "payment cancelled", kind: "Declined" },
  /** RC 495: the payment expired. Reported by `status`; the same code answered to the payment itself becomes `OutcomeUnknown` until `status` confirms. */
  PaymentExpired: { codes: [495], meaning: "payment expired", kind: "Declined" }
} as const satisfies Record<string, ErrorTable.Row<number>>

const made = ErrorTable.make(
  {
    provider: "ayoconnect",
    fields: responseFields,
    upstreamCode: (self) => String(self.responseCode),
    upstreamMessages: (self) => self.upstreamMessage,
    message: describe
  },
  rows
)

/**
 * The classes, by name.
 */
export const {
  OperatorError,
  ConnectivityIssue,
  DuplicateTransaction,
  WrongAccountNumber,
  InvalidAmount,
  AccountBlocked,
  LimitExceeded,
  CutOff,
  ProductUnavailable,
  AmountMismatch,
  SystemError,
  ProviderUnavailable,
  RefNumberUnavailable,
  InquiryNotFound,
  ProductNotFound,
  TransactionNotFound,
  ManuallyFailed,
  GeneralFailure,
  TooManyOutstandingBills,
  BillAlreadyPaid,
  BillNotAvailable,
  InquiryExpired,
  InquiryMismatch,
  MandatoryBillFirst,
  PayAtProvider,
  InvalidProductType,
  BadRequest,
  RepeatedTransaction,
  UnauthorisedAccess,
  PaymentCancelled,
  PaymentExpired
} = made.classes

export type OperatorError = InstanceType<typeof OperatorError>
export type ConnectivityIssue = InstanceType<typeof ConnectivityIssue>
export type DuplicateTransaction = InstanceType<typeof DuplicateTransaction>
export type WrongAccountNumber = InstanceType<typeof WrongAccountNumber>
export type InvalidAmount = InstanceType<typeof InvalidAmount>
export type AccountBlocked = InstanceType<typeof AccountBlocked>
export type LimitExceeded = InstanceType<typeof LimitExceeded>
export type CutOff = InstanceType<typeof CutOff>
export type ProductUnavailable = InstanceType<typeof ProductUnavailable>
export type AmountMismatch = InstanceType<typeof AmountMismatch>
export type SystemError = InstanceType<typeof SystemError>
export type ProviderUnavailable = InstanceType<typeof ProviderUnavailable>
export type RefNumberUnavailable = InstanceType<typeof RefNumberUnavailable>
export type InquiryNotFound = InstanceType<typeof InquiryNotFound>
export type ProductNotFound = InstanceType<typeof ProductNotFound>
export type TransactionNotFound = InstanceType<typeof TransactionNotFound>
export type ManuallyFailed = InstanceType<typeof ManuallyFailed>
export type GeneralFailure = InstanceType<typeof GeneralFailure>
export type TooManyOutstandingBills = InstanceType<typeof TooManyOutstandingBills>
export type BillAlreadyPaid = InstanceType<typeof BillAlreadyPaid>
export type BillNotAvailable = InstanceType<typeof BillNotAvailable>
export type InquiryExpired = InstanceType<typeof InquiryExpired>
export type InquiryMismatch = InstanceType<typeof InquiryMismatch>
export type MandatoryBillFirst = InstanceType<typeof MandatoryBillFirst>
export type PayAtProvider = InstanceType<typeof PayAtProvider>
export type InvalidProductType = InstanceType<typeof InvalidProductType>
export type BadRequest = InstanceType<typeof BadRequest>
export type RepeatedTransaction = InstanceType<typeof RepeatedTransaction>
export type UnauthorisedAccess = InstanceType<typeof UnauthorisedAccess>
export type PaymentCancelled = InstanceType<typeof PaymentCancelled>
export type PaymentExpired = InstanceType<typeof PaymentExpired>

/**
 * A response code no documentation covers, with the whole envelope as received.
 */
export class UnknownResponseCode extends Schema.TaggedError<UnknownResponseCode>()("UnknownResponseCode", {
  ...responseFields,
  envelope: Schema.Unknown
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

  get kind(): ErrorKind {
    // Codes inside the documented failure ranges are failures; anything else is not an API answer we know.
    return (this.responseCode >= 100 && this.responseCode < 200) ||
      (this.responseCode > 300 && this.responseCode < 500)
      ? "Declined"
      : "Unavailable"
  }

  get provider(): KasirError.Provider {
    return "ayoconnect"
  }

  get upstreamCode(): string {
    return String(this.responseCode)
  }

  get upstreamMessages(): KasirError.UpstreamMessages {
    return this.upstreamMessage
  }

  /** What a code nobody documented means. */
  get meaning(): string {
    return "undocumented response code"
  }

  override get message(): string {
    return describe(this, this.meaning)
  }
}

/**
 * Every error a response code can become.
 */
export type ResponseCodeError = ErrorTable.Union<typeof rows, typeof responseFields> | UnknownResponseCode

/**
 * The documented failure codes and their classes.
 */
export const documented = made.lookup

/**
 * The error a failure envelope becomes. `raw` is the parsed response body, kept on
 * `UnknownResponseCode`.
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
    : (new ErrorClass(fields) as ResponseCodeError)
}

/**
 * 0–99: the transaction succeeded.
 */
export const isSuccess = (code: number): boolean => code >= 0 && code <= 99

/**
 * 200–299: the transaction is processing; the result comes by callback or status.
 */
export const isPending = (code: number): boolean => code >= 200 && code <= 299

/**
 * 300: the inquiry succeeded.
 */
export const INQUIRY_OK = 300

/**
 * 188: no transaction with this refNumber.
 */
export const TRANSACTION_NOT_FOUND = 188

/**
 * 102 and 108: "duplicate transaction" — an earlier payment with this refNumber exists.
 */
export const isDuplicate = (code: number): boolean => code === 102 || code === 108

/**
 * Whether a failure code answered to a payment is final (nothing was or will be charged):
 * 100–199 except the duplicates 102/108, 301–399, and 401 (the KEY or TOKEN was rejected, so
 * nothing was processed). The docs treat every other code on a payment as "processing"; 402, 403,
 * 409, 490 and 495 are failures only by third-party reading, so on a payment they are confirmed
 * with `status` first. `status` itself still maps them to their classes.
 */
export const isFinalForPayment = (code: number): boolean =>
  (code >= 100 && code <= 199 && !isDuplicate(code)) || (code >= 301 && code <= 399) || code === 401
