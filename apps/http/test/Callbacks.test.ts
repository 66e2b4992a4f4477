import { expect, layer } from "@effect/vitest"
import { Snap, Timestamp } from "@kasir/core"
import { Effect } from "effect"
import {
  CALLBACK_PASSWORD,
  CALLBACK_USER,
  layer as gateway,
  payoutRequest,
  send,
  TestGateway
} from "./support/Harness.js"

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`

const callbackBody = (refNumber: string, amount: number) => ({
  responseCode: 0,
  success: true,
  message: { ID: "Transaksi Anda Telah Berhasil", EN: "Your transaction was successful" },
  data: {
    refNumber,
    transactionId: 1,
    accountNumber: "0812345000",
    amount,
    totalAdmin: 0,
    processingFee: 0,
    denom: "",
    productCode: "PPLSIND12",
    productName: "Indosat Pulsa 12.000",
    category: "Pulsa",
    token: "1908202085666581",
    customerDetails: [],
    billDetails: [],
    productDetails: [],
    extraFields: []
  }
})

const paid = (refNumber: string) =>
  Effect.gen(function* () {
    const inquiry = yield* send("/v1/ayoconnect/inquiries", {
      body: { accountNumber: "0812345000", productCode: "PPLSIND12" }
    })
    const payment = yield* send("/v1/ayoconnect/payments", {
      body: {
        inquiryId: inquiry.json.inquiryId,
        accountNumber: "0812345000",
        productCode: "PPLSIND12",
        amount: inquiry.json.amount,
        refNumber
      }
    })
    expect(payment.status).toBe(200)
    return inquiry.json.amount as number
  })

const notify = (
  body: unknown,
  options: { readonly timestamp?: string; readonly signedTimestamp?: string } = {}
) =>
  Effect.gen(function* () {
    const { notificationKey } = yield* TestGateway
    const timestamp = options.timestamp ?? Timestamp.formatWib(Date.now())
    const signature = yield* Snap.Signature.tokenSignature({
      clientId: "IONPAYTEST",
      timestamp: options.signedTimestamp ?? timestamp,
      privateKey: notificationKey
    })
    return yield* send("/api/v1.0/transfer/notify", {
      apiKey: false,
      body,
      headers: { "x-timestamp": timestamp, "x-client-key": "IONPAYTEST", "x-signature": signature }
    })
  })

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("inbound notifications", (it) => {
  it.effect("an Ayoconnect callback with the right credentials is confirmed with a status call", () =>
    Effect.gen(function* () {
      const amount = yield* paid("gw-callback-1")
      const reply = yield* send("/callbacks/ayoconnect", {
        apiKey: false,
        body: callbackBody("gw-callback-1", amount),
        headers: { authorization: basic(CALLBACK_USER, CALLBACK_PASSWORD) }
      })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ refNumber: "gw-callback-1", state: "succeeded", responseCode: 0, amount })
      const { logs } = yield* TestGateway
      const event = logs.find((l) => l.annotations.event === "ayoconnect.transaction.confirmed")
      expect(event?.annotations).toMatchObject({
        refNumber: "gw-callback-1",
        state: "succeeded",
        claimedState: "succeeded",
        requestId: reply.headers.get("x-request-id")
      })
    })
  )

  it.effect("wrong or missing callback credentials are 401 with a Basic challenge", () =>
    Effect.gen(function* () {
      const wrong = yield* send("/callbacks/ayoconnect", {
        apiKey: false,
        body: callbackBody("gw-callback-1", 1000),
        headers: { authorization: basic(CALLBACK_USER, "guess") }
      })
      const missing = yield* send("/callbacks/ayoconnect", {
        apiKey: false,
        body: callbackBody("gw-callback-1", 1000)
      })
      for (const reply of [wrong, missing]) {
        expect(reply.status).toBe(401)
        expect(reply.headers.get("www-authenticate")).toBe('Basic realm="kasir callbacks"')
        expect(reply.json.type).toBe("urn:kasir:problem:invalid-callback-credentials")
      }
    })
  )

  it.effect(
    "a callback for a refNumber Ayoconnect does not know is 404; one that is not a result is 400",
    () =>
      Effect.gen(function* () {
        const headers = { authorization: basic(CALLBACK_USER, CALLBACK_PASSWORD) }
        const unknown = yield* send("/callbacks/ayoconnect", {
          apiKey: false,
          headers,
          body: callbackBody("gw-forged-1", 1000)
        })
        expect(unknown.status).toBe(404)
        expect(unknown.json.upstream).toMatchObject({ provider: "ayoconnect", code: "188" })
        const garbage = yield* send("/callbacks/ayoconnect", {
          apiKey: false,
          headers,
          body: { hello: "world" }
        })
        expect(garbage.status).toBe(400)
        expect(garbage.json.type).toBe("urn:kasir:problem:invalid-request")
      })
  )

  it.effect("a signed NICEPAY notification is confirmed with an inquiry and acknowledged 2000000", () =>
    Effect.gen(function* () {
      const registered = yield* send("/v1/nicepay/payouts", {
        body: payoutRequest("gw-notify-1")
      })
      const referenceNo: string = registered.json.originalReferenceNo
      yield* send(`/v1/nicepay/payouts/${referenceNo}/approve`, {
        body: { partnerReferenceNo: "gw-notify-1", beneficiaryAccountNo: "5345000060" }
      })
      const body = {
        originalPartnerReferenceNo: "gw-notify-1",
        originalReferenceNo: referenceNo,
        merchantId: "IONPAYTEST",
        beneficiaryAccountNo: "5345000060",
        amount: { value: "150000.00", currency: "IDR" },
        latestTransactionStatus: "00"
      }
      const reply = yield* notify(body)
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ responseCode: "2000000", responseMessage: "Success" })
      expect(reply.headers.get("x-timestamp")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)
      const { logs, sandbox } = yield* TestGateway
      const event = logs.find((l) => l.annotations.event === "nicepay.payout.confirmed")
      expect(event?.annotations).toMatchObject({
        partnerReferenceNo: "gw-notify-1",
        originalReferenceNo: referenceNo,
        status: "Success",
        amount: 150_000
      })
      const inquiries = (yield* sandbox.requestLog.entries).filter(
        (e) => e.operation === "transfer/inquiry" && e.body.includes(referenceNo)
      )
      expect(inquiries).toHaveLength(1)
    })
  )

  it.effect("a tampered or stale notification is refused 401 4010000, before any inquiry", () =>
    Effect.gen(function* () {
      const { sandbox } = yield* TestGateway
      const before = (yield* sandbox.requestLog.entries).length
      const body = {
        originalPartnerReferenceNo: "gw-x",
        originalReferenceNo: "IONPAYTEST07202401010000001234"
      }
      const now = Date.now()
      const tampered = yield* notify(body, { signedTimestamp: Timestamp.formatWib(now - 1000) })
      const stale = yield* notify(body, { timestamp: Timestamp.formatWib(now - 10 * 60 * 1000) })
      for (const reply of [tampered, stale]) {
        expect(reply.status).toBe(401)
        expect(reply.json).toEqual({ responseCode: "4010000", responseMessage: "Unauthorized Signature" })
      }
      const unsigned = yield* send("/api/v1.0/transfer/notify", { apiKey: false, body })
      expect(unsigned.status).toBe(401)
      expect(unsigned.json.responseCode).toBe("4010000")
      expect((yield* sandbox.requestLog.entries).length).toBe(before)
    })
  )

  it.effect("a correctly signed notification whose body is not JSON is 400 4000000", () =>
    Effect.gen(function* () {
      const { notificationKey } = yield* TestGateway
      const timestamp = Timestamp.formatWib(Date.now())
      const signature = yield* Snap.Signature.tokenSignature({
        clientId: "IONPAYTEST",
        timestamp,
        privateKey: notificationKey
      })
      const reply = yield* send("/api/v1.0/transfer/notify", {
        apiKey: false,
        rawBody: "{not json",
        headers: { "x-timestamp": timestamp, "x-client-key": "IONPAYTEST", "x-signature": signature }
      })
      expect(reply.status).toBe(400)
      expect(reply.json).toEqual({ responseCode: "4000000", responseMessage: "Bad Request" })
    })
  )
})
