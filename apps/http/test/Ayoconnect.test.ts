import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { layer as gateway, send, TestGateway } from "./support/Harness.js"

// Scenario suffixes of the Ayoconnect simulator: the account number's last digits pick the outcome.
const account = (suffix: string) => `0812345${suffix}`

const inquire = (accountNumber: string, productCode = "PPLSIND12") =>
  send("/v1/ayoconnect/inquiries", { body: { accountNumber, productCode } })

const pay = (accountNumber: string, refNumber: string) =>
  Effect.gen(function* () {
    const inquiry = yield* inquire(accountNumber)
    expect(inquiry.status).toBe(200)
    return yield* send("/v1/ayoconnect/payments", {
      body: {
        inquiryId: inquiry.json.inquiryId,
        accountNumber,
        productCode: "PPLSIND12",
        amount: inquiry.json.amount,
        refNumber
      }
    })
  })

const balance = Effect.map(send("/v1/ayoconnect/balance"), (reply) => reply.json.balance as number)

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("ayoconnect routes", (it) => {
  it.effect("products lists the catalogue", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/products")
      expect(reply.status).toBe(200)
      expect(reply.json.products.length).toBeGreaterThan(0)
      expect(reply.json.products.find((p: { code: string }) => p.code === "PPLSIND12")).toMatchObject({
        code: "PPLSIND12",
        active: true
      })
    })
  )

  it.effect(
    "inquiry then payment succeeds; the same refNumber again is answered from the ledger, charged once",
    () =>
      Effect.gen(function* () {
        const before = yield* balance
        const first = yield* pay(account("000"), "ref-gw-success-1")
        expect(first.status).toBe(200)
        expect(first.json).toMatchObject({
          refNumber: "ref-gw-success-1",
          state: "succeeded",
          responseCode: 0
        })
        const afterFirst = yield* balance
        expect(afterFirst).toBe(before - first.json.transaction.amount)

        const again = yield* pay(account("000"), "ref-gw-success-1")
        expect(again.status).toBe(200)
        expect(again.headers.get("idempotent-replayed")).toBe("true")
        expect(again.json).toMatchObject({
          refNumber: "ref-gw-success-1",
          state: "succeeded",
          responseCode: 0
        })
        expect(yield* balance).toBe(afterFirst)

        const status = yield* send("/v1/ayoconnect/payments/ref-gw-success-1")
        expect(status.status).toBe(200)
        expect(status.json).toMatchObject({
          refNumber: "ref-gw-success-1",
          state: "succeeded",
          responseCode: 0
        })

        const { sandbox } = yield* TestGateway
        const payments = (yield* sandbox.requestLog.entries).filter(
          (e) => e.operation === "bill/payment" && e.body.includes("ref-gw-success-1")
        )
        expect(payments.map((e) => e.responseCode)).toEqual(["0"])
      })
  )

  it.effect(
    "a refNumber reused for a different account is 409 idempotency-key-reused, not the first payment",
    () =>
      Effect.gen(function* () {
        const first = yield* pay("0812345000", "ref-gw-reuse-1")
        expect(first.status).toBe(200)
        expect(first.json).toMatchObject({ state: "succeeded", transaction: { accountNumber: "0812345000" } })
        const afterFirst = yield* balance

        const other = yield* pay("0812399000", "ref-gw-reuse-1")
        expect(other.status).toBe(409)
        expect(other.headers.get("content-type")).toBe("application/problem+json")
        expect(other.json).toMatchObject({
          type: "urn:kasir:problem:idempotency-key-reused",
          status: 409,
          kind: "InvalidRequest",
          instance: "/v1/ayoconnect/payments",
          upstream: { provider: "ayoconnect", operation: "ayoconnect.payment" }
        })
        expect(other.json.errors).toEqual([
          {
            path: "body.accountNumber",
            message: "differs from the payment already made with refNumber ref-gw-reuse-1"
          }
        ])
        expect(other.json.detail).toContain("ref-gw-reuse-1")
        expect(other.text).not.toContain("0812345000")
        expect(other.json.transaction).toBeUndefined()
        expect(yield* balance).toBe(afterFirst)

        const { sandbox } = yield* TestGateway
        const entries = yield* sandbox.requestLog.entries
        const payments = entries.filter(
          (e) => e.operation === "bill/payment" && e.body.includes("ref-gw-reuse-1")
        )
        expect(payments.map((e) => e.responseCode)).toEqual(["0"])
        // Refused from the ledger's fingerprint: nothing sent, nothing read.
        const statuses = entries.filter(
          (e) => e.operation === "bill/status" && e.body.includes("ref-gw-reuse-1")
        )
        expect(statuses).toHaveLength(0)

        // The original request, repeated, is still answered with its payment.
        const again = yield* pay("0812345000", "ref-gw-reuse-1")
        expect(again.status).toBe(200)
        expect(again.json).toMatchObject({ refNumber: "ref-gw-reuse-1", state: "succeeded" })
      })
  )

  it.effect("a refNumber reused for another product and amount names both fields in the 409", () =>
    Effect.gen(function* () {
      const first = yield* pay("0812345000", "ref-gw-reuse-2")
      expect(first.status).toBe(200)
      const inquiry = yield* inquire("0812345000", "PLSTSEL10")
      expect(inquiry.status).toBe(200)
      expect(inquiry.json.amount).not.toBe(first.json.transaction.amount)
      const other = yield* send("/v1/ayoconnect/payments", {
        body: {
          inquiryId: inquiry.json.inquiryId,
          accountNumber: "0812345000",
          productCode: "PLSTSEL10",
          amount: inquiry.json.amount,
          refNumber: "ref-gw-reuse-2"
        }
      })
      expect(other.status).toBe(409)
      expect(other.json.type).toBe("urn:kasir:problem:idempotency-key-reused")
      expect(other.json.errors.map((e: { path: string }) => e.path)).toEqual([
        "body.amount",
        "body.productCode"
      ])
    })
  )

  it.effect(
    "188 right after an unclear payment outcome is 202 with a Location, not 'nothing was charged'",
    () =>
      Effect.gen(function* () {
        const { sandbox } = yield* TestGateway
        // 602: an HTML 502 from a proxy; 603: the connection reset once the request was sent.
        // Neither reached Ayoconnect's ledger here, but the gateway cannot know that.
        for (const [suffix, refNumber] of [
          ["602", "ref-gw-188-html"],
          ["603", "ref-gw-188-reset"]
        ] as const) {
          const before = yield* balance
          const reply = yield* pay(account(suffix), refNumber)
          expect(reply.status).toBe(202)
          expect(reply.headers.get("location")).toBe(`/v1/ayoconnect/payments/${refNumber}`)
          expect(reply.json).toMatchObject({
            type: "urn:kasir:problem:outcome-unknown",
            status: 202,
            kind: "OutcomeUnknown",
            location: `/v1/ayoconnect/payments/${refNumber}`
          })
          expect(reply.json.detail).toContain("150 s")
          expect(reply.json.detail).not.toContain("Sending the same request again is safe")
          const entries = yield* sandbox.requestLog.entries
          expect(
            entries.filter((e) => e.operation === "bill/payment" && e.body.includes(refNumber))
          ).toHaveLength(1)
          expect(
            entries
              .filter((e) => e.operation === "bill/status" && e.body.includes(refNumber))
              .map((e) => e.responseCode)
          ).toEqual(["188"])
          expect(yield* balance).toBe(before)
          // Polling shows what Ayoconnect knows: still no such transaction.
          const poll = yield* send(reply.headers.get("location")!)
          expect(poll.status).toBe(404)
          expect(poll.json.upstream.code).toBe("188")
        }
      })
  )

  it.effect("an unknown refNumber is a 404 problem carrying Ayoconnect's code 188", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/payments/never-paid-1")
      expect(reply.status).toBe(404)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:not-found",
        status: 404,
        kind: "Declined",
        upstream: { provider: "ayoconnect", operation: "ayoconnect.status", code: "188" }
      })
    })
  )

  it.effect("a declined payment is 422 with the upstream code and both messages", () =>
    Effect.gen(function* () {
      const reply = yield* pay(account("103"), "ref-gw-declined-1")
      expect(reply.status).toBe(422)
      expect(reply.headers.get("content-type")).toBe("application/problem+json")
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:declined",
        title: "Declined by the upstream",
        status: 422,
        kind: "Declined",
        instance: "/v1/ayoconnect/payments",
        upstream: { provider: "ayoconnect", operation: "ayoconnect.payment", code: "103" }
      })
      expect(reply.json.upstream.message).toMatch(/\S/)
      expect(reply.json.upstream.messageId).toMatch(/\S/)
      // The failed payment's status is readable, and says why.
      const status = yield* send("/v1/ayoconnect/payments/ref-gw-declined-1")
      expect(status.status).toBe(200)
      expect(status.json).toMatchObject({ state: "failed", responseCode: 103, reason: "WrongAccountNumber" })
    })
  )

  it.effect("a declined inquiry is 422 with its code", () =>
    Effect.gen(function* () {
      const reply = yield* inquire(account("304"))
      expect(reply.status).toBe(422)
      expect(reply.json.upstream).toMatchObject({
        provider: "ayoconnect",
        operation: "ayoconnect.inquiry",
        code: "304"
      })
    })
  )

  it.effect("an upstream answering a proxy's HTML 502 is a 502 problem", () =>
    Effect.gen(function* () {
      const reply = yield* inquire(account("502"))
      expect(reply.status).toBe(502)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:upstream-unavailable",
        status: 502,
        kind: "Unavailable",
        upstream: { provider: "ayoconnect", operation: "ayoconnect.inquiry" }
      })
    })
  )

  it.effect("an upstream that stalls past the read timeout is a 504 problem", () =>
    Effect.gen(function* () {
      const reply = yield* inquire(account("507"))
      expect(reply.status).toBe(504)
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:upstream-timeout",
        status: 504,
        kind: "Timeout"
      })
    })
  )

  it.effect("a payment whose answer is lost is resolved with a status call, not resent", () =>
    Effect.gen(function* () {
      const reply = yield* pay(account("604"), "ref-gw-reset-1")
      expect(reply.status).toBe(200)
      expect(reply.json.refNumber).toBe("ref-gw-reset-1")
      const { sandbox, logs } = yield* TestGateway
      const payments = (yield* sandbox.requestLog.entries).filter(
        (e) => e.operation === "bill/payment" && e.body.includes("ref-gw-reset-1")
      )
      expect(payments).toHaveLength(1)
      const line = logs.find(
        (l) => l.message === "http request" && l.annotations.requestId === reply.headers.get("x-request-id")
      )
      // The status read happens inside the ledger's payment flow (recorded as status_read).
      expect(line?.annotations.operations).toEqual(["ayoconnect.payment"])
      const entry = (yield* send("/v1/transactions?provider=ayoconnect")).json.entries.find(
        (e: { reference: string }) => e.reference === "ref-gw-reset-1"
      )
      expect(entry.state).toBe(reply.json.state)
    })
  )

  it.effect("when the status cannot be read either, the answer is 202 with a Location to poll", () =>
    Effect.gen(function* () {
      const { sandbox } = yield* TestGateway
      yield* sandbox.faults.inject({
        upstream: "ayoconnect",
        operation: "bill/status",
        fault: "html-502",
        times: 10
      })
      const reply = yield* pay(account("604"), "ref-gw-unknown-1")
      yield* sandbox.faults.clear
      expect(reply.status).toBe(202)
      expect(reply.headers.get("location")).toBe("/v1/ayoconnect/payments/ref-gw-unknown-1")
      expect(reply.json).toMatchObject({
        type: "urn:kasir:problem:outcome-unknown",
        status: 202,
        kind: "OutcomeUnknown",
        location: "/v1/ayoconnect/payments/ref-gw-unknown-1"
      })
      const poll = yield* send(reply.headers.get("location")!)
      expect(poll.status).toBe(200)
      expect(poll.json.refNumber).toBe("ref-gw-unknown-1")
    })
  )
})

