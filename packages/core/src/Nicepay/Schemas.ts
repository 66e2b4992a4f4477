/**
 * NICEPAY SNAP payout schemas: what callers pass (validated before anything is sent), what goes
 * on the wire, and what comes back — documented quirks included (`beneficiaryaccountNo` in the
 * registration response, the legacy top-level `availableBalance`). Validation and decoding live
 * in `internal/validate.ts` (a refused input is `KasirError.InvalidInput`), the repeat comparison
 * in `internal/idempotency.ts`; they are re-exported here so `Schemas.validate` keeps its name.
 */
import { Either, Schema } from "effect"
import { type Rupiah, SnapAmount } from "../Money.js"

export {
  /**
   * A transition the payout's current status does not allow (defined in `Errors.ts`).
   */
  InvalidTransition
} from "./Errors.js"
export {
  /**
   * Decodes a success body, or says what is wrong with it.
   */
  decodeResponse,
  /**
   * The first problem of a parse error as `path: message`, for error reasons.
   */
  describeParseError,
  /**
   * Validates an input, failing with `InvalidInput` naming the first offending field. With
   * `strict`, unknown fields are errors; without, they are dropped.
   */
  validate
} from "./internal/validate.js"
export {
  /**
   * Which fields of a payout request differ from the payout NICEPAY holds under the same
   * partnerReferenceNo.
   */
  differingFields,
  /**
   * The registration fields a repeat of a partnerReferenceNo must match.
   */
  type PayoutKeyField
} from "./internal/idempotency.js"

const text = (max: number) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(max, { message: () => `must be at most ${max} characters` })
  )

const digits = (min: number, max: number) =>
  Schema.String.pipe(
    Schema.pattern(new RegExp(`^[0-9]{${min},${max}}$`), {
      message: () => (min === max ? `must be ${min} digits` : `must be ${min} to ${max} digits`)
    })
  )

/**
 * A merchant's payout reference (`partnerReferenceNo`): 1–40 letters, digits, `.`, `_` or `-`.
 * It is the idempotency key of a payout: NICEPAY refuses a second payout with the same one.
 */
export const PartnerReferenceNo = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9._-]{1,40}$/, {
    message: () => "must be 1 to 40 letters, digits, '.', '_' or '-'"
  })
).annotations({ identifier: "PartnerReferenceNo" })

/**
 * NICEPAY's payout id (tXid), `originalReferenceNo` in requests, e.g.
 * `IONPAYTEST07202308301826504375`.
 */
export const OriginalReferenceNo = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9]{1,40}$/, { message: () => "must be 1 to 40 letters or digits" })
).annotations({ identifier: "OriginalReferenceNo" })

/**
 * A beneficiary account number: 1–25 digits.
 */
export const AccountNo = digits(1, 25).annotations({ identifier: "AccountNo" })

/**
 * NICEPAY bank codes seen in its documentation and SDKs. Other four-character codes are accepted.
 */
export const BankCodes = {
  BCA: "CENA",
  BRI: "BRIN",
  Mandiri: "BMRI",
  Danamon: "BDIN",
  Permata: "BBBA",
  CimbNiaga: "BNIA",
  OY: "OYID"
} as const

/**
 * A NICEPAY bank code: four upper-case letters or digits (see `BankCodes`).
 */
export const BankCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9]{4}$/, { message: () => 'must be a 4-character NICEPAY bank code such as "CENA"' })
).annotations({ identifier: "BankCode" })

// NICEPAY's digit codes on the wire, readable names in code; the message lists the names.
const coded = <Code extends string, Name extends string>(
  pairs: ReadonlyArray<readonly [Code, Name]>,
  message: string
) => {
  const codes = pairs.map(([code]) => code) as unknown as readonly [Code, ...Array<Code>]
  const names = pairs.map(([, name]) => name) as unknown as readonly [Name, ...Array<Name>]
  // A refinement rather than a literal union, so the error names every accepted value at once.
  const name = Schema.String.pipe(
    Schema.filter((value): value is Name => (names as ReadonlyArray<string>).includes(value), {
      message: () => message
    })
  )
  return Schema.transform(Schema.Literal(...codes), name, {
    strict: true,
    decode: (code) => pairs.find(([c]) => c === code)![1],
    encode: (name) => pairs.find(([, n]) => n === name)![0]
  })
}

