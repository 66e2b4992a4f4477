/**
 * `kasir sandbox`: both simulators served standalone until interrupted — the same server as the
 * repository's `pnpm sandbox`, with the same defaults (127.0.0.1:4010) and the same extra
 * registrations: the Ayoconnect partner of `AYOCONNECT_API_KEY` / `AYOCONNECT_API_SECRET` and the
 * NICEPAY merchant of `NICEPAY_CLIENT_ID` / `NICEPAY_CLIENT_SECRET` / the public half of
 * `NICEPAY_PRIVATE_KEY`, when set. The demo credentials always work.
 */
import { Command, Options } from "@effect/cli"
import { Effect, Schema } from "effect"
import * as Common from "../Common.js"
import * as Input from "../Input.js"

const Port = Schema.Int.pipe(Schema.between(0, 65535, { message: () => "a TCP port is 0 to 65535" }))

const port = Input.wholeNumber(
  "port",
  () => Port,
  "TCP port to listen on (default 4010); 0 picks a free one."
).pipe(Options.withDefault(4010))

const host = Options.text("host").pipe(
  Options.withDescription("Address to listen on (default 127.0.0.1: this machine only)."),
  Options.withDefault("127.0.0.1")
)

const reset = Command.make("reset", { json: Common.json }, (args) =>
  Effect.flatMap(
    Effect.promise(() => import("../handlers/Sandbox.js")),
    (h) => h.reset(args)
  )
).pipe(
  Command.withDescription(
    "Forget the embedded sandbox's state (inquiries, payments, payouts, balances) kept between commands " +
      "in $KASIR_DATA_DIR/sandbox (default .kasir/sandbox in the working directory)."
  )
)

export const command = Command.make("sandbox", { port, host, json: Common.json }, (args) =>
  Effect.flatMap(
    Effect.promise(() => import("../handlers/Sandbox.js")),
    (h) => h.serve(args)
  )
).pipe(
  Command.withDescription(
    "Serve the Ayoconnect and NICEPAY simulators on one port until interrupted (Ctrl-C). The demo " +
      "credentials always work; AYOCONNECT_API_KEY/SECRET and NICEPAY_CLIENT_ID/SECRET/PRIVATE_KEY, when set, are registered too."
  ),
  Command.withSubcommands([reset])
)
