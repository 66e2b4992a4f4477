/**
 * Hostile clients, over real sockets against a real gateway: bodies that are too large (declared
 * or streamed), unauthenticated bodies, JSON too deep or too wide, invalid UTF-8, trickling
 * (slowloris) connections and a connection cap. Each test asserts what the gateway answers and how
 * many bytes it let the client send first, never how fast.
 */
import { expect, layer } from "@effect/vitest"
import { Snap, Timestamp } from "@kasir/core"
import { Effect } from "effect"
import { API_KEY, layer as gateway, send, TestGateway } from "./support/Harness.js"
import { eventually, exchange, trickle } from "./support/Raw.js"

const LIMIT = 65_536
// The kernel's socket buffers take what a client writes before the gateway stops reading: a
// refused streamed body is "stopped" when the client got to send far less than it meant to.
const FAR_LESS = 4 * 1024 * 1024

const deepBody = (depth: number) =>
  `{"accountNumber":"0812345000","productCode":"PPLSIND12","x":${"[".repeat(depth)}${"]".repeat(depth)}}`

const post = (path: string, headers: ReadonlyArray<string>) => [
  `POST ${path} HTTP/1.1`,
  "Host: gateway",
  "Content-Type: application/json",
  ...headers
]

const signedHeaders = Effect.gen(function* () {
  const { notificationKey } = yield* TestGateway
  const timestamp = Timestamp.formatWib(Date.now())
  const signature = yield* Snap.Signature.tokenSignature({
    clientId: "IONPAYTEST",
    timestamp,
    privateKey: notificationKey
  })
  return [`X-TIMESTAMP: ${timestamp}`, "X-CLIENT-KEY: IONPAYTEST", `X-SIGNATURE: ${signature}`]
})

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("body limits", (it) => {
  it.effect("an unsigned notification with a 40 MB body is refused 401 before a body byte is read", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      // The client sends the headers only and waits: the answer must come without the body.
      const reply = yield* Effect.promise(() =>
        exchange(url, post("/api/v1.0/transfer/notify", ["Content-Length: 40000000"]))
      )
      expect(reply.status).toBe(401)
      expect(JSON.parse(reply.body)).toEqual({
        responseCode: "4010000",
        responseMessage: "Unauthorized Signature"
      })
      expect(reply.bodyBytesSent).toBe(0)
    })
  )

  it.effect("a signed notification streaming 40 MB is refused 413 4130000 once it crosses the limit", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      const headers = yield* signedHeaders
      const reply = yield* Effect.promise(() =>
        exchange(url, post("/api/v1.0/transfer/notify", [...headers, "Transfer-Encoding: chunked"]), {
          bodyBytes: 40_000_000,
          chunked: true
        })
      )
      expect(reply.status).toBe(413)
      expect(JSON.parse(reply.body)).toEqual({
        responseCode: "4130000",
        responseMessage: "Payload Too Large"
      })
      expect(reply.bodyBytesSent).toBeGreaterThan(LIMIT)
      expect(reply.bodyBytesSent).toBeLessThan(FAR_LESS)
    })
  )

  it.effect("an authenticated /v1 request declaring 100 MB is refused 413 before a body byte is read", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      const reply = yield* Effect.promise(() =>
        exchange(
          url,
          post("/v1/ayoconnect/inquiries", [`X-API-Key: ${API_KEY}`, "Content-Length: 100000000"])
        )
      )
      expect(reply.status).toBe(413)
      const problem = JSON.parse(reply.body)
      expect(problem.type).toBe("urn:kasir:problem:body-too-large")
      expect(problem.detail).toBe(
        `The request body exceeds the limit of ${LIMIT} bytes (KASIR_MAX_BODY_BYTES).`
      )
      expect(reply.bodyBytesSent).toBe(0)
    })
  )

  it.effect("an authenticated /v1 request streaming 100 MB is refused 413 once it crosses the limit", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      const reply = yield* Effect.promise(() =>
        exchange(
          url,
          post("/v1/ayoconnect/payments", [`X-API-Key: ${API_KEY}`, "Transfer-Encoding: chunked"]),
          {
            bodyBytes: 100_000_000,
            chunked: true
          }
        )
      )
      expect(reply.status).toBe(413)
      expect(JSON.parse(reply.body).type).toBe("urn:kasir:problem:body-too-large")
      expect(reply.bodyBytesSent).toBeGreaterThan(LIMIT)
      expect(reply.bodyBytesSent).toBeLessThan(FAR_LESS)
    })
  )

  it.effect("/v1 and /callbacks without credentials answer 401 before a body byte is read", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      for (const path of ["/v1/ayoconnect/payments", "/callbacks/ayoconnect"]) {
        const reply = yield* Effect.promise(() => exchange(url, post(path, ["Content-Length: 40000000"])))
        expect(reply.status).toBe(401)
        expect(reply.bodyBytesSent).toBe(0)
      }
    })
  )

  it.effect("a body of exactly the limit is read (and then validated)", () =>
    Effect.gen(function* () {
      const padding = "x".repeat(
        LIMIT - JSON.stringify({ accountNumber: "0812345000", productCode: "", p: "" }).length
      )
      const body = JSON.stringify({ accountNumber: "0812345000", productCode: "", p: padding })
      expect(Buffer.byteLength(body)).toBe(LIMIT)
      const reply = yield* send("/v1/ayoconnect/inquiries", { rawBody: body })
      expect(reply.status).toBe(400)
      expect(reply.json.type).toBe("urn:kasir:problem:validation")
    })
  )

  it.effect("JSON nested 30,000 deep (within the byte limit) is a 400 naming the depth limit", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/inquiries", { rawBody: deepBody(30_000) })
      expect(reply.status).toBe(400)
      expect(reply.json.type).toBe("urn:kasir:problem:body-shape")
      expect(reply.json.detail).toBe(
        "The JSON body has nesting deeper than 32 levels (the maximum JSON depth)."
      )
    })
  )

  it.effect(
    "an array of 5,000 elements is a 400 naming the element limit, before anything is sent upstream",
    () =>
      Effect.gen(function* () {
        const reply = yield* send("/v1/ayoconnect/inquiries", {
          rawBody: JSON.stringify({
            accountNumber: "0812345000",
            productCode: "PPLSIND12",
            x: Array.from({ length: 5_000 }, () => 0)
          })
        })
        expect(reply.status).toBe(400)
        expect(reply.json.type).toBe("urn:kasir:problem:body-shape")
        expect(reply.json.detail).toBe(
          "The JSON body has more than 1000 elements in one array or object (the maximum JSON element count)."
        )
      })
  )

  it.effect("bytes 0xFF 0xFE in accountNumber are a 400, never replaced by U+FFFD", () =>
    Effect.gen(function* () {
      const { url } = yield* TestGateway
      const body = Buffer.concat([
        Buffer.from('{"accountNumber":"0812'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('","productCode":"PPLSIND12"}')
      ])
      const response = yield* Effect.promise(() =>
        fetch(`${url}/v1/ayoconnect/inquiries`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": API_KEY },
          body
        }).then(async (r) => ({
          status: r.status,
          json: (await r.json()) as { type: string; detail: string }
        }))
      )
      expect(response.status).toBe(400)
      expect(response.json.type).toBe("urn:kasir:problem:invalid-utf8")
      expect(response.json.detail).toBe("The request body is not valid UTF-8.")
    })
  )
})