/**
 * `beneficiaryCustomerResidence`: `"1"` citizen (WNI), `"2"` foreigner (WNA).
 */
export const Residence = coded(
  [
    ["1", "citizen"],
    ["2", "foreigner"]
  ],
  'must be "citizen" or "foreigner"'
)

/**
 * `beneficiaryCustomerType`: `"1"` personal, `"2"` company, `"3"` government.
 */
export const CustomerType = coded(
  [
    ["1", "personal"],
    ["2", "company"],
    ["3", "government"]
  ],
  'must be "personal", "company" or "government"'
)

/**
 * `payoutMethod`: `"0"` overbooking (same bank), `"1"` online transfer, `"2"` SKN, `"3"` RTGS,
 * `"4"` cash-out.
 */
export const PayoutMethod = coded(
  [
    ["0", "overbooking"],
    ["1", "online"],
    ["2", "skn"],
    ["3", "rtgs"],
    ["4", "cashout"]
  ],
  'must be "overbooking", "online", "skn", "rtgs" or "cashout"'
)

/**
 * A payout's transaction status (`transactionStatus` / `latestTransactionStatus`):
 *
 * | code | status     | meaning                                     |
 * |------|------------|---------------------------------------------|
 * | 00   | `Success`  | approved, being disbursed                   |
 * | 03   | `Pending`  | registered, waiting for approval or reject  |
 * | 04   | `Canceled` | a scheduled payout was canceled             |
 * | 05   | `Rejected` | rejected before approval                    |
 * | 08   | `Suspect`  | outcome not yet known at the bank           |
 * | 09   | `Failed`   | the disbursement failed                     |
 */
export const TransactionStatus = Schema.transformLiterals(
  ["00", "Success"],
  ["03", "Pending"],
  ["04", "Canceled"],
  ["05", "Rejected"],
  ["08", "Suspect"],
  ["09", "Failed"]
)

export type TransactionStatus = typeof TransactionStatus.Type

const PositiveAmount = SnapAmount.pipe(
  Schema.filter((amount) => amount > 0 || "a payout amount must be at least 1 rupiah")
)

const isCalendarDate = (yyyymmdd: string): boolean => {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/**
 * A payout to register. Field names are NICEPAY's; enumerations are readable literals that encode
 * to NICEPAY's digits; `amount` is whole rupiah.
 */
export const PayoutRequest = Schema.Struct({
  partnerReferenceNo: PartnerReferenceNo,
  beneficiaryAccountNo: AccountNo,
  beneficiaryName: text(100),
  beneficiaryPhone: Schema.String.pipe(
    Schema.pattern(/^\+?[0-9]{6,19}$/, { message: () => "must be 6 to 19 digits, optionally after '+'" })
  ),
  beneficiaryCustomerResidence: Residence,
  beneficiaryCustomerType: CustomerType,
  beneficiaryPostalCode: Schema.optional(digits(5, 6)),
  beneficiaryBankCode: BankCode,
  payoutMethod: PayoutMethod,
  amount: PositiveAmount,
  msId: Schema.optional(
    Schema.String.pipe(Schema.maxLength(20, { message: () => "must be at most 20 characters" }))
  ),
  /** Scheduled date `YYYYMMDD` (with `reservedTm`); omit for an immediate payout. */
  reservedDt: Schema.optional(
    digits(8, 8).pipe(Schema.filter((s) => isCalendarDate(s) || "must be a calendar date YYYYMMDD"))
  ),
  /** Scheduled time `HHmmss` in WIB (with `reservedDt`). */
  reservedTm: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/, { message: () => "must be a time HHmmss" })
    )
  ),
  description: Schema.optional(text(100)),
  deliveryName: Schema.optional(text(100)),
  deliveryId: Schema.optional(text(30)),
  beneficiaryPOE: Schema.optional(text(100)),
  beneficiaryDOE: Schema.optional(digits(6, 6)),
  beneficiaryCoNo: Schema.optional(text(50)),
  beneficiaryAddress: Schema.optional(text(255)),
  beneficiaryAuthPhoneNumber: Schema.optional(text(20)),
  beneficiaryMerCategory: Schema.optional(text(50)),
  beneficiaryCoMgmtName: Schema.optional(text(100)),
  beneficiaryCoShName: Schema.optional(text(100))
}).pipe(
  Schema.filter((payout) =>
    (payout.reservedDt === undefined) === (payout.reservedTm === undefined)
      ? true
      : {
          path: [payout.reservedDt === undefined ? "reservedDt" : "reservedTm"],
          message: "reservedDt and reservedTm go together"
        }
  )
)

