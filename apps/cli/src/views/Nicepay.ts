/**
 * How NICEPAY results read: summaries for people, plain JSON documents for `--json` (amounts as
 * integer rupiah).
 */
import { Money, type Nicepay } from "@kasir/core"
import type { Report } from "../Report.js"
import * as Table from "../Table.js"

const rp = (amount: Money.Rupiah | undefined): string | undefined =>
  amount === undefined ? undefined : Money.format(amount)

export const token = (grant: { readonly clientId: string; readonly expiresInSeconds: number }): Report => ({
  json: { clientId: grant.clientId, expiresInSeconds: grant.expiresInSeconds },
  text: [
    `NICEPAY issued a B2B access token for ${grant.clientId}, valid for ${grant.expiresInSeconds} s.`,
    "The token is a secret and is not printed; kasir fetches and caches it for each call."
  ].join("\n")
})

export const balance = (balance: Nicepay.Schemas.Balance): Report => ({
  json: { accountNo: balance.accountNo, availableBalance: balance.availableBalance, currency: "IDR" },
  text: Table.fields([
    ["Available balance", rp(balance.availableBalance)],
    ["Merchant", balance.accountNo]
  ])
})

const payoutFields = (payout: Nicepay.Schemas.Payout) =>
  [
    ["Partner reference", payout.partnerReferenceNo],
    ["Payout ID", payout.originalReferenceNo],
    ["Beneficiary", payout.beneficiaryName],
    [
      "Account",
      payout.beneficiaryAccountNo === undefined
        ? undefined
        : `${payout.beneficiaryAccountNo}${payout.beneficiaryBankCode === undefined ? "" : ` (bank ${payout.beneficiaryBankCode})`}`
    ],
    ["Amount", rp(payout.amount)]
  ] as const

// A field the answer did not carry is left out, never `null`: a consumer reading `status` or
// `amount` gets a value or no key at all.
const present = (fields: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null))

const payoutJson = (payout: Nicepay.Schemas.Payout) =>
  present({
    partnerReferenceNo: payout.partnerReferenceNo,
    originalReferenceNo: payout.originalReferenceNo,
    beneficiaryAccountNo: payout.beneficiaryAccountNo,
    beneficiaryName: payout.beneficiaryName,
    beneficiaryBankCode: payout.beneficiaryBankCode,
    amount: payout.amount
  })

export const registered = (payout: Nicepay.Schemas.Registered | Nicepay.Schemas.PayoutState): Report => ({
  json: { ...payoutJson(payout), status: payout.status },
  text: [
    payout.status === "Pending"
      ? "Payout registered; it waits for approval."
      : `Payout already registered under this reference; status ${payout.status}.`,
    Table.fields(payoutFields(payout)),
    "",
    `Approve it with: kasir nicepay payout approve --ref ${payout.partnerReferenceNo} --id ${payout.originalReferenceNo}`
  ].join("\n")
})

const pastTense = { approve: "approved", reject: "rejected", cancel: "canceled" } as const

/**
 * The answer to approve, reject or cancel.
 */
export const transitioned = (
  operation: "approve" | "reject" | "cancel",
  result: Nicepay.Schemas.Transitioned | Nicepay.Schemas.InProgress
): Report =>
  result._tag === "InProgress"
    ? {
        json: {
          operation,
          result: "in-progress",
          partnerReferenceNo: result.partnerReferenceNo,
          originalReferenceNo: result.originalReferenceNo,
          message: result.responseMessage
        },
        text: [
          `NICEPAY is processing the ${operation} (${result.responseMessage}).`,
          Table.fields([
            ["Partner reference", result.partnerReferenceNo],
            ["Payout ID", result.originalReferenceNo]
          ]),
          "",
          "Follow it with: kasir nicepay payout status --wait"
        ].join("\n")
      }
    : {
        json: { operation, result: "done", ...payoutJson(result), status: result.status },
        text: [
          `Payout ${result.repeated ? `already ${pastTense[operation]}` : pastTense[operation]}; status ${result.status}.`,
          Table.fields(payoutFields(result))
        ].join("\n")
      }

/**
 * A payout's status, from an inquiry.
 */
export const state = (state: Nicepay.Schemas.PayoutState): Report => ({
  json: {
    ...payoutJson(state),
    status: state.status,
    ...present({ statusDescription: state.statusDescription, transactionDate: state.transactionDate })
  },
  text: [
    `Payout status: ${state.status}${
      state.statusDescription === undefined ||
      state.statusDescription === "" ||
      state.statusDescription === state.status
        ? ""
        : ` (${state.statusDescription})`
    }`,
    Table.fields([...payoutFields(state), ["Date", state.transactionDate]])
  ].join("\n")
})
