// Reused idempotency keys: which request fields differ from the payment an upstream already holds.
import { Ayoconnect, Idempotency, Money, Nicepay } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"

const transaction = (fields: Record<string, unknown>) =>
  Schema.decodeUnknownSync(Ayoconnect.Schemas.Transaction)({ refNumber: "ref-1", amount: 12_300, ...fields })

const succeeded = (fields: Record<string, unknown>) =>
  Ayoconnect.Status.TransactionStatus.Succeeded({
    refNumber: "ref-1",
    responseCode: 0,
    message: { ID: "Berhasil", EN: "Successful" },
    transaction: transaction(fields)
  })

describe("Ayoconnect.Status.differingFields", () => {
  const request = { accountNumber: "0812345000", productCode: "PPLSIND12", amount: 12_300 }

  it("the same payment differs in nothing; product codes compare without case", () => {
    expect(
      Ayoconnect.Status.differingFields(
        request,
        succeeded({ accountNumber: "0812345000", productCode: "pplsind12" })
      )
    ).toEqual([])
  })

  it("names each differing field", () => {
    expect(
      Ayoconnect.Status.differingFields(
        request,
        succeeded({ accountNumber: "0812399000", productCode: "PLSTSEL10", amount: 10_550 })
      )
    ).toEqual(["accountNumber", "productCode", "amount"])
  })

  it("the amount matches with or without the record's admin and processing fees", () => {
    const withFees = { ...request, amount: 25_220 }
    const record = succeeded({ accountNumber: "0812345000", amount: 22_220, totalAdmin: 3_000 })
    expect(Ayoconnect.Status.differingFields(withFees, record)).toEqual([])
    expect(Ayoconnect.Status.differingFields({ ...request, amount: 22_220 }, record)).toEqual([])
    expect(Ayoconnect.Status.differingFields({ ...request, amount: 22_221 }, record)).toEqual(["amount"])
  })

  it("what the record does not carry is no evidence either way", () => {
    expect(
      Ayoconnect.Status.differingFields(request, succeeded({ accountNumber: "", productCode: "", amount: 0 }))
    ).toEqual([])
    const failedWithoutData = Ayoconnect.Status.TransactionStatus.Failed({
      refNumber: "ref-1",
      responseCode: 103,
      message: { ID: "Gagal", EN: "Failed" },
      transaction: undefined,
      error: Ayoconnect.ResponseCode.toError(
        { responseCode: 103, success: false, message: { ID: "Gagal", EN: "Failed" }, data: {} },
        {}
      )
    })
    expect(Ayoconnect.Status.differingFields(request, failedWithoutData)).toEqual([])
  })
})

describe("Nicepay.Schemas.differingFields", () => {
  const request = {
    amount: Money.rupiah(150_000),
    beneficiaryAccountNo: "5345000060",
    beneficiaryBankCode: "BMRI"
  }

  it("the same payout differs in nothing; bank codes compare without case", () => {
    expect(
      Nicepay.Schemas.differingFields(request, {
        partnerReferenceNo: "dup-1",
        originalReferenceNo: "IONPAYTEST07202401010000001234",
        amount: Money.rupiah(150_000),
        beneficiaryAccountNo: "5345000060",
        beneficiaryBankCode: "bmri"
      })
    ).toEqual([])
  })

  it("names each differing field, and skips what NICEPAY left out or sent empty", () => {
    const existing = {
      partnerReferenceNo: "dup-1",
      originalReferenceNo: "IONPAYTEST07202401010000001234",
      amount: Money.rupiah(9_999_999),
      beneficiaryAccountNo: "5345000077",
      beneficiaryBankCode: "CENA"
    }
    expect(Nicepay.Schemas.differingFields(request, existing)).toEqual([
      "amount",
      "beneficiaryAccountNo",
      "beneficiaryBankCode"
    ])
    expect(
      Nicepay.Schemas.differingFields(request, {
        partnerReferenceNo: "dup-1",
        originalReferenceNo: existing.originalReferenceNo,
        beneficiaryAccountNo: "",
        beneficiaryBankCode: ""
      })
    ).toEqual([])
  })
})

describe("Idempotency.ReferenceReused", () => {
  it("is an InvalidRequest naming the reference and the fields, never values", () => {
    const error = new Idempotency.ReferenceReused({
      upstream: "nicepay",
      operation: "transfer/registration",
      referenceField: "partnerReferenceNo",
      reference: "dup-1",
      fields: ["amount"]
    })
    expect(error.kind).toBe("InvalidRequest")
    expect(error.message).toBe(
      "nicepay.transfer/registration: partnerReferenceNo dup-1 already belongs to a different payment (amount differs); use a new partnerReferenceNo for a new payment"
    )
  })
})
