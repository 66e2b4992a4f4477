// Environment variable names are defined once in core and exported as data; `fromEnv` reads
// exactly those names, so an app deriving its configuration from them cannot drift.
import { Ayoconnect, Nicepay } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"

describe("Config.variables", () => {
  it.effect("Ayoconnect.Config.fromEnv reads the exported names", () =>
    Effect.gen(function* () {
      const v = Ayoconnect.Config.variables
      const provider = ConfigProvider.fromMap(
        new Map([
          [v.baseUrl, "https://ayoconnect.example"],
          [v.apiKey, "key-1"],
          [v.apiSecret, "secret-1"],
          [v.apiVersion, "1"],
          [v.readTimeout, "7 seconds"]
        ])
      )
      const config = yield* Effect.withConfigProvider(Ayoconnect.Config.fromEnv, provider)
      expect([
        config.baseUrl,
        config.apiKey,
        Redacted.value(config.apiSecret),
        config.apiVersion
      ]).toStrictEqual(["https://ayoconnect.example", "key-1", "secret-1", 1])
      expect(Ayoconnect.Config.configuredBy).toStrictEqual([
        "AYOCONNECT_BASE_URL",
        "AYOCONNECT_API_KEY",
        "AYOCONNECT_API_SECRET"
      ])
    })
  )

  it("NICEPAY's names, and the ones that mark it configured", () => {
    expect(Object.values(Nicepay.Config.variables)).toStrictEqual([
      "NICEPAY_BASE_URL",
      "NICEPAY_ENV",
      "NICEPAY_CLIENT_ID",
      "NICEPAY_CLIENT_SECRET",
      "NICEPAY_PRIVATE_KEY",
      "NICEPAY_NOTIFICATION_PUBLIC_KEY",
      "NICEPAY_CHANNEL_ID",
      "NICEPAY_TIMEOUT"
    ])
    expect(Nicepay.Config.configuredBy).toStrictEqual([
      "NICEPAY_BASE_URL",
      "NICEPAY_ENV",
      "NICEPAY_CLIENT_ID",
      "NICEPAY_CLIENT_SECRET",
      "NICEPAY_PRIVATE_KEY"
    ])
  })
})
