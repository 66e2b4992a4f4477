import { describe, expect, it } from "@effect/vitest"
import { Fingerprint } from "../src/index.js"

describe("Fingerprint", () => {
  it("is the same for the same fields in any order, and bigints hash as their decimal text", () => {
    const a = Fingerprint.make({ productCode: "PLNPRE20", accountNumber: "081234567890", amount: 20_000n })
    const b = Fingerprint.make({ amount: "20000", accountNumber: "081234567890", productCode: "PLNPRE20" })
    expect(a).toEqual(b)
    expect(Object.keys(a.fields)).toEqual(["accountNumber", "amount", "productCode"])
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(Fingerprint.differingFields(a, b)).toEqual([])
  })

  it("names every differing field, including one present on one side only, sorted", () => {
    const a = Fingerprint.make({
      beneficiaryAccountNo: "5345000060",
      beneficiaryBankCode: "BMRI",
      amount: 1n
    })
    const b = Fingerprint.make({ beneficiaryAccountNo: "5345000061", amount: 1n, note: "x" })
    expect(Fingerprint.differingFields(a, b)).toEqual(["beneficiaryAccountNo", "beneficiaryBankCode", "note"])
  })

  it("does not confuse values that would concatenate alike", () => {
    const a = Fingerprint.make({ a: "1", b: "23" })
    const b = Fingerprint.make({ a: "12", b: "3" })
    expect(a.hash).not.toBe(b.hash)
    expect(Fingerprint.differingFields(a, b)).toEqual(["a", "b"])
  })
})
