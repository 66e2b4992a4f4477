/**
 * The bodies the simulator answers with, shaped like the upstream's samples.
 */
import * as Catalogue from "./Catalogue.js"
import type * as State from "./State.js"
import * as Messages from "./Messages.js"

/**
 * The envelope every answer shares. `success` follows the usual convention (true for 0–99,
 * 200–299 and 300); clients must not rely on it.
 */
export const envelope = (
  responseCode: number,
  data: unknown,
  message: Messages.Message = Messages.forCode(responseCode)
) => ({
  responseCode,
  success: responseCode <= 99 || (responseCode >= 200 && responseCode <= 300),
  message,
  data
})

/**
 * The key of the customer-details list: v1 spells it `customerDetail`, and so do v2's prepaid
 * inquiry samples.
 */
export const customerDetailsKey = (
  version: 1 | 2,
  product: Catalogue.Product | undefined,
  inquiry: boolean
) =>
  version === 1 ||
  (inquiry &&
    product !== undefined &&
    (product.kind === "pulsa" || product.kind === "data" || product.kind === "ewallet-open"))
    ? "customerDetail"
    : "customerDetails"

/**
 * The data of a successful inquiry.
 */
export const inquiryData = (
  version: 1 | 2,
  inquiryId: number,
  product: Catalogue.Product,
  accountNumber: string,
  quote: Catalogue.Quote
) => ({
  inquiryId,
  accountNumber,
  customerName: quote.customerName,
  productName: product.name,
  productCode: product.code,
  category: product.category,
  amount: quote.amount,
  totalAdmin: quote.totalAdmin,
  processingFee: 0,
  denom: "",
  validity: quote.validity,
  [customerDetailsKey(version, product, true)]: quote.customerDetails,
  billDetails: quote.billDetails,
  productDetails: quote.productDetails,
  extraFields: quote.extraFields,
  // The e-wallet inquiry sample carries these two extra fields.
  ...(product.kind === "ewallet-open" || product.kind === "ewallet"
    ? { requestId: `REQ${inquiryId}`, refNumber: inquiryId * 10 + 7 }
    : {})
})

/**
 * The status-shaped data of a transaction (payment, status, callback). `full` fills the
 * details in (a final success); otherwise the lists are empty, as in the pending and failed
 * samples. `stringValues` sends bill values as strings without `isMandatory`, as status and
 * callback bodies have been seen doing.
 */
export const transactionData = (
  version: 1 | 2,
  transaction: State.Transaction,
  options: { readonly full: boolean; readonly stringValues: boolean }
) => {
  const { quote, product } = transaction
  const token = transaction.state === "Failed" ? "N/A" : transaction.token
  return {
    refNumber: transaction.refNumber,
    transactionId: transaction.transactionId,
    accountNumber: transaction.accountNumber,
    amount: transaction.amount,
    totalAdmin: quote.totalAdmin,
    processingFee: 0,
    denom: "",
    productCode: product.code,
    productName: product.name,
    category: product.category,
    token,
    customerName: quote.customerName,
    validity: quote.validity,
    [customerDetailsKey(version, product, false)]: options.full ? quote.customerDetails : [],
    billDetails: options.full
      ? quote.billDetails.map((bill) =>
          options.stringValues
            ? { billId: bill.billId, billInfo: bill.billInfo, key: bill.key, value: String(bill.value) }
            : bill
        )
      : [],
    productDetails: options.full ? [...quote.productDetails, ...transaction.fulfilment] : [],
    extraFields: options.full ? quote.extraFields : []
  }
}

/**
 * The status answer for a transaction: 299 while pending, the final code after.
 */
export const status = (version: 1 | 2, transaction: State.Transaction) =>
  transaction.state === "Pending"
    ? envelope(
        transaction.responseCode,
        transactionData(version, transaction, { full: false, stringValues: true }),
        Messages.statusPending
      )
    : envelope(
        transaction.responseCode,
        transactionData(version, transaction, { full: transaction.state === "Succeeded", stringValues: true })
      )

/**
 * The answer to a status request for an unknown refNumber (188): a zero-valued object with
 * `null` lists.
 */
export const notFound = (version: 1 | 2) =>
  envelope(188, {
    refNumber: "",
    transactionId: 0,
    accountNumber: "",
    amount: 0,
    totalAdmin: 0,
    processingFee: 0,
    denom: "",
    productCode: "",
    productName: "",
    category: "",
    token: "",
    [version === 1 ? "customerDetail" : "customerDetails"]: null,
    billDetails: null,
    productDetails: null,
    extraFields: null
  })

/**
 * A failure with empty data, as inquiry and payment failures are answered.
 */
export const failure = (responseCode: number) => envelope(responseCode, {})

/**
 * The product list of `partner/products`: every product of the catalogue.
 */
export const productList = () =>
  Catalogue.products.map((product) => ({
    name: product.name,
    description: product.description,
    code: product.code,
    logo: `https://sandbox.kasir.invalid/logo/${product.code.toLowerCase()}.png`,
    amount: product.price,
    adminFee: product.adminFee,
    biller: product.biller,
    category: product.category,
    active: product.active,
    type: product.type
  }))
