import { generateKeyPairSync } from "node:crypto"
import { Snap } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import {
  IONPAYTEST_CLIENT_SECRET,
  K1_PRIVATE_PEM,
  K1_PUBLIC_PEM,
  K2_PRIVATE_PEM,
  K2_PUBLIC_BASE64
} from "../fixtures/keys.js"

// The published vectors of reference/nicepay-snap.md §10, reproduced byte for byte.
const V_N1 =
  "H0SI/1ArKnqoNdKeeO0KD+3RVuhoE7/xvQ6uBWksAqf033vAIQIrXIjVRfCEqSHzSWjRkUYeaYhJ12YEQvG3zjaF6jQZEYEdTeFSw/RTEdwXCnjfZMN+MyTEPoB3UE51dVAMRFUSwhVEHirn/ucND2OKiPCj7qy7CQa8DWNq3/M="
const V_N2_TOKEN =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJJT05QQVlURVNUIiwiaXNzIjoiTklDRVBBWSIsIm5hbWUiOiJCQkJBIiwiZXhwIjoiMjAyMy0wMi0yMlQxMDo0MDowNloifQ==.nlrGKpV0lvwmUDTC94Y5KGnrACV1zdfSx7GrsrNruh8="
const V_N2 = "O8D7P20kxMRdnLEnf0NEOxY0d5bQvSrKnl4fKvwklILJD9BJiQmZVX+yJTUVwb/EjDbwadQJmA0mAA8ol5IIuQ=="
const V_M1_BODY =
  '{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"12345678.00","currency":"IDR"},"feeAmount":{"value":"12345678.00","currency":"IDR"},"merchantId":"00007100010926","terminalId":"213141251124","validityPeriod":"2009-07-03T12:08:56-07:00"}'
const V_M1 = "wmzT7yjg1SxxCsxNsFgCR9SYXiZGGbceF6fV8xe97sAMHxZ+7OEBMIBmvb6Sj6GcksGp3iv77DiomgSbcST3XQ=="
const V_M2 =
  "WzW49tYIgKIBmBi/gVBHGLAkhEaZlXM11zcZxAiyHji6TLPjPbwLu3Z45it25AIeG0XDItcdTSkds47zFEMh6IP0PXPIP1+Ey4RmX/o2fuYRF/xBHvfvKnMmANMTS1axsXBSW3EHqYpbVrkCcqNnB3u+wu63us9WIhRZaWgxgQ2PJLaiVHIwgu9u7jxkWX7Bg4rerZH3RKdQfIJAAJsSN13efR7VdSAyzU7QaKjgislxrLqmesYNJkbD03XLjHdo6YWuzAVV7xdZRpLiGkIAkW7luXTBZYBO+4oENZAPQYzrLeN1qRY1Sr7BgLONCA2QA26BB6SYW4R7qofS9+RyOQ=="
const V_D1_BODY =
  '{"partnerServiceId":"  088899","customerNo":"12345678901234567890","virtualAccountNo":"  08889912345678901234567890","virtualAccountName":"Jokul Doe","virtualAccountEmail":"jokul@email.com","virtualAccountPhone":"6281828384858","trxId":"abcdefgh1234","totalAmount":{"value":"12345678.00","currency":"IDR"}}'

const bareBase64 = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "")

