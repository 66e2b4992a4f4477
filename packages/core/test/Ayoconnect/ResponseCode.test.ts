// The response-code table: one class per meaning, the exact code, both messages, the data.
import { Ayoconnect } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"

const { ResponseCode } = Ayoconnect

const envelope = (responseCode: number, data: unknown = {}) => ({
  responseCode,
  message: { ID: `id ${responseCode}`, EN: `en ${responseCode}` },
  data
})

// The table as the README documents it: code → [class, kind].
const expected: ReadonlyArray<readonly [string, string, ReadonlyArray<number>]> = [
  ["OperatorError", "Declined", [100, 364]],
  ["ConnectivityIssue", "Declined", [101]],
  ["DuplicateTransaction", "Declined", [102, 108]],
  ["WrongAccountNumber", "Declined", [103, 304, 306, 307, 308]],
  ["InvalidAmount", "Declined", [104]],
  ["AccountBlocked", "Declined", [105, 107, 112]],
  ["LimitExceeded", "Declined", [106, 111, 315]],
  ["CutOff", "Declined", [109, 310]],
  ["ProductUnavailable", "Declined", [110, 184, 311]],
  ["AmountMismatch", "Declined", [114, 403]],
  ["SystemError", "Declined", [180]],
  ["ProviderUnavailable", "Unavailable", [181, 305, 316, 317, 319, 323]],
  ["RefNumberUnavailable", "Declined", [183]],
  ["InquiryNotFound", "Declined", [185]],
  ["ProductNotFound", "InvalidRequest", [186, 341]],
  ["TransactionNotFound", "Declined", [188]],
  ["ManuallyFailed", "Declined", [198]],
  ["GeneralFailure", "Declined", [199, 399]],
  ["TooManyOutstandingBills", "Declined", [301]],
  ["BillAlreadyPaid", "Declined", [302, 309]],
  ["BillNotAvailable", "Declined", [303]],
  ["InquiryExpired", "Declined", [312, 409]],
  ["InquiryMismatch", "Declined", [313]],
  ["MandatoryBillFirst", "Declined", [314]],
  ["PayAtProvider", "Declined", [320, 324]],
  ["InvalidProductType", "InvalidRequest", [318, 322]],
  ["BadRequest", "InvalidRequest", [321]],
  ["RepeatedTransaction", "Declined", [330]],
  ["UnauthorisedAccess", "Unauthorized", [401]],
  ["PaymentCancelled", "Declined", [402, 490]],
  ["PaymentExpired", "Declined", [495]]
]

describe("Ayoconnect.ResponseCode", () => {
  it("maps every documented failure code to its class and kind", () => {
    const covered = expected.flatMap(([, , codes]) => codes).sort((a, b) => a - b)
    expect([...ResponseCode.documented.keys()].sort((a, b) => a - b)).toStrictEqual(covered)
    for (const [tag, kind, codes] of expected) {
      for (const code of codes) {
        const error = ResponseCode.toError(envelope(code, { refNumber: "r1" }), {})
        expect([error._tag, error.kind, error.responseCode]).toStrictEqual([tag, kind, code])
        expect(error.upstreamMessage).toStrictEqual({ ID: `id ${code}`, EN: `en ${code}` })
        expect(error.data).toStrictEqual({ refNumber: "r1" })
      }
    }
  })

  it("says what happened in the message, with the upstream's English text", () => {
    const error = ResponseCode.toError(
      {
        responseCode: 103,
        message: { ID: "Nomor Salah", EN: "Your transaction failed, wrong number" },
        data: {}
      },
      {}
    )
    expect(error.message).toBe(
      "Ayoconnect answered 103 (wrong account number): Your transaction failed, wrong number"
    )
  })

  it("keeps undocumented codes with the raw envelope, kind by range", () => {
    const raw = { responseCode: 150, success: false, extra: "kept" }
    const declined = ResponseCode.toError(envelope(150), raw)
    expect(declined._tag).toBe("UnknownResponseCode")
    expect(declined._tag === "UnknownResponseCode" && declined.envelope).toStrictEqual(raw)
    expect(declined.kind).toBe("Declined")
    expect(ResponseCode.toError(envelope(377), {}).kind).toBe("Declined")
    expect(ResponseCode.toError(envelope(555), {}).kind).toBe("Unavailable")
    expect(ResponseCode.toError(envelope(300), {}).kind).toBe("Unavailable")
  })

  it("on a payment only 100–199 (not 102/108), 301–399 and 401 are final", () => {
    const codes = [99, 100, 102, 108, 199, 200, 300, 301, 399, 400, 401, 402, 403, 409, 490, 495, 500]
    expect(codes.filter(ResponseCode.isFinalForPayment)).toStrictEqual([100, 199, 301, 399, 401])
  })

  it("classifies ranges: 0–99 success, 200–299 pending, 102/108 duplicate", () => {
    expect([0, 4, 99, 100].map(ResponseCode.isSuccess)).toStrictEqual([true, true, true, false])
    expect([199, 200, 299, 300].map(ResponseCode.isPending)).toStrictEqual([false, true, true, false])
    expect([101, 102, 108, 188].map(ResponseCode.isDuplicate)).toStrictEqual([false, true, true, false])
  })
})
