// The simulator on the wire, driven with raw HTTP: auth, claims, body, routing, faults, the log.
import { Jwt } from "@kasir/core"
import { Ayoconnect, Fault, RequestLog } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { baseUrl, partner, rawPost, simulator } from "./harness.js"

const sign = (payload: Record<string, unknown>, secret: string = partner.secret) => {
  const payloadJson = JSON.stringify(payload)
  return { payloadJson, token: Jwt.sign({ payloadJson, secret }) }
}

const call = (
  path: string,
  payload: Record<string, unknown>,
  options: {
    readonly headers?: Record<string, string>
    readonly body?: string
    readonly secret?: string
  } = {}
) =>
  Effect.gen(function* () {
    const url = yield* baseUrl
    const { payloadJson, token } = sign(payload, options.secret)
    return yield* rawPost(`${url}${path}`, {
      headers: {
        KEY: partner.apiKey,
        TOKEN: token,
        VERSION: "2.0",
        "Content-Type": "application/json",
        ...options.headers
      },
      body: options.body ?? payloadJson
    })
  })

const unauthorised = {
  responseCode: 401,
  success: false,
  message: { ID: "Akses Tidak Sah", EN: "Unauthorised access" },
  data: {}
}

describe("Ayoconnect simulator: authentication", () => {
  it.effect("answers the balance of a verified partner, as the upstream's sample is shaped", () =>
    Effect.gen(function* () {
      const response = yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey })
      expect(response.status).toBe(200)
      expect(response.contentType).toBe("application/json")
      expect(JSON.parse(response.text)).toStrictEqual({
        responseCode: 0,
        success: true,
        message: { ID: "sukses", EN: "success" },
        data: { balance: 10_000_000, currency: "IDR", partnerId: partner.apiKey }
      })
    }).pipe(Effect.provide(simulator()))
  )

  it.effect(
    "refuses an unknown KEY, a wrong secret, a foreign partnerId and a missing TOKEN with RC 401",
    () =>
      Effect.gen(function* () {
        const bodies = [
          yield* call(
            "/api/v2/partner/balance",
            { partnerId: "OTHERKEY0001" },
            { headers: { KEY: "OTHERKEY0001" } }
          ),
          yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey }, { secret: "not-the-secret" }),
          yield* call("/api/v2/partner/balance", { partnerId: "SOMEONEELSE1" }),
          yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey }, { headers: { TOKEN: "" } }),
          yield* call(
            "/api/v2/partner/balance",
            { partnerId: partner.apiKey },
            { headers: { TOKEN: "a.b.c" } }
          )
        ]
        for (const response of bodies) {
          expect(response.status).toBe(200)
          expect(JSON.parse(response.text)).toStrictEqual(unauthorised)
        }
      }).pipe(Effect.provide(simulator()))
  )

  it.effect("refuses alg none even with the right partnerId", () =>
    Effect.gen(function* () {
      const url = yield* baseUrl
      const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")
      const payload = Buffer.from(JSON.stringify({ partnerId: partner.apiKey })).toString("base64url")
      const response = yield* rawPost(`${url}/api/v2/partner/balance`, {
        headers: { KEY: partner.apiKey, TOKEN: `${header}.${payload}.`, VERSION: "2.0" }
      })
      expect(JSON.parse(response.text)).toStrictEqual(unauthorised)
    }).pipe(Effect.provide(simulator()))
  )

  it.effect("requires a VERSION header of 1.0 or 2.0 (RC 321)", () =>
    Effect.gen(function* () {
      const missing = yield* call(
        "/api/v2/partner/balance",
        { partnerId: partner.apiKey },
        { headers: { VERSION: "" } }
      )
      const wrong = yield* call(
        "/api/v2/partner/balance",
        { partnerId: partner.apiKey },
        { headers: { VERSION: "3.0" } }
      )
      const v1OnV2 = yield* call(
        "/api/v2/partner/balance",
        { partnerId: partner.apiKey },
        { headers: { VERSION: "1.0" } }
      )
      expect(JSON.parse(missing.text).responseCode).toBe(321)
      expect(JSON.parse(wrong.text).responseCode).toBe(321)
      // The upstream's own samples send VERSION 1.0 to v2 paths: accepted.
      expect(JSON.parse(v1OnV2.text).responseCode).toBe(0)
    }).pipe(Effect.provide(simulator()))
  )

  it.effect("matches claim names case-insensitively and reads parameters from the token", () =>
    Effect.gen(function* () {
      const payload = { PartnerID: partner.apiKey, AccountNumber: "081234567890", ProductCode: "PLSTSEL10" }
      const withBody = yield* call("/api/v2/bill/check", payload)
      const emptyBody = yield* call("/api/v2/bill/check", payload, { body: "" })
      const braces = yield* call("/api/v2/bill/check", payload, { body: "{}" })
      for (const response of [withBody, emptyBody, braces]) {
        const body = JSON.parse(response.text)
        expect(body.responseCode).toBe(300)
        expect(body.data.accountNumber).toBe("081234567890")
        expect(body.data.productCode).toBe("PLSTSEL10")
        expect(body.data.amount).toBe(10_550)
      }
    }).pipe(Effect.provide(simulator()))
  )

  it.effect(
    "rejects a body that disagrees with the token (RC 401) and accepts one that agrees in any key order",
    () =>
      Effect.gen(function* () {
        const payload = { partnerId: partner.apiKey, accountNumber: "081234567890", productCode: "PLSTSEL10" }
        const tampered = yield* call("/api/v2/bill/check", payload, {
          body: JSON.stringify({ ...payload, productCode: "PDTSEL5GB" })
        })
        const notJson = yield* call("/api/v2/bill/check", payload, { body: "productCode=PLSTSEL10" })
        const reordered = yield* call("/api/v2/bill/check", payload, {
          body: JSON.stringify({
            ProductCode: "PLSTSEL10",
            accountNumber: "081234567890",
            partnerId: partner.apiKey
          })
        })
        expect(JSON.parse(tampered.text)).toStrictEqual(unauthorised)
        expect(JSON.parse(notJson.text)).toStrictEqual(unauthorised)
        expect(JSON.parse(reordered.text).responseCode).toBe(300)
      }).pipe(Effect.provide(simulator()))
  )
})

