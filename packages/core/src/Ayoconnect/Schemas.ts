/**
 * What Ayoconnect's PPOB API sends and accepts, as effect/Schema.
 *
 * Decoding is tolerant of every variation the upstream is known to produce: `customerDetail`
 * (v1 and some v2 samples) as well as `customerDetails`, `null` detail arrays (status 188),
 * bill values as numbers or digit strings, `extraFields` as a list or (v1) an object, and
 * unknown extra fields, which are kept (decode with `parseOptions`; the client itself keeps the
 * unknown top-level fields of what it decodes, at a fraction of the cost). Amounts are whole
 * rupiah through `Money.Rupiah`.
 */
import { Schema } from "effect"
import * as Money from "../Money.js"

/**
 * The parse options every Ayoconnect decoder uses: unknown fields are kept, not dropped.
 */
export const parseOptions = { onExcessProperty: "preserve", errors: "all" } as const

/**
 * The bilingual message of every response: `{ "ID": "Inkuiri berhasil", "EN": "Inquiry is successful" }`.
 */
export const Message = Schema.Struct({
  ID: Schema.optionalWith(Schema.String, { default: () => "" }),
  EN: Schema.optionalWith(Schema.String, { default: () => "" })
})

export type Message = typeof Message.Type

/**
 * A response code: a JSON integer (a numeric string is tolerated).
 */
export const ResponseCode = Schema.Union(Schema.Int, Schema.compose(Schema.NumberFromString, Schema.Int))

/**
 * The envelope every response shares. `data` is decoded later, once the response code says
 * what it should hold; `success` is read but never trusted (a pending 299 has been seen with
 * `success: false`).
 */
export const Envelope = Schema.Struct({
  responseCode: ResponseCode,
  success: Schema.optional(Schema.Boolean),
  message: Schema.optionalWith(Message, { default: () => ({ ID: "", EN: "" }) }),
  data: Schema.optional(Schema.Unknown)
})

export type Envelope = typeof Envelope.Type

/**
 * One `{ key, value }` line of `customerDetails`, `productDetails` or `extraFields`.
 */
export const KeyValue = Schema.Struct({
  key: Schema.String,
  value: Schema.Union(Schema.String, Schema.Number)
})

export type KeyValue = typeof KeyValue.Type

// Some fields documented as strings arrive as numbers: keep them as their decimal text.
const NumberAsString = Schema.transform(Schema.Number, Schema.String, {
  strict: true,
  decode: (n) => String(n),
  encode: (s) => Number(s)
})

/**
 * A bill line's amount: whole rupiah (sent as a number, or as a digit string in status and
 * callback bodies); any other string is kept as text.
 */
export const BillValue = Schema.Union(Money.Rupiah, Money.RupiahFromString, Schema.String)

/**
 * One line of `billDetails`: `billId` "0" is the admin fee, "1", "2", … the bill periods.
 */
export const BillDetail = Schema.Struct({
  billId: Schema.Union(Schema.String, NumberAsString),
  billInfo: Schema.optionalWith(
    Schema.transform(Schema.NullOr(Schema.Array(KeyValue)), Schema.typeSchema(Schema.Array(KeyValue)), {
      strict: true,
      decode: (lines) => lines ?? [],
      encode: (lines) => lines
    }),
    { default: () => [] }
  ),
  isMandatory: Schema.optional(Schema.Boolean),
  key: Schema.optionalWith(Schema.String, { default: () => "" }),
  value: BillValue
})

export type BillDetail = typeof BillDetail.Type

const detailsOnTheWire = {
  customerDetails: Schema.optional(Schema.NullOr(Schema.Array(KeyValue))),
  customerDetail: Schema.optional(Schema.NullOr(Schema.Array(KeyValue))),
  billDetails: Schema.optional(Schema.NullOr(Schema.Array(BillDetail))),
  productDetails: Schema.optional(Schema.NullOr(Schema.Array(KeyValue))),
  extraFields: Schema.optional(
    Schema.NullOr(
      Schema.Union(Schema.Array(KeyValue), Schema.Record({ key: Schema.String, value: Schema.Unknown }))
    )
  )
}

