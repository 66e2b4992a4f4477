// Decoding what the upstream really sends (the reference's samples), and never throwing.
import { Ayoconnect } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Option, Schema } from "effect"
import * as fc from "fast-check"

const { Schemas, Status, Callback } = Ayoconnect
const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownEither(schema, Schemas.parseOptions)

const plnPostpaidInquiry = {
  inquiryId: 2692552,
  accountNumber: "516070377775",
  customerName: "INDAH PUTRI",
  productName: "PLN Postpaid",
  productCode: "TLSTPOS",
  category: "Listrik",
  amount: 25220,
  totalAdmin: 3000,
  processingFee: 0,
  denom: "",
  validity: "",
  customerDetails: [
    { key: "Nama Pelanggan", value: "INDAH PUTRI" },
    { key: "Nomor Pelanggan", value: "516070377775" }
  ],
  billDetails: [
    {
      billId: "1",
      billInfo: [
        { key: "Rp Tag PLN", value: "19220" },
        { key: "Bulan", value: "Feb16" }
      ],
      isMandatory: true,
      key: "Jumlah Tagihan",
      value: 22220
    },
    { billId: "0", billInfo: [], isMandatory: true, key: "Biaya Administrasi", value: 3000 }
  ],
  productDetails: [{ key: "Total LBR Tagihan", value: "1 Bulan" }],
  extraFields: []
}

describe("Ayoconnect.Schemas", () => {
  it("decodes the PLN postpaid inquiry sample with amounts as Rupiah", () => {
    const inquiry = Either.getOrThrow(decode(Schemas.Inquiry)(plnPostpaidInquiry))
    expect(inquiry.amount).toBe(25220)
    expect(inquiry.billDetails.map((bill) => bill.value)).toStrictEqual([22220, 3000])
    expect(inquiry.customerDetails[0]).toStrictEqual({ key: "Nama Pelanggan", value: "INDAH PUTRI" })
  })

  it("accepts customerDetail (v1 and prepaid samples) as customerDetails", () => {
    const { customerDetails, ...rest } = plnPostpaidInquiry
    const inquiry = Either.getOrThrow(decode(Schemas.Inquiry)({ ...rest, customerDetail: customerDetails }))
    expect(inquiry.customerDetails).toStrictEqual(customerDetails)
    expect("customerDetail" in inquiry).toBe(false)
  })

  it("keeps unknown extra fields", () => {
    const inquiry = Either.getOrThrow(
      decode(Schemas.Inquiry)({
        ...plnPostpaidInquiry,
        brandNewField: { a: 1 },
        requestId: "REQ1",
        refNumber: 17
      })
    )
    expect((inquiry as unknown as { brandNewField: unknown }).brandNewField).toStrictEqual({ a: 1 })
    expect([inquiry.requestId, inquiry.refNumber]).toStrictEqual(["REQ1", "17"])
  })

  it("decodes status bodies: string bill values, no isMandatory, v1 extraFields object", () => {
    const transaction = Either.getOrThrow(
      decode(Schemas.Transaction)({
        refNumber: "prdtesttd11345",
        transactionId: 112247,
        accountNumber: "0814111111200",
        amount: 108990,
        totalAdmin: 0,
        productCode: "TBPJPKBU",
        token: "JHT1#JKK2#JKM3",
        billDetails: [{ billId: "1", billInfo: null, key: "Total Iuran", value: "108990" }],
        customerDetails: [],
        productDetails: [{ key: "Periode", value: "01-01-2024 " }],
        extraFields: { month: 1, note: { nested: true } }
      })
    )
    expect(transaction.billDetails).toStrictEqual([
      { billId: "1", billInfo: [], key: "Total Iuran", value: 108990 }
    ])
    expect(transaction.extraFields).toStrictEqual([
      { key: "month", value: 1 },
      { key: "note", value: '{"nested":true}' }
    ])
    expect([transaction.processingFee, transaction.denom, transaction.productName]).toStrictEqual([0, "", ""])
  })

  it("decodes the 188 zero-object with null lists", () => {
    const transaction = Either.getOrThrow(
      decode(Schemas.Transaction)({
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
        customerDetails: null,
        billDetails: null,
        productDetails: null,
        extraFields: null
      })
    )
    expect([transaction.customerDetails, transaction.billDetails, transaction.extraFields]).toStrictEqual([
      [],
      [],
      []
    ])
  })

  it("decodes the balance seed sample and both product-list shapes", () => {
    expect(
      Either.getOrThrow(
        decode(Schemas.Balance)({ balance: 5523560, currency: "IDR", partnerId: "partner_api_key" })
      )
    ).toStrictEqual({ balance: 5523560, currency: "IDR", partnerId: "partner_api_key" })
    const product = { code: "PLSTSEL10", name: "Telkomsel 10k", amount: 10550, active: false }
    const expected = [
      {
        code: "PLSTSEL10",
        name: "Telkomsel 10k",
        description: "",
        logo: "",
        amount: 10550,
        adminFee: 0,
        biller: "",
        category: "",
        type: "",
        active: false
      }
    ]
    expect(Either.getOrThrow(decode(Schemas.Products)([product]))).toStrictEqual(expected)
    expect(Either.getOrThrow(decode(Schemas.Products)({ products: [product] }))).toStrictEqual(expected)
  })

  it("rejects fractional and negative amounts", () => {
    expect(Either.isLeft(decode(Schemas.Balance)({ balance: 10.5 }))).toBe(true)
    expect(Either.isLeft(decode(Schemas.Inquiry)({ ...plnPostpaidInquiry, amount: -1 }))).toBe(true)
  })

  it("classifies the callback sample, and a 299 with success:false as pending", () => {
    const callback = {
      responseCode: 0,
      success: true,
      message: { ID: "Transaksi Anda Telah Berhasil", EN: "Your transaction was successful" },
      data: {
        refNumber: "cropdrdevtest1",
        transactionId: 112247,
        accountNumber: "0814111111200",
        amount: 1000,
        totalAdmin: 0,
        processingFee: 0,
        denom: "",
        productCode: "product-code",
        productName: "product-name",
        category: "Pulsa",
        token: "1908202085666581",
        customerDetails: [{ key: "Nomor HP", value: "0814111111200" }],
        billDetails: [],
        productDetails: [{ key: "Serial Nomor", value: "1908202085666581" }],
        extraFields: []
      }
    }
    const status = Either.getOrThrow(Callback.decode(JSON.stringify(callback)))
    expect(status._tag).toBe("Succeeded")
    expect(status.refNumber).toBe("cropdrdevtest1")
    expect(status._tag === "Succeeded" && status.transaction.token).toBe("1908202085666581")
    const pending = Either.getOrThrow(
      Callback.decode(JSON.stringify({ ...callback, responseCode: 299, success: false }))
    )
    expect(pending._tag).toBe("Pending")
  })
})

