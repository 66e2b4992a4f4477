#!/usr/bin/env node
/**
 * The `kasir` command.
 */
import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"

const kasir = Command.make("kasir", {}, () =>
  Console.log("kasir — Ayoconnect PPOB and NICEPAY SNAP payouts from a terminal. Run `kasir --help`.")
).pipe(Command.withDescription("Typed access to Ayoconnect PPOB and NICEPAY SNAP payouts"))

const cli = Command.run(kasir, { name: "kasir", version: "0.0.0" })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disableErrorReporting: false }))
