/**
 * SNAP response codes.
 *
 * A `responseCode` is seven digits: the HTTP status (3), the service code (2) and the case code
 * (2) — `4030014` is "403, service 00, case 14: insufficient funds". Success is `200xx00`;
 * `202xx00` means "in progress", an outcome rather than a failure. Every case of the ASPI
 * general table has its own error class here (one row of `rows`, made into a class by the shared
 * response-code factory), so callers `catchTag` on meaning; codes nobody documented become
 * `UnknownSnapResponse`. A provider whose published table differs from ASPI's hands its `Dialect`
 * (overrides and status quirks) to the SNAP client; this table stays ASPI's.
 */
import { Either, Schema } from "effect"
import type { ErrorKind } from "../ErrorKind.js"
import * as ErrorTable from "../internal/errorTable.js"
import * as KasirError from "../KasirError.js"

/**
 * A parsed seven-digit response code.
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
 */
export const make = (httpStatus: number, serviceCode: string, caseCode: string): string =>
  `${httpStatus}${serviceCode}${caseCode}`

/**
 * `200xx00`: the call succeeded.
 */
export const isSuccess = (code: ResponseCode): boolean => code.httpStatus === 200 && code.caseCode === "00"

/**
 * `202xx00`: the upstream accepted the call and is still processing it.
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
 */
export type ErrorFields = Schema.Struct.Type<typeof errorFields>

/**
 * What every response-code error adds to its fields: `kind`, `transient`, `meaning` and the
 * shared kasir error fields.
 */
export type Behaviour = ErrorTable.Behaviour

/**
 * The ASPI general table, one row per case: `"{http}{case}"` codes, meaning, kind, and whether a
 * read may be retried after it.
 */
