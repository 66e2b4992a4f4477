/**
 * The README's library example is this app's `src/main.ts`, compiled with the repository's
 * tsconfig (strict, unused imports are errors) and run as a process against the sandbox: it
 * prints its result, and a missing configuration is one line, never a stack trace (issue 16 row 1).
 */
import { execFile, execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { NodeHttpClient } from "@effect/platform-node"
import { Sandbox } from "@kasir/sandbox"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"

const root = fileURLToPath(new URL("..", import.meta.url))
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const readme = fileURLToPath(new URL("../../../README.md", import.meta.url))

const run = (env: Record<string, string>, args: ReadonlyArray<string> = []) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      ["dist/main.js", ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 170_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : Number(error.code), stdout, stderr }))
    )
  })

// Compile with the repository's tsconfig first: a type error or an unused import fails here.
execFileSync(
  process.execPath,
  [createRequire(import.meta.url).resolve("typescript/bin/tsc"), "-b", "tsconfig.src.json"],
  {
    cwd: root,
    stdio: "inherit"
  }
)

layer(Sandbox.layer().pipe(Layer.provide(NodeHttpClient.layerUndici)), { timeout: 120_000 })(
  "the library example",
  (it) => {
    it.effect(
      "pays a bill against the sandbox and prints the result",
      () =>
        Effect.gen(function* () {
          const sandbox = yield* Sandbox.Sandbox
          const result = yield* run(
            {
              AYOCONNECT_BASE_URL: sandbox.ayoconnect.baseUrl,
              AYOCONNECT_API_KEY: sandbox.ayoconnect.partner.apiKey,
              AYOCONNECT_API_SECRET: Redacted.value(sandbox.ayoconnect.partner.secret)
            },
            ["512345678901", "example-ref-1"]
          )
          expect(result.stderr).toBe("")
          expect(result.code).toBe(0)
          expect(result.stdout).toMatch(/^Succeeded: \{.*"refNumber":"example-ref-1".*\}\n$/)
          const recorded = yield* sandbox.ayoconnect.simulator.transaction(
            sandbox.ayoconnect.partner.apiKey,
            "example-ref-1"
          )
          expect(Option.map(recorded, (t) => t.state)).toEqual(Option.some("Succeeded"))
        }),
      // A budget for starting a Node process on a loaded machine, not a speed assertion.
      180_000
    )

    it.effect(
      "without configuration: one line on stderr, exit 2, no stack trace",
      () =>
        Effect.gen(function* () {
          const result = yield* run({})
          expect(result.code).toBe(2)
          expect(result.stdout).toBe("")
          expect(result.stderr).toBe(
            "example: set AYOCONNECT_BASE_URL, AYOCONNECT_API_KEY and AYOCONNECT_API_SECRET (`pnpm sandbox` prints demo values)\n"
          )
        }),
      180_000
    )

    it("the README's library example is exactly this app's src/main.ts", () => {
      const source = readFileSync(main, "utf8")
      const text = readFileSync(readme, "utf8")
      const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])
      expect(blocks).toContain(source)
    })
  }
)
