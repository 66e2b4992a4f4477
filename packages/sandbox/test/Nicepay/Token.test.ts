import { generateKeyPairSync } from "node:crypto"
import { Nicepay as Core } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import { Demo, logged, NicepaySimulator, rawToken, SandboxLive, withClient } from "./harness.js"

const noRetries = { retries: 0, baseDelay: "1 millis", maxDelay: "1 millis" } as const

describe("NICEPAY access token", () => {
  it.live(
    "200 concurrent calls on a cold cache make exactly one token request",
    () =>
      withClient(
        (client) =>
          Effect.gen(function* () {
            const balances = yield* Effect.all(
              Array.from({ length: 200 }, () => client.balance()),
              { concurrency: "unbounded" }
            )
            expect(balances.every((b) => b.availableBalance === 1_000_000_000)).toBe(true)
            expect((yield* logged("access-token")).length).toBe(1)
            const calls = yield* logged("balance-inquiry")
            expect(calls.length).toBe(200)
            expect(calls.every((call) => call.status === 200)).toBe(true)
            // Each call carries its own X-EXTERNAL-ID.
            expect(new Set(calls.map((call) => call.headers["x-external-id"])).size).toBe(200)
          }),
        // About single flight, not speed: an attempt deadline far above what 200 concurrent signed
        // calls take on a loaded machine, so no attempt times out and is retried (that made 286).
        { timeout: "120 seconds" }
      ).pipe(Effect.provide(SandboxLive())),
    // Only catches a hang: 200 concurrent signed calls on a loaded machine take what they take.
    { timeout: 180_000 }
  )

  it.effect(
    "the token is reused until 60 s before expiry, then refreshed once by 200 concurrent calls",
    () =>
      withClient(
        (client) =>
          Effect.gen(function* () {
            yield* client.balance()
            yield* TestClock.adjust("839 seconds")
            yield* client.balance()
            expect((yield* logged("access-token")).length).toBe(1)
            yield* TestClock.adjust("2 seconds")
            yield* Effect.all(
              Array.from({ length: 200 }, () => client.balance()),
              { concurrency: "unbounded" }
            )
            const tokens = yield* logged("access-token")
            expect(tokens.length).toBe(2)
            expect(tokens.map((t) => t.receivedAt)).toStrictEqual([0, 841_000])
            // The simulator expires tokens on the same clock: the old one is dead at 900 s.
            yield* TestClock.adjust("100 seconds")
            yield* client.balance()
            expect((yield* logged("access-token")).length).toBe(2)
            expect((yield* logged("balance-inquiry")).every((call) => call.status === 200)).toBe(true)
          }),
        { retryPolicy: noRetries }
      ).pipe(Effect.provide(SandboxLive())),
    // Only catches a hang: 200 concurrent signed calls on a loaded machine take what they take.
    { timeout: 180_000 }
  )

  it.effect("a configurable refresh margin", () =>
    withClient(
      (client) =>
        Effect.gen(function* () {
          yield* client.balance()
          yield* TestClock.adjust("599 seconds")
          yield* client.balance()
          expect((yield* logged("access-token")).length).toBe(1)
          yield* TestClock.adjust("1 second")
          yield* client.balance()
          expect((yield* logged("access-token")).length).toBe(2)
        }),
      { retryPolicy: noRetries, tokenRefreshMargin: "300 seconds" }
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("401xx01 invalidates the token and the call is retried once, transparently", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const sim = yield* NicepaySimulator
        yield* client.balance()
        expect(yield* sim.revokeTokens(Demo.CLIENT_ID)).toBe(1)
        const registered = yield* client.register({
          partnerReferenceNo: "after-revoke",
          beneficiaryAccountNo: "5345000060",
          beneficiaryName: "IONPAY NETWORKS",
          beneficiaryPhone: "081211111111",
          beneficiaryCustomerResidence: "citizen",
          beneficiaryCustomerType: "company",
          beneficiaryBankCode: "CENA",
          payoutMethod: "online",
          amount: 15_000 as never
        })
        expect(registered.partnerReferenceNo).toBe("after-revoke")
        const sequence = (yield* logged()).map((e) => `${e.operation} ${e.responseCode}`)
        expect(sequence).toStrictEqual([
          "access-token 2007300",
          "balance-inquiry 2001100",
          "transfer/registration 4010001",
          "access-token 2007300",
          "transfer/registration 2000000"
        ])
        const registrations = yield* logged("transfer/registration")
        // Same bytes, fresh external id, new token.
        expect(registrations[0]!.body).toBe(registrations[1]!.body)
        expect(registrations[0]!.headers["x-external-id"]).not.toBe(
          registrations[1]!.headers["x-external-id"]
        )
        expect(registrations[0]!.headers.authorization).not.toBe(registrations[1]!.headers.authorization)
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("a merchant with a 2048-bit key gets tokens; a wrong key is Unauthorized (4017300)", () =>
    Effect.gen(function* () {
      const sim = yield* NicepaySimulator
      const keys = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const privateKey = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
      yield* sim.registerMerchant({
        clientId: "KASIRTEST1",
        clientSecret: "kasir-secret",
        publicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
        balance: 50_000
      })
      const balance = yield* withClient((client) => client.balance(), {
        clientId: "KASIRTEST1",
        clientSecret: Redacted.make("kasir-secret"),
        privateKey: Redacted.make(privateKey)
      })
      expect(balance).toStrictEqual({ accountNo: "KASIRTEST1", availableBalance: 50_000 })
      const [token] = yield* logged("access-token")
      expect(Buffer.from(token!.headers["x-signature"]!, "base64").length).toBe(256)

      const wrongKey = yield* Effect.flip(
        withClient((client) => client.balance(), { privateKey: Redacted.make(privateKey) })
      )
      expect(wrongKey._tag).toBe("Unauthorized")
      if (wrongKey._tag !== "Unauthorized") return
      expect([
        wrongKey.responseCode,
        wrongKey.serviceCode,
        wrongKey.responseMessage,
        wrongKey.kind
      ]).toStrictEqual(["4017300", "73", "Unauthorized. [Signature]", "Unauthorized"])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("token endpoint: documented codes for a bad request", () =>
    Effect.gen(function* () {
      const ok = yield* rawToken({})
      expect(ok.status).toBe(200)
      expect(ok.json.responseCode).toBe("2007300")
      expect(ok.json.tokenType).toBe("Bearer")
      expect(ok.json.expiresIn).toBe("900")
      expect(ok.json.accessToken).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/)

      const cases = [
        [rawToken({ clientId: "NOSUCHCLNT" }), 401, "4017300"],
        [rawToken({ timestamp: "2024-01-01 10:00:00" }), 400, "4007301"],
        [rawToken({ timestamp: "2001-01-01T10:00:00+07:00" }), 401, "4017300"],
        [rawToken({ body: '{"grantType":"password"}' }), 400, "4007301"],
        [rawToken({ body: "{}" }), 400, "4007302"],
        [rawToken({ body: "not json" }), 400, "4007300"],
        [rawToken({ headers: { "X-SIGNATURE": "" } }), 400, "4007302"]
      ] as const
      for (const [request, status, code] of cases) {
        const response = yield* request
        expect([response.status, response.json.responseCode]).toStrictEqual([status, code])
      }
      // NICEPAY's Python SDK sends "additionalInfo": "" and spaces: accepted.
      const python = yield* rawToken({ body: '{"grantType": "client_credentials", "additionalInfo": ""}' })
      expect(python.json.responseCode).toBe("2007300")
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.live("a malformed private key fails the layer with InvalidKey, before any request", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        withClient((client) => client.balance(), {
          privateKey: Redacted.make("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
        })
      )
      expect(error._tag).toBe("InvalidKey")
      expect(error.kind).toBe("Configuration")
      expect(yield* logged()).toStrictEqual([])
      expect(Core.paths.accessToken).toBe("/v1.0/access-token/b2b")
    }).pipe(Effect.provide(SandboxLive()))
  )
})
