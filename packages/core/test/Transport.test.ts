// The lean transport over real loopback sockets: exact bytes out, abort on interruption, the
// deadline inside the transport (live clock and TestClock), the `sent` flag, the generic
// HttpClient face, and spans decided when the layer is built.
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { Transport, Upstream } from "@kasir/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Duration, Effect, Fiber, Layer, TestClock, Tracer } from "effect"

interface Seen {
  readonly url: string
  readonly method: string
  readonly headers: IncomingMessage["headers"]
  readonly body: Buffer
}

let server: Server
let base = ""
const seen: Array<Seen> = []
// Requests the server saw close before it answered them (the client went away).
const closedEarly: Array<string> = []
let arrived = 0

beforeAll(async () => {
  server = createServer((request, response) => {
    arrived += 1
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      seen.push({
        url: request.url ?? "",
        method: request.method ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks)
      })
      response.on("close", () => {
        if (!response.writableFinished) closedEarly.push(request.url ?? "")
      })
      if (request.url === "/echo") {
        response
          .writeHead(200, { "content-type": "application/json", "x-echo": "1" })
          .end(Buffer.concat(chunks))
      } else if (request.url === "/hang") {
        // Never answers.
      } else if (request.url === "/stall") {
        response.writeHead(200, { "content-type": "application/json" })
        response.write('{"half":')
      } else if (request.url === "/reset") {
        request.socket.destroy()
      } else if (request.url === "/empty") {
        response.writeHead(204).end()
      } else {
        response.writeHead(404, { "content-type": "text/plain" }).end("no such route")
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

// Waits (in real time, whatever the Effect clock) until `condition` holds; at most 200 × 10 ms.
const until = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    return condition()
  })

const labels = (operation: string, timeout: Duration.DurationInput = "2 seconds") => ({
  upstream: "test",
  operation,
  timeout
})

const exchange = (request: HttpClientRequest.HttpClientRequest, timeout?: Duration.DurationInput) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    Upstream.exchange(Upstream.prepareClient(client), request, labels(request.url.split("/").pop()!, timeout))
  )

describe("Transport", () => {
  it.live("sends the exact bytes of the body, with its content type and length", () =>
    Effect.gen(function* () {
      // Spacing, key order and non-ASCII survive: nothing re-serialises the body.
      const raw = '{ "b":1,  "a":"Rp 10.000 — ü",\n"z":[ ] }'
      const response = yield* exchange(
        HttpClientRequest.post(`${base}/echo`).pipe(
          HttpClientRequest.setHeaders({ "X-SIGNATURE": "sig", "X-Partner-Id": "p1" }),
          HttpClientRequest.bodyText(raw, "application/json")
        )
      )
      const request = seen.at(-1)!
      expect(request.method).toBe("POST")
      expect(request.body.equals(Buffer.from(raw, "utf8"))).toBe(true)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.headers["content-length"]).toBe(String(Buffer.byteLength(raw)))
      expect(request.headers["x-signature"]).toBe("sig")
      expect(request.headers["x-partner-id"]).toBe("p1")
      expect(request.headers.traceparent).toBeUndefined()
      expect(request.headers.b3).toBeUndefined()
      expect(response.status).toBe(200)
      expect(response.body).toBe(raw)
      expect(response.headers["x-echo"]).toBe("1")
      expect(response.headers["content-type"]).toBe("application/json")
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("a non-2xx answer and an empty answer are responses", () =>
    Effect.gen(function* () {
      const missing = yield* exchange(HttpClientRequest.get(`${base}/missing`))
      expect([missing.status, missing.body]).toStrictEqual([404, "no such route"])
      const empty = yield* exchange(HttpClientRequest.get(`${base}/empty`))
      expect([empty.status, empty.body]).toStrictEqual([204, ""])
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("interrupting an exchange aborts the request: the server sees the connection close", () =>
    Effect.gen(function* () {
      const before = arrived
      const fiber = yield* Effect.fork(exchange(HttpClientRequest.get(`${base}/hang`)))
      expect(yield* until(() => arrived === before + 1)).toBe(true)
      yield* Fiber.interrupt(fiber)
      expect(yield* until(() => closedEarly.includes("/hang"))).toBe(true)
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("a body that stalls half-way hits the deadline, and the request is closed", () =>
    Effect.gen(function* () {
      const closedBefore = closedEarly.filter((url) => url === "/stall").length
      const error = yield* Effect.flip(exchange(HttpClientRequest.get(`${base}/stall`), "300 millis"))
      expect(error).toStrictEqual(
        new Upstream.UpstreamTimeout({ upstream: "test", operation: "stall", timeoutMillis: 300 })
      )
      expect(
        yield* until(() => closedEarly.filter((url) => url === "/stall").length === closedBefore + 1)
      ).toBe(true)
    }).pipe(Effect.provide(Transport.layer))
  )

  it.scoped("under TestClock the deadline follows the test clock", () =>
    Effect.gen(function* () {
      const before = arrived
      const fiber = yield* Effect.fork(exchange(HttpClientRequest.get(`${base}/stall`), "30 seconds"))
      expect(yield* until(() => arrived === before + 1)).toBe(true)
      yield* TestClock.adjust("29999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toStrictEqual(
        new Upstream.UpstreamTimeout({ upstream: "test", operation: "stall", timeoutMillis: 30000 })
      )
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("a reset after sending is unavailable with sent = true", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(exchange(HttpClientRequest.post(`${base}/reset`)))
      expect(error._tag).toBe("UpstreamUnavailable")
      expect(error._tag === "UpstreamUnavailable" && error.sent).toBe(true)
      expect(error._tag === "UpstreamUnavailable" && error.reason).toBe("Transport UND_ERR_SOCKET")
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("a refused connection is unavailable with sent = false", () =>
    Effect.gen(function* () {
      // Port 1 on loopback: nothing listens there, so the connection is refused.
      const error = yield* Effect.flip(exchange(HttpClientRequest.post("http://127.0.0.1:1/refused")))
      expect(error).toStrictEqual(
        new Upstream.UpstreamUnavailable({
          upstream: "test",
          operation: "refused",
          reason: "Transport ECONNREFUSED",
          sent: false
        })
      )
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("an invalid URL and an unsupported body are never sent", () =>
    Effect.gen(function* () {
      const invalid = yield* Effect.flip(exchange(HttpClientRequest.get("not a url")))
      expect(invalid._tag === "UpstreamUnavailable" && [invalid.reason, invalid.sent]).toStrictEqual([
        "RequestError InvalidUrl",
        false
      ])
      const before = arrived
      const form = yield* Effect.flip(
        exchange(
          HttpClientRequest.post(`${base}/echo`).pipe(
            HttpClientRequest.setBody(HttpBody.formData(new FormData()))
          )
        )
      )
      expect(form._tag === "UpstreamUnavailable" && [form.reason, form.sent]).toStrictEqual([
        "RequestError Encode",
        false
      ])
      expect(arrived).toBe(before)
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("is an ordinary HttpClient too: execute, json, status errors", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      expect(Transport.isTransport(client)).toBe(true)
      const response = yield* client.execute(
        HttpClientRequest.post(`${base}/echo`).pipe(HttpClientRequest.bodyText('{"n":1}', "application/json"))
      )
      expect(response.status).toBe(200)
      expect(response.headers["x-echo"]).toBe("1")
      expect(yield* response.json).toStrictEqual({ n: 1 })
      const failing = yield* Effect.flip(HttpClient.filterStatusOk(client).get(`${base}/missing`))
      expect(failing._tag).toBe("ResponseError")
      // A wrapped client is an ordinary client: the exchange falls back to `Effect.timeoutFail`.
      const wrapped = HttpClient.mapRequest(client, HttpClientRequest.setHeader("x-extra", "1"))
      expect(Transport.isTransport(wrapped)).toBe(false)
      const error = yield* Effect.flip(
        Upstream.exchange(wrapped, HttpClientRequest.get(`${base}/stall`), labels("stall", "200 millis"))
      )
      expect(error._tag).toBe("UpstreamTimeout")
    }).pipe(Effect.provide(Transport.layer))
  )

  it.live("records an HTTP span with redacted secrets only when built with a tracer", () =>
    Effect.gen(function* () {
      const names: Array<string> = []
      const attributes: Array<[string, unknown]> = []
      const native = yield* Effect.tracer
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          const span = native.span(name, parent, context, links, startTime, kind, options)
          names.push(name)
          const attribute = span.attribute.bind(span)
          span.attribute = (key, value) => {
            attributes.push([key, value])
            attribute(key, value)
          }
          return span
        },
        context: native.context
      })
      const request = HttpClientRequest.post(`${base}/echo`).pipe(
        HttpClientRequest.setHeaders({ TOKEN: "secret-token", "X-SIGNATURE": "secret-sig" }),
        HttpClientRequest.bodyText("{}", "application/json")
      )
      // Built without a tracer: untraced, even when the call runs under one.
      yield* exchange(request).pipe(Effect.withTracer(recording), Effect.provide(Transport.layer))
      expect(names).toStrictEqual([])
      // Built with a tracer: the span is there, secrets redacted.
      yield* Effect.scoped(
        Effect.flatMap(Layer.build(Transport.layer), (context) => Effect.provide(exchange(request), context))
      ).pipe(Effect.withTracer(recording))
      expect(names).toStrictEqual(["http.client POST"])
      const recorded = Object.fromEntries(attributes)
      expect(recorded["http.request.header.token"]).toBe("<redacted>")
      expect(recorded["http.request.header.x-signature"]).toBe("<redacted>")
      expect(recorded["http.response.status_code"]).toBe(200)
      expect(recorded["url.path"]).toBe("/echo")
      expect(JSON.stringify(attributes).includes("secret-")).toBe(false)
    })
  )
})
