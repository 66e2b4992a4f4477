/**
 * Observability through the real gateway process (`node dist/main.js`), in front of the real
 * simulators, configured only by environment variables (issue 15):
 *
 * - with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at an in-process OTLP/HTTP receiver, one payout is
 *   one trace: the inbound `traceparent`'s trace, the gateway's server span, the core operation,
 *   the token fetch and each upstream attempt as children — with references, provider, operation,
 *   upstream code and outcome as attributes, and no secret anywhere in the exported payloads;
 * - `/metrics` after a known sequence of requests, parsed strictly, has exact counter values.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { layer } from "@effect/vitest"
import { Sandbox } from "@kasir/sandbox"
import { type ChildProcess, spawn } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { once } from "node:events"
import { mkdtempSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Redacted } from "effect"
import { expect } from "vitest"
import { API_KEY, CALLBACK_PASSWORD, envFor, payoutRequest } from "./support/Harness.js"
import * as PromText from "./support/PromText.js"

const root = fileURLToPath(new URL("..", import.meta.url))

interface Receiver {
  readonly url: string
  readonly bodies: Array<{ readonly path: string; readonly text: string }>
  readonly server: Server
}

// An OTLP/HTTP receiver: keeps every export request body (JSON, as the exporters send it).
const receive = async (): Promise<Receiver> => {
  const bodies: Array<{ path: string; text: string }> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      bodies.push({ path: request.url ?? "", text: Buffer.concat(chunks).toString("utf8") })
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const address = server.address() as { port: number }
  return { url: `http://127.0.0.1:${address.port}`, bodies, server }
}

interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: number
  readonly attributes: ReadonlyArray<{
    readonly key: string
    readonly value: { stringValue?: string; intValue?: string | number; boolValue?: boolean }
  }>
}

const spansOf = (receiver: Receiver): Array<OtlpSpan> =>
  receiver.bodies
    .filter((body) => body.path === "/v1/traces")
    .flatMap(
      (body) =>
        (
          JSON.parse(body.text) as {
            resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }>
          }
        ).resourceSpans
    )
    .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))

const attribute = (span: OtlpSpan, key: string): string | number | boolean | undefined => {
  const found = span.attributes.find((a) => a.key === key)?.value
  if (found === undefined) return undefined
  return found.stringValue ?? (found.intValue === undefined ? found.boolValue : Number(found.intValue))
}

const startGateway = async (env: Record<string, string>) => {
  const child: ChildProcess = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout!.on("data", (chunk) => {
    output += chunk
  })
  child.stderr!.on("data", (chunk) => {
    output += chunk
  })
  while (!/Listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!
  return { child, url, output: () => output }
}

// Polls until `done` holds, at most `polls` times 50 ms apart (bounded by count).
const until = async (done: () => boolean, polls = 400): Promise<void> => {
  for (let i = 0; i < polls && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
}

const headers = { "content-type": "application/json", "x-api-key": API_KEY }

layer(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)), { excludeTestServices: true })(
  "the gateway process with OTEL variables",
  (it) => {
    it.effect(
      "one payout is one trace: server span → nicepay.register → token fetch and upstream attempts; no secrets; /metrics counts exactly",
      () =>
        Effect.gen(function* () {
          const sandbox = yield* Sandbox.Sandbox
          const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
          const env = Object.fromEntries(
            envFor(sandbox, publicKey.export({ type: "spki", format: "pem" }).toString())
          )
          yield* Effect.promise(async () => {
            const receiver = await receive()
            const gateway = await startGateway({
              ...env,
              // A ledger of its own: a payout already in the working directory's ledger (an
              // earlier run) would be answered from it, with no upstream call to trace.
              KASIR_DATA_DIR: mkdtempSync(join(tmpdir(), "kasir-telemetry-data-")),
              OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
              OTEL_SERVICE_NAME: "kasir-test",
              OTEL_BSP_SCHEDULE_DELAY: "100",
              OTEL_METRIC_EXPORT_INTERVAL: "500"
            })
            try {
              // The known sequence: two probes, one unknown route, one payout with a traceparent.
              expect((await fetch(`${gateway.url}/health`)).status).toBe(200)
              expect((await fetch(`${gateway.url}/health`)).status).toBe(200)
              expect((await fetch(`${gateway.url}/nowhere`)).status).toBe(404)
              const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
              const callerSpanId = "00f067aa0ba902b7"
              const payout = await fetch(`${gateway.url}/v1/nicepay/payouts`, {
                method: "POST",
                headers: { ...headers, traceparent: `00-${traceId}-${callerSpanId}-01` },
                body: JSON.stringify(payoutRequest("TRACE-0001"))
              })
              const payoutText = await payout.text()
              expect(`${payout.status} ${payoutText}`).toMatch(/^200 /)

              // Traces: wait for the server span of the payout (batched every 100 ms).
              const serverSpan = () =>
                spansOf(receiver).find((s) => s.traceId === traceId && s.parentSpanId === callerSpanId)
              await until(() => serverSpan() !== undefined && spansOf(receiver).length >= 4)
              const trace = spansOf(receiver).filter((s) => s.traceId === traceId)
              const server = serverSpan()!
              expect(server.name).toBe("POST /v1/nicepay/payouts")
              expect(server.kind).toBe(2) // SERVER
              expect(attribute(server, "http.route")).toBe("/v1/nicepay/payouts")
              // No inbound header (the API key, a notification's X-SIGNATURE) is ever on the server span.
              expect(server.attributes.filter((a) => a.key.startsWith("http.request.header"))).toEqual([])
              expect(attribute(server, "http.response.status_code")).toBe(200)
              const children = (parent: OtlpSpan) => trace.filter((s) => s.parentSpanId === parent.spanId)
              const register = trace.find((s) => s.name === "nicepay.register")!
              expect(register).toBeDefined()
              expect(register.parentSpanId).toBe(server.spanId)
              expect(attribute(register, "kasir.provider")).toBe("nicepay")
              expect(attribute(register, "kasir.operation")).toBe("transfer/registration")
              expect(attribute(register, "kasir.partnerReferenceNo")).toBe("TRACE-0001")
              expect(attribute(register, "kasir.upstream.code")).toBe("2000000")
              expect(attribute(register, "kasir.outcome")).toBe("ok")
              const token = children(register).find((s) => s.name === "nicepay.accessToken")!
              expect(token).toBeDefined()
              const tokenAttempts = children(token).filter((s) => s.name === "http.client POST")
              expect(tokenAttempts.length).toBe(1)
              expect(attribute(tokenAttempts[0]!, "url.path")).toBe("/nicepay/v1.0/access-token/b2b")
              const attempts = children(register).filter((s) => s.name === "http.client POST")
              expect(attempts.map((s) => attribute(s, "url.path"))).toEqual([
                "/nicepay/api/v1.0/transfer/registration"
              ])
              expect(attempts[0]!.kind).toBe(3) // CLIENT
              expect(attribute(attempts[0]!, "http.response.status_code")).toBe(200)
              expect(attribute(attempts[0]!, "http.request.header.authorization")).toBe("<redacted>")
              expect(attribute(attempts[0]!, "http.request.header.x-signature")).toBe("<redacted>")

              // Metrics: the scrape itself is the one request in flight.
              const scrape = await fetch(`${gateway.url}/metrics`)
              expect(scrape.status).toBe(200)
              expect(scrape.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
              const families = PromText.parse(await scrape.text())
              const count = (route: string, status: string, method = "GET") =>
                PromText.value(families, "http_server_request_duration_seconds_count", {
                  http_request_method: method,
                  http_route: route,
                  http_response_status_code: status
                })
              expect(families.get("http_server_request_duration_seconds")?.type).toBe("histogram")
              expect(count("/health", "200")).toBe(2)
              expect(count("(unmatched)", "404")).toBe(1)
              expect(count("/v1/nicepay/payouts", "200", "POST")).toBe(1)
              expect(PromText.value(families, "http_server_active_requests")).toBe(1)
              expect(
                PromText.value(families, "kasir_money_operations_total", {
                  provider: "nicepay",
                  operation: "transfer/registration",
                  outcome: "ok"
                })
              ).toBe(1)
              expect(
                PromText.value(families, "kasir_token_fetches_total", { provider: "nicepay", outcome: "ok" })
              ).toBe(1)
              expect(PromText.value(families, "kasir_token_cache_hits_total", { provider: "nicepay" })).toBe(
                undefined
              )
              const upstream = (operation: string) =>
                PromText.value(families, "kasir_upstream_request_duration_seconds_count", {
                  provider: "nicepay",
                  operation,
                  outcome: "answered"
                })
              expect(upstream("access-token")).toBe(1)
              expect(upstream("transfer/registration")).toBe(1)
              // A second payout uses the cached token.
              const second = await fetch(`${gateway.url}/v1/nicepay/payouts`, {
                method: "POST",
                headers,
                body: JSON.stringify(payoutRequest("TRACE-0002"))
              })
              expect(second.status).toBe(200)
              const again = PromText.parse(await (await fetch(`${gateway.url}/metrics`)).text())
              expect(PromText.value(again, "kasir_token_cache_hits_total", { provider: "nicepay" })).toBe(1)
              expect(
                PromText.value(again, "kasir_token_fetches_total", { provider: "nicepay", outcome: "ok" })
              ).toBe(1)
              // No reference is a label value anywhere.
              for (const family of again.values()) {
                for (const sample of family.samples) {
                  expect(Object.values(sample.labels).join(" ")).not.toMatch(/TRACE-000/)
                }
              }

              // OTLP metrics reach the receiver too.
              // (exported every 500 ms: wait for an export made after the payout)
              await until(() =>
                receiver.bodies.some(
                  (b) => b.path === "/v1/metrics" && b.text.includes("kasir_money_operations")
                )
              )
              const metricsPayload = receiver.bodies
                .filter((b) => b.path === "/v1/metrics")
                .map((b) => b.text)
              expect(metricsPayload.join("\n")).toContain("kasir_money_operations")

              // No secret in anything exported.
              const exported = receiver.bodies.map((b) => b.text).join("\n")
              const privateKeyBody = env
                .NICEPAY_PRIVATE_KEY!.split("\n")
                .filter((l) => !l.startsWith("-----"))
              const secrets = [
                API_KEY,
                CALLBACK_PASSWORD,
                env.AYOCONNECT_API_SECRET!,
                env.NICEPAY_CLIENT_SECRET!,
                ...privateKeyBody.filter((l) => l.length >= 16),
                Redacted.value(sandbox.nicepay.merchant.clientSecret)
              ]
              for (const secret of secrets) expect(exported).not.toContain(secret)
              expect(exported).not.toMatch(/Bearer [A-Za-z0-9]/)
              expect(exported).not.toMatch(/"beneficiaryName"|Budi Santoso/)
            } finally {
              gateway.child.kill("SIGTERM")
              await once(gateway.child, "exit")
              receiver.server.close()
            }
          })
        }),
      120_000
    )
  }
)
