/**
 * SNAP response codes.
 *
 * A `responseCode` is seven digits: the HTTP status (3), the service code (2) and the case code
 * (2) — `4030014` is "403, service 00, case 14: insufficient funds". Success is `200xx00`;
 * `202xx00` means "in progress", an outcome rather than a failure. Every case of the ASPI
 * general table has its own error class here, so callers `catchTag` on meaning; codes nobody
 * documented become `UnknownSnapResponse`.
 *
 * @since 0.1.0
 */
import { type Cause, Either, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"

/**
 * A parsed seven-digit response code.
 *
 * @since 0.1.0
 */
export interface ResponseCode {
  readonly code: string
  readonly httpStatus: number
  readonly serviceCode: string
  readonly caseCode: string
}

const codePattern = /^([1-5][0-9]{2})([0-9]{2})([0-9]{2})$/

/**
 * Parses a `responseCode`. Anything but exactly seven digits starting with an HTTP status class is
 * rejected with the reason.
 *
 * @since 0.1.0
 */
export const parse = (code: string): Either.Either<ResponseCode, string> => {
  const match = codePattern.exec(code)
  if (match === null) return Either.left(`expected a 7-digit SNAP responseCode, got ${JSON.stringify(code)}`)
  return Either.right({
    code,
    httpStatus: Number(match[1]),
    serviceCode: match[2]!,
    caseCode: match[3]!
  })
}

/**
 * Builds a response code from its parts, e.g. `make(403, "00", "14")` is `"4030014"`.
 *
 * @since 0.1.0
 */
export const make = (httpStatus: number, serviceCode: string, caseCode: string): string =>
  `${httpStatus}${serviceCode}${caseCode}`

/**
 * `200xx00`: the call succeeded.
 *
 * @since 0.1.0
 */
export const isSuccess = (code: ResponseCode): boolean => code.httpStatus === 200 && code.caseCode === "00"

/**
 * `202xx00`: the upstream accepted the call and is still processing it.
 *
 * @since 0.1.0
 */
export const isInProgress = (code: ResponseCode): boolean => code.httpStatus === 202 && code.caseCode === "00"

const errorFields = {
  /** The full seven-digit code, e.g. `4030014`. */
  responseCode: Schema.String,
  /** The two-digit service code inside it (`00` NICEPAY payouts, `11` balance, `73` token). */
  serviceCode: Schema.String,
  /** The upstream's `responseMessage`, e.g. `Invalid Mandatory Field {beneficiaryName}`. */
  responseMessage: Schema.String,
  /** The raw response body, with token-like values masked. */
  body: Schema.String
}

/**
 * The fields every response-code error carries.
 *
 * @since 0.1.0
 */
export type ErrorFields = Schema.Struct.Type<typeof errorFields>

/**
 * What every response-code error adds to its fields.
 *
 * @since 0.1.0
 */
export interface Behaviour {
  /** What the failure means to the caller (see ErrorKind). */
  readonly kind: ErrorKind
  /** Whether a read may be retried after this answer (5xx, 429, 504). */
  readonly transient: boolean
}

type TaggedFields<Tag extends string> = { readonly _tag: Schema.tag<Tag> } & typeof errorFields

/**
 * The class type shared by the response-code errors.
 *
 * @since 0.1.0
 */
export interface ResponseCodeErrorClass<Self, Tag extends string>
  extends Schema.Class<
    Self,
    TaggedFields<Tag>,
    Schema.Struct.Encoded<TaggedFields<Tag>>,
    never,
    Schema.Struct.Constructor<Omit<TaggedFields<Tag>, "_tag">>,
    {},
    Cause.YieldableError & Behaviour
  > {
  readonly _tag: Tag
}

// One factory for the ~60 classes: each gets its tag, its kind and whether a read may retry it.
const SnapError =
  <Self>() =>
  <Tag extends string>(tag: Tag, kind: ErrorKind, transient = false): ResponseCodeErrorClass<Self, Tag> => {
    const Base = Schema.TaggedError<Self>()(tag, errorFields) as unknown as new (
      fields: ErrorFields
    ) => ErrorFields
    class ResponseCodeError extends Base {
      get kind(): ErrorKind {
        return kind
      }
      get transient(): boolean {
        return transient
      }
      get message(): string {
        return `SNAP ${this.responseCode}: ${this.responseMessage}`
      }
    }
    return ResponseCodeError as unknown as ResponseCodeErrorClass<Self, Tag>
  }

// 400 — the request is malformed.
/** `400xx00` Bad Request (includes unparseable JSON). @since 0.1.0 */
export class BadRequest extends SnapError<BadRequest>()("BadRequest", "InvalidRequest") {}
/** `400xx01` Invalid Field Format {field}. @since 0.1.0 */
export class InvalidFieldFormat extends SnapError<InvalidFieldFormat>()(
  "InvalidFieldFormat",
  "InvalidRequest"
) {}
/** `400xx02` Invalid Mandatory Field {field} (also a missing header). @since 0.1.0 */
export class InvalidMandatoryField extends SnapError<InvalidMandatoryField>()(
  "InvalidMandatoryField",
  "InvalidRequest"
) {}

// 401 — credentials.
/** `401xx00` Unauthorized (bad signature, unknown client, key not found). @since 0.1.0 */
export class Unauthorized extends SnapError<Unauthorized>()("Unauthorized", "Unauthorized") {}
/** `401xx01` Invalid Token (B2B): the access token is unknown or expired. @since 0.1.0 */
export class InvalidToken extends SnapError<InvalidToken>()("InvalidToken", "Unauthorized") {}
/** `401xx02` Invalid Customer Token. @since 0.1.0 */
export class InvalidCustomerToken extends SnapError<InvalidCustomerToken>()(
  "InvalidCustomerToken",
  "Unauthorized"
) {}
/** `401xx03` Token Not Found (B2B). @since 0.1.0 */
export class TokenNotFound extends SnapError<TokenNotFound>()("TokenNotFound", "Unauthorized") {}
/** `401xx04` Customer Token Not Found. @since 0.1.0 */
export class CustomerTokenNotFound extends SnapError<CustomerTokenNotFound>()(
  "CustomerTokenNotFound",
  "Unauthorized"
) {}

// 403 — refused by business rules.
/** `403xx00` Transaction Expired. @since 0.1.0 */
export class TransactionExpired extends SnapError<TransactionExpired>()("TransactionExpired", "Declined") {}
/** `403xx01` Feature Not Allowed. @since 0.1.0 */
export class FeatureNotAllowed extends SnapError<FeatureNotAllowed>()("FeatureNotAllowed", "Declined") {}
/** `403xx02` Exceeds Transaction Amount Limit. @since 0.1.0 */
export class ExceedsTransactionAmountLimit extends SnapError<ExceedsTransactionAmountLimit>()(
  "ExceedsTransactionAmountLimit",
  "Declined"
) {}
/** `403xx03` Suspected Fraud. @since 0.1.0 */
export class SuspectedFraud extends SnapError<SuspectedFraud>()("SuspectedFraud", "Declined") {}
/** `403xx04` Activity Count Limit Exceeded. @since 0.1.0 */
export class ActivityCountLimitExceeded extends SnapError<ActivityCountLimitExceeded>()(
  "ActivityCountLimitExceeded",
  "Declined"
) {}
/** `403xx05` Do Not Honor. @since 0.1.0 */
export class DoNotHonor extends SnapError<DoNotHonor>()("DoNotHonor", "Declined") {}
/** `403xx06` Feature Not Allowed At This Time (cut-off in progress). @since 0.1.0 */
export class FeatureNotAllowedAtThisTime extends SnapError<FeatureNotAllowedAtThisTime>()(
  "FeatureNotAllowedAtThisTime",
  "Declined"
) {}
/** `403xx07` Card Blocked. @since 0.1.0 */
export class CardBlocked extends SnapError<CardBlocked>()("CardBlocked", "Declined") {}
/** `403xx08` Card Expired. @since 0.1.0 */
export class CardExpired extends SnapError<CardExpired>()("CardExpired", "Declined") {}
/** `403xx09` Dormant Account. @since 0.1.0 */
export class DormantAccount extends SnapError<DormantAccount>()("DormantAccount", "Declined") {}
/** `403xx10` Need To Set Token Limit. @since 0.1.0 */
export class NeedToSetTokenLimit extends SnapError<NeedToSetTokenLimit>()(
  "NeedToSetTokenLimit",
  "Declined"
) {}
/** `403xx11` OTP Blocked. @since 0.1.0 */
export class OtpBlocked extends SnapError<OtpBlocked>()("OtpBlocked", "Declined") {}
/** `403xx12` OTP Lifetime Expired. @since 0.1.0 */
export class OtpLifetimeExpired extends SnapError<OtpLifetimeExpired>()("OtpLifetimeExpired", "Declined") {}
/** `403xx13` OTP Sent To Cardholder. @since 0.1.0 */
export class OtpSentToCardholder extends SnapError<OtpSentToCardholder>()(
  "OtpSentToCardholder",
  "Declined"
) {}
/** `403xx14` Insufficient Funds. @since 0.1.0 */
export class InsufficientFunds extends SnapError<InsufficientFunds>()("InsufficientFunds", "Declined") {}
/** `403xx15` Transaction Not Permitted. @since 0.1.0 */
export class TransactionNotPermitted extends SnapError<TransactionNotPermitted>()(
  "TransactionNotPermitted",
  "Declined"
) {}
/** `403xx16` Suspend Transaction. @since 0.1.0 */
export class SuspendTransaction extends SnapError<SuspendTransaction>()("SuspendTransaction", "Declined") {}
/** `403xx17` Token Limit Exceeded. @since 0.1.0 */
export class TokenLimitExceeded extends SnapError<TokenLimitExceeded>()("TokenLimitExceeded", "Declined") {}
/** `403xx18` Inactive Card/Account/Customer. @since 0.1.0 */
export class InactiveAccount extends SnapError<InactiveAccount>()("InactiveAccount", "Declined") {}
/** `403xx19` Merchant Blacklisted. @since 0.1.0 */
export class MerchantBlacklisted extends SnapError<MerchantBlacklisted>()(
  "MerchantBlacklisted",
  "Declined"
) {}
/** `403xx20` Merchant Limit Exceed. @since 0.1.0 */
export class MerchantLimitExceeded extends SnapError<MerchantLimitExceeded>()(
  "MerchantLimitExceeded",
  "Declined"
) {}
/** `403xx21` Set Limit Not Allowed. @since 0.1.0 */
export class SetLimitNotAllowed extends SnapError<SetLimitNotAllowed>()("SetLimitNotAllowed", "Declined") {}
/** `403xx22` Token Limit Invalid. @since 0.1.0 */
export class TokenLimitInvalid extends SnapError<TokenLimitInvalid>()("TokenLimitInvalid", "Declined") {}
/** `403xx23` Account Limit Exceed. @since 0.1.0 */
export class AccountLimitExceeded extends SnapError<AccountLimitExceeded>()(
  "AccountLimitExceeded",
  "Declined"
) {}

// 404 — the referenced thing does not exist or is in the wrong state.
/** `404xx00` Invalid Transaction Status (the operation does not fit the current state). @since 0.1.0 */
export class InvalidTransactionStatus extends SnapError<InvalidTransactionStatus>()(
  "InvalidTransactionStatus",
  "Declined"
) {}
/** `404xx01` Transaction Not Found. @since 0.1.0 */
export class TransactionNotFound extends SnapError<TransactionNotFound>()(
  "TransactionNotFound",
  "Declined"
) {}
/** `404xx02` Invalid Routing. @since 0.1.0 */
export class InvalidRouting extends SnapError<InvalidRouting>()("InvalidRouting", "Declined") {}
/** `404xx03` Bank Not Supported By Switch. @since 0.1.0 */
export class BankNotSupported extends SnapError<BankNotSupported>()("BankNotSupported", "Declined") {}
/** `404xx04` Transaction Cancelled. @since 0.1.0 */
export class TransactionCancelled extends SnapError<TransactionCancelled>()(
  "TransactionCancelled",
  "Declined"
) {}
/** `404xx05` Merchant Is Not Registered For Card Registration Services. @since 0.1.0 */
export class MerchantNotRegistered extends SnapError<MerchantNotRegistered>()(
  "MerchantNotRegistered",
  "Declined"
) {}
/** `404xx06` Need To Request OTP. @since 0.1.0 */
export class NeedToRequestOtp extends SnapError<NeedToRequestOtp>()("NeedToRequestOtp", "Declined") {}
/** `404xx07` Journey Not Found. @since 0.1.0 */
export class JourneyNotFound extends SnapError<JourneyNotFound>()("JourneyNotFound", "Declined") {}
/** `404xx08` Invalid Merchant. @since 0.1.0 */
export class InvalidMerchant extends SnapError<InvalidMerchant>()("InvalidMerchant", "Declined") {}
/** `404xx09` No Issuer. @since 0.1.0 */
export class NoIssuer extends SnapError<NoIssuer>()("NoIssuer", "Declined") {}
/** `404xx10` Invalid API Transition. @since 0.1.0 */
export class InvalidApiTransition extends SnapError<InvalidApiTransition>()(
  "InvalidApiTransition",
  "Declined"
) {}
/** `404xx11` Invalid Card/Account/Customer (e.g. an unknown beneficiary account). @since 0.1.0 */
export class InvalidAccount extends SnapError<InvalidAccount>()("InvalidAccount", "Declined") {}
/** `404xx12` Invalid Bill/Virtual Account. @since 0.1.0 */
export class InvalidBill extends SnapError<InvalidBill>()("InvalidBill", "Declined") {}
/**
 * `404xx13` Invalid Amount (ASPI). NICEPAY defines `404xx13` as "Paid Bill": its client reports
 * `PaidBill` for it (`Nicepay.ResponseCode`).
 *
 * @since 0.1.0
 */
export class InvalidAmount extends SnapError<InvalidAmount>()("InvalidAmount", "Declined") {}
/** `404xx14` Paid Bill. @since 0.1.0 */
export class PaidBill extends SnapError<PaidBill>()("PaidBill", "Declined") {}
/** `404xx15` Invalid OTP. @since 0.1.0 */
export class InvalidOtp extends SnapError<InvalidOtp>()("InvalidOtp", "Declined") {}
/** `404xx16` Partner Not Found. @since 0.1.0 */
export class PartnerNotFound extends SnapError<PartnerNotFound>()("PartnerNotFound", "Declined") {}
/** `404xx17` Invalid Terminal. @since 0.1.0 */
export class InvalidTerminal extends SnapError<InvalidTerminal>()("InvalidTerminal", "Declined") {}
/**
 * `404xx18` Inconsistent Request (same partnerReferenceNo, different parameters). NICEPAY uses this
 * code, under HTTP 403, for "Account Inactive": its client reports `InactiveAccount` for it
 * (`Nicepay.ResponseCode`).
 *
 * @since 0.1.0
 */
export class InconsistentRequest extends SnapError<InconsistentRequest>()(
  "InconsistentRequest",
  "Declined"
) {}
/** `404xx19` Invalid Bill/Virtual Account (expired). @since 0.1.0 */
export class ExpiredBill extends SnapError<ExpiredBill>()("ExpiredBill", "Declined") {}

// 405, 409, 429.
/** `405xx00` Requested Function Is Not Supported. @since 0.1.0 */
export class FunctionNotSupported extends SnapError<FunctionNotSupported>()(
  "FunctionNotSupported",
  "Declined"
) {}
/** `405xx01` Requested Operation Is Not Allowed (e.g. cancel no longer possible). @since 0.1.0 */
export class OperationNotAllowed extends SnapError<OperationNotAllowed>()(
  "OperationNotAllowed",
  "Declined"
) {}
/** `409xx00` Conflict: the X-EXTERNAL-ID was already used today (nothing was processed). @since 0.1.0 */
export class ExternalIdConflict extends SnapError<ExternalIdConflict>()(
  "ExternalIdConflict",
  "InvalidRequest"
) {}
/** `409xx01` Duplicate partnerReferenceNo: a payout with this reference already exists. @since 0.1.0 */
export class DuplicatePartnerReference extends SnapError<DuplicatePartnerReference>()(
  "DuplicatePartnerReference",
  "Declined"
) {}
/** `429xx00` Too Many Requests (not processed; safe to retry later). @since 0.1.0 */
export class TooManyRequests extends SnapError<TooManyRequests>()("TooManyRequests", "Unavailable", true) {}

// 5xx — the upstream failed.
/** `500xx00` General Error. @since 0.1.0 */
export class GeneralError extends SnapError<GeneralError>()("GeneralError", "Unavailable", true) {}
/** `500xx01` Internal Server Error. @since 0.1.0 */
export class InternalServerError extends SnapError<InternalServerError>()(
  "InternalServerError",
  "Unavailable",
  true
) {}
/** `500xx02` External Server Error (the bank behind the provider failed). @since 0.1.0 */
export class ExternalServerError extends SnapError<ExternalServerError>()(
  "ExternalServerError",
  "Unavailable",
  true
) {}
/** `504xx00` Timeout. @since 0.1.0 */
export class RequestTimeout extends SnapError<RequestTimeout>()("RequestTimeout", "Timeout", true) {}

/**
 * A response code no table documents. `kind` follows its HTTP class.
 *
 * @since 0.1.0
 */
export class UnknownSnapResponse extends Schema.TaggedError<UnknownSnapResponse>()("UnknownSnapResponse", {
  ...errorFields,
  httpStatus: Schema.Number
}) {
  get kind(): ErrorKind {
    if (this.httpStatus === 504) return "Timeout"
    if (this.httpStatus >= 500 || this.httpStatus === 429) return "Unavailable"
    if (this.httpStatus === 401) return "Unauthorized"
    if (this.httpStatus >= 400 && this.httpStatus < 500) return "Declined"
    return "Unavailable"
  }
  get transient(): boolean {
    return this.httpStatus >= 500 || this.httpStatus === 429
  }
  override get message(): string {
    return `SNAP ${this.responseCode} (undocumented code): ${this.responseMessage}`
  }
}

/**
 * Any error a documented or undocumented non-success response code becomes.
 *
 * @since 0.1.0
 */
export type ResponseCodeError =
  | BadRequest
  | InvalidFieldFormat
  | InvalidMandatoryField
  | Unauthorized
  | InvalidToken
  | InvalidCustomerToken
  | TokenNotFound
  | CustomerTokenNotFound
  | TransactionExpired
  | FeatureNotAllowed
  | ExceedsTransactionAmountLimit
  | SuspectedFraud
  | ActivityCountLimitExceeded
  | DoNotHonor
  | FeatureNotAllowedAtThisTime
  | CardBlocked
  | CardExpired
  | DormantAccount
  | NeedToSetTokenLimit
  | OtpBlocked
  | OtpLifetimeExpired
  | OtpSentToCardholder
  | InsufficientFunds
  | TransactionNotPermitted
  | SuspendTransaction
  | TokenLimitExceeded
  | InactiveAccount
  | MerchantBlacklisted
  | MerchantLimitExceeded
  | SetLimitNotAllowed
  | TokenLimitInvalid
  | AccountLimitExceeded
  | InvalidTransactionStatus
  | TransactionNotFound
  | InvalidRouting
  | BankNotSupported
  | TransactionCancelled
  | MerchantNotRegistered
  | NeedToRequestOtp
  | JourneyNotFound
  | InvalidMerchant
  | NoIssuer
  | InvalidApiTransition
  | InvalidAccount
  | InvalidBill
  | InvalidAmount
  | PaidBill
  | InvalidOtp
  | PartnerNotFound
  | InvalidTerminal
  | InconsistentRequest
  | ExpiredBill
  | FunctionNotSupported
  | OperationNotAllowed
  | ExternalIdConflict
  | DuplicatePartnerReference
  | TooManyRequests
  | GeneralError
  | InternalServerError
  | ExternalServerError
  | RequestTimeout
  | UnknownSnapResponse

type Constructor = new (fields: ErrorFields) => ResponseCodeError

/**
 * The ASPI general table: `"{http}{case}"` → error class. Exported so tests and documentation can
 * enumerate it.
 *
 * @since 0.1.0
 */
export const table: ReadonlyMap<string, Constructor> = new Map<string, Constructor>([
  ["40000", BadRequest],
  ["40001", InvalidFieldFormat],
  ["40002", InvalidMandatoryField],
  ["40100", Unauthorized],
  ["40101", InvalidToken],
  ["40102", InvalidCustomerToken],
  ["40103", TokenNotFound],
  ["40104", CustomerTokenNotFound],
  ["40300", TransactionExpired],
  ["40301", FeatureNotAllowed],
  ["40302", ExceedsTransactionAmountLimit],
  ["40303", SuspectedFraud],
  ["40304", ActivityCountLimitExceeded],
  ["40305", DoNotHonor],
  ["40306", FeatureNotAllowedAtThisTime],
  ["40307", CardBlocked],
  ["40308", CardExpired],
  ["40309", DormantAccount],
  ["40310", NeedToSetTokenLimit],
  ["40311", OtpBlocked],
  ["40312", OtpLifetimeExpired],
  ["40313", OtpSentToCardholder],
  ["40314", InsufficientFunds],
  ["40315", TransactionNotPermitted],
  ["40316", SuspendTransaction],
  ["40317", TokenLimitExceeded],
  ["40318", InactiveAccount],
  ["40319", MerchantBlacklisted],
  ["40320", MerchantLimitExceeded],
  ["40321", SetLimitNotAllowed],
  ["40322", TokenLimitInvalid],
  ["40323", AccountLimitExceeded],
  ["40400", InvalidTransactionStatus],
  ["40401", TransactionNotFound],
  ["40402", InvalidRouting],
  ["40403", BankNotSupported],
  ["40404", TransactionCancelled],
  ["40405", MerchantNotRegistered],
  ["40406", NeedToRequestOtp],
  ["40407", JourneyNotFound],
  ["40408", InvalidMerchant],
  ["40409", NoIssuer],
  ["40410", InvalidApiTransition],
  ["40411", InvalidAccount],
  ["40412", InvalidBill],
  ["40413", InvalidAmount],
  ["40414", PaidBill],
  ["40415", InvalidOtp],
  ["40416", PartnerNotFound],
  ["40417", InvalidTerminal],
  ["40418", InconsistentRequest],
  ["40419", ExpiredBill],
  ["40500", FunctionNotSupported],
  ["40501", OperationNotAllowed],
  ["40900", ExternalIdConflict],
  ["40901", DuplicatePartnerReference],
  ["42900", TooManyRequests],
  ["50000", GeneralError],
  ["50001", InternalServerError],
  ["50002", ExternalServerError],
  ["50400", RequestTimeout]
])

/**
 * The error for a non-success response code: its documented class, or `UnknownSnapResponse`.
 *
 * @since 0.1.0
 */
export const toError = (code: ResponseCode, responseMessage: string, body: string): ResponseCodeError => {
  const fields = { responseCode: code.code, serviceCode: code.serviceCode, responseMessage, body }
  const Class = table.get(`${code.httpStatus}${code.caseCode}`)
  return Class === undefined
    ? new UnknownSnapResponse({ ...fields, httpStatus: code.httpStatus })
    : new Class(fields)
}

/**
 * HTTP statuses a provider documents for a code whose first three digits say otherwise. NICEPAY
 * answers `404xx18` (account inactive) with HTTP 403.
 *
 * @since 0.1.0
 */
export const documentedStatusQuirks: ReadonlyArray<{
  readonly httpStatus: number
  readonly codeStatusAndCase: string
}> = [{ httpStatus: 403, codeStatusAndCase: "40418" }]

/**
 * Whether an HTTP status agrees with the code (equal to its first three digits, or a documented quirk).
 *
 * @since 0.1.0
 */
export const statusAgrees = (httpStatus: number, code: ResponseCode): boolean =>
  httpStatus === code.httpStatus ||
  documentedStatusQuirks.some(
    (quirk) =>
      quirk.httpStatus === httpStatus && quirk.codeStatusAndCase === `${code.httpStatus}${code.caseCode}`
  )
