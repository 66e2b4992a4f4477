/**
 * How Ayoconnect results read: summaries and tables for people, plain JSON documents for
 * `--json` (amounts as integer rupiah).
 */
import { type Ayoconnect, Money } from "@kasir/core"
import type { Report } from "../Report.js"
import * as Table from "../Table.js"

const rp = (amount: number): string => Money.format(amount as Money.Rupiah)

const detailValue = (value: string | number): string => (typeof value === "number" ? rp(value) : value)

const keyValues = (
  title: string,
  items: ReadonlyArray<{ readonly key: string; readonly value: string | number }>
): ReadonlyArray<string> =>
  items.length === 0
    ? []
    : ["", `${title}:`, ...items.map((item) => `  ${item.key}: ${detailValue(item.value)}`)]

export const balance = (balance: Ayoconnect.Schemas.Balance): Report => ({
  json: {
    balance: balance.balance,
    currency: balance.currency,
    ...(balance.partnerId === undefined ? {} : { partnerId: balance.partnerId })
  },
  text: Table.fields([
    ["Balance", rp(balance.balance)],
    ["Partner", balance.partnerId]
  ])
})

export const products = (products: ReadonlyArray<Ayoconnect.Schemas.Product>): Report => ({
  json: {
    products: products.map((product) => ({
      code: product.code,
      name: product.name,
      category: product.category,
      biller: product.biller,
      type: product.type,
      amount: product.amount,
      adminFee: product.adminFee,
      active: product.active
    }))
  },
  text:
    products.length === 0
      ? "No products."
      : Table.table(
          [
            { header: "CODE" },
            { header: "NAME" },
            { header: "CATEGORY" },
            { header: "PRICE", align: "right" },
            { header: "ADMIN", align: "right" },
            { header: "ACTIVE" }
          ],
          products.map((product) => [
            product.code,
            product.name,
            product.category,
            rp(product.amount),
            rp(product.adminFee),
            product.active ? "yes" : "no"
          ])
        )
})

export const inquiry = (inquiry: Ayoconnect.Schemas.Inquiry): Report => ({
  json: {
    inquiryId: inquiry.inquiryId,
    accountNumber: inquiry.accountNumber,
    customerName: inquiry.customerName,
    productCode: inquiry.productCode,
    productName: inquiry.productName,
    category: inquiry.category,
    amount: inquiry.amount,
    totalAdmin: inquiry.totalAdmin,
    processingFee: inquiry.processingFee,
    customerDetails: inquiry.customerDetails,
    billDetails: inquiry.billDetails.map((bill) => ({
      billId: bill.billId,
      key: bill.key,
      value: bill.value,
      billInfo: bill.billInfo ?? []
    })),
    productDetails: inquiry.productDetails
  },
  text: [
    Table.fields([
      ["Inquiry ID", String(inquiry.inquiryId)],
      ["Customer", inquiry.customerName === "" ? undefined : inquiry.customerName],
      ["Account", inquiry.accountNumber],
      [
        "Product",
        `${inquiry.productName} (${inquiry.productCode}${inquiry.category === "" ? "" : `, ${inquiry.category}`})`
      ],
      ["Amount to pay", `${rp(inquiry.amount)} (admin ${rp(inquiry.totalAdmin)})`]
    ]),
    ...keyValues(
      "Bill",
      inquiry.billDetails.map((bill) => ({
        key: bill.key === "" ? `bill ${bill.billId}` : bill.key,
        value: bill.value
      }))
    ),
    "",
    `Pay it with: kasir ayoconnect pay --product ${inquiry.productCode} --account ${inquiry.accountNumber} ` +
      `--inquiry-id ${inquiry.inquiryId} --amount ${inquiry.amount} --ref <your unique reference>`
  ].join("\n")
})

const stateName = {
  Succeeded: "succeeded",
  Pending: "pending",
  Failed: "failed"
} as const

/**
 * A transaction's state, from a payment, a status lookup or a wait.
 */
export const transaction = (status: Ayoconnect.Status.TransactionStatus): Report => {
  const state = stateName[status._tag]
  const trx = status.transaction
  const message = [status.message.EN, status.message.ID].filter((text) => text !== "").join(" / ")
  return {
    json: {
      refNumber: status.refNumber,
      state,
      responseCode: status.responseCode,
      message: { ID: status.message.ID, EN: status.message.EN },
      transaction:
        trx === undefined
          ? null
          : {
              transactionId: trx.transactionId,
              accountNumber: trx.accountNumber,
              productCode: trx.productCode,
              productName: trx.productName,
              category: trx.category,
              amount: trx.amount,
              totalAdmin: trx.totalAdmin,
              token: trx.token,
              customerDetails: trx.customerDetails,
              productDetails: trx.productDetails
            }
    },
    text: [
      `Transaction ${state} (RC ${status.responseCode})${message === "" ? "" : `: ${message}`}`,
      Table.fields([
        ["Reference", status.refNumber],
        [
          "Transaction ID",
          trx === undefined || trx.transactionId === 0 ? undefined : String(trx.transactionId)
        ],
        [
          "Product",
          trx === undefined || trx.productCode === "" ? undefined : `${trx.productName} (${trx.productCode})`
        ],
        ["Account", trx === undefined || trx.accountNumber === "" ? undefined : trx.accountNumber],
        ["Amount", trx === undefined ? undefined : rp(trx.amount)],
        ["Token", trx === undefined || trx.token === "" || trx.token === "N/A" ? undefined : trx.token]
      ]),
      ...(status._tag === "Pending"
        ? ["", `Follow it with: kasir ayoconnect wait --ref ${status.refNumber}`]
        : [])
    ].join("\n")
  }
}