export type PayoutRequest = typeof PayoutRequest.Type

/**
 * The registration body: the request's fields with `merchantId` after `partnerReferenceNo`.
 */
export const registrationBody = (clientId: string, payout: PayoutRequest): Record<string, unknown> => {
  const { partnerReferenceNo, ...rest } = Schema.encodeSync(PayoutRequest)(payout)
  return { partnerReferenceNo, merchantId: clientId, ...rest }
}

/**
 * A registered payout, as approve, cancel and reject need it.
 */
export const PayoutReference = Schema.Struct({
  partnerReferenceNo: PartnerReferenceNo,
  originalReferenceNo: OriginalReferenceNo,
  /** Not sent by approve/cancel/reject; kept so a result can be passed on to `inquiry`. */
  beneficiaryAccountNo: Schema.optional(AccountNo)
})

export type PayoutReference = typeof PayoutReference.Type

/**
 * What an inquiry needs (NICEPAY makes `beneficiaryAccountNo` mandatory).
 */
export const InquiryReference = Schema.Struct({
  partnerReferenceNo: PartnerReferenceNo,
  originalReferenceNo: OriginalReferenceNo,
  beneficiaryAccountNo: AccountNo
})

export type InquiryReference = typeof InquiryReference.Type

/**
 * The balance request options.
 */
export const BalanceRequest = Schema.Struct({
  msId: Schema.optional(
    Schema.String.pipe(Schema.maxLength(20, { message: () => "must be at most 20 characters" }))
  )
})

export type BalanceRequest = typeof BalanceRequest.Type

// ---- responses ------------------------------------------------------------------------------

const optionalString = Schema.optional(Schema.String)

/**
 * The balance response: `accountInfos[].availableBalance` (current) or a top-level
 * `availableBalance` (2023 samples).
 */
export const BalanceResponse = Schema.Struct({
  accountNo: optionalString,
  accountInfos: Schema.optional(Schema.Array(Schema.Struct({ availableBalance: SnapAmount }))),
  availableBalance: Schema.optional(SnapAmount)
})

/**
 * A merchant's balance.
 */
export interface Balance {
  readonly accountNo: string
  readonly availableBalance: Rupiah
}

/**
 * The balance in either documented shape, or the reason neither is there.
 */
export const toBalance = (
  clientId: string,
  response: typeof BalanceResponse.Type
): Either.Either<Balance, string> => {
  const available = response.accountInfos?.[0]?.availableBalance ?? response.availableBalance
  return available === undefined
    ? Either.left("neither accountInfos[].availableBalance nor availableBalance is present")
    : Either.right({ accountNo: response.accountNo ?? clientId, availableBalance: available })
}

// The beneficiary fields NICEPAY echoes in its answers; the account number arrives spelled
// `beneficiaryAccountNo` or, in some answers, `beneficiaryaccountNo`.
const beneficiaryEcho = {
  beneficiaryAccountNo: optionalString,
  beneficiaryaccountNo: optionalString,
  beneficiaryName: optionalString,
  beneficiaryBankCode: optionalString
}

