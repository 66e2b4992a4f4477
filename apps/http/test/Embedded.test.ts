import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Providers from "../src/Providers.js"
import { layer as gateway, type LogLine, payoutRequest, send, TestGateway } from "./support/Harness.js"

// No provider variables and no callback credentials: both upstreams are the gateway's own embedded
// sandbox, as after `pnpm start` on a fresh clone.
const embedded = Object.fromEntries(
  [
    ...Providers.ayoconnectVariables,
    ...Providers.nicepayVariables,
    "AYOCONNECT_READ_TIMEOUT",
    "NICEPAY_NOTIFICATION_PUBLIC_KEY",
    "KASIR_CALLBACK_USERNAME",
    "KASIR_CALLBACK_PASSWORD"
  ].map((name) => [name, undefined])
)

// Polls the captured log (real time) for the first line `matches` accepts.
const awaitLog = (matches: (line: LogLine) => boolean, timeoutMillis = 20_000) =>
  Effect.gen(function* () {
    const { logs } = yield* TestGateway
    const deadline = Date.now() + timeoutMillis
    while (Date.now() < deadline) {
      const line = logs.find(matches)
      if (line !== undefined) return line
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.die(new Error("no such log line in time"))
  })

const accessLog = (route: string) => (line: LogLine) =>
  line.message === "http request" && line.annotations.route === route

layer(gateway(embedded), { timeout: 60_000, excludeTestServices: true })(
  "embedded sandbox: callbacks and notifications reach the gateway",
  (it) => {
    it.effect("both providers are the embedded sandbox", () =>
      Effect.gen(function* () {
        const reply = yield* send("/ready", { apiKey: false })
        expect(reply.json).toEqual({
          status: "ready",
          providers: { ayoconnect: "sandbox", nicepay: "sandbox" }
        })
        const wired = yield* awaitLog((line) => line.message.startsWith("embedded sandbox:"))
        const { url } = yield* TestGateway
        expect(wired.message).toBe(
          `embedded sandbox: callbacks and notifications are sent to this gateway at ${url}`
        )
      })
    )

    it.effect(
      "a pending payment's callback arrives with the generated Basic credentials and is confirmed",
      () =>
        Effect.gen(function* () {
          const inquiry = yield* send("/v1/ayoconnect/inquiries", {
            body: { accountNumber: "081234567890", productCode: "PLSTSEL10" }
          })
          const payment = yield* send("/v1/ayoconnect/payments", {
            body: {
              inquiryId: inquiry.json.inquiryId,
              accountNumber: "081234567890",
              productCode: "PLSTSEL10",
              amount: inquiry.json.amount,
              refNumber: "embedded-cb-1"
            }
          })
          expect([payment.status, payment.json.state]).toEqual([200, "pending"])
          // The simulator settles it after 5 s and calls back.
          const confirmed = yield* awaitLog(
            (line) => line.annotations.event === "ayoconnect.transaction.confirmed"
          )
          expect(confirmed.annotations).toMatchObject({
            refNumber: "embedded-cb-1",
            state: "succeeded",
            claimedState: "succeeded",
            responseCode: 0
          })
          const delivered = yield* awaitLog(accessLog("/callbacks/ayoconnect"))
          expect(delivered.annotations).toMatchObject({ status: 200, outcome: "ok" })
        })
    )

    it.effect("an approved payout's notification passes the signature check and is acknowledged", () =>
      Effect.gen(function* () {
        const registered = yield* send("/v1/nicepay/payouts", {
          body: payoutRequest("embedded-po-1")
        })
        const referenceNo: string = registered.json.originalReferenceNo
        const approved = yield* send(`/v1/nicepay/payouts/${referenceNo}/approve`, {
          body: { partnerReferenceNo: "embedded-po-1", beneficiaryAccountNo: "5345000060" }
        })
        expect(approved.status).toBe(200)
        const confirmed = yield* awaitLog((line) => line.annotations.event === "nicepay.payout.confirmed")
        expect(confirmed.annotations).toMatchObject({
          partnerReferenceNo: "embedded-po-1",
          originalReferenceNo: referenceNo,
          status: "Success",
          amount: 150_000
        })
        const acknowledged = yield* awaitLog(accessLog("/api/v1.0/transfer/notify"))
        expect(acknowledged.annotations).toMatchObject({ status: 200 })
      })
    )
  }
)