const paymentBody = (refNumber: string, extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const inquiry = yield* send("/v1/ayoconnect/inquiries", {
      body: { accountNumber: "0812345000", productCode: "PPLSIND12" }
    })
    return {
      inquiryId: inquiry.json.inquiryId,
      accountNumber: "0812345000",
      productCode: "PPLSIND12",
      amount: inquiry.json.amount,
      refNumber,
      ...extra
    }
  })

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("callback destinations", (it) => {
  it.effect(
    "callbackUrls from a caller are refused 400 (loopback, metadata or any other); nothing is paid",
    () =>
      Effect.gen(function* () {
        const { sandbox } = yield* TestGateway
        for (const url of [
          "http://127.0.0.1:18090/hook",
          "http://169.254.169.254/latest",
          "https://hooks.example.com/x"
        ]) {
          const reply = yield* send("/v1/ayoconnect/payments", {
            body: yield* paymentBody("gw-cb-refused", { callbackUrls: [url] })
          })
          expect(reply.status).toBe(400)
          expect(reply.json.errors).toEqual([
            {
              path: "body.callbackUrls",
              message:
                "is not accepted: the gateway receives Ayoconnect's callbacks itself (at KASIR_PUBLIC_URL/callbacks/ayoconnect)"
            }
          ])
        }
        const payments = (yield* sandbox.requestLog.entries).filter((e) => e.body.includes("gw-cb-refused"))
        expect(payments.filter((e) => !e.operation.includes("check"))).toEqual([])
      })
  )
})

layer(gateway({ KASIR_PUBLIC_URL: "https://pay.example.com/" }), {
  timeout: 60_000,
  excludeTestServices: true
})("KASIR_PUBLIC_URL", (it) => {
  it.effect("every payment names the gateway's own callback URL", () =>
    Effect.gen(function* () {
      const { sandbox } = yield* TestGateway
      const reply = yield* send("/v1/ayoconnect/payments", { body: yield* paymentBody("gw-cb-public") })
      expect(reply.status).toBe(200)
      const [payment] = (yield* sandbox.requestLog.entries).filter(
        (e) => e.body.includes("gw-cb-public") && e.operation.includes("payment")
      )
      expect(JSON.parse(payment!.body).callbackUrls).toEqual(["https://pay.example.com/callbacks/ayoconnect"])
    })
  )
})