export const rows = {
  /** `400xx00` Bad Request (includes unparseable JSON). */
  BadRequest: { codes: ["40000"], meaning: "Bad Request", kind: "InvalidRequest" },
  /** `400xx01` Invalid Field Format {field}. */
  InvalidFieldFormat: { codes: ["40001"], meaning: "Invalid Field Format {field}", kind: "InvalidRequest" },
  /** `400xx02` Invalid Mandatory Field {field} (also a missing header). */
  InvalidMandatoryField: {
    codes: ["40002"],
    meaning: "Invalid Mandatory Field {field}",
    kind: "InvalidRequest"
  },
  /** `401xx00` Unauthorized (bad signature, unknown client, key not found). */
  Unauthorized: { codes: ["40100"], meaning: "Unauthorized", kind: "Unauthorized" },
  /** `401xx01` Invalid Token (B2B): the access token is unknown or expired. */
  InvalidToken: { codes: ["40101"], meaning: "Invalid Token", kind: "Unauthorized" },
  /** `401xx02` Invalid Customer Token. */
  InvalidCustomerToken: { codes: ["40102"], meaning: "Invalid Customer Token", kind: "Unauthorized" },
  /** `401xx03` Token Not Found (B2B). */
  TokenNotFound: { codes: ["40103"], meaning: "Token Not Found", kind: "Unauthorized" },
  /** `401xx04` Customer Token Not Found. */
  CustomerTokenNotFound: { codes: ["40104"], meaning: "Customer Token Not Found", kind: "Unauthorized" },
  /** `403xx00` Transaction Expired. */
  TransactionExpired: { codes: ["40300"], meaning: "Transaction Expired", kind: "Declined" },
  /** `403xx01` Feature Not Allowed. */
  FeatureNotAllowed: { codes: ["40301"], meaning: "Feature Not Allowed", kind: "Declined" },
  /** `403xx02` Exceeds Transaction Amount Limit. */
  ExceedsTransactionAmountLimit: {
    codes: ["40302"],
    meaning: "Exceeds Transaction Amount Limit",
    kind: "Declined"
  },
  /** `403xx03` Suspected Fraud. */
  SuspectedFraud: { codes: ["40303"], meaning: "Suspected Fraud", kind: "Declined" },
  /** `403xx04` Activity Count Limit Exceeded. */
  ActivityCountLimitExceeded: {
    codes: ["40304"],
    meaning: "Activity Count Limit Exceeded",
    kind: "Declined"
  },
  /** `403xx05` Do Not Honor. */
  DoNotHonor: { codes: ["40305"], meaning: "Do Not Honor", kind: "Declined" },
  /** `403xx06` Feature Not Allowed At This Time (cut-off in progress). */
  FeatureNotAllowedAtThisTime: {
    codes: ["40306"],
    meaning: "Feature Not Allowed At This Time",
    kind: "Declined"
  },
  /** `403xx07` Card Blocked. */
  CardBlocked: { codes: ["40307"], meaning: "Card Blocked", kind: "Declined" },
  /** `403xx08` Card Expired. */
  CardExpired: { codes: ["40308"], meaning: "Card Expired", kind: "Declined" },
  /** `403xx09` Dormant Account. */
  DormantAccount: { codes: ["40309"], meaning: "Dormant Account", kind: "Declined" },
  /** `403xx10` Need To Set Token Limit. */
  NeedToSetTokenLimit: { codes: ["40310"], meaning: "Need To Set Token Limit", kind: "Declined" },
  /** `403xx11` OTP Blocked. */
  OtpBlocked: { codes: ["40311"], meaning: "OTP Blocked", kind: "Declined" },
  /** `403xx12` OTP Lifetime Expired. */
  OtpLifetimeExpired: { codes: ["40312"], meaning: "OTP Lifetime Expired", kind: "Declined" },
  /** `403xx13` OTP Sent To Cardholder. */
  OtpSentToCardholder: { codes: ["40313"], meaning: "OTP Sent To Cardholder", kind: "Declined" },
  /** `403xx14` Insufficient Funds. */
  InsufficientFunds: { codes: ["40314"], meaning: "Insufficient Funds", kind: "Declined" },
  /** `403xx15` Transaction Not Permitted. */
  TransactionNotPermitted: { codes: ["40315"], meaning: "Transaction Not Permitted", kind: "Declined" },
  /** `403xx16` Suspend Transaction. */
  SuspendTransaction: { codes: ["40316"], meaning: "Suspend Transaction", kind: "Declined" },
  /** `403xx17` Token Limit Exceeded. */
  TokenLimitExceeded: { codes: ["40317"], meaning: "Token Limit Exceeded", kind: "Declined" },
  /** `403xx18` Inactive Card/Account/Customer. */
  InactiveAccount: { codes: ["40318"], meaning: "Inactive Card/Account/Customer", kind: "Declined" },
  /** `403xx19` Merchant Blacklisted. */
  MerchantBlacklisted: { codes: ["40319"], meaning: "Merchant Blacklisted", kind: "Declined" },
  /** `403xx20` Merchant Limit Exceed. */
  MerchantLimitExceeded: { codes: ["40320"], meaning: "Merchant Limit Exceed", kind: "Declined" },
  /** `403xx21` Set Limit Not Allowed. */
  SetLimitNotAllowed: { codes: ["40321"], meaning: "Set Limit Not Allowed", kind: "Declined" },
  /** `403xx22` Token Limit Invalid. */
  TokenLimitInvalid: { codes: ["40322"], meaning: "Token Limit Invalid", kind: "Declined" },
  /** `403xx23` Account Limit Exceed. */
  AccountLimitExceeded: { codes: ["40323"], meaning: "Account Limit Exceed", kind: "Declined" },
  /** `404xx00` Invalid Transaction Status (the operation does not fit the current state). */
  InvalidTransactionStatus: { codes: ["40400"], meaning: "Invalid Transaction Status", kind: "Declined" },
  /** `404xx01` Transaction Not Found. */
  TransactionNotFound: { codes: ["40401"], meaning: "Transaction Not Found", kind: "Declined" },
  /** `404xx02` Invalid Routing. */
  InvalidRouting: { codes: ["40402"], meaning: "Invalid Routing", kind: "Declined" },
  /** `404xx03` Bank Not Supported By Switch. */
  BankNotSupported: { codes: ["40403"], meaning: "Bank Not Supported By Switch", kind: "Declined" },
  /** `404xx04` Transaction Cancelled. */
  TransactionCancelled: { codes: ["40404"], meaning: "Transaction Cancelled", kind: "Declined" },
  /** `404xx05` Merchant Is Not Registered For Card Registration Services. */
  MerchantNotRegistered: {
    codes: ["40405"],
    meaning: "Merchant Is Not Registered For Card Registration Services",
    kind: "Declined"
  },
  /** `404xx06` Need To Request OTP. */
  NeedToRequestOtp: { codes: ["40406"], meaning: "Need To Request OTP", kind: "Declined" },
  /** `404xx07` Journey Not Found. */
  JourneyNotFound: { codes: ["40407"], meaning: "Journey Not Found", kind: "Declined" },
  /** `404xx08` Invalid Merchant. */
  InvalidMerchant: { codes: ["40408"], meaning: "Invalid Merchant", kind: "Declined" },
  /** `404xx09` No Issuer. */
  NoIssuer: { codes: ["40409"], meaning: "No Issuer", kind: "Declined" },
  /** `404xx10` Invalid API Transition. */
  InvalidApiTransition: { codes: ["40410"], meaning: "Invalid API Transition", kind: "Declined" },
  /** `404xx11` Invalid Card/Account/Customer (e.g. an unknown beneficiary account). */
  InvalidAccount: { codes: ["40411"], meaning: "Invalid Card/Account/Customer", kind: "Declined" },
  /** `404xx12` Invalid Bill/Virtual Account. */
  InvalidBill: { codes: ["40412"], meaning: "Invalid Bill/Virtual Account", kind: "Declined" },
  /** `404xx13` Invalid Amount (ASPI). NICEPAY defines `404xx13` as "Paid Bill": its client reports `PaidBill` for it (`Nicepay.ResponseCode`). */
  InvalidAmount: { codes: ["40413"], meaning: "Invalid Amount", kind: "Declined" },
  /** `404xx14` Paid Bill. */
  PaidBill: { codes: ["40414"], meaning: "Paid Bill", kind: "Declined" },
  /** `404xx15` Invalid OTP. */
  InvalidOtp: { codes: ["40415"], meaning: "Invalid OTP", kind: "Declined" },
  /** `404xx16` Partner Not Found. */
  PartnerNotFound: { codes: ["40416"], meaning: "Partner Not Found", kind: "Declined" },
  /** `404xx17` Invalid Terminal. */
  InvalidTerminal: { codes: ["40417"], meaning: "Invalid Terminal", kind: "Declined" },
  /** `404xx18` Inconsistent Request (same partnerReferenceNo, different parameters). NICEPAY uses this code, under HTTP 403, for "Account Inactive": its client reports `InactiveAccount` for it (`Nicepay.ResponseCode`). */
  InconsistentRequest: { codes: ["40418"], meaning: "Inconsistent Request", kind: "Declined" },
  /** `404xx19` Invalid Bill/Virtual Account (expired). */
  ExpiredBill: { codes: ["40419"], meaning: "Invalid Bill/Virtual Account", kind: "Declined" },
  /** `405xx00` Requested Function Is Not Supported. */
  FunctionNotSupported: {
    codes: ["40500"],
    meaning: "Requested Function Is Not Supported",
    kind: "Declined"
  },
  /** `405xx01` Requested Operation Is Not Allowed (e.g. cancel no longer possible). */
  OperationNotAllowed: { codes: ["40501"], meaning: "Requested Operation Is Not Allowed", kind: "Declined" },
  /** `409xx00` Conflict: the X-EXTERNAL-ID was already used today (nothing was processed). */
  ExternalIdConflict: {
    codes: ["40900"],
    meaning: "Conflict: the X-EXTERNAL-ID was already used today",
    kind: "InvalidRequest"
  },
  /** `409xx01` Duplicate partnerReferenceNo: a payout with this reference already exists. */
  DuplicatePartnerReference: {
    codes: ["40901"],
    meaning: "Duplicate partnerReferenceNo: a payout with this reference already exists",
    kind: "Declined"
  },
  /** `429xx00` Too Many Requests (not processed; safe to retry later). */
  TooManyRequests: { codes: ["42900"], meaning: "Too Many Requests", kind: "Unavailable", transient: true },
  /** `500xx00` General Error. */
  GeneralError: { codes: ["50000"], meaning: "General Error", kind: "Unavailable", transient: true },
  /** `500xx01` Internal Server Error. */
  InternalServerError: {
    codes: ["50001"],
    meaning: "Internal Server Error",
    kind: "Unavailable",
    transient: true
  },
  /** `500xx02` External Server Error (the bank behind the provider failed). */
  ExternalServerError: {
    codes: ["50002"],
    meaning: "External Server Error",
    kind: "Unavailable",
    transient: true
  },
  /** `504xx00` Timeout. */
  RequestTimeout: { codes: ["50400"], meaning: "Timeout", kind: "Timeout", transient: true }
} as const satisfies Record<string, ErrorTable.Row<string>>