const detailsDecoded = {
  customerDetails: Schema.Array(KeyValue),
  billDetails: Schema.Array(BillDetail),
  productDetails: Schema.Array(KeyValue),
  extraFields: Schema.Array(KeyValue)
}

const extraFieldsToList = (
  extraFields: ReadonlyArray<KeyValue> | Readonly<Record<string, unknown>> | null | undefined
): ReadonlyArray<KeyValue> => {
  if (extraFields === null || extraFields === undefined) return []
  if (Array.isArray(extraFields)) return extraFields as ReadonlyArray<KeyValue>
  // v1 sent an object such as {"month":1}: keep each entry as a line.
  return Object.entries(extraFields).map(([key, value]) => ({
    key,
    value: typeof value === "string" || typeof value === "number" ? value : (JSON.stringify(value) ?? "")
  }))
}

// Normalises the four detail arrays of a data object: one spelling, never null.
const withDetails = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.transform(
    Schema.Struct({ ...fields, ...detailsOnTheWire }),
    Schema.typeSchema(Schema.Struct({ ...fields, ...detailsDecoded })),
    {
      strict: false,
      decode: (wire) => {
        const { customerDetails, customerDetail, billDetails, productDetails, extraFields, ...rest } =
          wire as Record<string, unknown> & {
            readonly customerDetails?: ReadonlyArray<KeyValue> | null
            readonly customerDetail?: ReadonlyArray<KeyValue> | null
            readonly billDetails?: ReadonlyArray<BillDetail> | null
            readonly productDetails?: ReadonlyArray<KeyValue> | null
            readonly extraFields?: ReadonlyArray<KeyValue> | Readonly<Record<string, unknown>> | null
          }
        return {
          ...rest,
          customerDetails: customerDetails ?? customerDetail ?? [],
          billDetails: billDetails ?? [],
          productDetails: productDetails ?? [],
          extraFields: extraFieldsToList(extraFields)
        }
      },
      encode: (decoded) => decoded
    }
  )

const text = Schema.optionalWith(Schema.String, { default: () => "" })
const fee = Schema.optionalWith(Money.Rupiah, { default: () => Money.rupiah(0) })
const IntOrDigits = Schema.Union(Schema.Int, Schema.compose(Schema.NumberFromString, Schema.Int))
const StringOrNumber = Schema.Union(Schema.String, NumberAsString)

/**
 * `data` of a successful inquiry (RC 300). `amount` is the total payable — bills, admin and
 * processing fee — and goes unchanged into the payment.
 */
export const Inquiry = withDetails({
  inquiryId: IntOrDigits,
  accountNumber: Schema.String,
  customerName: text,
  productName: text,
  productCode: Schema.String,
  category: text,
  amount: Money.Rupiah,
  totalAdmin: fee,
  processingFee: fee,
  denom: text,
  validity: text,
  requestId: Schema.optional(Schema.String),
  refNumber: Schema.optional(StringOrNumber)
})

export type Inquiry = typeof Inquiry.Type

/**
 * `data` of a payment, status or callback: the transaction. `token` is the PLN token, serial
 * number or biller reference, `""` or `"N/A"` while it is not known.
 */
export const Transaction = withDetails({
  refNumber: StringOrNumber,
  transactionId: Schema.optionalWith(IntOrDigits, { default: () => 0 }),
  accountNumber: text,
  amount: Money.Rupiah,
  totalAdmin: fee,
  processingFee: fee,
  denom: text,
  productCode: text,
  productName: text,
  category: text,
  token: text,
  customerName: Schema.optional(Schema.String),
  validity: Schema.optional(Schema.String)
})

export type Transaction = typeof Transaction.Type

/**
 * `data` of the partner balance: `{ "balance": 5523560, "currency": "IDR", "partnerId": "…" }`.
 */
export const Balance = Schema.Struct({
  balance: Money.Rupiah,
  currency: Schema.optionalWith(Schema.String, { default: () => "IDR" }),
  partnerId: Schema.optional(Schema.String)
})

export type Balance = typeof Balance.Type

/**
 * One entry of the product list. `amount` is 0 for open-denomination and postpaid products,
 * whose price comes from the inquiry.
 */
