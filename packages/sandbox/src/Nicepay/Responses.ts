/**
 * The bodies the NICEPAY simulator answers with: the SNAP envelope (`responseCode`,
 * `responseMessage`; the HTTP status is always the code's first three digits), amounts, and the
 * payout fields of transfer answers and notifications.
 */
import { Timestamp } from "@kasir/core"
import type { Answer } from "../Fault.js"
import type * as State from "./State.js"

/**
 * An answer and its response code.
 */
export interface Answered {
  readonly answer: Answer
  readonly responseCode: string
}

/**
 * A SNAP answer: HTTP status from the code, `responseCode`, `responseMessage` and `fields`.
 */
export const respond = (code: string, message: string, fields: Record<string, unknown> = {}): Answered => ({
  answer: {
    status: Number(code.slice(0, 3)),
    body: { responseCode: code, responseMessage: message, ...fields }
  },
  responseCode: code
})

/**
 * SNAP's amount object for whole rupiah: `{"value":"10000.00","currency":"IDR"}`.
 */
export const amountObject = (amount: number) => ({ value: `${amount}.00`, currency: "IDR" })

/**
 * `transactionStatusDesc` per status.
 */
export const statusDescriptions: Readonly<Record<State.Status, string>> = {
  "00": "Success",
  "03": "Pending",
  "04": "Canceled",
  "05": "Rejected",
  "08": "Pending (Suspect)",
  "09": "Failed"
}

/**
 * The payout fields of approve, reject and cancel answers.
 */
export const payoutFields = (record: State.PayoutRecord): Record<string, unknown> => ({
  originalPartnerReferenceNo: record.partnerReferenceNo,
  originalReferenceNo: record.originalReferenceNo,
  beneficiaryAccountNo: record.beneficiaryAccountNo,
  beneficiaryName: record.beneficiaryName,
  beneficiaryBankCode: record.beneficiaryBankCode,
  amount: amountObject(record.amount)
})

/**
 * The body of an inquiry answer and of a notification; `transactionDate` is written like
 * `X-TIMESTAMP` (core's `Timestamp.formatWib`).
 */
export const statusFields = (record: State.PayoutRecord): Record<string, unknown> => ({
  merchantId: record.clientId,
  ...payoutFields(record),
  beneficiaryCustomerResidence: record.beneficiaryCustomerResidence,
  ...(record.beneficiaryCustomerType === undefined
    ? {}
    : { beneficiaryCustomerType: record.beneficiaryCustomerType }),
  latestTransactionStatus: record.status,
  transactionStatusDesc: statusDescriptions[record.status],
  transactionDate: Timestamp.formatWib(record.updatedAt)
})

/**
 * The registration answer. NICEPAY spells the account field `beneficiaryaccountNo` here only.
 */
export const registered = (record: State.PayoutRecord): Answered =>
  respond("2000000", "Successful", {
    partnerReferenceNo: record.partnerReferenceNo,
    originalReferenceNo: record.originalReferenceNo,
    beneficiaryaccountNo: record.beneficiaryAccountNo,
    beneficiaryName: record.beneficiaryName,
    beneficiaryBankCode: record.beneficiaryBankCode,
    payoutMethod: record.payoutMethod,
    amount: amountObject(record.amount)
  })
