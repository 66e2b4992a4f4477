import { Headers } from "@effect/platform"
import { Snap } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"

const { ResponseCode, Response } = Snap

// The ASPI general table (reference §7.3): http + case → class tag and kind.
const aspi: ReadonlyArray<readonly [string, string, string]> = [
  ["40000", "BadRequest", "InvalidRequest"],
  ["40001", "InvalidFieldFormat", "InvalidRequest"],
  ["40002", "InvalidMandatoryField", "InvalidRequest"],
  ["40100", "Unauthorized", "Unauthorized"],
  ["40101", "InvalidToken", "Unauthorized"],
  ["40102", "InvalidCustomerToken", "Unauthorized"],
  ["40103", "TokenNotFound", "Unauthorized"],
  ["40104", "CustomerTokenNotFound", "Unauthorized"],
  ["40300", "TransactionExpired", "Declined"],
  ["40301", "FeatureNotAllowed", "Declined"],
  ["40302", "ExceedsTransactionAmountLimit", "Declined"],
  ["40303", "SuspectedFraud", "Declined"],
  ["40304", "ActivityCountLimitExceeded", "Declined"],
  ["40305", "DoNotHonor", "Declined"],
  ["40306", "FeatureNotAllowedAtThisTime", "Declined"],
  ["40307", "CardBlocked", "Declined"],
  ["40308", "CardExpired", "Declined"],
  ["40309", "DormantAccount", "Declined"],
  ["40310", "NeedToSetTokenLimit", "Declined"],
  ["40311", "OtpBlocked", "Declined"],
  ["40312", "OtpLifetimeExpired", "Declined"],
  ["40313", "OtpSentToCardholder", "Declined"],
  ["40314", "InsufficientFunds", "Declined"],
  ["40315", "TransactionNotPermitted", "Declined"],
  ["40316", "SuspendTransaction", "Declined"],
  ["40317", "TokenLimitExceeded", "Declined"],
  ["40318", "InactiveAccount", "Declined"],
  ["40319", "MerchantBlacklisted", "Declined"],
  ["40320", "MerchantLimitExceeded", "Declined"],
  ["40321", "SetLimitNotAllowed", "Declined"],
  ["40322", "TokenLimitInvalid", "Declined"],
  ["40323", "AccountLimitExceeded", "Declined"],
  ["40400", "InvalidTransactionStatus", "Declined"],
  ["40401", "TransactionNotFound", "Declined"],
  ["40402", "InvalidRouting", "Declined"],
  ["40403", "BankNotSupported", "Declined"],
  ["40404", "TransactionCancelled", "Declined"],
  ["40405", "MerchantNotRegistered", "Declined"],
  ["40406", "NeedToRequestOtp", "Declined"],
  ["40407", "JourneyNotFound", "Declined"],
  ["40408", "InvalidMerchant", "Declined"],
  ["40409", "NoIssuer", "Declined"],
  ["40410", "InvalidApiTransition", "Declined"],
  ["40411", "InvalidAccount", "Declined"],
  ["40412", "InvalidBill", "Declined"],
  ["40413", "InvalidAmount", "Declined"],
  ["40414", "PaidBill", "Declined"],
  ["40415", "InvalidOtp", "Declined"],
  ["40416", "PartnerNotFound", "Declined"],
  ["40417", "InvalidTerminal", "Declined"],
  ["40418", "InconsistentRequest", "Declined"],
  ["40419", "ExpiredBill", "Declined"],
  ["40500", "FunctionNotSupported", "Declined"],
  ["40501", "OperationNotAllowed", "Declined"],
  ["40900", "ExternalIdConflict", "InvalidRequest"],
  ["40901", "DuplicatePartnerReference", "Declined"],
  ["42900", "TooManyRequests", "Unavailable"],
  ["50000", "GeneralError", "Unavailable"],
  ["50001", "InternalServerError", "Unavailable"],
  ["50002", "ExternalServerError", "Unavailable"],
  ["50400", "RequestTimeout", "Timeout"]
]

