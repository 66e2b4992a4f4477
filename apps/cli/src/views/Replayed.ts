/**
 * Answers from the ledger: a money command whose reference was sent before (by this CLI or by a
 * gateway on the same ledger) is answered from the record, and nothing is sent again. The output
 * says so: `"replayed": true` in the JSON document (absent on an answer the upstream gave now),
 * and a closing line in the text.
 */
import { Money, type Nicepay } from "@kasir/core"
import type { Ledger } from "@kasir/ledger"
import { DateTime } from "effect"
import type { Report } from "../Report.js"
import * as Table from "../Table.js"

const closing = (entry: Ledger.Entry, upstream: string): string =>
  `Answered from kasir's ledger: ${entry.reference} was sent before (recorded ${DateTime.formatIso(entry.createdAt)}); nothing was sent to ${upstream} now.`

/**
 * Marks a report as answered from the ledger.
 */
export const replayed = (report: Report, entry: Ledger.Entry, upstream: string): Report => ({
  json: { ...(report.json as Record<string, unknown>), replayed: true },
  text: `${report.text}\n\n${closing(entry, upstream)}`
})

/**
 * An Ayoconnect payment as the ledger recorded it: the answer's code and messages, the
 * transaction id and token once there are any, and the fields that define the payment. The
 * ledger keeps no product name or bill details; `kasir ayoconnect status` reads them.
 */
export const payment = (entry: Ledger.Entry): Report => {
  const ids = entry.upstreamIds
  const en = entry.upstreamMessage ?? ""
  const id = ids.messageID ?? ""
  const message = [en, id]
    .filter((text, index, all) => text !== "" && all.indexOf(text) === index)
    .join(" / ")
  const amount = Number(entry.amount)
  const transaction = {
    ...(ids.transactionId === undefined ? {} : { transactionId: Number(ids.transactionId) }),
    accountNumber: entry.fingerprint.fields.accountNumber,
    productCode: entry.fingerprint.fields.productCode,
    amount,
    ...(ids.token === undefined ? {} : { token: ids.token })
  }
  const code = Number(entry.upstreamCode ?? "0")
  return replayed(
    {
      json: {
        refNumber: entry.reference,
        state: entry.state,
        responseCode: code,
        message: { ID: id, EN: en },
        transaction
      },
      text: [
        `Transaction ${entry.state} (RC ${code})${message === "" ? "" : `: ${message}`}`,
        Table.fields([
          ["Reference", entry.reference],
          ["Transaction ID", ids.transactionId],
          ["Product", transaction.productCode],
          ["Account", transaction.accountNumber],
          ["Amount", Money.format(amount as Money.Rupiah)],
          ["Token", ids.token === undefined || ids.token === "N/A" ? undefined : ids.token]
        ]),
        ...(entry.state === "pending"
          ? ["", `Follow it with: kasir ayoconnect wait --ref ${entry.reference}`]
          : [])
      ].join("\n")
    },
    entry,
    "Ayoconnect"
  )
}

/**
 * A NICEPAY step's payout as a step's answer: `repeated` when it was already where the step leads
 * (a replay from the ledger), not when a read after a lost answer found it there.
 */
export const transitioned = (
  payout: Nicepay.Schemas.PayoutState,
  repeated: boolean
): Nicepay.Schemas.Transitioned => ({
  _tag: "Done",
  partnerReferenceNo: payout.partnerReferenceNo,
  originalReferenceNo: payout.originalReferenceNo,
  beneficiaryAccountNo: payout.beneficiaryAccountNo,
  ...(payout.beneficiaryBankCode === undefined ? {} : { beneficiaryBankCode: payout.beneficiaryBankCode }),
  ...(payout.amount === undefined ? {} : { amount: payout.amount }),
  status: payout.status,
  repeated
})