const made = ErrorTable.make(
  {
    provider: "snap",
    fields: errorFields,
    upstreamCode: (self) => self.responseCode,
    upstreamMessages: (self) => ({ message: self.responseMessage }),
    message: (self) => `SNAP ${self.responseCode}: ${self.responseMessage}`
  },
  rows
)

/**
 * The classes, by name.
 */
export const {
  BadRequest,
  InvalidFieldFormat,
  InvalidMandatoryField,
  Unauthorized,
  InvalidToken,
  InvalidCustomerToken,
  TokenNotFound,
  CustomerTokenNotFound,
  TransactionExpired,
  FeatureNotAllowed,
  ExceedsTransactionAmountLimit,
  SuspectedFraud,
  ActivityCountLimitExceeded,
  DoNotHonor,
  FeatureNotAllowedAtThisTime,
  CardBlocked,
  CardExpired,
  DormantAccount,
  NeedToSetTokenLimit,
  OtpBlocked,
  OtpLifetimeExpired,
  OtpSentToCardholder,
  InsufficientFunds,
  TransactionNotPermitted,
  SuspendTransaction,
  TokenLimitExceeded,
  InactiveAccount,
  MerchantBlacklisted,
  MerchantLimitExceeded,
  SetLimitNotAllowed,
  TokenLimitInvalid,
  AccountLimitExceeded,
  InvalidTransactionStatus,
  TransactionNotFound,
  InvalidRouting,
  BankNotSupported,
  TransactionCancelled,
  MerchantNotRegistered,
  NeedToRequestOtp,
  JourneyNotFound,
  InvalidMerchant,
  NoIssuer,
  InvalidApiTransition,
  InvalidAccount,
  InvalidBill,
  InvalidAmount,
  PaidBill,
  InvalidOtp,
  PartnerNotFound,
  InvalidTerminal,
  InconsistentRequest,
  ExpiredBill,
  FunctionNotSupported,
  OperationNotAllowed,
  ExternalIdConflict,
  DuplicatePartnerReference,
  TooManyRequests,
  GeneralError,
  InternalServerError,
  ExternalServerError,
  RequestTimeout
} = made.classes

