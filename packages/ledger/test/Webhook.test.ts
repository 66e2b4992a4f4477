/**
 * Standard Webhooks interop: what `Webhook.sign` produces is accepted by the `standardwebhooks`
 * reference library's own `Webhook.verify`, what that library signs is accepted by ours, and a
 * tampered body, a stale timestamp and a wrong secret are refused by both.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted, TestClock } from "effect"
import { Webhook as Reference } from "standardwebhooks"
import { Webhook } from "../src/index.js"

const secretText = `whsec_${Buffer.alloc(32, 7).toString("base64")}`
const otherText = `whsec_${Buffer.alloc(32, 9).toString("base64")}`
const secret = Either.getOrThrow(Webhook.parseSecret(secretText))
const other = Either.getOrThrow(Webhook.parseSecret(otherText))
const body = JSON.stringify({ id: "evt_1", type: "ayoconnect.payment.succeeded", data: { amount: "51000" } })

const nowSeconds = () => Math.floor(Date.now() / 1000)

const refused = (verify: () => unknown): string => {
  try {
    verify()
  } catch (error) {
    return (error as Error).message
  }
  return "accepted"
}

describe("Webhook", () => {
  it("signs what the reference library verifies, and verifies what it signs", () => {
    const timestamp = nowSeconds()
    const headers = Webhook.headers({ id: "evt_1", timestamp, body, secrets: [secret] })
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(new Reference(secretText).verify(body, headers)).toEqual(JSON.parse(body))
    // The library's own signature is byte for byte ours.
    expect(new Reference(secretText).sign("evt_1", new Date(timestamp * 1000), body)).toBe(
      headers["webhook-signature"]
    )
  })

  it.effect("our verify accepts the library's signature", () =>
    Effect.gen(function* () {
      const timestamp = nowSeconds()
      yield* TestClock.setTime(timestamp * 1000)
      const signature = new Reference(secretText).sign("evt_2", new Date(timestamp * 1000), body)
      const verified = yield* Webhook.verify({
        headers: {
          "webhook-id": "evt_2",
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signature
        },
        body: Buffer.from(body),
        secrets: [secret]
      })
      expect(verified).toEqual({ id: "evt_2", timestamp })
    })
  )

  it("a rotation signs with every secret; a receiver holding either accepts", () => {
    const timestamp = nowSeconds()
    const headers = Webhook.headers({ id: "evt_3", timestamp, body, secrets: [secret, other] })
    const entries = headers["webhook-signature"].split(" ")
    expect(entries).toHaveLength(2)
    expect(entries.every((entry) => entry.startsWith("v1,"))).toBe(true)
    expect(new Reference(secretText).verify(body, headers)).toEqual(JSON.parse(body))
    expect(new Reference(otherText).verify(body, headers)).toEqual(JSON.parse(body))
  })

  it("the reference library refuses a tampered body, a stale timestamp and a wrong secret", () => {
    const timestamp = nowSeconds()
    const headers = Webhook.headers({ id: "evt_4", timestamp, body, secrets: [secret] })
    expect(refused(() => new Reference(secretText).verify(body.replace("51000", "51001"), headers))).toBe(
      "No matching signature found"
    )
    expect(refused(() => new Reference(otherText).verify(body, headers))).toBe("No matching signature found")
    const stale = timestamp - 301
    const staleHeaders = Webhook.headers({ id: "evt_4", timestamp: stale, body, secrets: [secret] })
    expect(refused(() => new Reference(secretText).verify(body, staleHeaders))).toBe(
      "Message timestamp too old"
    )
  })

  it.effect("our verify refuses a tampered body, a stale timestamp, a wrong secret and missing headers", () =>
    Effect.gen(function* () {
      const timestamp = 1_800_000_000
      yield* TestClock.setTime(timestamp * 1000)
      const headers = Webhook.headers({ id: "evt_5", timestamp, body, secrets: [secret] })
      const reason = (input: Parameters<typeof Webhook.verify>[0]) =>
        Effect.map(Effect.flip(Webhook.verify(input)), (error) => error.reason)
      expect(yield* reason({ headers, body: `${body} `, secrets: [secret] })).toBe("bad-signature")
      expect(yield* reason({ headers, body, secrets: [other] })).toBe("bad-signature")
      expect(
        yield* reason({
          headers: Webhook.headers({ id: "evt_5", timestamp: timestamp - 301, body, secrets: [secret] }),
          body,
          secrets: [secret]
        })
      ).toBe("stale-timestamp")
      expect(
        yield* reason({
          headers: Webhook.headers({ id: "evt_5", timestamp: timestamp + 301, body, secrets: [secret] }),
          body,
          secrets: [secret]
        })
      ).toBe("stale-timestamp")
      expect(yield* reason({ headers: { ...headers, "webhook-id": "evt_6" }, body, secrets: [secret] })).toBe(
        "bad-signature"
      )
      expect(yield* reason({ headers: { "webhook-id": "evt_5" }, body, secrets: [secret] })).toBe(
        "missing-header"
      )
      expect(
        yield* reason({ headers: { ...headers, "webhook-signature": "v1a,abc" }, body, secrets: [secret] })
      ).toBe("no-signature")
      expect(
        yield* reason({ headers: { ...headers, "webhook-timestamp": "soon" }, body, secrets: [secret] })
      ).toBe("invalid-timestamp")
      // Within the tolerance, either way: accepted.
      const early = Webhook.headers({ id: "evt_5", timestamp: timestamp + 300, body, secrets: [secret] })
      expect(yield* Webhook.verify({ headers: early, body, secrets: [secret] })).toEqual({
        id: "evt_5",
        timestamp: timestamp + 300
      })
      // The message names the reason, never a secret or a signature.
      const error = yield* Effect.flip(Webhook.verify({ headers, body: "x", secrets: [secret] }))
      expect(error.message).toBe(
        "webhook refused (bad-signature): no signature matches the body with any configured secret"
      )
      expect(error.message).not.toContain(headers["webhook-signature"].slice(3, 13))
    })
  )

  it("parses secrets strictly and never echoes them", () => {
    expect(Either.isRight(Webhook.parseSecrets(`${secretText}  ${otherText}`))).toBe(true)
    expect(Webhook.parseSecrets("")).toEqual(
      Either.left("no secret given (expected whsec_… values separated by spaces)")
    )
    expect(Webhook.parseSecrets(`${secretText} sk_live_abcdef`)).toEqual(
      Either.left("secret 2 of 2: a secret must start with whsec_")
    )
    expect(Webhook.parseSecrets("whsec_!!!!")).toEqual(
      Either.left("secret 1 of 1: the part after whsec_ must be base64")
    )
    expect(Webhook.parseSecrets(`whsec_${Buffer.alloc(8).toString("base64")}`)).toEqual(
      Either.left("secret 1 of 1: the part after whsec_ must decode to 24 to 64 bytes (got 8)")
    )
    const generated = Webhook.generateSecret()
    expect(String(generated)).toBe("<redacted>")
    expect(Redacted.value(generated)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Either.isRight(Webhook.parseSecret(Redacted.value(generated)))).toBe(true)
  })
})
