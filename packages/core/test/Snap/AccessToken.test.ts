import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Snap } from "@kasir/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Redacted, TestClock } from "effect"
import { IONPAYTEST_CLIENT_SECRET, K1_PRIVATE_PEM } from "../fixtures/keys.js"

const { AccessToken } = Snap

// A token source that counts its calls and can be held open.
const source = (expiresInSeconds = 900) => {
  let calls = 0
  const fetch = Effect.suspend(() => {
    calls += 1
    return Effect.succeed({ accessToken: Redacted.make(`token-${calls}`), expiresInSeconds })
  })
  return { fetch, calls: () => calls }
}

const value = <E, R>(effect: Effect.Effect<Redacted.Redacted<string>, E, R>) =>
  Effect.map(effect, Redacted.value)

describe("Snap.AccessToken cache", () => {
  it.scoped("single flight: 200 concurrent callers on a cold cache share one fetch", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache()
      const gate = yield* Deferred.make<void>()
      let calls = 0
      const fetch = Effect.zipRight(
        Deferred.await(gate),
        Effect.sync(() => {
          calls += 1
          return { accessToken: Redacted.make("t"), expiresInSeconds: 900 }
        })
      )
      const fibers = yield* Effect.forEach(Array.from({ length: 200 }), () =>
        Effect.fork(value(cache.get("k", fetch)))
      )
      yield* Deferred.succeed(gate, undefined)
      const tokens = yield* Fiber.joinAll(fibers)
      expect(tokens.every((t) => t === "t")).toBe(true)
      expect(calls).toBe(1)
    })
  )

  it.scoped("refreshes `margin` before expiry (default 60 s) and keys are independent", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache()
      const a = source()
      const b = source()
      expect(yield* value(cache.get("a", a.fetch))).toBe("token-1")
      expect(yield* value(cache.get("b", b.fetch))).toBe("token-1")
      yield* TestClock.adjust("839999 millis")
      expect(yield* value(cache.get("a", a.fetch))).toBe("token-1")
      yield* TestClock.adjust("1 millis")
      expect(yield* value(cache.get("a", a.fetch))).toBe("token-2")
      expect([a.calls(), b.calls()]).toStrictEqual([2, 1])
    })
  )

  it.scoped("a token living less than twice the margin is replaced at half its life", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache({ refreshMargin: "60 seconds" })
      const short = source(30)
      yield* cache.get("k", short.fetch)
      yield* TestClock.adjust("14 seconds")
      yield* cache.get("k", short.fetch)
      expect(short.calls()).toBe(1)
      yield* TestClock.adjust("1 second")
      yield* cache.get("k", short.fetch)
      expect(short.calls()).toBe(2)
    })
  )

  it.scoped("invalidate drops only the token that was rejected", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache()
      const s = source()
      const first = yield* cache.get("k", s.fetch)
      yield* cache.invalidate("k", first)
      const second = yield* cache.get("k", s.fetch)
      expect(Redacted.value(second)).toBe("token-2")
      // A late invalidation of the old token must not drop the fresh one.
      yield* cache.invalidate("k", first)
      expect(yield* value(cache.get("k", s.fetch))).toBe("token-2")
      expect(s.calls()).toBe(2)
    })
  )

  it.scoped("a failed fetch fails every waiter and the next call fetches again", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache()
      let calls = 0
      const flaky = Effect.suspend(() => {
        calls += 1
        return calls === 1
          ? Effect.fail("down" as const)
          : Effect.succeed({ accessToken: Redacted.make("ok"), expiresInSeconds: 900 })
      })
      const results = yield* Effect.all(
        Array.from({ length: 5 }, () => Effect.either(cache.get("k", flaky))),
        { concurrency: "unbounded" }
      )
      expect(results.every((r) => r._tag === "Left" && r.left === "down")).toBe(true)
      expect(yield* value(cache.get("k", flaky))).toBe("ok")
      expect(calls).toBe(2)
    })
  )

  it.scoped("interrupting the caller that started a fetch does not strand the others", () =>
    Effect.gen(function* () {
      const cache = yield* AccessToken.makeCache()
      const gate = yield* Deferred.make<void>()
      const fetch = Effect.as(Deferred.await(gate), {
        accessToken: Redacted.make("t"),
        expiresInSeconds: 900
      })
      const leader = yield* Effect.fork(cache.get("k", fetch))
      yield* Effect.yieldNow()
      const follower = yield* Effect.fork(value(cache.get("k", fetch)))
      yield* Fiber.interrupt(leader)
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(follower)).toBe("t")
    })
  )

  it("the token request body and path are NICEPAY's", () => {
    expect(AccessToken.TOKEN_PATH).toBe("/v1.0/access-token/b2b")
    expect(AccessToken.TOKEN_REQUEST_BODY).toBe('{"grantType":"client_credentials","additionalInfo":{}}')
  })
})

// A loopback token endpoint answering whatever body the test sets.
let server: Server
let base = ""
let tokenBody = ""

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume()
    request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end(tokenBody))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe("Snap.AccessToken.request", () => {
  const requestWith = (accessToken: unknown) =>
    Effect.gen(function* () {
      tokenBody = JSON.stringify({
        responseCode: "2007300",
        responseMessage: "Successful",
        accessToken,
        tokenType: "Bearer",
        expiresIn: "900"
      })
      const signer = yield* Snap.Signer.fromKeys({
        clientId: "IONPAYTEST",
        clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
        privateKey: K1_PRIVATE_PEM
      })
      return yield* AccessToken.request({
        client: yield* HttpClient.HttpClient,
        baseUrl: base,
        signer,
        upstream: "nicepay",
        timeout: "5 seconds"
      })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))

  it.live("a malformed token is reported by field, never by value", () =>
    Effect.gen(function* () {
      const longToken = `eyJ${"k".repeat(2197)}`
      expect(longToken.length).toBe(2200)
      const tooLong = yield* Effect.flip(requestWith(longToken))
      expect([tooLong._tag, tooLong.message]).toStrictEqual([
        "MalformedResponse",
        "nicepay access-token: malformed response (HTTP 200): token response: accessToken: must be at most 2048 characters long"
      ])
      // A recognisable fragment is enough to leak it; none appears anywhere in the error.
      expect(tooLong.message).not.toContain("kkkkkkkk")
      expect(JSON.stringify(tooLong)).not.toContain("kkkkkkkk")
      expect(String(tooLong)).not.toContain("kkkkkkkk")

      const empty = yield* Effect.flip(requestWith(""))
      expect(empty.message).toBe(
        "nicepay access-token: malformed response (HTTP 200): token response: accessToken: must not be empty"
      )
      expect(JSON.stringify(empty)).not.toContain('actual \\"\\"')

      const notText = yield* Effect.flip(requestWith({ secret: "tok-123456789" }))
      expect(notText.message).toBe(
        "nicepay access-token: malformed response (HTTP 200): token response: accessToken: must be a string"
      )
      expect(notText.message).not.toContain("tok-123456789")
    })
  )

  it.live("a well-formed token is granted, redacted", () =>
    Effect.gen(function* () {
      const grant = yield* requestWith("a".repeat(2048))
      expect([Redacted.value(grant.accessToken), grant.expiresInSeconds]).toStrictEqual([
        "a".repeat(2048),
        900
      ])
      expect(String(grant.accessToken)).toBe("<redacted>")
    })
  )
})