export const Product = Schema.Struct({
  code: Schema.String,
  name: text,
  description: text,
  logo: text,
  amount: fee,
  adminFee: fee,
  biller: text,
  category: text,
  type: text,
  active: Schema.optionalWith(Schema.Boolean, { default: () => true })
})

export type Product = typeof Product.Type

/**
 * The product list: an array (`data: [...]`), or an object holding one (`data: { products: [...] }`).
 */
export const Products = Schema.Union(
  Schema.Array(Product),
  Schema.transform(
    Schema.Struct({ products: Schema.Array(Product) }),
    Schema.typeSchema(Schema.Array(Product)),
    {
      strict: true,
      decode: (wrapped) => wrapped.products,
      encode: (products) => ({ products })
    }
  )
)

/**
 * Who bought, as some integrations pass it with the payment.
 */
export const BuyerDetails = Schema.Struct({
  buyerEmail: Schema.optional(Schema.String),
  publicBuyerId: Schema.optional(Schema.String)
})

export type BuyerDetails = typeof BuyerDetails.Type

/**
 * The parameters of an inquiry, validated before anything is sent. `amount` is required for
 * open-denomination products, `zoneId` for games vouchers, `month` (number of months) for BPJS.
 */
export const InquiryRequest = Schema.Struct({
  accountNumber: Schema.String.pipe(
    Schema.pattern(/^\S{1,64}$/, { message: () => "accountNumber must be 1 to 64 characters without spaces" })
  ),
  productCode: Schema.String.pipe(
    Schema.pattern(/^[A-Za-z0-9_.-]{1,40}$/, {
      message: () => "productCode must be 1 to 40 letters, digits, '_', '.' or '-'"
    })
  ),
  amount: Schema.optional(Money.Rupiah),
  zoneId: Schema.optional(
    Schema.String.pipe(Schema.pattern(/^\S{1,32}$/, { message: () => "zoneId must be 1 to 32 characters" }))
  ),
  month: Schema.optional(
    Schema.Int.pipe(
      Schema.between(1, 24, { message: () => "month must be a whole number of months, 1 to 24" })
    )
  )
})

export type InquiryRequest = typeof InquiryRequest.Type

/**
 * A caller's payment reference: the idempotency key of the payment and the key of its status.
 * Limited to a conservative charset (letters, digits, `-`, `_`, `.`) because the upstream
 * documents none.
 */
export const RefNumber = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: () => "refNumber must be 1 to 64 letters, digits, '-', '_' or '.'"
  })
)

const CallbackUrl = Schema.String.pipe(
  Schema.filter((url) => {
    try {
      const parsed = new URL(url)
      return parsed.protocol === "https:" || parsed.protocol === "http:"
        ? true
        : "callback URLs must be http(s)"
    } catch {
      return `not a URL: ${JSON.stringify(url.slice(0, 80))}`
    }
  })
)

/**
 * The parameters of a payment, validated before anything is sent. `inquiryId` and `amount` come
 * from the inquiry, unchanged.
 */
export const PaymentRequest = Schema.Struct({
  inquiryId: Schema.Int.pipe(Schema.positive({ message: () => "inquiryId must be a positive integer" })),
  accountNumber: InquiryRequest.fields.accountNumber,
  productCode: InquiryRequest.fields.productCode,
  amount: Money.Rupiah,
  refNumber: RefNumber,
  /**
   * Where Ayoconnect POSTs the settlement, with the partner's callback credentials: https URLs to
   * public hosts only, unless `allowPrivateCallbackUrls` is set.
   */
  callbackUrls: Schema.optional(Schema.Array(CallbackUrl)),
  /**
   * Explicit opt-in for `callbackUrls` that are plain http or point at loopback, private,
   * link-local or metadata addresses (a local development receiver). Never set it for URLs a
   * third party chose.
   */
  allowPrivateCallbackUrls: Schema.optional(Schema.Boolean),
  buyerDetails: Schema.optional(BuyerDetails),
  month: InquiryRequest.fields.month
})

export type PaymentRequest = typeof PaymentRequest.Type