describe("Snap published vectors", () => {
  it.effect("V-N1: NICEPAY token signature with K1", () =>
    Effect.gen(function* () {
      const signature = yield* Snap.Signature.tokenSignature({
        clientId: "IONPAYTEST",
        timestamp: "2023-02-22T14:43:27+07:00",
        privateKey: K1_PRIVATE_PEM
      })
      expect(signature).toBe(V_N1)
    })
  )

  it.effect("V-N1 with the key as bare base64 DER and as Redacted PEM (SDK habits)", () =>
    Effect.gen(function* () {
      const options = { clientId: "IONPAYTEST", timestamp: "2023-02-22T14:43:27+07:00" }
      expect(
        yield* Snap.Signature.tokenSignature({ ...options, privateKey: bareBase64(K1_PRIVATE_PEM) })
      ).toBe(V_N1)
      expect(
        yield* Snap.Signature.tokenSignature({ ...options, privateKey: Redacted.make(K1_PRIVATE_PEM) })
      ).toBe(V_N1)
    })
  )

  it.effect("V-N1 verifies with K1's public half, and fails for another clientId", () =>
    Effect.gen(function* () {
      const base = { timestamp: "2023-02-22T14:43:27+07:00", signature: V_N1, publicKey: K1_PUBLIC_PEM }
      expect(yield* Snap.Signature.verifyTokenSignature({ ...base, clientId: "IONPAYTEST" })).toBe(true)
      expect(yield* Snap.Signature.verifyTokenSignature({ ...base, clientId: "IONPAYTESU" })).toBe(false)
    })
  )

  it("V-N4: body hash of a NICEPAY inquiry body", () => {
    const body =
      '{"merchantId":"IONPAYTEST","originalPartnerReferenceNo":"order1677048512514","originalReferenceNo":"IONPAYTEST07202302221348332909"}'
    expect(Snap.Signature.bodyHash(body)).toBe(
      "14cfc0aa062edc5154e97839b97840208a20c4d25a1fc2d3dc5e4053c39d091a"
    )
    expect(Snap.Signature.bodyHash(new TextEncoder().encode(body))).toBe(
      "14cfc0aa062edc5154e97839b97840208a20c4d25a1fc2d3dc5e4053c39d091a"
    )
  })

  it("V-N2: NICEPAY service HMAC over ST1, keyed with the secret's UTF-8 bytes", () => {
    // ST1 carries the body hash directly, so rebuild it from its parts and check the string first.
    const stringToSign = `POST:/api/v1.0/transfer/registration:${V_N2_TOKEN}:ec055a063eca97d1eb53e1ebc38cb8dfed4ce9f874b47c8214fb30250cfa9d44:2023-02-22T17:25:04+07:00`
    expect(Snap.Signature.symmetricSignature({ stringToSign, clientSecret: IONPAYTEST_CLIENT_SECRET })).toBe(
      V_N2
    )
    expect(
      Snap.Signature.symmetricSignature({
        stringToSign,
        clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET)
      })
    ).toBe(V_N2)
    // Base64-decoding the secret (a common SDK mistake) gives a different signature.
    expect(
      Snap.Signature.symmetricSignature({
        stringToSign,
        clientSecret: Buffer.from(IONPAYTEST_CLIENT_SECRET, "base64").toString("latin1")
      })
    ).not.toBe(V_N2)
  })

  it("V-M1: Midtrans symmetric service signature through serviceSignature", () => {
    expect(Snap.Signature.bodyHash(V_M1_BODY)).toBe(
      "01463f60dbb6ca538581579dd95b31c8ba9fc6600eca750e4d8460ca4e402111"
    )
    const options = {
      method: "post",
      path: "/v1.0/qr/qr-mpm-generate",
      accessToken: "myaccesstoken",
      body: V_M1_BODY,
      timestamp: "2024-03-05T10:37:16.196Z"
    }
    expect(Snap.Signature.serviceSignature({ ...options, clientSecret: "myclientsecret" })).toBe(V_M1)
    expect(
      Snap.Signature.serviceSignature({ ...options, clientSecret: Redacted.make("myclientsecret") })
    ).toBe(V_M1)
    expect(
      Snap.Signature.verifyServiceSignature({ ...options, clientSecret: "myclientsecret", signature: V_M1 })
    ).toBe(true)
    expect(
      Snap.Signature.verifyServiceSignature({
        ...options,
        body: `${V_M1_BODY} `,
        clientSecret: "myclientsecret",
        signature: V_M1
      })
    ).toBe(false)
    expect(
      Snap.Signature.verifyServiceSignature({
        ...options,
        clientSecret: "myclientsecret",
        signature: "not base64!"
      })
    ).toBe(false)
  })

  it.effect("V-M2: Midtrans token signature with the 2048-bit K2", () =>
    Effect.gen(function* () {
      const options = { clientId: "G1234325-SNAP", timestamp: "2024-03-01T08:27:49.024Z" }
      expect(yield* Snap.Signature.tokenSignature({ ...options, privateKey: K2_PRIVATE_PEM })).toBe(V_M2)
      expect(
        yield* Snap.Signature.verifyTokenSignature({
          ...options,
          signature: V_M2,
          publicKey: K2_PUBLIC_BASE64
        })
      ).toBe(true)
    })
  )

  it("V-D1: DOKU body hash keeps spaces inside strings", () => {
    expect(Snap.Signature.bodyHash(V_D1_BODY)).toBe(
      "3274fab8dac896837b106a16da2a974e7e65142dcecb4b768ef0294102838977"
    )
    expect(Snap.Signature.bodyHash(V_D1_BODY.replace('"  088899"', '" 088899"'))).not.toBe(
      "3274fab8dac896837b106a16da2a974e7e65142dcecb4b768ef0294102838977"
    )
  })

  it("the empty body hashes the empty string", () => {
    expect(Snap.Signature.bodyHash("")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
  })
})

