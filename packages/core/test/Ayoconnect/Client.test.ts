// The client against a scripted upstream on loopback: answers the simulator never gives
// (undocumented codes, HTTP 5xx with JSON, odd data), the wire format, config and signing.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect, Jwt, KasirError } from "@kasir/core"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Either, Layer, Redacted } from "effect"
import * as fc from "fast-check"

const apiKey = "UNITKEY00001"
const secret = "unit-secret-abcdefghijklmnopqrstuvwxyz"

interface Received {
  readonly url: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}
let server: Server
let base = ""
const received: Array<Received> = []
let answers: Array<{ readonly status: number; readonly body: string }> = []

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      received.push({
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8")
      })
      const answer = answers.shift() ?? { status: 200, body: "{}" }
      response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  received.length = 0
  answers = []
})

const answer = (body: unknown, status = 200) => answers.push({ status, body: JSON.stringify(body) })

const clientLayer = (options: Partial<Ayoconnect.Config.Options> = {}) =>
  Layer.unwrapEffect(
    Effect.sync(() =>
      Ayoconnect.layer({
        baseUrl: base,
        apiKey,
        apiSecret: Redacted.make(secret),
        retryPolicy: { retries: 1, baseDelay: "5 millis", maxDelay: "10 millis" },
        ...options
      })
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

const payment = {
  inquiryId: 31182,
  accountNumber: "081339372389",
  productCode: "PLTK11",
  amount: 11000,
  refNumber: "1123322233fg12",
  callbackUrls: ["https://example.com/hook"],
  buyerDetails: { buyerEmail: "test@example.com", publicBuyerId: "1122457HG23" }
}

describe("Ayoconnect client: the wire", () => {
  it.live(
    "serialises once: body = token payload, canonical order, partnerId first, headers per version",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        answer({
          responseCode: 299,
          success: true,
          message: { ID: "a", EN: "b" },
          data: { refNumber: payment.refNumber, amount: 11000 }
        })
        yield* ayoconnect.payment(payment)
        const [request] = received
        expect(request!.url).toBe("/api/v2/bill/payment")
        expect(request!.body).toBe(
          '{"partnerId":"UNITKEY00001","accountNumber":"081339372389","productCode":"PLTK11","inquiryId":31182,"amount":11000,"refNumber":"1123322233fg12","callbackUrls":["https://example.com/hook"],"buyerDetails":{"buyerEmail":"test@example.com","publicBuyerId":"1122457HG23"}}'
        )
        expect([
          request!.headers.key,
          request!.headers.version,
          request!.headers["content-type"]
        ]).toStrictEqual([apiKey, "2.0", "application/json"])
        const verified = Either.getOrThrow(Jwt.verify({ token: String(request!.headers.token), secret }))
        expect(verified.payloadJson).toBe(request!.body)
        expect(verified.header).toStrictEqual({ alg: "HS256", typ: "JWT" })
      }).pipe(Effect.provide(clientLayer()))
  )
})

