// The signer seam: a signer provided as the `AyoconnectSigner` (as a KMS-backed one would be) is
// the one the client uses, over the exact bytes it then sends to the simulator.
import { Ayoconnect as Client } from "@kasir/core"
import { RequestLog } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { partner, sandbox } from "./harness.js"

describe("Ayoconnect signer seam", () => {
  const signed: Array<string> = []
  const inMemory = Client.Signer.fromSecret(Redacted.make(partner.secret))
  const recording: Client.Signer.Signer = {
    sign: (payloadJson) =>
      Effect.zipRight(
        Effect.sync(() => signed.push(payloadJson)),
        inMemory.sign(payloadJson)
      )
  }

  it.live("a custom signer signs every request, over the exact body sent", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const balance = yield* ayoconnect.balance()
      expect(balance.balance).toBeGreaterThan(0)
      yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "DANA50" })
      expect(signed).toStrictEqual([
        `{"partnerId":"${partner.apiKey}"}`,
        `{"partnerId":"${partner.apiKey}","accountNumber":"081234567890","productCode":"DANA50"}`
      ])
      const entries = yield* Effect.flatMap(RequestLog.RequestLog, (log) => log.entries)
      expect(entries.map((entry) => [entry.operation, entry.body, entry.status])).toStrictEqual([
        ["partner/balance", signed[0], 200],
        ["bill/check", signed[1], 200]
      ])
    }).pipe(Effect.provide(sandbox({}, { signer: recording })))
  )
})