export type BadRequest = InstanceType<typeof BadRequest>
export type InvalidFieldFormat = InstanceType<typeof InvalidFieldFormat>
export type InvalidMandatoryField = InstanceType<typeof InvalidMandatoryField>
export type Unauthorized = InstanceType<typeof Unauthorized>
export type InvalidToken = InstanceType<typeof InvalidToken>
export type InvalidCustomerToken = InstanceType<typeof InvalidCustomerToken>
export type TokenNotFound = InstanceType<typeof TokenNotFound>
export type CustomerTokenNotFound = InstanceType<typeof CustomerTokenNotFound>
export type TransactionExpired = InstanceType<typeof TransactionExpired>
export type FeatureNotAllowed = InstanceType<typeof FeatureNotAllowed>
export type ExceedsTransactionAmountLimit = InstanceType<typeof ExceedsTransactionAmountLimit>
export type SuspectedFraud = InstanceType<typeof SuspectedFraud>
export type ActivityCountLimitExceeded = InstanceType<typeof ActivityCountLimitExceeded>
export type DoNotHonor = InstanceType<typeof DoNotHonor>
export type FeatureNotAllowedAtThisTime = InstanceType<typeof FeatureNotAllowedAtThisTime>
export type CardBlocked = InstanceType<typeof CardBlocked>
export type CardExpired = InstanceType<typeof CardExpired>
export type DormantAccount = InstanceType<typeof DormantAccount>
export type NeedToSetTokenLimit = InstanceType<typeof NeedToSetTokenLimit>
export type OtpBlocked = InstanceType<typeof OtpBlocked>
export type OtpLifetimeExpired = InstanceType<typeof OtpLifetimeExpired>
export type OtpSentToCardholder = InstanceType<typeof OtpSentToCardholder>
export type InsufficientFunds = InstanceType<typeof InsufficientFunds>
export type TransactionNotPermitted = InstanceType<typeof TransactionNotPermitted>
export type SuspendTransaction = InstanceType<typeof SuspendTransaction>
export type TokenLimitExceeded = InstanceType<typeof TokenLimitExceeded>
export type InactiveAccount = InstanceType<typeof InactiveAccount>
export type MerchantBlacklisted = InstanceType<typeof MerchantBlacklisted>
export type MerchantLimitExceeded = InstanceType<typeof MerchantLimitExceeded>
export type SetLimitNotAllowed = InstanceType<typeof SetLimitNotAllowed>
export type TokenLimitInvalid = InstanceType<typeof TokenLimitInvalid>
export type AccountLimitExceeded = InstanceType<typeof AccountLimitExceeded>
export type InvalidTransactionStatus = InstanceType<typeof InvalidTransactionStatus>
export type TransactionNotFound = InstanceType<typeof TransactionNotFound>
export type InvalidRouting = InstanceType<typeof InvalidRouting>
export type BankNotSupported = InstanceType<typeof BankNotSupported>
export type TransactionCancelled = InstanceType<typeof TransactionCancelled>
export type MerchantNotRegistered = InstanceType<typeof MerchantNotRegistered>
export type NeedToRequestOtp = InstanceType<typeof NeedToRequestOtp>
export type JourneyNotFound = InstanceType<typeof JourneyNotFound>
export type InvalidMerchant = InstanceType<typeof InvalidMerchant>
export type NoIssuer = InstanceType<typeof NoIssuer>
export type InvalidApiTransition = InstanceType<typeof InvalidApiTransition>
export type InvalidAccount = InstanceType<typeof InvalidAccount>
export type InvalidBill = InstanceType<typeof InvalidBill>
export type InvalidAmount = InstanceType<typeof InvalidAmount>
export type PaidBill = InstanceType<typeof PaidBill>
export type InvalidOtp = InstanceType<typeof InvalidOtp>
export type PartnerNotFound = InstanceType<typeof PartnerNotFound>
export type InvalidTerminal = InstanceType<typeof InvalidTerminal>
export type InconsistentRequest = InstanceType<typeof InconsistentRequest>
export type ExpiredBill = InstanceType<typeof ExpiredBill>
export type FunctionNotSupported = InstanceType<typeof FunctionNotSupported>
export type OperationNotAllowed = InstanceType<typeof OperationNotAllowed>
export type ExternalIdConflict = InstanceType<typeof ExternalIdConflict>
export type DuplicatePartnerReference = InstanceType<typeof DuplicatePartnerReference>
export type TooManyRequests = InstanceType<typeof TooManyRequests>
export type GeneralError = InstanceType<typeof GeneralError>
export type InternalServerError = InstanceType<typeof InternalServerError>
export type ExternalServerError = InstanceType<typeof ExternalServerError>
export type RequestTimeout = InstanceType<typeof RequestTimeout>

