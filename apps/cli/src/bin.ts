#!/usr/bin/env node
/**
 * The `kasir` executable.
 */
import { runMain } from "@effect/platform-node/NodeRuntime"
import * as Main from "./Main.js"

runMain(Main.program(process.argv), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: Main.teardown
})