/**
 * The registration response. NICEPAY spells `beneficiaryaccountNo` with a lower-case "a" here.
 */
export const RegistrationResponse = Schema.Struct({
  partnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.String.pipe(Schema.minLength(1)),
  ...beneficiaryEcho,
  payoutMethod: Schema.optional(PayoutMethod),
  amount: Schema.optional(SnapAmount)
})

/**
 * The approve / cancel / reject response.
 */
export const PayoutResponse = Schema.Struct({
  originalPartnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.String.pipe(Schema.minLength(1)),
  ...beneficiaryEcho,
  amount: Schema.optional(SnapAmount),
  transactionStatus: Schema.optional(TransactionStatus)
})

/**
 * The inquiry response.
 */
export const InquiryResponse = Schema.Struct({
  originalPartnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.String.pipe(Schema.minLength(1)),
  ...beneficiaryEcho,
  beneficiaryCustomerResidence: Schema.optional(Residence),
  beneficiaryCustomerType: Schema.optional(CustomerType),
  amount: Schema.optional(SnapAmount),
  latestTransactionStatus: TransactionStatus,
  transactionStatusDesc: optionalString,
  transactionDate: optionalString
})

/**
 * A payout as NICEPAY reports it.
 */
export interface Payout {
  readonly partnerReferenceNo: string
  /** NICEPAY's payout id (tXid). */
  readonly originalReferenceNo: string
  readonly beneficiaryAccountNo?: string | undefined
  readonly beneficiaryName?: string | undefined
  readonly beneficiaryBankCode?: string | undefined
  readonly amount?: Rupiah | undefined
}

/**
 * A registered payout (status `Pending` until approved or rejected). Pass it to `approve`,
 * `reject` or `inquiry`.
 */
export interface Registered extends Payout {
  readonly beneficiaryAccountNo: string
  /** Always `Pending`: a registered payout waits for approval or rejection. */
  readonly status: TransactionStatus
  readonly payoutMethod?: typeof PayoutMethod.Type | undefined
}

/**
 * The answer to approve, cancel or reject. `status` is the payout's status after it: NICEPAY's
 * `transactionStatus` when it sends one, else the transition's end state (`Success`, `Rejected`,
 * `Canceled`); for a payout that was already there (a repeat), the status an inquiry read.
 * `transactionStatus` is there when NICEPAY sends it.
 */
export interface Transitioned extends Payout {
  readonly _tag: "Done"
  readonly status: TransactionStatus
  /** True when the payout was already in the requested end state: nothing changed. */
  readonly repeated: boolean
  readonly transactionStatus?: TransactionStatus | undefined
}

/**
 * NICEPAY answered `202xx00` Request In Progress: the payout is being processed; follow it with
 * `inquiry` or the notification.
 */
export interface InProgress {
  readonly _tag: "InProgress"
  readonly partnerReferenceNo: string
  readonly originalReferenceNo: string
  readonly beneficiaryAccountNo?: string | undefined
  readonly responseMessage: string
}

/**
 * The state of a payout, from `inquiry`.
 */
export interface PayoutState extends Payout {
  readonly beneficiaryAccountNo: string
  readonly status: TransactionStatus
  readonly statusDescription?: string | undefined
  readonly transactionDate?: string | undefined
}

/**
 * A NICEPAY payout notification body. Nothing in it is signed: treat it as a hint and confirm
 * with `inquiry` (`confirmNotification` does).
 */
export const NotificationBody = Schema.Struct({
  originalPartnerReferenceNo: PartnerReferenceNo,
  originalReferenceNo: OriginalReferenceNo,
  merchantId: optionalString,
  beneficiaryAccountNo: optionalString,
  beneficiaryaccountNo: optionalString,
  beneficiaryName: optionalString,
  beneficiaryBankCode: optionalString,
  amount: Schema.optional(SnapAmount),
  latestTransactionStatus: Schema.optional(TransactionStatus),
  transactionStatusDesc: optionalString,
  transactionDate: optionalString
})