describe("Ayoconnect client: answers the simulator never gives", () => {
  it.live("payment: an undocumented 1xx fails typed; a code outside the ranges is outcome unknown", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      answer({ responseCode: 150, success: false, message: { ID: "x", EN: "odd failure" }, data: {} })
      const declined = yield* Effect.flip(ayoconnect.payment(payment))
      expect([declined._tag, declined.kind]).toStrictEqual(["UnknownResponseCode", "Declined"])
      answer({ responseCode: 777, success: true, message: { ID: "x", EN: "y" }, data: {} })
      const unknown = yield* Effect.flip(ayoconnect.payment(payment))
      expect(unknown).toStrictEqual(
        new KasirError.OutcomeUnknown({
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: payment.refNumber,
          references: { refNumber: payment.refNumber },
          reason: "undocumented response code 777",
          causeTag: "UnknownResponseCode",
          upstreamCode: "777"
        })
      )
      // "success" is never trusted: a 103 flagged success:true is a failure.
      answer({ responseCode: 103, success: true, message: { ID: "x", EN: "y" }, data: {} })
      expect((yield* Effect.flip(ayoconnect.payment(payment)))._tag).toBe("WrongAccountNumber")
      expect(received.length).toBe(3)
    }).pipe(Effect.provide(clientLayer()))
  )

  it.live(
    "payment: 402/403/409/490/495 are outcome unknown with the code (never a final decline); status maps them",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        const outcomes = []
        for (const code of [402, 403, 409, 490, 495]) {
          answer({ responseCode: code, success: false, message: { ID: "x", EN: `en ${code}` }, data: {} })
          outcomes.push(yield* Effect.flip(ayoconnect.payment(payment)))
        }
        expect(outcomes).toStrictEqual(
          [402, 403, 409, 490, 495].map(
            (code) =>
              new KasirError.OutcomeUnknown({
                provider: "ayoconnect",
                operation: "payment",
                referenceField: "refNumber",
                reference: payment.refNumber,
                references: { refNumber: payment.refNumber },
                reason: `RC ${code} on a payment is not final`,
                causeTag: Ayoconnect.ResponseCode.toError(
                  { responseCode: code, message: { ID: "x", EN: `en ${code}` } },
                  {}
                )._tag,
                upstreamCode: String(code)
              })
          )
        )
        expect(outcomes[0]!.message).toBe(
          "ayoconnect.payment: outcome unknown for refNumber 1123322233fg12 (RC 402 on a payment is not final); look it up before retrying"
        )
        // The final ones stay final: the failure ranges, and 401 (the token was rejected, nothing processed).
        const finals = []
        for (const code of [100, 104, 199, 301, 313, 399, 401]) {
          answer({ responseCode: code, success: false, message: { ID: "x", EN: "y" }, data: {} })
          const error = yield* Effect.flip(ayoconnect.payment(payment))
          finals.push([error._tag, "responseCode" in error ? error.responseCode : undefined])
        }
        expect(finals).toStrictEqual([
          ["OperatorError", 100],
          ["InvalidAmount", 104],
          ["GeneralFailure", 199],
          ["TooManyOutstandingBills", 301],
          ["InquiryMismatch", 313],
          ["GeneralFailure", 399],
          ["UnauthorisedAccess", 401]
        ])
        // The status lookup that resolves it still reports the documented class.
        const failures = []
        for (const code of [402, 403, 409, 490, 495]) {
          answer({ responseCode: code, success: false, message: { ID: "x", EN: "y" }, data: {} })
          const status = yield* ayoconnect.status({ refNumber: payment.refNumber })
          failures.push(status._tag === "Failed" ? [status.responseCode, status.error._tag] : status._tag)
        }
        expect(failures).toStrictEqual([
          [402, "PaymentCancelled"],
          [403, "AmountMismatch"],
          [409, "InquiryExpired"],
          [490, "PaymentCancelled"],
          [495, "PaymentExpired"]
        ])
        expect(received.length).toBe(17)
      }).pipe(Effect.provide(clientLayer()))
  )

  it.live(
    "payment: HTTP 500 with a JSON body, and a success without a transaction, are outcome unknown; never resent",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        answer({ responseCode: 0, success: true, message: { ID: "x", EN: "y" }, data: {} }, 500)
        expect((yield* Effect.flip(ayoconnect.payment(payment)))._tag).toBe("OutcomeUnknown")
        answer({ responseCode: 0, success: true, message: { ID: "x", EN: "y" }, data: {} })
        const noData = yield* Effect.flip(ayoconnect.payment(payment))
        expect(noData._tag === "OutcomeUnknown" && noData.reason).toBe("RC 0 without a readable transaction")
        expect(received.length).toBe(2)
      }).pipe(Effect.provide(clientLayer()))
  )

  it.live(
    "a refused connection: the payment provably never left, so it is UpstreamUnavailable (sent: false)",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        const error = yield* Effect.flip(ayoconnect.payment(payment))
        expect(error._tag === "UpstreamUnavailable" && [error.sent, error.kind]).toStrictEqual([
          false,
          "Unavailable"
        ])
      }).pipe(Effect.provide(clientLayer({ baseUrl: "http://127.0.0.1:1" })))
  )

  it.live(
    "reads: HTTP 503 is retried, the inquiry's non-300 success codes are not success, status 300 is unknown",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Ayoconnect.Ayoconnect
        answers.push({ status: 503, body: "busy" })
        answer({
          responseCode: 0,
          success: true,
          message: { ID: "sukses", EN: "success" },
          data: { balance: 42 }
        })
        expect((yield* ayoconnect.balance()).balance).toBe(42)
        expect(received.length).toBe(2)
        answer({ responseCode: 0, success: true, message: { ID: "x", EN: "y" }, data: {} })
        const inquiry = yield* Effect.flip(ayoconnect.inquiry({ accountNumber: "0812", productCode: "X" }))
        expect(inquiry._tag).toBe("UnknownResponseCode")
        answer({ responseCode: 300, success: true, message: { ID: "x", EN: "y" }, data: {} })
        const status = yield* Effect.flip(ayoconnect.status({ refNumber: "r1" }))
        expect(status._tag).toBe("UnknownResponseCode")
        answer({
          responseCode: 300,
          success: true,
          message: { ID: "x", EN: "y" },
          data: { inquiryId: "abc" }
        })
        const shape = yield* Effect.flip(ayoconnect.inquiry({ accountNumber: "0812", productCode: "X" }))
        expect(shape._tag === "UnexpectedResponse" && shape.reason).toBe("InvalidBody")
      }).pipe(Effect.provide(clientLayer()))
  )

  it.live("status: 102/108 stay pending (never declared failed), undocumented 1xx is a failure", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      answer({ responseCode: 108, success: false, message: { ID: "x", EN: "dup" }, data: {} })
      expect((yield* ayoconnect.status({ refNumber: "r1" }))._tag).toBe("Pending")
      answer({ responseCode: 177, success: false, message: { ID: "x", EN: "odd" }, data: {} })
      const failed = yield* ayoconnect.status({ refNumber: "r1" })
      expect(failed._tag === "Failed" && [failed.refNumber, failed.error._tag]).toStrictEqual([
        "r1",
        "UnknownResponseCode"
      ])
    }).pipe(Effect.provide(clientLayer()))
  )
})