describe("Ayoconnect simulator: routing and the request log", () => {
  it.effect(
    "serves v1 paths with v1's customerDetail spelling; 404 JSON elsewhere; 405 for other methods",
    () =>
      Effect.gen(function* () {
        const url = yield* baseUrl
        const v1 = yield* call(
          "/api/v1/bill/check",
          { partnerId: partner.apiKey, accountNumber: "516070377775", productCode: "TLSTPOS" },
          { headers: { VERSION: "1.0" } }
        )
        const body = JSON.parse(v1.text)
        expect(body.responseCode).toBe(300)
        expect(Object.keys(body.data)).toContain("customerDetail")
        expect(Object.keys(body.data)).not.toContain("customerDetails")

        const missing = yield* rawPost(`${url}/api/v3/bill/check`)
        expect(missing.status).toBe(404)
        expect(JSON.parse(missing.text)).toStrictEqual({ error: "not found", path: "/api/v3/bill/check" })
        const get = yield* rawPost(`${url}/api/v2/bill/status`, { method: "GET" })
        expect(get.status).toBe(405)
      }).pipe(Effect.provide(simulator()))
  )

  it.effect("records every request with its operation, status, response code and fault", () =>
    Effect.gen(function* () {
      const log = yield* RequestLog.RequestLog
      yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey })
      yield* call("/api/v2/bill/status", { partnerId: partner.apiKey, refNumber: "nope-1" })
      yield* call(
        "/api/v2/partner/products",
        { partnerId: partner.apiKey },
        { headers: { "X-Sandbox-Fault": "html-502" } }
      )
      const entries = yield* log.entries
      expect(
        entries.map((entry) => [
          entry.upstream,
          entry.operation,
          entry.method,
          entry.path,
          entry.status,
          entry.responseCode,
          entry.fault
        ])
      ).toStrictEqual([
        ["ayoconnect", "partner/balance", "POST", "/api/v2/partner/balance", 200, "0", undefined],
        ["ayoconnect", "bill/status", "POST", "/api/v2/bill/status", 200, "188", undefined],
        ["ayoconnect", "partner/products", "POST", "/api/v2/partner/products", 502, undefined, "html-502"]
      ])
      expect(entries[0]!.headers.key).toBe(partner.apiKey)
      expect(entries[1]!.body).toBe(JSON.stringify({ partnerId: partner.apiKey, refNumber: "nope-1" }))
      expect(entries.every((entry) => entry.receivedAt === 0)).toBe(true)
    }).pipe(Effect.provide(simulator()))
  )

  it.effect("answers the X-Sandbox-Fault html-502 with the proxy page, and an injected fault once", () =>
    Effect.gen(function* () {
      const faults = yield* Fault.Faults
      const html = yield* call(
        "/api/v2/partner/balance",
        { partnerId: partner.apiKey },
        { headers: { "X-Sandbox-Fault": "html-502" } }
      )
      expect(html.status).toBe(502)
      expect(html.contentType).toBe("text/html")
      expect(html.text).toBe(Fault.badGatewayHtml)

      yield* faults.inject({
        upstream: "ayoconnect",
        operation: "partner/balance",
        fault: "no-response-code"
      })
      const stripped = yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey })
      expect(JSON.parse(stripped.text)).toStrictEqual({
        success: true,
        message: { ID: "sukses", EN: "success" },
        data: { balance: 10_000_000, currency: "IDR", partnerId: partner.apiKey }
      })
      const normal = yield* call("/api/v2/partner/balance", { partnerId: partner.apiKey })
      expect(JSON.parse(normal.text).responseCode).toBe(0)
    }).pipe(Effect.provide(simulator()))
  )

  it.effect("lists the whole catalogue as the product list", () =>
    Effect.gen(function* () {
      const response = yield* call("/api/v2/partner/products", { partnerId: partner.apiKey })
      const body = JSON.parse(response.text)
      expect(body.responseCode).toBe(0)
      expect(body.data.map((product: { code: string }) => product.code)).toStrictEqual(
        Ayoconnect.Catalogue.products.map((product) => product.code)
      )
      expect(body.data[0]).toStrictEqual({
        name: "Telkomsel Pulsa 10.000",
        description: "Pulsa Telkomsel Rp 10.000",
        code: "PLSTSEL10",
        logo: "https://sandbox.kasir.invalid/logo/plstsel10.png",
        amount: 10_550,
        adminFee: 0,
        biller: "Telkomsel",
        category: "Pulsa",
        active: true,
        type: "prepaid"
      })
    }).pipe(Effect.provide(simulator()))
  )
})

