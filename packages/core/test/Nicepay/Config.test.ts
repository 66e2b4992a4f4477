import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Nicepay } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import { IONPAYTEST_CLIENT_SECRET, K1_PRIVATE_PEM } from "../fixtures/keys.js"

const { Config } = Nicepay

const load = (env: Record<string, string>) =>
  Effect.withConfigProvider(
    Effect.flatMap(Config.fromEnv, Config.resolveKeyFiles),
    ConfigProvider.fromMap(new Map(Object.entries(env)))
  )

const base = {
  NICEPAY_CLIENT_ID: "IONPAYTEST",
  NICEPAY_CLIENT_SECRET: IONPAYTEST_CLIENT_SECRET,
  NICEPAY_PRIVATE_KEY: K1_PRIVATE_PEM
}

describe("Nicepay.Config", () => {
  it.effect("NICEPAY_ENV picks the base URL; secrets are Redacted", () =>
    Effect.gen(function* () {
      const sandbox = yield* load({ ...base, NICEPAY_ENV: "sandbox" })
      expect(sandbox.baseUrl).toBe("https://dev.nicepay.co.id/nicepay")
      expect(Redacted.isRedacted(sandbox.clientSecret)).toBe(true)
      expect(String(sandbox.clientSecret)).toBe("<redacted>")
      expect(Redacted.value(sandbox.privateKey as Redacted.Redacted<string>)).toBe(K1_PRIVATE_PEM)
      expect(sandbox.notificationPublicKey).toBeUndefined()
      expect((yield* load({ ...base, NICEPAY_ENV: "production" })).baseUrl).toBe(
        "https://www.nicepay.co.id/nicepay"
      )
      const explicit = yield* load({
        ...base,
        NICEPAY_BASE_URL: "http://127.0.0.1:4000/nicepay/",
        NICEPAY_ENV: "sandbox"
      })
      expect(explicit.baseUrl).toBe("http://127.0.0.1:4000/nicepay")
    })
  )

  it.effect("missing or invalid variables are ConfigErrors naming them", () =>
    Effect.gen(function* () {
      const neither = yield* Effect.flip(load(base))
      expect(String(neither)).toContain("NICEPAY_ENV")
      const badEnv = yield* Effect.flip(load({ ...base, NICEPAY_ENV: "staging" }))
      expect(String(badEnv)).toContain("NICEPAY_ENV")
      const { NICEPAY_CLIENT_SECRET: _, ...noSecret } = base
      expect(String(yield* Effect.flip(load({ ...noSecret, NICEPAY_ENV: "sandbox" })))).toContain(
        "NICEPAY_CLIENT_SECRET"
      )
    })
  )

  it.effect("NICEPAY_TIMEOUT sets the per-attempt timeout; unset keeps the default", () =>
    Effect.gen(function* () {
      const unset = yield* load({ ...base, NICEPAY_ENV: "sandbox" })
      expect(unset.timeout).toBeUndefined()
      const set = yield* load({ ...base, NICEPAY_ENV: "sandbox", NICEPAY_TIMEOUT: "2500 millis" })
      expect(Duration.toMillis(Duration.decode(set.timeout!))).toBe(2500)
      for (const bad of ["0 seconds", "soon", "-1 seconds"]) {
        const error = yield* Effect.flip(load({ ...base, NICEPAY_ENV: "sandbox", NICEPAY_TIMEOUT: bad }))
        expect(String(error), bad).toContain("NICEPAY_TIMEOUT")
      }
    })
  )

  it.effect("key variables may name files; a bad path never echoes the value", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "kasir-"))
      const keyFile = join(dir, "merchant.pem")
      writeFileSync(keyFile, K1_PRIVATE_PEM)
      const fromFile = yield* load({ ...base, NICEPAY_ENV: "sandbox", NICEPAY_PRIVATE_KEY: keyFile })
      expect(Redacted.value(fromFile.privateKey as Redacted.Redacted<string>)).toBe(K1_PRIVATE_PEM)
      const missing = yield* Effect.flip(
        load({ ...base, NICEPAY_ENV: "sandbox", NICEPAY_PRIVATE_KEY: "/no/such/key.pem" })
      )
      expect(missing._tag).toBe("InvalidConfig")
      if (missing._tag !== "InvalidConfig") return
      expect(missing.message).toBe(
        "NICEPAY_PRIVATE_KEY: neither PEM / base64 key text nor the path of an existing file"
      )
      expect(missing.kind).toBe("Configuration")
    })
  )
})
