/**
 * What `kasir webhooks listen` does, loaded only when it runs.
 *
 * Each request is read to at most 1 MiB, verified over its raw bytes before any parsing
 * (`Webhook.verify`: the signature with any of the secrets, the timestamp within 5 minutes), then
 * printed. Deliveries are at least once: an id seen before is printed marked as a duplicate and
 * answered 204 again, as a receiver should.
 */
import { KasirError } from "@kasir/core"
import { Webhook } from "@kasir/ledger"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Either, Option, Redacted, Runtime } from "effect"
import { Output } from "../Output.js"
import type { Run } from "./Handler.js"

const maxBytes = 1024 * 1024

interface EventBody {
  readonly id?: unknown
  readonly type?: unknown
  readonly timestamp?: unknown
  readonly data?: {
    readonly entry?: { readonly reference?: unknown; readonly state?: unknown; readonly amount?: unknown }
  }
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer | undefined>((resolve) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
    })
    request.on("end", () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)))
    request.on("error", () => resolve(undefined))
  })

const loopback = (host: string) => host === "localhost" || host === "::1" || /^127\.[0-9.]+$/.test(host)

/**
 * Serves until interrupted.
 */
export const listen = (args: {
  readonly port: number
  readonly host: string
  readonly path: string
  readonly secret: Option.Option<Redacted.Redacted<string>>
  readonly json: boolean
}): Run =>
  Effect.gen(function* () {
    if (!loopback(args.host)) {
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        reason: `--host ${args.host} is not a loopback address`,
        hint: "The development receiver listens on this machine only: use 127.0.0.1, ::1 or localhost."
      })
    }
    if (!args.path.startsWith("/")) {
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        reason: "--path must start with /",
        hint: "For example --path /webhooks."
      })
    }
    const secretText = Option.getOrElse(args.secret, Webhook.generateSecret)
    const parsed = Webhook.parseSecrets(Redacted.value(secretText))
    if (Either.isLeft(parsed)) {
      return yield* new KasirError.InvalidConfig({
        provider: "kasir",
        reason: `--secret: ${parsed.left}`,
        hint: "Omit --secret to have one generated, or pass the gateway's KASIR_WEBHOOK_SECRET."
      })
    }
    const secrets = parsed.right
    const output = yield* Output
    const runtime = yield* Effect.runtime<never>()
    const seen = new Set<string>()

    const handle = (request: IncomingMessage, response: ServerResponse) =>
      Effect.gen(function* () {
        const url = new URL(request.url ?? "/", "http://receiver")
        if (request.method !== "POST" || url.pathname !== args.path) {
          response.writeHead(404, { "content-type": "text/plain" }).end(`POST webhooks to ${args.path}\n`)
          return
        }
        const body = yield* Effect.promise(() => readBody(request))
        if (body === undefined) {
          response.writeHead(413, { "content-type": "text/plain" }).end("body over 1 MiB\n")
          yield* output.stderr("refused a delivery: its body is over 1 MiB")
          return
        }
        const verified = yield* Effect.either(
          Webhook.verify({ headers: request.headers as Record<string, string>, body, secrets })
        )
        if (Either.isLeft(verified)) {
          response.writeHead(400, { "content-type": "text/plain" }).end(`${verified.left.message}\n`)
          yield* output.stderr(
            `refused a delivery (400): ${verified.left.message} — is the gateway's KASIR_WEBHOOK_SECRET the one printed above?`
          )
          return
        }
        let event: EventBody = {}
        try {
          event = JSON.parse(body.toString("utf8")) as EventBody
        } catch {
          // Signed by the gateway but not JSON: printed as received.
        }
        const duplicate = seen.has(verified.right.id)
        seen.add(verified.right.id)
        response.writeHead(204).end()
        if (args.json) {
          yield* output.stdout(
            JSON.stringify({
              webhookId: verified.right.id,
              duplicate,
              event: event.id === undefined ? body.toString("utf8") : event
            })
          )
        } else {
          const entry = event.data?.entry
          const parts = [
            String(event.timestamp ?? new Date(verified.right.timestamp * 1000).toISOString()),
            String(event.type ?? "(not JSON)"),
            verified.right.id,
            entry === undefined
              ? ""
              : `${String(entry.reference)} ${String(entry.state)} ${String(entry.amount)} IDR`,
            duplicate ? "(duplicate: seen before, answered 204 again)" : ""
          ]
          yield* output.stdout(parts.filter((part) => part !== "").join("  "))
        }
      })

    const server = createServer((request, response) => {
      Runtime.runFork(runtime)(
        handle(request, response).pipe(
          Effect.catchAllDefect(() =>
            Effect.sync(() => {
              if (!response.headersSent) response.writeHead(500).end()
            })
          )
        )
      )
    })
    yield* Effect.acquireRelease(
      Effect.async<void, KasirError.InvalidConfig>((resume) => {
        server.once("error", (error: NodeJS.ErrnoException) =>
          resume(
            Effect.fail(
              new KasirError.InvalidConfig({
                provider: "kasir",
                reason: `cannot listen on ${args.host}:${args.port}: ${error.code === "EADDRINUSE" ? "the port is in use" : (error.code ?? error.message)}`,
                hint: "Choose another port with --port (0 picks a free one)."
              })
            )
          )
        )
        server.listen(args.port, args.host, () => resume(Effect.void))
      }),
      () => Effect.promise(() => new Promise<void>((done) => server.close(() => done())))
    )
    const address = server.address() as AddressInfo
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address
    const url = `http://${shown}:${address.port}${args.path}`
    const env = { KASIR_WEBHOOK_URL: url, KASIR_WEBHOOK_SECRET: Redacted.value(secretText) }
    if (args.json) {
      // One JSON document per line: this one, then one per delivery.
      yield* output.stdout(JSON.stringify({ url, secret: Redacted.value(secretText), env }))
    } else {
      yield* output.stdout(
        [
          `Listening for kasir webhooks on ${url}`,
          "",
          "Start the gateway with (in another terminal):",
          `  KASIR_WEBHOOK_URL=${url} \\`,
          `  KASIR_WEBHOOK_SECRET='${Redacted.value(secretText)}' \\`,
          "  pnpm start",
          "",
          "Each verified event is printed below; a bad signature is refused with 400. Stop with Ctrl-C."
        ].join("\n")
      )
    }
    return yield* Effect.never
  }).pipe(Effect.scoped)
