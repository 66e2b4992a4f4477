import { createHmac } from "node:crypto"
import { Jwt } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Either, Redacted } from "effect"
import * as fc from "fast-check"

const secret = "s3cr3t-partner-key"
const payloadJson = '{"partnerId":"PARTNER1","accountNumber":"512345678901","productCode":"PLNPOST"}'

const reasonOf = (token: string, key: string | Redacted.Redacted<string> = secret) => {
  const result = Jwt.verify({ token, secret: key })
  return Either.isLeft(result) ? result.left.reason : "ok"
}

const b64url = (text: string) => Buffer.from(text).toString("base64url")

describe("Jwt", () => {
  it("signs compact HS256 over the exact payload text, base64url without padding", () => {
    const token = Jwt.sign({ payloadJson, secret })
    const [header, payload, signature] = token.split(".")
    expect(Buffer.from(header!, "base64url").toString()).toBe('{"alg":"HS256","typ":"JWT"}')
    expect(Buffer.from(payload!, "base64url").toString()).toBe(payloadJson)
    const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
      .update(`${header}.${payload}`)
      .digest("base64url")
    expect(signature).toBe(expected)
    expect(token).not.toMatch(/[=+/]/)
  })

  it("verifies and returns the payload text as received", () => {
    const token = Jwt.sign({ payloadJson, secret: Redacted.make(secret) })
    const verified = Either.getOrThrow(Jwt.verify({ token, secret }))
    expect(verified.payloadJson).toBe(payloadJson)
    expect(verified.payload).toStrictEqual({
      partnerId: "PARTNER1",
      accountNumber: "512345678901",
      productCode: "PLNPOST"
    })
    expect(verified.header).toStrictEqual({ alg: "HS256", typ: "JWT" })
  })

  it("tolerates padding and standard-base64 characters, signing over the segments as received", () => {
    // A payload whose base64 contains '+' and '/' characters, padded the way some SDKs send it.
    const text = '{"a":"ÿÿ>>??"}'
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64")
    const payload = Buffer.from(text).toString("base64")
    expect(payload).toMatch(/[+/=]/)
    const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64")
    const verified = Either.getOrThrow(Jwt.verify({ token: `${header}.${payload}.${signature}`, secret }))
    expect(verified.payloadJson).toBe(text)
  })

  it("rejects alg none, other algorithms, malformed segments, bad signatures and non-object payloads", () => {
    const good = Jwt.sign({ payloadJson, secret })
    const [, payload, signature] = good.split(".")
    expect(reasonOf(`${b64url('{"alg":"none","typ":"JWT"}')}.${payload}.`)).toBe("UnsupportedAlgorithm")
    expect(reasonOf(`${b64url('{"alg":"HS512"}')}.${payload}.${signature}`)).toBe("UnsupportedAlgorithm")
    expect(reasonOf(`${b64url('{"typ":"JWT"}')}.${payload}.${signature}`)).toBe("UnsupportedAlgorithm")
    expect(reasonOf("a.b")).toBe("Malformed")
    expect(reasonOf("a.b.c.d")).toBe("Malformed")
    expect(reasonOf(`${good.split(".")[0]}.${payload}!.${signature}`)).toBe("Malformed")
    expect(reasonOf(`${b64url("[1]")}.${payload}.${signature}`)).toBe("Malformed")
    expect(reasonOf(`${b64url("not json")}.${payload}.${signature}`)).toBe("Malformed")
    expect(reasonOf(good, "another-secret")).toBe("BadSignature")
    expect(reasonOf(`${good}A`)).toBe("BadSignature")
    for (const body of ["[1,2]", "42", '"text"', "null", "{"]) {
      expect(reasonOf(Jwt.sign({ payloadJson: body, secret }))).toBe("InvalidPayload")
    }
  })

  it("errors never carry the secret or the signature", () => {
    const good = Jwt.sign({ payloadJson, secret })
    const result = Jwt.verify({ token: good, secret: "wrong-secret-value" })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const rendered = `${result.left.message} ${JSON.stringify(result.left)} ${String(result.left)}`
      expect(rendered).not.toContain("wrong-secret-value")
      expect(rendered).not.toContain(good.split(".")[2])
      expect(result.left.kind).toBe("InvalidRequest")
    }
  })

  it("property: sign then verify round-trips any JSON object and any secret", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string({ minLength: 1 }), (object, key) => {
        const text = JSON.stringify(object)
        const verified = Jwt.verify({ token: Jwt.sign({ payloadJson: text, secret: key }), secret: key })
        return Either.isRight(verified) && verified.right.payloadJson === text
      }),
      { numRuns: 300 }
    )
  })

  it("property: arbitrary strings never throw, and a changed secret never verifies", () => {
    fc.assert(
      fc.property(fc.string(), (token) => {
        Jwt.verify({ token, secret })
        return true
      }),
      { numRuns: 500 }
    )
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b)
        return Either.isLeft(Jwt.verify({ token: Jwt.sign({ payloadJson: "{}", secret: a }), secret: b }))
      }),
      { numRuns: 200 }
    )
  })
})
