/**
 * The gateway baseline: a minimal node:http server doing the same upstream work as the kasir
 * gateway for the two benchmarked routes — API key check (SHA-256 digest, constant-time compare),
 * body parse, the signed upstream call through the baseline clients, a JSON answer. No framework,
 * no logging, no schema validation: the floor the gateway is compared with.
 *
 * Run as its own process: `node dist/baseline/Passthrough.js` with `PORT`, `KASIR_API_KEYS` (one
 * hex digest) and the `AYOCONNECT_*` / `NICEPAY_*` variables the gateway reads.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { makeAyoconnect } from "./Ayoconnect.js"
import { makeNicepay } from "./Nicepay.js"

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`${name} is required`)
  return value
}

const digest = Buffer.from(env("KASIR_API_KEYS"), "hex")
const nicepay = makeNicepay({
  baseUrl: env("NICEPAY_BASE_URL"),
  clientId: env("NICEPAY_CLIENT_ID"),
  clientSecret: env("NICEPAY_CLIENT_SECRET"),
  privateKeyPem: env("NICEPAY_PRIVATE_KEY")
})
const ayoconnect = makeAyoconnect({
  baseUrl: env("AYOCONNECT_BASE_URL"),
  apiKey: env("AYOCONNECT_API_KEY"),
  secret: env("AYOCONNECT_API_SECRET")
})

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

const authorised = (req: IncomingMessage): boolean => {
  const key = req.headers["x-api-key"]
  if (typeof key !== "string") return false
  return timingSafeEqual(createHash("sha256").update(key).digest(), digest)
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const handle = async (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === "/health") return send(res, 200, { status: "ok" })
  if (!authorised(req)) return send(res, 401, { title: "Unauthorized" })
  if (req.method === "GET" && req.url === "/v1/nicepay/balance") {
    return send(res, 200, await nicepay.balance())
  }
  if (req.method === "POST" && req.url === "/v1/ayoconnect/inquiries") {
    const input = JSON.parse(await readBody(req)) as { accountNumber?: unknown; productCode?: unknown }
    if (typeof input.accountNumber !== "string" || typeof input.productCode !== "string") {
      return send(res, 400, { title: "Bad Request" })
    }
    return send(
      res,
      200,
      await ayoconnect.inquiry({ accountNumber: input.accountNumber, productCode: input.productCode })
    )
  }
  return send(res, 404, { title: "Not Found" })
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    if (!res.headersSent) send(res, 502, { title: "Bad Gateway", detail: String(error) })
  })
})
server.keepAliveTimeout = 30_000
server.listen(Number(env("PORT")), process.env.HOST ?? "127.0.0.1")

const shutdown = () => {
  server.close()
  server.closeAllConnections()
  void Promise.all([nicepay.close(), ayoconnect.close()]).then(() => process.exit(0))
}
process.on("SIGTERM", shutdown)
process.on("SIGINT", shutdown)
