/**
 * Events out through the gateway, over loopback against the real sandbox: a payment's events in
 * the feed (`GET /v1/events`, paged by cursor), pushed as Standard Webhooks to a real receiver
 * (verified with the `standardwebhooks` reference library), one event with its delivery attempts
 * (`GET /v1/events/{id}`), and `POST /v1/events/{id}/redeliver`.
 */
import { expect, layer } from "@effect/vitest"
import { Webhook as Reference } from "standardwebhooks"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"
import * as PromText from "./support/PromText.js"
import { layer as gateway, send } from "./support/Harness.js"

const secret = `whsec_${Buffer.alloc(32, 11).toString("base64")}`

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}
const received: Array<Received> = []
const server = createServer((request, response) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
    response.writeHead(200).end()
  })
})
await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()))
const hooks = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`

// Waits (bounded by count) until the receiver holds `n` requests.
const receivedAtLeast = (n: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 300 && received.length < n; i++) yield* Effect.sleep("50 millis")
    return received.length
  })

const pay = (refNumber: string) =>
  Effect.gen(function* () {
    const inquiry = yield* send("/v1/ayoconnect/inquiries", {
      body: { accountNumber: "0812345000", productCode: "PPLSIND12" }
    })
    expect(inquiry.status).toBe(200)
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
  })

layer(
  gateway({
    KASIR_WEBHOOK_URL: hooks,
    KASIR_WEBHOOK_SECRET: secret,
    KASIR_WEBHOOK_POLL_INTERVAL: "100 millis"
  }),
  { timeout: 120_000, excludeTestServices: true }
)("events out through the gateway", (it) => {
  it.effect("a payment's events: in the feed, delivered signed, with attempts; redelivered on request", () =>
    Effect.gen(function* () {
      yield* pay("evt-gw-1")
      const feed = yield* send("/v1/events")
      expect(feed.status).toBe(200)
      expect(feed.json.events.map((e: { type: string }) => e.type)).toEqual([
        "ayoconnect.payment.created",
        "ayoconnect.payment.succeeded"
      ])
      const [created, succeeded] = feed.json.events
      expect(succeeded.data.entry).toMatchObject({
        provider: "ayoconnect",
        operation: "payment",
        reference: "evt-gw-1",
        state: "succeeded",
        fields: { accountNumber: "0812345000", productCode: "PPLSIND12" }
      })
      expect(succeeded.data.transition).toEqual({ from: "sending", to: "succeeded", source: "answer" })
      expect(created.data.transition).toEqual({ from: null, to: "sending", source: "request" })
      // The entry is the one GET /v1/transactions shows.
      const listed = yield* send("/v1/transactions")
      expect(listed.json.entries[0]).toEqual(succeeded.data.entry)

      // Paging: one at a time, continuing from the cursor; the end answers the same cursor.
      const first = yield* send("/v1/events?limit=1")
      expect(first.json.events.map((e: { id: string }) => e.id)).toEqual([created.id])
      const second = yield* send(`/v1/events?limit=1&after=${first.json.cursor}`)
      expect(second.json.events.map((e: { id: string }) => e.id)).toEqual([succeeded.id])
      const end = yield* send(`/v1/events?after=${second.json.cursor}`)
      expect(end.json).toEqual({ events: [], cursor: second.json.cursor })

      // Both pushed, each verified by the reference library; the body is the feed's event.
      expect(yield* receivedAtLeast(2)).toBe(2)
      const verified = received.map((r) =>
        new Reference(secret).verify(r.body, r.headers as Record<string, string>)
      )
      expect(verified).toEqual(feed.json.events)
      expect(received.map((r) => r.headers["webhook-id"])).toEqual([created.id, succeeded.id])
      expect(received[0]!.headers["content-type"]).toBe("application/json")

      // The event with its delivery (recorded right after the 2xx: wait for it).
      let detail = yield* send(`/v1/events/${succeeded.id}`)
      for (let i = 0; i < 100 && detail.json.deliveries[0]?.state !== "delivered"; i++) {
        yield* Effect.sleep("50 millis")
        detail = yield* send(`/v1/events/${succeeded.id}`)
      }
      expect(detail.status).toBe(200)
      expect(detail.json.event).toEqual(succeeded)
      expect(detail.json.deliveries).toHaveLength(1)
      const [delivery] = detail.json.deliveries
      expect(delivery).toMatchObject({ url: hooks, state: "delivered", attempts: 1 })
      expect(
        delivery.history.map((a: { attempt: number; outcome: string; status: number }) => [
          a.attempt,
          a.outcome,
          a.status
        ])
      ).toEqual([[1, "delivered", 200]])

      const again = yield* send(`/v1/events/${succeeded.id}/redeliver`, { method: "POST" })
      expect(again.status).toBe(202)
      expect(again.json).toEqual({ requeued: 1 })
      expect(yield* receivedAtLeast(3)).toBe(3)
      expect(received[2]!.headers["webhook-id"]).toBe(succeeded.id)
      expect(received[2]!.body).toBe(received[1]!.body)

      // Metrics: three delivered attempts (once recorded), their lag, no failure.
      const delivered = () =>
        Effect.map(send("/metrics", { apiKey: false }), (scrape) => PromText.parse(scrape.text))
      let families = yield* delivered()
      for (
        let i = 0;
        i < 100 && PromText.value(families, "kasir_webhook_attempts_total", { outcome: "delivered" }) !== 3;
        i++
      ) {
        yield* Effect.sleep("50 millis")
        families = yield* delivered()
      }
      expect(PromText.value(families, "kasir_webhook_attempts_total", { outcome: "delivered" })).toBe(3)
      expect(families.get("kasir_webhook_delivery_lag_seconds")?.type).toBe("histogram")
      expect(PromText.value(families, "kasir_webhook_delivery_lag_seconds_count")).toBe(3)
      expect(families.has("kasir_webhook_failures_total")).toBe(false)
    })
  )

  it.effect("bad cursors, unknown and malformed ids are problems; the routes need the API key", () =>
    Effect.gen(function* () {
      const bad = yield* send("/v1/events?after=bm9wZQ")
      expect(bad.status).toBe(400)
      expect(bad.json).toMatchObject({
        type: "urn:kasir:problem:invalid-request",
        errors: [{ path: "query.after", message: "is not a cursor this ledger issued" }]
      })
      const limit = yield* send("/v1/events?limit=0")
      expect(limit.status).toBe(400)
      const unknown = yield* send("/v1/events/evt_00000000-0000-4000-8000-000000000000")
      expect(unknown.status).toBe(404)
      expect(unknown.json.type).toBe("urn:kasir:problem:not-found")
      const unknownRedeliver = yield* send("/v1/events/evt_00000000-0000-4000-8000-000000000000/redeliver", {
        method: "POST"
      })
      expect(unknownRedeliver.status).toBe(404)
      const malformed = yield* send("/v1/events/42")
      expect(malformed.status).toBe(400)
      expect(malformed.json.errors).toEqual([{ path: "path.id", message: "must be an event id (evt_…)" }])
      expect((yield* send("/v1/events", { apiKey: false })).status).toBe(401)
      expect((yield* send("/v1/events/evt_x/redeliver", { method: "POST", apiKey: false })).status).toBe(401)
    })
  )
})