describe("Ayoconnect simulator: scenarios", () => {
  it("selects scenarios by account-number suffix, the four-character rule first", () => {
    expect(Ayoconnect.Scenario.forInquiry("0812345304")).toStrictEqual({ _tag: "Answer", code: 304 })
    expect(Ayoconnect.Scenario.forInquiry("0812345103")).toStrictEqual({ _tag: "Normal" })
    expect(Ayoconnect.Scenario.forInquiry("0812345502")).toStrictEqual({ _tag: "Fault", fault: "html-502" })
    expect(Ayoconnect.Scenario.forPayment("0812345103")).toStrictEqual({ _tag: "Fail", code: 103 })
    expect(Ayoconnect.Scenario.forPayment("081234569103")).toStrictEqual({ _tag: "Pend", settleTo: 103 })
    expect(Ayoconnect.Scenario.forPayment("0812345299")).toStrictEqual({ _tag: "Pend", settleTo: "never" })
    expect(Ayoconnect.Scenario.forPayment("0812345108")).toStrictEqual({ _tag: "AnswerDuplicate", code: 108 })
    expect(Ayoconnect.Scenario.forPayment("0812345004")).toStrictEqual({ _tag: "Succeed", code: 4 })
    expect(Ayoconnect.Scenario.forPayment("0812345607")).toStrictEqual({ _tag: "Fault", fault: "stall" })
    expect(Ayoconnect.Scenario.forPayment("0814111111200")).toStrictEqual({ _tag: "Normal" })
    expect(Ayoconnect.Scenario.forPayment("user@example.com")).toStrictEqual({ _tag: "Normal" })
  })

  it("reaches every documented response code", () => {
    const reachable = new Set<number>([
      ...Ayoconnect.Scenario.inquiryFailureCodes,
      ...Ayoconnect.Scenario.paymentFailureCodes,
      ...Ayoconnect.Scenario.successCodes,
      102, // a reused refNumber
      108, // suffix 108
      188, // status of an unknown refNumber
      299, // pending
      300 // inquiry
    ])
    const documented = [
      0, 1, 2, 3, 4, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 114, 180, 181, 183,
      184, 185, 186, 188, 198, 199, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313,
      314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 330, 341, 364, 399, 401, 402, 403, 409, 490, 495
    ]
    expect(documented.filter((code) => !reachable.has(code))).toStrictEqual([])
    expect([...reachable].filter((code) => !Ayoconnect.Messages.codes.includes(code))).toStrictEqual([])
  })
})
