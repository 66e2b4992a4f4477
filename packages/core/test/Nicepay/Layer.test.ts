// Building the NICEPAY client: NICEPAY's notification public key is parsed once, when the layer is
// built, so a corrupt key stops startup instead of failing every notification later.
import { NodeHttpClient } from "@effect/platform-node"
import { Nicepay, Snap, Timestamp } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted, TestClock } from "effect"
import { IONPAYTEST_CLIENT_SECRET, K1_PRIVATE_PEM, K1_PUBLIC_PEM } from "../fixtures/keys.js"

// A PEM block of the right shape whose DER is cut short (a truncated copy-paste).
const TRUNCATED_PEM = K1_PUBLIC_PEM.split("\n")
  .filter((_, index) => index !== 2 && index !== 3)
  .join("\n")
const BODY_FRAGMENT = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCJyXtRttkdnzHISBOgY7WEasjI"

const config = (notificationPublicKey: string | undefined): Nicepay.Config.NicepayConfig => ({
  baseUrl: "http://127.0.0.1:1/nicepay",
  clientId: "IONPAYTEST",
  clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
  privateKey: Redacted.make(K1_PRIVATE_PEM),
  notificationPublicKey:
    notificationPublicKey === undefined ? undefined : Redacted.make(notificationPublicKey)
})

const build = <E>(layer: Layer.Layer<Nicepay.NicepayPayout, E, never>) =>
  Effect.scoped(Layer.build(layer)).pipe(Effect.flip)

describe("Nicepay layer: the notification public key", () => {
  it.effect("a corrupt key fails the layer with InvalidKey naming the variable, never the key", () =>
    Effect.gen(function* () {
      const errors = [
        yield* build(Nicepay.layer(config(TRUNCATED_PEM)).pipe(Layer.provide(NodeHttpClient.layerUndici))),
        yield* build(Nicepay.layer(config(K1_PRIVATE_PEM)).pipe(Layer.provide(NodeHttpClient.layerUndici))),
        yield* build(
          Nicepay.layerWithSigner({
            baseUrl: "http://127.0.0.1:1/nicepay",
            notificationPublicKey: `${"QUJD".repeat(40)}`
          }).pipe(
            Layer.provide(
              Nicepay.signerLayer({
                clientId: "IONPAYTEST",
                clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
                privateKey: K1_PRIVATE_PEM
              })
            ),
            Layer.provide(NodeHttpClient.layerUndici)
          )
        )
      ]
      expect(errors.map((error) => [error._tag, error.kind, error.message])).toStrictEqual([
        [
          "InvalidKey",
          "Configuration",
          "invalid RSA public key: NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): the key material could not be decoded (corrupt or not an RSA key)"
        ],
        [
          "InvalidKey",
          "Configuration",
          'invalid RSA public key: NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY\'s notification public key): expected a public key, got a PEM "PRIVATE KEY" block'
        ],
        [
          "InvalidKey",
          "Configuration",
          "invalid RSA public key: NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): the key material could not be decoded (corrupt or not an RSA key)"
        ]
      ])
      for (const error of errors) {
        const text = `${error.message} ${JSON.stringify(error)} ${String(error)}`
        expect(text).not.toContain(BODY_FRAGMENT)
        expect(text).not.toContain("QUJDQUJD")
        expect(text).not.toContain(
          "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAInJe1G22R2fMchIE6BjtYRqyMj6lurP"
        )
      }
    })
  )

  it.effect("from the environment (the gateway's path), a corrupt key fails the layer the same way", () =>
    Effect.gen(function* () {
      const error = yield* build(
        Nicepay.layerConfig().pipe(
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([
                  ["NICEPAY_BASE_URL", "http://127.0.0.1:1/nicepay"],
                  ["NICEPAY_CLIENT_ID", "IONPAYTEST"],
                  ["NICEPAY_CLIENT_SECRET", IONPAYTEST_CLIENT_SECRET],
                  ["NICEPAY_PRIVATE_KEY", K1_PRIVATE_PEM],
                  ["NICEPAY_NOTIFICATION_PUBLIC_KEY", TRUNCATED_PEM]
                ])
              )
            )
          )
        )
      )
      expect([error._tag, error.message]).toStrictEqual([
        "InvalidKey",
        "invalid RSA public key: NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): the key material could not be decoded (corrupt or not an RSA key)"
      ])
    })
  )

  it.effect("a valid key still verifies notifications; without a key they are refused NoPublicKey", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2024, 0, 1, 3, 0, 0))
      const timestamp = yield* Timestamp.now
      const signature = yield* Snap.Signature.tokenSignature({
        clientId: "IONPAYTEST",
        timestamp,
        privateKey: K1_PRIVATE_PEM
      })
      const received = {
        headers: { "X-TIMESTAMP": timestamp, "X-CLIENT-KEY": "IONPAYTEST", "X-SIGNATURE": signature },
        rawBody: JSON.stringify({
          originalPartnerReferenceNo: "ord-1",
          originalReferenceNo: "IONPAYTEST07202401010000000001",
          beneficiaryAccountNo: "5345000060",
          latestTransactionStatus: "00"
        })
      }
      const verified = yield* Effect.flatMap(Nicepay.NicepayPayout, (client) =>
        client.verifyNotification(received)
      ).pipe(
        Effect.provide(Nicepay.layer(config(K1_PUBLIC_PEM)).pipe(Layer.provide(NodeHttpClient.layerUndici)))
      )
      expect([verified.partnerReferenceNo, verified.status]).toStrictEqual(["ord-1", "Success"])
      const refused = yield* Effect.flatMap(Nicepay.NicepayPayout, (client) =>
        Effect.flip(client.verifyNotification(received))
      ).pipe(Effect.provide(Nicepay.layer(config(undefined)).pipe(Layer.provide(NodeHttpClient.layerUndici))))
      expect([refused.reason, refused.kind]).toStrictEqual(["NoPublicKey", "Configuration"])
    })
  )
})