describe("Snap.ResponseCode", () => {
  it("parses the seven digits into http status, service code and case code", () => {
    expect(ResponseCode.parse("4030014")).toStrictEqual(
      Either.right({ code: "4030014", httpStatus: 403, serviceCode: "00", caseCode: "14" })
    )
    expect(ResponseCode.parse("2001100")).toStrictEqual(
      Either.right({ code: "2001100", httpStatus: 200, serviceCode: "11", caseCode: "00" })
    )
    for (const bad of ["", "200000", "20000000", "2000O00", "6000000", " 2000000"]) {
      expect(Either.isLeft(ResponseCode.parse(bad))).toBe(true)
    }
  })

  it("every ASPI case code has its own class carrying code, service code, message and body", () => {
    expect(ResponseCode.table.size).toBe(aspi.length)
    for (const [key, tag, kind] of aspi) {
      const code = Either.getOrThrow(ResponseCode.parse(`${key.slice(0, 3)}47${key.slice(3)}`))
      const error = ResponseCode.toError(code, "message from upstream", '{"responseCode":"x"}')
      expect(error._tag).toBe(tag)
      expect(error.kind).toBe(kind)
      expect(error.responseCode).toBe(code.code)
      expect(error.serviceCode).toBe("47")
      expect(error.responseMessage).toBe("message from upstream")
      expect(error.body).toBe('{"responseCode":"x"}')
      expect(error.message).toBe(`SNAP ${code.code}: message from upstream`)
      expect(error.transient).toBe(key.startsWith("5") || key === "42900")
      expect(error).toBeInstanceOf(Error)
    }
  })

  it("classes are schemas: Schema.is and encode round trip", () => {
    const error = new ResponseCode.InsufficientFunds({
      responseCode: "4030014",
      serviceCode: "00",
      responseMessage: "Insufficient Funds",
      body: "{}"
    })
    expect(Schema.is(ResponseCode.InsufficientFunds)(error)).toBe(true)
    expect(Schema.is(ResponseCode.InvalidAccount)(error)).toBe(false)
    expect(Schema.encodeSync(ResponseCode.InsufficientFunds)(error)).toStrictEqual({
      _tag: "InsufficientFunds",
      responseCode: "4030014",
      serviceCode: "00",
      responseMessage: "Insufficient Funds",
      body: "{}"
    })
  })

  it("unknown codes become UnknownSnapResponse with a kind from the HTTP class", () => {
    const of = (code: string) => ResponseCode.toError(Either.getOrThrow(ResponseCode.parse(code)), "m", "")
    expect([of("4030099")._tag, of("4030099").kind]).toStrictEqual(["UnknownSnapResponse", "Declined"])
    expect([of("4010099").kind, of("5030000").kind, of("5040001").kind, of("2000001").kind]).toStrictEqual([
      "Unauthorized",
      "Unavailable",
      "Timeout",
      "Unavailable"
    ])
  })

  it("the HTTP status must agree with the code (provider quirks are a dialect's, not ASPI's)", () => {
    const code = (c: string) => Either.getOrThrow(ResponseCode.parse(c))
    expect(ResponseCode.statusAgrees(403, code("4030014"))).toBe(true)
    expect(ResponseCode.statusAgrees(200, code("4030014"))).toBe(false)
    expect(ResponseCode.statusAgrees(403, code("4040018"))).toBe(false)
    expect(ResponseCode.statusAgrees(403, code("4040011"))).toBe(false)
  })
})

describe("Snap.Response.interpret", () => {
  const labels = { upstream: "nicepay", operation: "op" }
  const raw = (status: number, body: string) => ({ status, headers: Headers.empty, body })

  it("accepts 200xx00 and 202xx00", () => {
    const ok = Response.interpret(
      raw(200, '{"responseCode":"2000000","responseMessage":"Successful","a":1}'),
      labels
    )
    expect(
      Either.isRight(ok) && [ok.right.code.code, ok.right.responseMessage, ok.right.json.a]
    ).toStrictEqual(["2000000", "Successful", 1])
    const inProgress = Response.interpret(
      raw(202, '{"responseCode":"2020000","responseMessage":"Request In Progress"}'),
      labels
    )
    expect(Either.isRight(inProgress)).toBe(true)
  })

  it("turns every other answer into a typed error", () => {
    const left = (status: number, body: string) => {
      const result = Response.interpret(raw(status, body), labels)
      if (Either.isRight(result)) throw new Error("expected an error")
      return result.left
    }
    const html = left(502, "<html><head><title>502 Bad Gateway</title></head></html>")
    expect(html._tag === "MalformedResponse" && [html.reason, html.transient]).toStrictEqual([
      "an HTML page instead of JSON",
      true
    ])
    expect(left(200, "").message).toBe("nicepay op: malformed response (HTTP 200): empty body")
    expect(left(200, '{"responseCode":').message).toContain("not valid JSON")
    expect(left(200, "[1]").message).toContain("not a JSON object")
    expect(left(200, '{"responseMessage":"x"}').message).toContain("no responseCode")
    expect(left(200, '{"responseCode":2000000}').message).toContain("no responseCode")
    expect(left(200, '{"responseCode":"OK"}').message).toContain("7-digit")
    const mismatch = left(200, '{"responseCode":"5000000","responseMessage":"General Error"}')
    expect(mismatch._tag === "StatusMismatch" && [mismatch.httpStatus, mismatch.responseCode]).toStrictEqual([
      200,
      "5000000"
    ])
    expect(left(500, '{"responseCode":"2000000"}')._tag).toBe("StatusMismatch")
    const declined = left(403, '{"responseCode":"4030014","responseMessage":"Insufficient Funds"}')
    expect(declined._tag).toBe("InsufficientFunds")
  })

  it("masks token-like values in bodies kept for errors, even when cut off", () => {
    expect(Response.maskBody('{"accessToken":"abc.def","x":"1"}')).toBe(
      '{"accessToken":"<redacted>","x":"1"}'
    )
    expect(Response.maskBody('{"responseCode":"2007300","accessToken": "eyJ0eXAiOiJKV1Qi')).toBe(
      '{"responseCode":"2007300","accessToken": "<redacted>"'
    )
    expect(Response.maskBody("x".repeat(1500)).length).toBe(1001)
  })
})