/**
 * A response code no table documents. `kind` follows its HTTP class.
 */
export class UnknownSnapResponse extends Schema.TaggedError<UnknownSnapResponse>()("UnknownSnapResponse", {
  ...errorFields,
  httpStatus: Schema.Number
}) {
  readonly [KasirError.TypeId]: KasirError.TypeId = KasirError.TypeId

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
  /** What a code nobody documented means. */
  get meaning(): string {
    return "undocumented response code"
  }
  get provider(): KasirError.Provider {
    return "snap"
  }
  get upstreamCode(): string {
    return this.responseCode
  }
  get upstreamMessages(): KasirError.UpstreamMessages {
    return { message: this.responseMessage }
  }
  override get message(): string {
    return `SNAP ${this.responseCode} (undocumented code): ${this.responseMessage}`
  }
}

/**
 * Any error a documented or undocumented non-success response code becomes.
 */
export type ResponseCodeError = ErrorTable.Union<typeof rows, typeof errorFields> | UnknownSnapResponse

/**
 * A documented response-code class.
 */
export type DocumentedClass = (typeof made.classes)[keyof typeof rows]

/**
 * The ASPI general table: `"{http}{case}"` → error class. Exported so tests and documentation can
 * enumerate it.
 */
export const table: ReadonlyMap<string, DocumentedClass> = made.lookup

