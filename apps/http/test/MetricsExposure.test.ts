/**
 * Where the Prometheus scrape is served (issue 15): on the gateway's port without an API key by
 * default, on a separate port with `KASIR_METRICS_PORT` (the gateway's `/metrics` then 404s), and
 * nowhere with `KASIR_METRICS=off`.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Harness from "./support/Harness.js"
import * as PromText from "./support/PromText.js"

const scrape = (url: string) =>
  Effect.promise(() => fetch(url).then(async (r) => ({ status: r.status, text: await r.text() })))

describe("metrics exposure", () => {
  layer(Harness.layer(), { timeout: 60_000, excludeTestServices: true })("default", (it) => {
    it.effect("GET /metrics on the gateway port, without an API key, is Prometheus text", () =>
      Effect.gen(function* () {
        const gateway = yield* Harness.TestGateway
        const reply = yield* scrape(`${gateway.url}/metrics`)
        expect(reply.status).toBe(200)
        const families = PromText.parse(reply.text)
        // The scrape itself is the one request in flight.
        expect(families.get("http_server_active_requests")?.type).toBe("gauge")
        expect(PromText.value(families, "http_server_active_requests")).toBe(1)
      })
    )
  })

  layer(Harness.layer({ KASIR_METRICS_PORT: "0", KASIR_METRICS_HOST: "127.0.0.1" }), {
    timeout: 60_000,
    excludeTestServices: true
  })("KASIR_METRICS_PORT", (it) => {
    it.effect("serves /metrics on its own port only", () =>
      Effect.gen(function* () {
        const gateway = yield* Harness.TestGateway
        const line = gateway.logs.find((l) => l.message.startsWith("metrics listening on "))
        expect(line).toBeDefined()
        const url = line!.message.replace("metrics listening on ", "")
        const separate = yield* scrape(url)
        expect(separate.status).toBe(200)
        expect(PromText.parse(separate.text).size).toBeGreaterThan(0)
        expect((yield* scrape(url.replace("/metrics", "/health"))).status).toBe(404)
        const onGateway = yield* scrape(`${gateway.url}/metrics`)
        expect(onGateway.status).toBe(404)
        expect(JSON.parse(onGateway.text).type).toBe("urn:kasir:problem:not-found")
      })
    )
  })

  layer(Harness.layer({ KASIR_METRICS: "off" }), { timeout: 60_000, excludeTestServices: true })(
    "KASIR_METRICS=off",
    (it) => {
      it.effect("no scrape anywhere", () =>
        Effect.gen(function* () {
          const gateway = yield* Harness.TestGateway
          expect((yield* scrape(`${gateway.url}/metrics`)).status).toBe(404)
          expect(gateway.logs.some((l) => l.message.startsWith("metrics listening"))).toBe(false)
        })
      )
    }
  )
})
