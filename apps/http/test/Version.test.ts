// One version everywhere (issue 16 row 4): the OpenAPI document's is the gateway package's, which
// changesets keep equal to the CLI's (`kasir --version`) and the libraries'.
import { readFileSync } from "node:fs"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { layer as gateway, send } from "./support/Harness.js"

const versionOf = (relative: string): string =>
  (JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { version: string }).version

layer(gateway(), { timeout: 60_000, excludeTestServices: true })("version", (it) => {
  it.effect("the OpenAPI document carries the package version, the same as the CLI's and core's", () =>
    Effect.gen(function* () {
      const reply = yield* send("/openapi.json", { apiKey: false })
      expect(reply.json.info.version).toBe(versionOf("../package.json"))
      expect(versionOf("../package.json")).toBe(versionOf("../../cli/package.json"))
      expect(versionOf("../package.json")).toBe(versionOf("../../../packages/core/package.json"))
      expect(versionOf("../../../packages/core/package.json")).not.toBe("0.0.0")
    })
  )
})
