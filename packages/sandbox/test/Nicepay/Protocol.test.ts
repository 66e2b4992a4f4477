import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { baseUrl, demoToken, origin, rawService, SandboxLive, send } from "./harness.js"

const BALANCE = "/api/v1.0/balance-inquiry"
const balanceBody = '{"accountNo":"IONPAYTEST","additionalInfo":{"msId":""}}'

type Options = Omit<Parameters<typeof rawService>[0], "token">
const call = (options: Options) =>
  Effect.flatMap(demoToken, (token) =>
    Effect.map(
      rawService({ ...options, token }),
      (r) => [r.status, r.json.responseCode, r.json.responseMessage] as const
    )
  )

describe("NICEPAY simulator protocol", () => {
  it.live("a body re-serialised after signing is rejected (401xx00); the signed bytes are accepted", () =>
    Effect.gen(function* () {
      const signed = '{"accountNo":"IONPAYTEST","additionalInfo":{"msId":""}}'
      const reserialised = JSON.stringify(JSON.parse(signed), null, 2)
      const reordered = '{"additionalInfo":{"msId":""},"accountNo":"IONPAYTEST"}'
      expect(yield* call({ path: BALANCE, signedBody: signed })).toStrictEqual([200, "2001100", "Successful"])
      for (const sent of [reserialised, reordered]) {
        expect(yield* call({ path: BALANCE, signedBody: signed, sentBody: sent })).toStrictEqual([
          401,
          "4011100",
          "Unauthorized. [Signature]"
        ])
      }
      // The hash is over raw bytes: a non-minified body signed as sent (NICEPAY's Python SDK) passes.
      expect(yield* call({ path: BALANCE, signedBody: reserialised })).toStrictEqual([
        200,
        "2001100",
        "Successful"
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("the signed path excludes /nicepay; the token path has no /api", () =>
    Effect.gen(function* () {
      expect(
        yield* call({ path: BALANCE, signedPath: `/nicepay${BALANCE}`, signedBody: balanceBody })
      ).toStrictEqual([401, "4011100", "Unauthorized. [Signature]"])
      const base = yield* baseUrl
      const wrongTokenPath = yield* send(HttpClientRequest.post(`${base}/api/v1.0/access-token/b2b`))
      expect([wrongTokenPath.status, wrongTokenPath.json.responseCode]).toStrictEqual([404, "4040002"])
      const outside = yield* send(HttpClientRequest.post(`${yield* origin}${BALANCE}`))
      expect(outside.status).toBe(404)
      const get = yield* send(HttpClientRequest.get(`${base}${BALANCE}`))
      expect([get.status, get.json.responseCode]).toStrictEqual([405, "4050000"])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("the legacy balance path answers the legacy shape and accepts merchantId", () =>
    Effect.gen(function* () {
      const token = yield* demoToken
      const response = yield* rawService({
        path: "/api/v1.0/transfer/balance-inquiry",
        signedBody: '{"merchantId":"IONPAYTEST"}',
        token
      })
      expect(response.status).toBe(200)
      expect(response.json).toStrictEqual({
        responseCode: "2001100",
        responseMessage: "Successful",
        accountNo: "IONPAYTEST",
        availableBalance: { value: "1000000000.00", currency: "IDR" }
      })
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("mandatory headers: 400xx02 naming the header; names are case-insensitive", () =>
    Effect.gen(function* () {
      for (const name of [
        "X-TIMESTAMP",
        "X-SIGNATURE",
        "X-PARTNER-ID",
        "X-EXTERNAL-ID",
        "CHANNEL-ID",
        "Authorization"
      ]) {
        expect(
          yield* call({ path: BALANCE, signedBody: balanceBody, headers: { [name]: undefined } })
        ).toStrictEqual([400, "4001102", `Invalid Mandatory Field {${name}}`])
      }
      const token = yield* demoToken
      const response = yield* rawService({
        path: BALANCE,
        signedBody: balanceBody,
        token,
        headers: {
          Authorization: undefined,
          "X-PARTNER-ID": undefined,
          authorization: `Bearer ${token}`,
          "x-Partner-Id": "IONPAYTEST"
        }
      })
      expect(response.json.responseCode).toBe("2001100")
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("token, partner id, timestamp and secret are each checked with the documented code", () =>
    Effect.gen(function* () {
      expect(
        yield* rawService({ path: BALANCE, signedBody: balanceBody, token: "not-a-token" }).pipe(
          Effect.map((r) => [r.status, r.json.responseCode, r.json.responseMessage])
        )
      ).toStrictEqual([401, "4011101", "Access Token Invalid"])
      expect(
        yield* call({ path: BALANCE, signedBody: balanceBody, headers: { "X-PARTNER-ID": "NORMALTEST" } })
      ).toStrictEqual([401, "4011100", "Unauthorized. [X-PARTNER-ID]"])
      expect(
        yield* call({ path: BALANCE, signedBody: balanceBody, timestamp: "2024-13-01T10:00:00+07:00" })
      ).toStrictEqual([400, "4001101", "Invalid Field Format {X-TIMESTAMP}"])
      expect(
        yield* call({ path: BALANCE, signedBody: balanceBody, timestamp: "2020-01-01T10:00:00+07:00" })
      ).toStrictEqual([401, "4011100", "Unauthorized. [X-TIMESTAMP]"])
      expect(yield* call({ path: BALANCE, signedBody: balanceBody, clientSecret: "wrong" })).toStrictEqual([
        401,
        "4011100",
        "Unauthorized. [Signature]"
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("an X-EXTERNAL-ID reused on the same day answers 409xx00", () =>
    Effect.gen(function* () {
      const externalId = "202401011000001234567890"
      expect((yield* call({ path: BALANCE, signedBody: balanceBody, externalId }))[1]).toBe("2001100")
      expect(yield* call({ path: BALANCE, signedBody: balanceBody, externalId })).toStrictEqual([
        409,
        "4091100",
        "Conflict"
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.effect("X-EXTERNAL-ID uniqueness is per WIB day (TestClock)", () =>
    Effect.gen(function* () {
      const externalId = "1"
      yield* TestClock.adjust("16 hours") // 1970-01-01T23:00+07:00
      expect((yield* call({ path: BALANCE, signedBody: balanceBody, externalId }))[1]).toBe("2001100")
      yield* TestClock.adjust("30 minutes")
      expect((yield* call({ path: BALANCE, signedBody: balanceBody, externalId }))[1]).toBe("4091100")
      yield* TestClock.adjust("31 minutes") // the next WIB day
      expect((yield* call({ path: BALANCE, signedBody: balanceBody, externalId }))[1]).toBe("2001100")
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("strict knobs: numeric X-EXTERNAL-ID and minified bodies", () =>
    Effect.gen(function* () {
      expect(
        yield* call({ path: BALANCE, signedBody: balanceBody, externalId: "ordNo20240926110022" })
      ).toStrictEqual([400, "4001101", "Invalid Field Format {X-EXTERNAL-ID}"])
      expect(yield* call({ path: BALANCE, signedBody: '{"accountNo": "IONPAYTEST"}' })).toStrictEqual([
        400,
        "4001100",
        "Bad Request. [body is not minified JSON]"
      ])
    }).pipe(Effect.provide(SandboxLive({ requireNumericExternalId: true, requireMinifiedBody: true })))
  )

  it.live(
    "bodies: JSON, mandatory fields and formats answer 400xx00 / 400xx02 / 400xx01 naming the field",
    () =>
      Effect.gen(function* () {
        const registration = (fields: Record<string, unknown>) =>
          call({
            path: "/api/v1.0/transfer/registration",
            signedBody: JSON.stringify({
              partnerReferenceNo: "raw-1",
              merchantId: "IONPAYTEST",
              beneficiaryAccountNo: "5345000060",
              beneficiaryName: "IONPAY NETWORKS",
              beneficiaryPhone: "081211111111",
              beneficiaryCustomerResidence: "1",
              beneficiaryCustomerType: "1",
              beneficiaryBankCode: "BBBA",
              payoutMethod: "0",
              amount: { value: "10000.00", currency: "IDR" },
              ...fields
            })
          })
        expect(
          yield* call({ path: "/api/v1.0/transfer/registration", signedBody: "{not json" })
        ).toStrictEqual([400, "4000000", "Bad Request"])
        expect(yield* registration({ beneficiaryName: undefined })).toStrictEqual([
          400,
          "4000002",
          "Invalid Mandatory Field {beneficiaryName}"
        ])
        expect(yield* registration({ amount: { value: "10000" } })).toStrictEqual([
          400,
          "4000001",
          "Invalid Field Format {amount.value}"
        ])
        expect(yield* registration({ amount: { value: "10000.00" } })).toStrictEqual([
          400,
          "4000002",
          "Invalid Mandatory Field {amount.currency}"
        ])
        expect(yield* registration({ payoutMethod: "9" })).toStrictEqual([
          400,
          "4000001",
          "Invalid Field Format {payoutMethod}"
        ])
        expect(yield* registration({ merchantId: "NORMALTEST" })).toStrictEqual([
          400,
          "4000001",
          "Invalid Field Format {merchantId}"
        ])
        // NICEPAY's native PHP sample: spaces after some colons, a past reservedDt, hashed as sent.
        const [status, code] = yield* call({
          path: "/api/v1.0/transfer/registration",
          signedBody:
            '{"merchantId":"IONPAYTEST","beneficiaryAccountNo":"903327200","beneficiaryName":"IONPAY NETWORKS","beneficiaryPhone":"081211111111","beneficiaryCustomerResidence": "1","beneficiaryCustomerType":"1","beneficiaryPostalCode":"123456","payoutMethod": "0","beneficiaryBankCode":"BBBA","amount":{"value":"10000.00","currency":"IDR"},"partnerReferenceNo": "order1676975014155","description":"This is test Request","deliveryName":"Test","deliveryId": "","reservedDt":"20231109","reservedTm":"235959"}'
        })
        expect([status, code]).toStrictEqual([200, "2000000"])
      }).pipe(Effect.provide(SandboxLive()))
  )
})