describe("Ayoconnect configuration", () => {
  const env = (entries: Record<string, string>) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

  it.live("layerConfig reads the environment (here API version 1) and signs with the secret", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      answer({ responseCode: 0, success: true, message: { ID: "s", EN: "s" }, data: { balance: 1 } })
      yield* ayoconnect.balance()
      expect(received[0]!.url).toBe("/api/v1/partner/balance")
      expect(received[0]!.headers.version).toBe("1.0")
      expect(Either.isRight(Jwt.verify({ token: String(received[0]!.headers.token), secret }))).toBe(true)
    }).pipe(
      Effect.provide(
        Ayoconnect.layerConfig().pipe(
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(
            env({
              AYOCONNECT_BASE_URL: base,
              AYOCONNECT_API_KEY: apiKey,
              AYOCONNECT_API_SECRET: secret,
              AYOCONNECT_API_VERSION: "1"
            })
          )
        )
      )
    )
  )

  it.live("layerConfig takes any Config: a retry policy is added to the environment with Config.map", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      answers.push({ status: 503, body: "busy" }, { status: 503, body: "busy" })
      const error = yield* Effect.flip(ayoconnect.balance())
      expect([error._tag, received.length]).toStrictEqual(["UnexpectedResponse", 1])
    }).pipe(
      Effect.provide(
        Ayoconnect.layerConfig(
          Config.map(Ayoconnect.Config.fromEnv, (config) => ({
            ...config,
            retryPolicy: { retries: 0, baseDelay: "5 millis", maxDelay: "10 millis" }
          }))
        ).pipe(
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(
            env({ AYOCONNECT_BASE_URL: base, AYOCONNECT_API_KEY: apiKey, AYOCONNECT_API_SECRET: secret })
          )
        )
      )
    )
  )

  it.effect("bad configuration fails before any request, without the secret in the message", () =>
    Effect.gen(function* () {
      const build = (entries: Record<string, string>) =>
        Effect.flip(
          Effect.scoped(
            Layer.build(
              Ayoconnect.layerConfig().pipe(
                Layer.provide(NodeHttpClient.layerUndici),
                Layer.provide(env(entries))
              )
            )
          )
        )
      const good = { AYOCONNECT_BASE_URL: base, AYOCONNECT_API_KEY: apiKey, AYOCONNECT_API_SECRET: secret }
      const missing = yield* build({ AYOCONNECT_BASE_URL: base, AYOCONNECT_API_KEY: apiKey })
      expect(String(missing)).toContain("AYOCONNECT_API_SECRET")
      const version = yield* build({ ...good, AYOCONNECT_API_VERSION: "3" })
      expect(String(version)).toContain('must be 1 or 2, got "3"')
      const ftp = yield* build({ ...good, AYOCONNECT_BASE_URL: "ftp://example.com" })
      expect(ftp).toStrictEqual(
        new KasirError.InvalidConfig({
          provider: "ayoconnect",
          setting: "baseUrl",
          reason: "must be http(s), got ftp:"
        })
      )
      expect(ftp._tag === "InvalidConfig" && ftp.kind).toBe("Configuration")
      const blank = yield* build({ ...good, AYOCONNECT_API_SECRET: "   " })
      expect(blank).toStrictEqual(
        new KasirError.InvalidConfig({
          provider: "ayoconnect",
          setting: "apiSecret",
          reason: "must not be empty"
        })
      )
      for (const error of [missing, version, ftp, blank]) expect(String(error)).not.toContain(secret)
      expect(received.length).toBe(0)
    })
  )
})

