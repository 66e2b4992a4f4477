/**
 * Field rules of the NICEPAY simulator's request bodies: which fields are mandatory and what shape
 * each must have, checked in order; the first failure answers `400{svc}02 Invalid Mandatory Field
 * {field}` (missing) or `400{svc}01 Invalid Field Format {field}` (malformed). Nested fields are
 * named by path (`amount.value`).
 */
import * as Responses from "./Responses.js"

/**
 * A check of one present value.
 */
export type Check = (value: unknown) => boolean

/**
 * A string of at most `max` characters, matching `pattern` when given.
 */
export const str =
  (max: number, pattern?: RegExp): Check =>
  (value) =>
    typeof value === "string" && value.length <= max && (pattern === undefined || pattern.test(value))

/**
 * One of the given strings.
 */
export const oneOf =
  (...values: ReadonlyArray<string>): Check =>
  (value) =>
    typeof value === "string" && values.includes(value)

/**
 * A JSON object (not an array).
 */
export const object: Check = (value) => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The rule of one field.
 */
export interface Rule {
  readonly field: string
  readonly required: boolean
  readonly check: Check
}

const getPath = (body: Record<string, unknown>, field: string): unknown =>
  field
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      body
    )

/**
 * Whether a value counts as absent: undefined, null or the empty string.
 */
export const isMissing = (value: unknown): boolean => value === undefined || value === null || value === ""

/**
 * The first rule `body` breaks, as the answer for service code `svc`; undefined when it keeps them
 * all.
 */
export const check = (
  svc: string,
  body: Record<string, unknown>,
  rules: ReadonlyArray<Rule>
): Responses.Answered | undefined => {
  for (const rule of rules) {
    const value = getPath(body, rule.field)
    if (isMissing(value)) {
      if (rule.required) return Responses.respond(`400${svc}02`, `Invalid Mandatory Field {${rule.field}}`)
      continue
    }
    if (!rule.check(value)) return Responses.respond(`400${svc}01`, `Invalid Field Format {${rule.field}}`)
  }
  return undefined
}

const amount = (field: string): ReadonlyArray<Rule> => [
  { field, required: true, check: object },
  { field: `${field}.value`, required: true, check: str(16, /^(0|[1-9][0-9]{0,12})\.[0-9]{2}$/) },
  { field: `${field}.currency`, required: true, check: oneOf("IDR") }
]

/**
 * The balance inquiry's fields; `accountField` is `accountNo`, or `merchantId` in the 2023
 * samples of the legacy path.
 */
export const balance = (accountField: string): ReadonlyArray<Rule> => [
  { field: accountField, required: true, check: str(20) },
  { field: "additionalInfo", required: false, check: (v) => typeof v === "object" && !Array.isArray(v) },
  { field: "additionalInfo.msId", required: false, check: str(20) }
]

/**
 * The payout registration's fields.
 */
export const registration: ReadonlyArray<Rule> = [
  { field: "partnerReferenceNo", required: true, check: str(40) },
  { field: "merchantId", required: true, check: str(20) },
  { field: "msId", required: false, check: str(20) },
  { field: "beneficiaryAccountNo", required: true, check: str(25, /^[0-9]+$/) },
  { field: "beneficiaryName", required: true, check: str(100) },
  { field: "beneficiaryPhone", required: true, check: str(20, /^\+?[0-9]+$/) },
  { field: "beneficiaryCustomerResidence", required: true, check: oneOf("1", "2") },
  { field: "beneficiaryCustomerType", required: false, check: oneOf("1", "2", "3") },
  { field: "beneficiaryPostalCode", required: false, check: str(10, /^[0-9]+$/) },
  { field: "beneficiaryBankCode", required: true, check: str(8, /^[A-Za-z0-9]+$/) },
  { field: "payoutMethod", required: true, check: oneOf("0", "1", "2", "3", "4") },
  ...amount("amount"),
  { field: "reservedDt", required: false, check: str(8, /^[0-9]{8}$/) },
  { field: "reservedTm", required: false, check: str(6, /^[0-9]{6}$/) },
  { field: "description", required: false, check: str(255) },
  { field: "deliveryName", required: false, check: str(100) },
  { field: "deliveryId", required: false, check: str(50) }
]

/**
 * The fields that name an existing payout (approve, reject, cancel).
 */
export const reference: ReadonlyArray<Rule> = [
  { field: "originalReferenceNo", required: true, check: str(40) },
  { field: "originalPartnerReferenceNo", required: true, check: str(40) },
  { field: "merchantId", required: true, check: str(20) }
]

/**
 * The payout inquiry's fields: the reference and the beneficiary account.
 */
export const inquiry: ReadonlyArray<Rule> = [
  ...reference,
  { field: "beneficiaryAccountNo", required: true, check: str(25) }
]
