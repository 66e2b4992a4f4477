import { generateKeyPairSync } from "node:crypto"
import { Nicepay, Snap, Timestamp } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { K1_PRIVATE_PEM, K1_PUBLIC_PEM } from "../fixtures/keys.js"

const { Notification } = Nicepay

// K1 stands in for NICEPAY's notification key here.
const body = JSON.stringify({
  originalPartnerReferenceNo: "ord-1",
  originalReferenceNo: "IONPAYTEST07202401010000000001",
  merchantId: "IONPAYTEST",
  beneficiaryAccountNo: "5345000060",
  amount: { value: "10000.00", currency: "IDR" },
  latestTransactionStatus: "00"
})

const signed = (timestamp: string, privateKey = K1_PRIVATE_PEM) =>
  Effect.map(
    Snap.Signature.tokenSignature({ clientId: "IONPAYTEST", timestamp, privateKey }),
    (signature) => ({
      headers: { "X-Timestamp": timestamp, "x-client-key": "IONPAYTEST", "X-SIGNATURE": signature },
      rawBody: body
    })
  )

const verify = (received: Nicepay.Notification.Received) =>
  Notification.verify(received, { clientId: "IONPAYTEST", publicKey: K1_PUBLIC_PEM })

const reasonOf = (received: Nicepay.Notification.Received) =>
  Effect.map(Effect.flip(verify(received)), (error) => error.reason)

describe("Nicepay.Notification.verify", () => {
  it.effect("a valid notification is verified and its body read", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2024, 0, 1, 3, 0, 0))
      const received = yield* signed(yield* Timestamp.now)
      const notification = yield* verify({ ...received, rawBody: new TextEncoder().encode(body) })
      expect(notification).toStrictEqual({
        clientId: "IONPAYTEST",
        timestamp: "2024-01-01T10:00:00+07:00",
        partnerReferenceNo: "ord-1",
        originalReferenceNo: "IONPAYTEST07202401010000000001",
        beneficiaryAccountNo: "5345000060",
        amount: 10_000,
        status: "Success",
        body: JSON.parse(body)
      })
    })
  )

  it.effect("tampered timestamp, wrong key, stale, missing header, other client, bad body", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2024, 0, 1, 3, 0, 0))
      const now = yield* Timestamp.now
      const good = yield* signed(now)
      expect(
        yield* reasonOf({ ...good, headers: { ...good.headers, "X-Timestamp": "2024-01-01T10:00:01+07:00" } })
      ).toBe("InvalidSignature")
      const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        type: "pkcs8",
        format: "pem"
      })
      expect(yield* reasonOf(yield* signed(now, otherKey.toString()))).toBe("InvalidSignature")
      expect(yield* reasonOf({ ...good, headers: { ...good.headers, "X-SIGNATURE": "not base64!" } })).toBe(
        "InvalidSignature"
      )
      expect(yield* reasonOf(yield* signed("2024-01-01T09:54:59+07:00"))).toBe("StaleTimestamp")
      expect(yield* reasonOf(yield* signed("2024-01-01T10:05:01+07:00"))).toBe("StaleTimestamp")
      expect((yield* verify(yield* signed("2024-01-01T09:55:00+07:00"))).status).toBe("Success")
      expect(yield* reasonOf(yield* signed("2024-01-01 10:00:00"))).toBe("InvalidTimestamp")
      expect(
        yield* reasonOf({ ...good, headers: { "x-client-key": "IONPAYTEST", "x-timestamp": now } })
      ).toBe("MissingHeader")
      expect(yield* reasonOf({ ...good, headers: { ...good.headers, "x-client-key": "NORMALTEST" } })).toBe(
        "UnknownClient"
      )
      expect(yield* reasonOf({ ...good, rawBody: "{" })).toBe("InvalidBody")
      expect(yield* reasonOf({ ...good, rawBody: '{"originalReferenceNo":"X"}' })).toBe("InvalidBody")
      const error = yield* Effect.flip(
        verify({ ...good, headers: { ...good.headers, "X-Timestamp": "2024-01-01T10:00:01+07:00" } })
      )
      expect(error.kind).toBe("InvalidRequest")
      expect(error.message).not.toContain(good.headers["X-SIGNATURE"])
    })
  )

  it.effect("the tolerance window is configurable", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2024, 0, 1, 3, 0, 0))
      const received = yield* signed("2024-01-01T09:59:00+07:00")
      const strict = Notification.verify(received, {
        clientId: "IONPAYTEST",
        publicKey: K1_PUBLIC_PEM,
        tolerance: "30 seconds"
      })
      expect((yield* Effect.flip(strict)).reason).toBe("StaleTimestamp")
    })
  )

  it.effect("acknowledgement and refusal bodies are NICEPAY's", () =>
    Effect.gen(function* () {
      const ack = yield* Notification.acknowledgement
      expect([ack.status, ack.body]).toStrictEqual([
        200,
        '{"responseCode":"2000000","responseMessage":"Success"}'
      ])
      expect(ack.headers["x-timestamp"]).toBe("1970-01-01T07:00:00+07:00")
      const refusal = yield* Notification.refusal
      expect([refusal.status, refusal.body]).toStrictEqual([
        401,
        '{"responseCode":"4010000","responseMessage":"Unauthorized Signature"}'
      ])
    })
  )
})
