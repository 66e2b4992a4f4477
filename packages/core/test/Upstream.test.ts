import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Upstream } from "@kasir/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Duration, Effect, Ref } from "effect"
import { HttpClient } from "@effect/platform"

// A tiny loopback server with one route per behaviour the exchange must handle.
let server: Server
let base = ""
let hits = 0

beforeAll(async () => {
  server = createServer((request, response) => {
    hits += 1
    if (request.url === "/ok") {
      response.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}')
    } else if (request.url === "/stall") {
      response.writeHead(200, { "content-type": "application/json" })
      response.write('{"half":')
    } else if (request.url === "/reset") {
      request.socket.destroy()
    } else {
      response.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>")
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const exchange = (path: string, timeout: Duration.DurationInput = "2 seconds") =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    Upstream.exchange(Upstream.prepareClient(client), HttpClientRequest.get(`${base}${path}`), {
      upstream: "test",
      operation: path.slice(1),
      timeout
    })
  )

describe("Upstream.exchange", () => {
  it.live("returns status and the whole body", () =>
    Effect.gen(function* () {
      const response = yield* exchange("/ok")
      expect(response.status).toBe(201)
      expect(response.body).toBe('{"ok":true}')
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.live("a non-2xx answer is still a response (the caller classifies it)", () =>
    Effect.gen(function* () {
      const response = yield* exchange("/html")
      expect(response.status).toBe(502)
      expect(response.body).toBe("<html>bad gateway</html>")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.live("a body that stalls half-way is a timeout within the per-attempt deadline", () =>
    Effect.gen(function* () {
      const started = Date.now()
      const error = yield* Effect.flip(exchange("/stall", "300 millis"))
      const elapsed = Date.now() - started
      expect(error).toStrictEqual(
        new Upstream.UpstreamTimeout({ upstream: "test", operation: "stall", timeoutMillis: 300 })
      )
      expect(error.kind).toBe("Timeout")
      // A lower bound only: the error names the 300 ms deadline that applied; how soon after it
      // the machine got to run the timeout is not behaviour.
      expect(elapsed).toBeGreaterThanOrEqual(290)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.live("a reset after sending is unavailable with sent = true", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(exchange("/reset"))
      expect(error._tag).toBe("UpstreamUnavailable")
      expect(error._tag === "UpstreamUnavailable" && error.sent).toBe(true)
      expect(error.kind).toBe("Unavailable")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.live("a refused connection is unavailable with sent = false", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      // Port 1 on loopback: nothing listens there, so the connection is refused.
      const error = yield* Effect.flip(
        Upstream.exchange(client, HttpClientRequest.get("http://127.0.0.1:1/x"), {
          upstream: "test",
          operation: "refused",
          timeout: "2 seconds"
        })
      )
      expect(error._tag).toBe("UpstreamUnavailable")
      expect(error._tag === "UpstreamUnavailable" && error.sent).toBe(false)
      expect(error._tag === "UpstreamUnavailable" && error.reason).toBe("Transport ECONNREFUSED")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("Upstream.retryReads", () => {
  it.live("re-runs the whole effect on transient errors, up to the policy's bound", () =>
    Effect.gen(function* () {
      const before = hits
      const attempts = yield* Ref.make(0)
      const error = yield* Effect.flip(
        Ref.update(attempts, (n) => n + 1).pipe(
          Effect.zipRight(exchange("/reset")),
          Upstream.retryReads<Upstream.TransportError>(
            { retries: 2, baseDelay: "10 millis", maxDelay: "50 millis" },
            Upstream.isTransportError
          )
        )
      )
      expect(error._tag).toBe("UpstreamUnavailable")
      expect(yield* Ref.get(attempts)).toBe(3)
      expect(hits - before).toBe(3)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.live("does not retry errors the caller calls permanent, nor with retries = 0", () =>
    Effect.gen(function* () {
      const attempts = yield* Ref.make(0)
      const once = Ref.update(attempts, (n) => n + 1).pipe(Effect.zipRight(exchange("/reset")))
      yield* Effect.flip(once.pipe(Upstream.retryReads(Upstream.defaultRetryPolicy, () => false)))
      yield* Effect.flip(
        once.pipe(Upstream.retryReads({ ...Upstream.defaultRetryPolicy, retries: 0 }, () => true))
      )
      expect(yield* Ref.get(attempts)).toBe(2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