/**
 * How a provider reads SNAP codes where its published table differs from ASPI's: classes that
 * replace ASPI's for some `"{http}{case}"` codes, and HTTP statuses it documents for a code whose
 * first three digits say otherwise. Handed to the SNAP client (`Snap.Client.make({ dialect })`),
 * which then decodes every answer with it — there is no fix-up afterwards.
 */
export interface Dialect {
  readonly overrides: ReadonlyMap<string, DocumentedClass>
  readonly statusQuirks: ReadonlyArray<{ readonly httpStatus: number; readonly codeStatusAndCase: string }>
}

/**
 * ASPI's own reading: no overrides, no status quirks.
 */
export const aspi: Dialect = { overrides: new Map(), statusQuirks: [] }

/**
 * The error for a non-success response code: the dialect's class where it has its own, else the
 * documented ASPI class, else `UnknownSnapResponse`.
 */
export const toError = (
  code: ResponseCode,
  responseMessage: string,
  body: string,
  dialect: Dialect = aspi
): ResponseCodeError => {
  const fields = { responseCode: code.code, serviceCode: code.serviceCode, responseMessage, body }
  const key = `${code.httpStatus}${code.caseCode}`
  const Class = dialect.overrides.get(key) ?? table.get(key)
  return Class === undefined
    ? new UnknownSnapResponse({ ...fields, httpStatus: code.httpStatus })
    : (new Class(fields) as ResponseCodeError)
}

/**
 * Whether an HTTP status agrees with the code: equal to its first three digits, or one of the
 * dialect's documented quirks.
 */
export const statusAgrees = (httpStatus: number, code: ResponseCode, dialect: Dialect = aspi): boolean =>
  httpStatus === code.httpStatus ||
  dialect.statusQuirks.some(
    (quirk) =>
      quirk.httpStatus === httpStatus && quirk.codeStatusAndCase === `${code.httpStatus}${code.caseCode}`
  )
