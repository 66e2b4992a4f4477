// NICEPAY's own meaning of 404xx13 and 404xx18 (reference nicepay-snap.md §7.4), which differs from
// the ASPI table the generic SNAP module keeps for other providers.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { Nicepay, Snap } from "@kasir/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Redacted } from "effect"
import { IONPAYTEST_CLIENT_SECRET, K1_PRIVATE_PEM } from "../fixtures/keys.js"

const code = (text: string) => Either.getOrThrow(Snap.ResponseCode.parse(text))

describe("Nicepay.ResponseCode", () => {
  it("404xx13 is Paid Bill and 404xx18 Account Inactive for NICEPAY; the generic table stays ASPI's", () => {
    const nicepay = ["4040013", "4040018", "4000013", "4040014", "4040011"].map(
      (c) => Nicepay.ResponseCode.toError(code(c), "m", "{}")._tag
    )
    expect(nicepay).toStrictEqual([
      "PaidBill",
      "InactiveAccount",
      "UnknownSnapResponse",
      "PaidBill",
      "InvalidAccount"
    ])
    const aspi = ["4040013", "4040018"].map((c) => Snap.ResponseCode.toError(code(c), "m", "{}")._tag)
    expect(aspi).toStrictEqual(["InvalidAmount", "InconsistentRequest"])
  })

  it("NICEPAY's dialect decodes a code with NICEPAY's table in the first place, keeping code, message and body", () => {
    const refined = Snap.ResponseCode.toError(
      code("4040018"),
      "Account Inactive",
      '{"responseCode":"4040018"}',
      Nicepay.ResponseCode.dialect
    )
    expect(refined).toStrictEqual(
      new Snap.ResponseCode.InactiveAccount({
        responseCode: "4040018",
        serviceCode: "00",
        responseMessage: "Account Inactive",
        body: '{"responseCode":"4040018"}'
      })
    )
    expect(refined.message).toBe("SNAP 4040018: Account Inactive")
    const other = Snap.ResponseCode.toError(
      code("4030014"),
      "Insufficient Funds",
      "{}",
      Nicepay.ResponseCode.dialect
    )
    expect(other._tag).toBe("InsufficientFunds")
  })

  it("the HTTP status must agree with the code, except NICEPAY's documented 403 for 404xx18", () => {
    const dialect = Nicepay.ResponseCode.dialect
    expect(Snap.ResponseCode.statusAgrees(403, code("4030014"), dialect)).toBe(true)
    expect(Snap.ResponseCode.statusAgrees(200, code("4030014"), dialect)).toBe(false)
    expect(Snap.ResponseCode.statusAgrees(403, code("4040018"), dialect)).toBe(true)
    expect(Snap.ResponseCode.statusAgrees(403, code("4040011"), dialect)).toBe(false)
  })
})

// A loopback NICEPAY: grants a token, then answers every service call with `answer`.
let server: Server
let base = ""
let answer = { status: 200, body: "{}" }

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      const reply = request.url?.endsWith("/access-token/b2b")
        ? {
            status: 200,
            body: JSON.stringify({
              responseCode: "2007300",
              responseMessage: "Successful",
              accessToken: "loopback-token",
              tokenType: "Bearer",
              expiresIn: "900"
            })
          }
        : answer
      response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nicepay`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const client = Layer.unwrapEffect(
  Effect.sync(() =>
    Nicepay.layer({
      baseUrl: base,
      clientId: "IONPAYTEST",
      clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
      privateKey: K1_PRIVATE_PEM
    })
  )
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const payout: Nicepay.Schemas.PayoutRequest = {
  partnerReferenceNo: "ord-rc-1",
  beneficiaryAccountNo: "5345000060",
  beneficiaryName: "IONPAY NETWORKS",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryPostalCode: "12345",
  beneficiaryBankCode: "BBBA",
  payoutMethod: "overbooking",
  amount: 10_000 as Nicepay.Schemas.PayoutRequest["amount"],
  description: "kasir test payout"
}

describe("NicepayPayout: NICEPAY's codes on the wire", () => {
  it.live("registration answered 404 4040013 is PaidBill; 403 4040018 is InactiveAccount", () =>
    Effect.gen(function* () {
      const nicepay = yield* Nicepay.NicepayPayout
      answer = { status: 404, body: '{"responseCode":"4040013","responseMessage":"Paid Bill"}' }
      const paid = yield* Effect.flip(nicepay.register(payout))
      answer = { status: 403, body: '{"responseCode":"4040018","responseMessage":"Account Inactive"}' }
      const inactive = yield* Effect.flip(nicepay.register(payout))
      expect(
        [paid, inactive].map((error) => [
          error._tag,
          error.kind,
          "responseCode" in error ? error.responseCode : undefined,
          error.message
        ])
      ).toStrictEqual([
        ["PaidBill", "Declined", "4040013", "SNAP 4040013: Paid Bill"],
        ["InactiveAccount", "Declined", "4040018", "SNAP 4040018: Account Inactive"]
      ])
      // Other codes keep their ASPI class.
      answer = { status: 404, body: '{"responseCode":"4040011","responseMessage":"Invalid Account"}' }
      expect((yield* Effect.flip(nicepay.register(payout)))._tag).toBe("InvalidAccount")
    }).pipe(Effect.provide(client))
  )
})