describe("Ayoconnect decoding inside the client", () => {
  const transaction = {
    refNumber: "prdtesttd11345",
    transactionId: 112247,
    accountNumber: "0814111111200",
    amount: 108990,
    productCode: "TBPJPKBU",
    token: "JHT1#JKK2#JKM3",
    customerDetail: [{ key: "Nama", value: "A" }],
    billDetails: [{ billId: 1, billInfo: null, key: "Total Iuran", value: "108990" }],
    extraFields: { month: 1 }
  }
  // Field names the upstream does not send today; the known ones are left to the schema.
  const unknownName = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter(
      (name) => !(name in transaction) && !(name in Schemas.Transaction.from.fields) && name !== "__proto__"
    )

  it.prop(
    "keeps unknown top-level fields exactly as decoding with Schemas.parseOptions does",
    [fc.dictionary(unknownName, fc.jsonValue(), { maxKeys: 4 })],
    ([extra]) => {
      const data = { ...extra, ...transaction }
      const reference = Either.getOrThrow(decode(Schemas.Transaction)(data))
      expect(Status.transactionOf(data)).toStrictEqual(Option.some(reference))
      for (const name of Object.keys(extra))
        expect((reference as Record<string, unknown>)[name]).toStrictEqual(extra[name])
    }
  )

  it("keeps a field named like a prototype member as an own field, the prototype untouched", () => {
    const data = JSON.parse(`{"__proto__":{"amount":1},"toString":"x","refNumber":"r1"}`) as object
    const decoded = Option.getOrThrow(Status.transactionOf({ ...transaction, ...data }))
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value).toStrictEqual({ amount: 1 })
    expect(Object.getOwnPropertyDescriptor(decoded, "toString")?.value).toBe("x")
    expect(decoded.amount).toBe(108990)
    expect(decoded.refNumber).toBe("r1")
  })

  it("fails where decoding with Schemas.parseOptions fails", () => {
    expect(Either.isLeft(decode(Schemas.Transaction)({ ...transaction, amount: "12x" }))).toBe(true)
    expect(Status.transactionOf({ ...transaction, amount: "12x", brandNew: 1 })).toStrictEqual(Option.none())
  })
})

describe("Ayoconnect decoding never throws", () => {
  it.prop("any JSON value into any schema: an Either, never an exception", [fc.jsonValue()], ([value]) => {
    for (const schema of [
      Schemas.Envelope,
      Schemas.Inquiry,
      Schemas.Transaction,
      Schemas.Balance,
      Schemas.Products
    ]) {
      const result = decode(schema as Schema.Schema<unknown, unknown>)(value)
      expect(Either.isEither(result)).toBe(true)
    }
    const callback = Callback.decode(JSON.stringify(value) ?? "")
    expect(Either.isEither(callback)).toBe(true)
    return true
  })

  it.prop(
    "envelope-shaped JSON with arbitrary data classifies without defects",
    [fc.integer({ min: -10, max: 1000 }), fc.jsonValue(), fc.option(fc.boolean(), { nil: undefined })],
    ([responseCode, data, success]) => {
      const body = JSON.stringify({ responseCode, success, message: { ID: "x", EN: "y" }, data })
      const exit = Effect.runSyncExit(Effect.either(Effect.suspend(() => Callback.decode(body))))
      expect(Exit.isSuccess(exit)).toBe(true)
      const envelope = Either.getOrThrow(decode(Schemas.Envelope)(JSON.parse(body)))
      const classified = Status.classify(envelope, JSON.parse(body), "ref")
      expect(Either.isEither(classified)).toBe(true)
      return true
    }
  )

  it.prop(
    "arbitrary bytes as a callback body: InvalidCallback or a status, never a throw",
    [fc.uint8Array()],
    ([bytes]) => {
      const result = Callback.decode(bytes)
      expect(Either.isEither(result)).toBe(true)
      if (Either.isLeft(result)) expect(result.left._tag).toBe("InvalidCallback")
      return true
    }
  )
})
