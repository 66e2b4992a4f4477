import { Fault } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Logger, LogLevel, Redacted } from "effect"
import { Demo, logged, payout, SandboxLive, withClient } from "./harness.js"

const inject = (operation: string, fault: Fault.Fault) =>
  Effect.flatMap(Fault.Faults, (faults) => faults.inject({ upstream: "nicepay", operation, fault }))

describe("NICEPAY secrets", () => {
  it.live("no client secret, private key, token or signature appears in errors or logs", () =>
    Effect.gen(function* () {
      const logs: Array<string> = []
      const capture = Logger.make(({ message, cause }) => {
        logs.push(`${JSON.stringify(message)} ${Cause.pretty(cause)}`)
      })
      const failures: Array<unknown> = []
      const collect = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.map(Effect.exit(effect), (exit) => {
          if (Exit.isFailure(exit)) failures.push(Cause.squash(exit.cause))
        })
      const scenario = withClient((client) =>
        Effect.gen(function* () {
          yield* Effect.logDebug("starting")
          yield* collect(client.balance())
          const registered = yield* client.register(payout())
          yield* inject("transfer/approve", "reset-after")
          yield* collect(client.approve(registered))
          yield* collect(client.approve(registered))
          yield* collect(client.register(payout("1234569914")))
          yield* inject("transfer/registration", "malformed-json")
          yield* collect(client.register(payout()))
          yield* collect(client.inquiry({ ...registered, originalReferenceNo: "NOPE" }))
        })
      )
      yield* scenario.pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.All)
      )
      // A wrong secret (signatures rejected) and a truncated token answer.
      yield* collect(
        withClient((client) => client.balance(), { clientSecret: Redacted.make("wrong-secret") })
      )
      yield* inject("access-token", "malformed-json")
      yield* collect(
        withClient((client) => client.balance(), { retryPolicy: { retries: 0, baseDelay: 1, maxDelay: 1 } })
      )

      // The second approve after the lost answer is not a failure: the payout is already approved.
      expect(failures.length).toBe(6)
      const entries = yield* logged()
      const tokens = entries.flatMap((e) =>
        e.headers.authorization ? [e.headers.authorization.slice(7)] : []
      )
      const signatures = entries.flatMap((e) => (e.headers["x-signature"] ? [e.headers["x-signature"]] : []))
      expect(tokens.length).toBeGreaterThan(3)
      expect(signatures.length).toBeGreaterThan(5)
      const keyBody = Demo.PRIVATE_KEY.split("\n")[1]!
      const secrets = [
        Demo.CLIENT_SECRET,
        keyBody.slice(0, 40),
        keyBody.slice(200, 240),
        ...tokens,
        ...signatures
      ]
      // A truncated token is a secret too: its first 20 characters are the JWT header, so look at the middle.
      const tokenParts = tokens.map((t) => t.split(".")[1]!.slice(0, 24))
      const haystack = [
        ...logs,
        ...failures.flatMap((error) => [String(error), JSON.stringify(error), (error as Error).message ?? ""])
      ].join("\n")
      expect(haystack).toContain("outcome unknown")
      expect(haystack).toContain("<redacted>")
      for (const secret of [...secrets, ...tokenParts]) expect(haystack).not.toContain(secret)
      // The truncated token answer named a token no request used: no token-shaped value may remain.
      expect(haystack).toContain('\\"accessToken\\":\\"<redacted>\\"')
      expect(haystack).not.toMatch(/accessToken\\?"\s*:\s*\\?"eyJ/)
    }).pipe(Effect.provide(SandboxLive()))
  )
})