layer(
  gateway({
    KASIR_HEADERS_TIMEOUT: "1 second",
    KASIR_REQUEST_TIMEOUT: "2 seconds",
    KASIR_MAX_BODY_BYTES: "1000000"
  }),
  { timeout: 60_000, excludeTestServices: true }
)("server timeouts, a larger body limit", (it) => {
  it.effect("JSON nested 100,000 deep is a 400 naming the depth limit, not a stack overflow", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/payments", { rawBody: deepBody(100_000) })
      expect(reply.status).toBe(400)
      expect(reply.json.detail).toBe(
        "The JSON body has nesting deeper than 32 levels (the maximum JSON depth)."
      )
    })
  )

  it.effect(
    "64 trickling connections are closed after the header timeout; legitimate requests are answered meanwhile",
    () =>
      Effect.gen(function* () {
        const { url } = yield* TestGateway
        const slow = Array.from({ length: 64 }, () => trickle(url, 100))
        // While they are held open, real requests are answered.
        for (let i = 0; i < 5; i++) {
          const health = yield* send("/health", { apiKey: false })
          expect(health.status).toBe(200)
        }
        const balance = yield* send("/v1/nicepay/balance")
        expect(balance.status).toBe(200)
        // Node's own default (60 s) would keep them for the whole poll (at most 15 s).
        const allClosed = yield* Effect.promise(() => eventually(() => slow.every((c) => c.closed()), 150))
        expect(allClosed).toBe(true)
      })
  )
})

layer(gateway({ KASIR_MAX_CONNECTIONS: "4" }), { timeout: 60_000, excludeTestServices: true })(
  "connection cap",
  (it) => {
    it.effect("a connection beyond KASIR_MAX_CONNECTIONS is closed at once; the held ones still work", () =>
      Effect.gen(function* () {
        const { url } = yield* TestGateway
        const held = Array.from({ length: 4 }, () => trickle(url, 60_000))
        yield* Effect.promise(() => eventually(() => held.every((c) => c.socket.readyState === "open"), 50))
        const extra = trickle(url, 60_000)
        const extraClosed = yield* Effect.promise(() => eventually(() => extra.closed(), 50))
        expect(extraClosed).toBe(true)
        expect(held.some((c) => c.closed())).toBe(false)
        for (const c of held) c.socket.destroy()
        yield* Effect.promise(() => eventually(() => held.every((c) => c.closed()), 50))
        const health = yield* send("/health", { apiKey: false })
        expect(health.status).toBe(200)
      })
    )
  }
)
