import { NodeHttpClient } from "@effect/platform-node"
import { Sandbox } from "@kasir/sandbox"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"

const post = (url: string, body: unknown) =>
  Effect.promise(() =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
  )

layer(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)))("Sandbox", (it) => {
  it.effect("serves both upstreams on one loopback port and says where", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sandbox.ayoconnect.baseUrl).toBe(sandbox.url)
      expect(sandbox.nicepay.baseUrl).toBe(`${sandbox.url}/nicepay`)
      expect(sandbox.nicepay.merchant.clientId).toBe("IONPAYTEST")
      expect(Redacted.value(sandbox.nicepay.merchant.privateKey)).toContain("BEGIN PRIVATE KEY")
      expect(sandbox.ayoconnect.partner.apiKey).toBe("SANDBOXDEMO1")
      expect(sandbox.nicepay.notificationPublicKey).toContain("BEGIN PUBLIC KEY")
    })
  )

  it.effect("routes by prefix, logs every request, and answers 404 elsewhere", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      yield* sandbox.requestLog.clear
      const missing = yield* post(`${sandbox.url}/elsewhere`, {})
      expect(missing.status).toBe(404)
      const nicepay = yield* post(`${sandbox.nicepay.baseUrl}/api/v1.0/balance-inquiry`, {})
      expect(nicepay.status).toBe(400)
      expect(yield* Effect.promise(() => nicepay.json())).toStrictEqual({
        responseCode: "4001102",
        responseMessage: "Invalid Mandatory Field {Authorization}"
      })
      yield* post(`${sandbox.url}/api/v2/partner/balance`, {})
      const entries = yield* sandbox.requestLog.entries
      expect(entries.map((entry) => [entry.upstream, entry.path])).toStrictEqual([
        ["nicepay", "/nicepay/api/v1.0/balance-inquiry"],
        ["ayoconnect", "/api/v2/partner/balance"]
      ])
    })
  )

  it.effect("the admin surface exposes the request log and queues faults", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      yield* sandbox.requestLog.clear
      const bad = yield* post(`${sandbox.url}/_sandbox/faults`, { fault: "explode" })
      expect(bad.status).toBe(400)
      const queued = yield* post(`${sandbox.url}/_sandbox/faults`, { fault: "html-502", upstream: "nicepay" })
      expect(queued.status).toBe(204)
      const faulty = yield* post(`${sandbox.nicepay.baseUrl}/api/v1.0/balance-inquiry`, {})
      expect(faulty.status).toBe(502)
      expect(faulty.headers.get("content-type")).toBe("text/html")
      expect(yield* Effect.promise(() => faulty.text())).toContain("502 Bad Gateway")
      // The rule was used once; the next request is answered normally.
      const normal = yield* post(`${sandbox.nicepay.baseUrl}/api/v1.0/balance-inquiry`, {})
      expect(normal.status).toBe(400)
      const log = yield* Effect.promise(() => fetch(`${sandbox.url}/_sandbox/requests`).then((r) => r.json()))
      expect(
        (log as Array<{ fault?: string; status: number }>).map((entry) => [entry.status, entry.fault])
      ).toStrictEqual([
        [502, "html-502"],
        [400, undefined]
      ])
    })
  )
})
