import { Money, Nicepay } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"

const { Schemas } = Nicepay

const payout: Nicepay.Schemas.PayoutRequest = {
  partnerReferenceNo: "order1676975014155",
  beneficiaryAccountNo: "903327200",
  beneficiaryName: "IONPAY NETWORKS",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryPostalCode: "123456",
  beneficiaryBankCode: Schemas.BankCodes.Permata,
  payoutMethod: "overbooking",
  amount: Money.rupiah(10_000),
  reservedDt: "20231109",
  reservedTm: "235959",
  description: "This is test Request",
  deliveryName: "Test"
}

describe("Nicepay.Schemas", () => {
  it("the registration body: NICEPAY's field names, digits for enumerations, merchantId second", () => {
    expect(JSON.stringify(Schemas.registrationBody("IONPAYTEST", payout))).toBe(
      '{"partnerReferenceNo":"order1676975014155","merchantId":"IONPAYTEST","beneficiaryAccountNo":"903327200",' +
        '"beneficiaryName":"IONPAY NETWORKS","beneficiaryPhone":"081211111111","beneficiaryCustomerResidence":"1",' +
        '"beneficiaryCustomerType":"1","beneficiaryPostalCode":"123456","beneficiaryBankCode":"BBBA","payoutMethod":"0",' +
        '"amount":{"value":"10000.00","currency":"IDR"},"reservedDt":"20231109","reservedTm":"235959",' +
        '"description":"This is test Request","deliveryName":"Test"}'
    )
  })

  it.effect("validate names the offending field", () =>
    Effect.gen(function* () {
      const fieldOf = (input: unknown, strict = true) =>
        Effect.map(Effect.flip(Schemas.validate(Schemas.PayoutRequest, "register", input, strict)), (e) => [
          e.field,
          e.reason
        ])
      expect(yield* fieldOf({ ...payout, beneficiaryPhone: "12" })).toStrictEqual([
        "beneficiaryPhone",
        "must be 6 to 19 digits, optionally after '+'"
      ])
      expect(yield* fieldOf({ ...payout, payoutMethod: "0" })).toStrictEqual([
        "payoutMethod",
        'must be "overbooking", "online", "skn", "rtgs" or "cashout"'
      ])
      expect(yield* fieldOf({ ...payout, amount: 10.5 })).toStrictEqual([
        "amount",
        "an amount must be whole rupiah, got 10.5"
      ])
      expect((yield* fieldOf({ ...payout, reservedTm: "246000" }))[0]).toBe("reservedTm")
      expect((yield* fieldOf({ ...payout, beneficiaryNmae: "x" }))[0]).toBe("beneficiaryNmae")
      const { beneficiaryName: _, ...missing } = payout
      expect((yield* fieldOf(missing))[0]).toBe("beneficiaryName")
      const error = yield* Effect.flip(Schemas.validate(Schemas.PayoutRequest, "register", missing, true))
      expect(error.message).toBe("nicepay.register: invalid beneficiaryName: is missing")
      expect(error.kind).toBe("InvalidRequest")
    })
  )

  it("balance: both documented shapes decode to the same rupiah amount", () => {
    const decode = (json: unknown) =>
      Either.flatMap(
        Either.mapLeft(Schema.decodeUnknownEither(Schemas.BalanceResponse)(json), String),
        (response) => Schemas.toBalance("IONPAYTEST", response)
      )
    expect(
      decode({
        responseCode: "2001100",
        accountNo: "IONPAYTEST",
        accountInfos: [{ availableBalance: { value: "10000.00", currency: "IDR" } }]
      })
    ).toStrictEqual(Either.right({ accountNo: "IONPAYTEST", availableBalance: 10_000 }))
    expect(
      decode({ responseCode: "2001100", availableBalance: { value: "5523560.00", currency: "IDR" } })
    ).toStrictEqual(Either.right({ accountNo: "IONPAYTEST", availableBalance: 5_523_560 }))
    expect(decode({ responseCode: "2001100", accountInfos: [] })).toStrictEqual(
      Either.left("neither accountInfos[].availableBalance nor availableBalance is present")
    )
    expect(Either.isLeft(decode({ availableBalance: { value: "10.50", currency: "IDR" } }))).toBe(true)
  })

  it("registration response tolerates beneficiaryaccountNo; statuses decode to names", () => {
    const registration = Schema.decodeUnknownSync(Schemas.RegistrationResponse)({
      responseCode: "2000000",
      partnerReferenceNo: "order1676975014155",
      originalReferenceNo: "IONPAYTEST07202311091639326907",
      beneficiaryaccountNo: "903327200",
      payoutMethod: "0",
      amount: { value: "10000.00", currency: "IDR" }
    })
    expect([registration.beneficiaryaccountNo, registration.payoutMethod, registration.amount]).toStrictEqual(
      ["903327200", "overbooking", 10_000]
    )
    const decodeStatus = Schema.decodeUnknownSync(Schemas.TransactionStatus)
    expect(["00", "03", "04", "05", "08", "09"].map((s) => decodeStatus(s))).toStrictEqual([
      "Success",
      "Pending",
      "Canceled",
      "Rejected",
      "Suspect",
      "Failed"
    ])
    expect(Either.isLeft(Schema.decodeUnknownEither(Schemas.TransactionStatus)("07"))).toBe(true)
  })
})
