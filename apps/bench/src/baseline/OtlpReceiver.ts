/**
 * A stand-in OTLP/HTTP collector for the telemetry bench, run as its own process (`node
 * OtlpReceiver.js --port N`) so that reading and answering exports does not compete with the
 * load generator for CPU, and so that its CPU can be read separately. It answers every export at
 * once with `{}` (an empty, successful export response) and counts what arrived; `GET /received`
 * returns the counts as JSON.
 */
import { createServer } from "node:http"

const portIndex = process.argv.indexOf("--port")
const port = portIndex === -1 ? 0 : Number(process.argv[portIndex + 1])

const received = { requests: 0, bytes: 0, traces: 0, metrics: 0 }

const server = createServer((request, response) => {
  if (request.method === "GET") {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received))
    return
  }
  request.on("data", (chunk: Buffer) => {
    received.bytes += chunk.length
  })
  request.on("end", () => {
    received.requests++
    if (request.url === "/v1/traces") received.traces++
    else if (request.url === "/v1/metrics") received.metrics++
    response.writeHead(200, { "content-type": "application/json" }).end("{}")
  })
})

server.listen(port, "127.0.0.1")
process.on("SIGTERM", () => server.close(() => process.exit(0)))
