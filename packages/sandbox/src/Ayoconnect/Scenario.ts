/**
 * Deterministic scenarios, chosen by the end of the account number.
 *
 * | account number ends in | effect                                                               |
 * |------------------------|----------------------------------------------------------------------|
 * | `9` + a 1xx/4xx failure code (e.g. `9103`) | payment answers 299, then settles to that failure (refunded) |
 * | an inquiry failure code (112, 181, 184, 301–399, 401, 409) | the inquiry answers that code            |
 * | a payment failure code (100–199, 402, 403, 490, 495)       | the inquiry succeeds; the payment answers that code |
 * | `102` / `108`          | the payment is processed, but answered "duplicate" (102 / 108)       |
 * | `000`, `001`–`004`, `099` | the payment succeeds at once with RC 0, 1–4, 99                   |
 * | `299`                  | the payment stays pending forever                                    |
 * | `501`–`507`            | a fault on the inquiry (see `faults`)                                |
 * | `601`–`607`            | a fault on the payment                                               |
 *
 * The four-character rule is checked first. Any other well-formed account number succeeds.
 */
import type { Fault } from "../Fault.js"

/**
 * What a scenario does to an inquiry.
 */
export type InquiryEffect =
  | { readonly _tag: "Normal" }
  | { readonly _tag: "Answer"; readonly code: number }
  | { readonly _tag: "Fault"; readonly fault: Fault }

/**
 * What a scenario does to a payment.
 */
export type PaymentEffect =
  | { readonly _tag: "Normal" }
  /** Fails at once with `code`; recorded as failed, nothing debited. */
  | { readonly _tag: "Fail"; readonly code: number }
  /** Succeeds at once with `code`. */
  | { readonly _tag: "Succeed"; readonly code: number }
  /** Processed and debited (succeeds), but the answer is the duplicate `code`. */
  | { readonly _tag: "AnswerDuplicate"; readonly code: number }
  /** Answers 299; settles to `code` later (0 = success), or never. */
  | { readonly _tag: "Pend"; readonly settleTo: number | "never" }
  | { readonly _tag: "Fault"; readonly fault: Fault }

/**
 * Inquiry failure codes reachable by suffix.
 */
export const inquiryFailureCodes: ReadonlyArray<number> = [
  112, 181, 184, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318,
  319, 320, 321, 322, 323, 324, 330, 341, 364, 399, 401, 409
]

/**
 * Payment failure codes reachable by suffix (immediately, or after pending with the `9` prefix).
 */
export const paymentFailureCodes: ReadonlyArray<number> = [
  100, 101, 103, 104, 105, 106, 107, 109, 110, 111, 114, 180, 183, 185, 186, 198, 199, 402, 403, 490, 495
]

/**
 * Immediate success codes reachable by suffix.
 */
export const successCodes: ReadonlyArray<number> = [0, 1, 2, 3, 4, 99]

/**
 * The faults, by the last digit of `50x` (inquiry) and `60x` (payment).
 */
export const faults: ReadonlyArray<readonly [digit: number, fault: Fault]> = [
  [1, "latency"],
  [2, "html-502"],
  [3, "reset-before"],
  [4, "reset-after"],
  [5, "malformed-json"],
  [6, "no-response-code"],
  [7, "stall"]
]

/**
 * The account-number suffix that selects a scenario.
 */
export const suffix = {
  inquiryFailure: (code: number): string => String(code).padStart(3, "0"),
  paymentFailure: (code: number): string => String(code).padStart(3, "0"),
  pendingThenFailure: (code: number): string => `9${String(code).padStart(3, "0")}`,
  success: (code: number): string => String(code).padStart(3, "0"),
  duplicate: (code: 102 | 108): string => String(code),
  pendingForever: "299",
  inquiryFault: (fault: Fault): string => `50${faults.find(([, f]) => f === fault)![0]}`,
  paymentFault: (fault: Fault): string => `60${faults.find(([, f]) => f === fault)![0]}`
} as const

const lastDigits = (accountNumber: string, count: number): number | undefined => {
  const tail = accountNumber.slice(-count)
  return tail.length === count && /^\d+$/.test(tail) ? Number(tail) : undefined
}

const faultFor = (accountNumber: string, hundreds: number): Fault | undefined => {
  const tail = lastDigits(accountNumber, 3)
  if (tail === undefined || Math.floor(tail / 10) !== hundreds * 10) return undefined
  return faults.find(([digit]) => digit === tail % 10)?.[1]
}

/**
 * The scenario of an inquiry.
 */
export const forInquiry = (accountNumber: string): InquiryEffect => {
  const fault = faultFor(accountNumber, 5)
  if (fault !== undefined) return { _tag: "Fault", fault }
  const tail = lastDigits(accountNumber, 3)
  if (tail !== undefined && inquiryFailureCodes.includes(tail) && !pendsThenFails(accountNumber)) {
    return { _tag: "Answer", code: tail }
  }
  return { _tag: "Normal" }
}

const pendsThenFails = (accountNumber: string): boolean => {
  const tail = lastDigits(accountNumber, 4)
  return tail !== undefined && tail >= 9000 && paymentFailureCodes.includes(tail - 9000)
}

/**
 * The scenario of a payment.
 */
export const forPayment = (accountNumber: string): PaymentEffect => {
  if (pendsThenFails(accountNumber)) return { _tag: "Pend", settleTo: lastDigits(accountNumber, 4)! - 9000 }
  const fault = faultFor(accountNumber, 6)
  if (fault !== undefined) return { _tag: "Fault", fault }
  const tail = lastDigits(accountNumber, 3)
  if (tail === undefined) return { _tag: "Normal" }
  if (tail === 102 || tail === 108) return { _tag: "AnswerDuplicate", code: tail }
  if (paymentFailureCodes.includes(tail)) return { _tag: "Fail", code: tail }
  if (successCodes.includes(tail)) return { _tag: "Succeed", code: tail }
  if (tail === 299) return { _tag: "Pend", settleTo: "never" }
  return { _tag: "Normal" }
}

/**
 * One documented scenario: the account-number suffix that selects it and what it does. The same
 * shape as `Nicepay.Scenario.Entry`.
 */
export interface Entry {
  readonly suffix: string
  readonly effect: string
}

/**
 * Every scenario, by suffix (what the README's table lists); any other well-formed account
 * number succeeds.
 */
export const table: ReadonlyArray<Entry> = [
  ...paymentFailureCodes.map((code) => ({
    suffix: suffix.pendingThenFailure(code),
    effect: `bill/payment answers 299, then settles to ${code} (refunded)`
  })),
  ...inquiryFailureCodes.map((code) => ({
    suffix: suffix.inquiryFailure(code),
    effect: `bill/check answers ${code}`
  })),
  ...paymentFailureCodes.map((code) => ({
    suffix: suffix.paymentFailure(code),
    effect: `bill/payment answers ${code} (nothing debited)`
  })),
  ...([102, 108] as const).map((code) => ({
    suffix: suffix.duplicate(code),
    effect: `bill/payment is processed, but answered ${code}`
  })),
  ...successCodes.map((code) => ({
    suffix: suffix.success(code),
    effect: `bill/payment succeeds at once with ${code}`
  })),
  { suffix: suffix.pendingForever, effect: "bill/payment stays pending forever" },
  ...faults.map(([, fault]) => ({
    suffix: suffix.inquiryFault(fault),
    effect: `bill/check: fault ${fault}`
  })),
  ...faults.map(([, fault]) => ({
    suffix: suffix.paymentFault(fault),
    effect: `bill/payment: fault ${fault}`
  }))
]
