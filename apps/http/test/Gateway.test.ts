import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { API_KEY, layer as gateway, send, TestGateway } from "./support/Harness.js"

const PROBLEM = "application/problem+json"

layer(gateway(), { timeout: 30_000, excludeTestServices: true })("gateway infrastructure", (it) => {
  it.effect("GET /health answers 200 without an API key", () =>
    Effect.gen(function* () {
      const reply = yield* send("/health", { apiKey: false })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "ok" })
    })
  )

  it.effect("GET /ready reports each provider's mode", () =>
    Effect.gen(function* () {
      const reply = yield* send("/ready", { apiKey: false })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({
        status: "ready",
        providers: { ayoconnect: "upstream", nicepay: "upstream" }
      })
    })
  )

  it.effect("a /v1 route without a key is 401 missing-api-key, with a challenge", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/balance", { apiKey: false })
      expect(reply.status).toBe(401)
      expect(reply.headers.get("content-type")).toBe(PROBLEM)
      expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="kasir"')
      expect(reply.json).toEqual({
        type: "urn:kasir:problem:missing-api-key",
        title: "Unauthorized",
        status: 401,
        detail: "An API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
        instance: "/v1/ayoconnect/balance",
        requestId: reply.headers.get("x-request-id")
      })
    })
  )

  it.effect("a wrong key, by header or bearer, is 401 invalid-api-key", () =>
    Effect.gen(function* () {
      const byHeader = yield* send("/v1/nicepay/balance", { apiKey: "not-the-key" })
      const byBearer = yield* send("/v1/nicepay/balance", {
        apiKey: false,
        headers: { authorization: "Bearer not-the-key" }
      })
      for (const reply of [byHeader, byBearer]) {
        expect(reply.status).toBe(401)
        expect(reply.json.type).toBe("urn:kasir:problem:invalid-api-key")
        expect(reply.json.detail).toBe("The API key is not recognised.")
      }
    })
  )

  it.effect("the right key works as Bearer and as X-API-Key, with no challenge header", () =>
    Effect.gen(function* () {
      const byBearer = yield* send("/v1/ayoconnect/balance", {
        apiKey: false,
        headers: { authorization: `Bearer ${API_KEY}` }
      })
      const byHeader = yield* send("/v1/ayoconnect/balance")
      for (const reply of [byBearer, byHeader]) {
        expect(reply.status).toBe(200)
        expect(reply.headers.get("www-authenticate")).toBeNull()
        expect(reply.json).toEqual({ balance: 10_000_000, currency: "IDR", partnerId: "SANDBOXDEMO1" })
      }
    })
  )

  it.effect("validation failures are 400 problems with field paths, never HttpApiDecodeError", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/inquiries", { body: { accountNumber: 5 } })
      expect(reply.status).toBe(400)
      expect(reply.headers.get("content-type")).toBe(PROBLEM)
      expect(reply.json.type).toBe("urn:kasir:problem:validation")
      // Every problem is reported, not only the first.
      expect(reply.json.errors).toEqual([
        { path: "body.accountNumber", message: "Expected string, actual 5" },
        { path: "body.productCode", message: "is missing" }
      ])
      expect(reply.json.detail).toBe(
        "The request is invalid — body.accountNumber: Expected string, actual 5; body.productCode: is missing"
      )
      expect(reply.text).not.toContain("HttpApiDecodeError")
      expect(reply.text).not.toContain("_tag")
    })
  )

  it.effect("a bad optional field reports its own issue only, not the union's 'Expected undefined'", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/inquiries", {
        body: { accountNumber: "512345678901", productCode: "PLNPOST", amount: 12.5 }
      })
      expect(reply.status).toBe(400)
      expect(reply.json.errors).toEqual([
        { path: "body.amount", message: "an amount must be whole rupiah, got 12.5" }
      ])
    })
  )

  it.effect("path and query parameters are validated with their location", () =>
    Effect.gen(function* () {
      const path = yield* send("/v1/ayoconnect/payments/not%20valid")
      expect(path.status).toBe(400)
      expect(path.json.errors).toEqual([
        { path: "path.refNumber", message: "refNumber must be 1 to 64 letters, digits, '-', '_' or '.'" }
      ])
      const query = yield* send("/v1/nicepay/payouts/IONPAYTEST07202401010000001234?partnerReferenceNo=ref-1")
      expect(query.status).toBe(400)
      expect(query.json.errors).toEqual([{ path: "query.beneficiaryAccountNo", message: "is missing" }])
    })
  )

  it.effect("a body that is not JSON is a 400 malformed-body problem", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/inquiries", { rawBody: '{"accountNumber": ' })
      expect(reply.status).toBe(400)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:malformed-body",
        errors: [{ path: "body", message: "is not valid JSON" }]
      })
    })
  )

  it.effect("an unknown route is a 404 problem", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v2/nothing", { apiKey: false })
      expect(reply.status).toBe(404)
      expect(reply.headers.get("content-type")).toBe(PROBLEM)
      expect(reply.json.type).toBe("urn:kasir:problem:not-found")
    })
  )

  it.effect("X-Request-Id is echoed when sane, replaced when not, and logged", () =>
    Effect.gen(function* () {
      const { logs } = yield* TestGateway
      const echoed = yield* send("/health", { apiKey: false, headers: { "x-request-id": "req-42.a" } })
      expect(echoed.headers.get("x-request-id")).toBe("req-42.a")
      const replaced = yield* send("/health", { apiKey: false, headers: { "x-request-id": "x".repeat(129) } })
      expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      yield* send("/v1/ayoconnect/balance", { headers: { "x-request-id": "trace-balance-1" } })
      const line = logs.find(
        (l) => l.message === "http request" && l.annotations.requestId === "trace-balance-1"
      )
      expect(line?.annotations).toMatchObject({
        requestId: "trace-balance-1",
        method: "GET",
        route: "/v1/ayoconnect/balance",
        status: 200,
        operations: ["ayoconnect.balance"],
        outcome: "ok"
      })
      expect(typeof line?.annotations.durationMillis).toBe("number")
    })
  )

  it.effect("logs carry no secrets: no API key, upstream secret, client secret or private key", () =>
    Effect.gen(function* () {
      const { logs, env } = yield* TestGateway
      yield* send("/v1/nicepay/balance")
      yield* send("/v1/nicepay/balance", { apiKey: "wrong-key-value-123" })
      const text = JSON.stringify(logs)
      expect(logs.length).toBeGreaterThan(0)
      for (const secret of [
        API_KEY,
        "wrong-key-value-123",
        env.get("AYOCONNECT_API_SECRET")!,
        env.get("NICEPAY_CLIENT_SECRET")!,
        env.get("NICEPAY_PRIVATE_KEY")!.split("\n")[1]!
      ]) {
        expect(text).not.toContain(secret)
      }
    })
  )

  it.effect(
    "/openapi.json documents problems as application/problem+json and has no HttpApiDecodeError",
    () =>
      Effect.gen(function* () {
        const reply = yield* send("/openapi.json", { apiKey: false })
        expect(reply.status).toBe(200)
        expect(reply.text).not.toContain("HttpApiDecodeError")
        const payment = reply.json.paths["/v1/ayoconnect/payments"].post
        expect(Object.keys(payment.responses).sort()).toEqual([
          "200",
          "202",
          "400",
          "401",
          "404",
          "409",
          "413",
          "422",
          "500",
          "502",
          "503",
          "504"
        ])
        expect(Object.keys(payment.responses["200"].headers)).toEqual(["Idempotent-Replayed"])
        expect(Object.keys(payment.responses["409"].headers)).toEqual(["Retry-After"])
        expect(payment.responses["503"].content["application/problem+json"].schema).toEqual({
          $ref: "#/components/schemas/ServiceUnavailableProblem"
        })
        const approve = reply.json.paths["/v1/nicepay/payouts/{referenceNo}/approve"].post
        expect(Object.keys(approve.responses["200"].headers)).toEqual(["Idempotent-Replayed"])
        const transactions = reply.json.paths["/v1/transactions"].get
        expect(transactions.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
          "cursor",
          "from",
          "limit",
          "provider",
          "state",
          "to"
        ])
        expect(transactions.responses["200"].content["application/json"].schema).toEqual({
          $ref: "#/components/schemas/TransactionPage"
        })
        const status = reply.json.paths["/v1/ayoconnect/payments/{refNumber}"].get
        expect(status.parameters.map((p: { name: string }) => p.name)).toContain("refresh")
        expect(Object.keys(payment.responses["400"].content)).toEqual(["application/problem+json"])
        expect(payment.responses["400"].content["application/problem+json"].schema).toEqual({
          $ref: "#/components/schemas/BadRequestProblem"
        })
        expect(payment.security).toEqual([{ bearer: [] }, { apiKey: [] }])
        const notify = reply.json.paths["/api/v1.0/transfer/notify"].post
        expect(Object.keys(notify.responses).sort()).toEqual(["200", "400", "401", "413", "500"])
        expect(notify.responses["401"].content["application/json"].example).toEqual({
          responseCode: "4010000",
          responseMessage: "Unauthorized Signature"
        })
      })
  )

  it.effect("/docs serves Swagger UI over the same spec", () =>
    Effect.gen(function* () {
      const reply = yield* send("/docs", { apiKey: false })
      expect(reply.status).toBe(200)
      expect(reply.headers.get("content-type")).toContain("text/html")
      expect(reply.text).toContain("swagger-ui")
      expect(reply.text).toContain("/v1/ayoconnect/payments")
    })
  )
})

layer(gateway({ KASIR_ACCESS_LOG: "false" }), { timeout: 30_000, excludeTestServices: true })(
  "gateway with KASIR_ACCESS_LOG=false",
  (it) => {
    it.effect("writes no access log line; requests are still served and carry their id", () =>
      Effect.gen(function* () {
        const { logs } = yield* TestGateway
        const reply = yield* send("/v1/ayoconnect/balance", { headers: { "x-request-id": "quiet-1" } })
        expect(reply.status).toBe(200)
        expect(reply.headers.get("x-request-id")).toBe("quiet-1")
        const missing = yield* send("/no/such/route", { headers: { "x-request-id": "quiet-2" } })
        expect([missing.status, missing.headers.get("x-request-id")]).toStrictEqual([404, "quiet-2"])
        expect(logs.filter((l) => l.message === "http request")).toStrictEqual([])
      })
    )
  }
)