describe("Snap signatures", () => {
  it("serviceStringToSign upper-cases the method and keeps the body hash lower-case hex", () => {
    expect(
      Snap.Signature.serviceStringToSign({
        method: "post",
        path: "/api/v1.0/balance-inquiry",
        accessToken: "tok",
        body: "",
        timestamp: "2024-01-01T07:00:00+07:00"
      })
    ).toBe(
      "POST:/api/v1.0/balance-inquiry:tok:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2024-01-01T07:00:00+07:00"
    )
  })

  it.effect("asymmetric service signature round-trips and covers the body", () =>
    Effect.gen(function* () {
      const options = {
        method: "POST",
        path: "/v1.0/transfer-va/payment",
        body: '{"a":"b"}',
        timestamp: "2024-01-01T07:00:00+07:00"
      }
      const signature = yield* Snap.Signature.asymmetricServiceSignature({
        ...options,
        privateKey: K2_PRIVATE_PEM
      })
      expect(
        yield* Snap.Signature.verifyAsymmetricServiceSignature({
          ...options,
          signature,
          publicKey: K2_PUBLIC_BASE64
        })
      ).toBe(true)
      expect(
        yield* Snap.Signature.verifyAsymmetricServiceSignature({
          ...options,
          body: '{"a":"c"}',
          signature,
          publicKey: K2_PUBLIC_BASE64
        })
      ).toBe(false)
    })
  )

  it.effect("notification signatures: valid, tampered timestamp, wrong key, garbage", () =>
    Effect.gen(function* () {
      const timestamp = "2024-05-01T10:00:00+07:00"
      const signature = yield* Snap.Signature.tokenSignature({
        clientId: "TNICEVA023",
        timestamp,
        privateKey: K1_PRIVATE_PEM
      })
      const verify = (overrides: Partial<Parameters<typeof Snap.Signature.verifyNotificationSignature>[0]>) =>
        Snap.Signature.verifyNotificationSignature({
          clientId: "TNICEVA023",
          timestamp,
          signature,
          publicKey: K1_PUBLIC_PEM,
          ...overrides
        })
      expect(yield* verify({})).toBe(true)
      expect(yield* verify({ timestamp: "2024-05-01T10:00:01+07:00" })).toBe(false)
      expect(yield* verify({ publicKey: K2_PUBLIC_BASE64 })).toBe(false)
      expect(yield* verify({ signature: "%%%" })).toBe(false)
      expect(yield* verify({ signature: "" })).toBe(false)
    })
  )

  it.effect("accepts PKCS#1 PEM private keys and KeyObjects", () =>
    Effect.gen(function* () {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString()
      expect(pkcs1).toContain("BEGIN RSA PRIVATE KEY")
      const options = { clientId: "X", timestamp: "2024-01-01T07:00:00+07:00" }
      const fromPem = yield* Snap.Signature.tokenSignature({ ...options, privateKey: pkcs1 })
      const fromObject = yield* Snap.Signature.tokenSignature({ ...options, privateKey })
      expect(fromPem).toBe(fromObject)
      expect(yield* Snap.Signature.verifyTokenSignature({ ...options, signature: fromPem, publicKey })).toBe(
        true
      )
    })
  )

  it("PHP habit: PKCS#8 DER wrapped in RSA PRIVATE KEY headers is accepted", () => {
    const wrapped = `-----BEGIN RSA PRIVATE KEY-----\n${bareBase64(K1_PRIVATE_PEM)}\n-----END RSA PRIVATE KEY-----`
    expect(Either.isRight(Snap.Signature.parsePrivateKey(wrapped))).toBe(true)
  })

  it("derives the SPKI public key a merchant uploads", () => {
    const pem = Either.getOrThrow(Snap.Signature.publicKeyPem(K1_PRIVATE_PEM))
    expect(bareBase64(pem)).toBe(bareBase64(K1_PUBLIC_PEM))
  })
})

