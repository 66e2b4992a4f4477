/**
 * `kasir webhooks listen`: a local receiver for the gateway's webhooks, in the spirit of
 * `stripe listen`. It listens on loopback, prints the URL and the `whsec_` secret to give the
 * gateway (`KASIR_WEBHOOK_URL`, `KASIR_WEBHOOK_SECRET`), verifies every delivery's Standard
 * Webhooks signature with `@kasir/ledger`'s `Webhook.verify`, prints each event, answers 204, and
 * refuses a bad signature with 400 (saying so on stderr).
 */
import { Command, Options } from "@effect/cli"
import { Effect, Schema } from "effect"
import * as Common from "../Common.js"
import * as Input from "../Input.js"

const Port = Schema.Int.pipe(Schema.between(0, 65535, { message: () => "a TCP port is 0 to 65535" }))

const port = Input.wholeNumber(
  "port",
  () => Port,
  "TCP port to listen on (default 4020); 0 picks a free one."
).pipe(Options.withDefault(4020))

const host = Options.text("host").pipe(
  Options.withDescription("Loopback address to listen on (default 127.0.0.1)."),
  Options.withDefault("127.0.0.1")
)

const path = Options.text("path").pipe(
  Options.withDescription("The path deliveries are POSTed to (default /webhooks)."),
  Options.withDefault("/webhooks")
)

const secret = Options.redacted("secret").pipe(
  Options.withDescription(
    "The whsec_ secret to verify with (several space-separated during a rotation). Default: a new one, printed."
  ),
  Options.optional
)

const listen = Command.make("listen", { port, host, path, secret, json: Common.json }, (args) =>
  Effect.flatMap(
    Effect.promise(() => import("../handlers/Webhooks.js")),
    (h) => h.listen(args)
  )
).pipe(
  Command.withDescription(
    "Receive the gateway's webhooks locally: prints the URL and secret to start the gateway with " +
      "(KASIR_WEBHOOK_URL, KASIR_WEBHOOK_SECRET), verifies each delivery's signature, prints each event " +
      "(one JSON line each with --json) and answers 204; a bad signature is refused with 400. Stop with Ctrl-C."
  )
)

export const command = Command.make("webhooks").pipe(
  Command.withDescription("Webhooks from the kasir gateway (Standard Webhooks, signed)."),
  Command.withSubcommands([listen])
)