describe("Ayoconnect signing", () => {
  it.prop(
    "Signer.fromSecret tokens verify with the same secret over the exact payload, and with no other",
    [fc.dictionary(fc.string(), fc.jsonValue()), fc.string({ minLength: 1 }), fc.string({ minLength: 1 })],
    ([payload, key, other]) => {
      const payloadJson = JSON.stringify(payload)
      const token = Effect.runSync(Ayoconnect.Signer.fromSecret(Redacted.make(key)).sign(payloadJson))
      const verified = Jwt.verify({ token, secret: key })
      expect(Either.isRight(verified) && verified.right.payloadJson).toBe(payloadJson)
      if (other !== key) expect(Either.isLeft(Jwt.verify({ token, secret: other }))).toBe(true)
    }
  )

  it.live("a custom signer (e.g. KMS) is used for every request, and its failure is typed", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Ayoconnect.Ayoconnect
      const error = yield* Effect.flip(ayoconnect.balance())
      expect(error).toStrictEqual(new Ayoconnect.Signer.SigningFailed({ reason: "kms unreachable" }))
      expect(received.length).toBe(0)
    }).pipe(
      Effect.provide(
        Layer.unwrapEffect(
          Effect.sync(() =>
            Ayoconnect.layerWithSigner({ baseUrl: base, apiKey }).pipe(
              Layer.provide(
                Layer.succeed(Ayoconnect.AyoconnectSigner, {
                  sign: () => Effect.fail(new Ayoconnect.Signer.SigningFailed({ reason: "kms unreachable" }))
                })
              )
            )
          )
        ).pipe(Layer.provide(NodeHttpClient.layerUndici))
      )
    )
  )
})