describe("Snap malformed keys", () => {
  const secretish = "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAInJe1G22R2f"
  const cases: ReadonlyArray<[string, string]> = [
    ["empty", ""],
    ["not base64", "this is not a key"],
    ["truncated DER", secretish],
    ["truncated PEM", `-----BEGIN PRIVATE KEY-----\n${secretish}\n-----END PRIVATE KEY-----`],
    ["unknown PEM label", `-----BEGIN CERTIFICATE-----\n${secretish}\n-----END CERTIFICATE-----`],
    ["a public key where a private one is needed", K1_PUBLIC_PEM]
  ]
  for (const [name, input] of cases) {
    it.effect(`private key: ${name} → InvalidKey without key material`, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          Snap.Signature.tokenSignature({
            clientId: "X",
            timestamp: "2024-01-01T07:00:00+07:00",
            privateKey: input
          })
        )
        expect(error._tag).toBe("InvalidKey")
        expect(error.kind).toBe("Configuration")
        expect(error.keyType).toBe("private")
        expect(error.message).toMatch(/^invalid RSA private key: /)
        expect(error.message).not.toContain(secretish.slice(0, 20))
        expect(JSON.stringify(error)).not.toContain(secretish.slice(0, 20))
      })
    )
  }

  it.effect("public key: a private key where a public one is needed", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Snap.Signature.verifyNotificationSignature({
          clientId: "X",
          timestamp: "2024-01-01T07:00:00+07:00",
          signature: "AAAA",
          publicKey: K1_PRIVATE_PEM
        })
      )
      expect(error.message).toBe(
        'invalid RSA public key: expected a public key, got a PEM "PRIVATE KEY" block'
      )
    })
  )

  it("rejects a non-RSA key", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
    const result = Snap.Signature.parsePrivateKey(privateKey)
    expect(Either.isLeft(result) && result.left.reason).toBe("expected an RSA key, got ec")
  })
})

describe("Snap.Signer.fromKeys", () => {
  it.effect("signs through the seam exactly like the pure functions", () =>
    Effect.gen(function* () {
      const signer = yield* Snap.Signer.fromKeys({
        clientId: "IONPAYTEST",
        clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
        privateKey: K1_PRIVATE_PEM
      })
      expect(signer.clientId).toBe("IONPAYTEST")
      expect(yield* signer.tokenSignature("2023-02-22T14:43:27+07:00")).toBe(V_N1)
      const request = {
        method: "POST",
        path: "/p",
        accessToken: "t",
        body: "{}",
        timestamp: "2024-01-01T07:00:00+07:00"
      }
      expect(yield* signer.serviceSignature(request)).toBe(
        Snap.Signature.serviceSignature({ ...request, clientSecret: IONPAYTEST_CLIENT_SECRET })
      )
    })
  )

  it.effect("a malformed key fails when the signer is built, before any request", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Snap.Signer.fromKeys({ clientId: "X", clientSecret: Redacted.make("s"), privateKey: "garbage" })
      )
      expect(error._tag).toBe("InvalidKey")
    })
  )
})
