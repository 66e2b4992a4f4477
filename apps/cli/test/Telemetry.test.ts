/**
 * `kasir` with an OTLP endpoint exports one trace of the command (issue 15): the root span named
 * after the command, the operation, the token fetch and the upstream attempts under it, flushed
 * before exit — and the command's output is exactly what it is without telemetry.
 */
import { once } from "node:events"
import { createServer } from "node:http"
import { describe, expect, it } from "vitest"
import { kasir } from "./support/kasir.js"
import { startSandbox } from "./support/sandbox.js"

interface Span {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
}

describe("kasir with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("exports one trace of the command and prints the same as without", async () => {
    const sandbox = await startSandbox()
    const bodies: Array<{ path: string; text: string }> = []
    const receiver = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        bodies.push({ path: request.url ?? "", text: Buffer.concat(chunks).toString("utf8") })
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    receiver.listen(0, "127.0.0.1")
    await once(receiver, "listening")
    const { port } = receiver.address() as { port: number }
    try {
      const env = { KASIR_SANDBOX_URL: sandbox.url }
      const plain = await kasir(["nicepay", "balance", "--json"], { env })
      const traced = await kasir(["nicepay", "balance", "--json"], {
        env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }
      })
      expect(traced.code).toBe(0)
      expect(traced.stdout).toBe(plain.stdout)
      expect(traced.stderr).toBe(plain.stderr)
      // Flushed before exit: the spans are here once the process has ended.
      const spans = bodies
        .filter((b) => b.path === "/v1/traces")
        .flatMap(
          (b) =>
            (JSON.parse(b.text) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Span> }> }> })
              .resourceSpans
        )
        .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
      const root = spans.find((s) => s.name === "kasir nicepay balance")!
      expect(root).toBeDefined()
      expect(root.parentSpanId ?? "").toBe("")
      expect(spans.every((s) => s.traceId === root.traceId)).toBe(true)
      const balance = spans.find((s) => s.name === "nicepay.balance")!
      expect(balance.parentSpanId).toBe(root.spanId)
      const token = spans.find((s) => s.name === "nicepay.accessToken")!
      expect(token.parentSpanId).toBe(balance.spanId)
      const attempts = spans.filter((s) => s.name === "http.client POST")
      expect(attempts.map((s) => s.parentSpanId).sort()).toEqual([balance.spanId, token.spanId].sort())
    } finally {
      receiver.close()
      await sandbox.stop()
    }
  })
})
