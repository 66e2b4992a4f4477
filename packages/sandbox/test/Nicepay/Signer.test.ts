// The signer seam: a signer provided as the `NicepaySigner` (as a KMS-backed one would be) is the
// one the client uses, for the token and for each service call over the exact bytes it sends.
import { Nicepay as Core, Snap } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { baseUrl, Demo, fastRetries, logged, SandboxLive } from "./harness.js"

describe("NICEPAY signer seam", () => {
  it.live("a custom signer signs the token and every service call, over the exact body sent", () =>
    Effect.gen(function* () {
      const inMemory = yield* Snap.Signer.fromKeys({
        clientId: Demo.CLIENT_ID,
        clientSecret: Redacted.make(Demo.CLIENT_SECRET),
        privateKey: Redacted.make(Demo.PRIVATE_KEY)
      })
      const signed: Array<readonly [string, string, string]> = []
      const recording: Snap.Signer.Signer = {
        clientId: inMemory.clientId,
        tokenSignature: (timestamp) =>
          Effect.zipRight(
            Effect.sync(() => signed.push(["token", Demo.CLIENT_ID, timestamp])),
            inMemory.tokenSignature(timestamp)
          ),
        serviceSignature: (request) =>
          Effect.zipRight(
            Effect.sync(() =>
              signed.push([
                request.method,
                request.path,
                typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body)
              ])
            ),
            inMemory.serviceSignature(request)
          )
      }
      const client = Core.layerWithSigner({ baseUrl: yield* baseUrl, retryPolicy: fastRetries }).pipe(
        Layer.provide(Layer.succeed(Core.NicepaySigner, recording))
      )
      const balance = yield* Effect.flatMap(Core.NicepayPayout, (nicepay) => nicepay.balance()).pipe(
        Effect.provide(client)
      )
      expect(balance.accountNo).toBe(Demo.CLIENT_ID)
      const entries = yield* logged()
      const body = `{"accountNo":"${Demo.CLIENT_ID}","additionalInfo":{"msId":""}}`
      expect(signed).toStrictEqual([
        ["token", Demo.CLIENT_ID, entries[0]?.headers["x-timestamp"]],
        ["POST", "/api/v1.0/balance-inquiry", body]
      ])
      expect(entries.map((entry) => [entry.operation, entry.body, entry.status])).toStrictEqual([
        ["access-token", '{"grantType":"client_credentials","additionalInfo":{}}', 200],
        ["balance-inquiry", body, 200]
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )
})
