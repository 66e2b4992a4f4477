// NICEPAY policy in core: `awaitFinal` polls `inquiry` until the payout is final, `accessToken()`
// shows a fresh token's lifetime. Against a loopback NICEPAY whose answers the test scripts.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { Nicepay, Poll } from "@kasir/core"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schedule } from "effect"
import { IONPAYTEST_CLIENT_SECRET, K1_PRIVATE_PEM } from "../fixtures/keys.js"

let server: Server
let base = ""
// The statuses the next inquiries report, in order; the last one repeats.
let statuses: Array<string> = []
let inquiries = 0
let tokens = 0

const inquiryAnswer = (status: string) =>
  JSON.stringify({
    responseCode: "2003600",
    responseMessage: "Successful",
    originalPartnerReferenceNo: "ord-await-1",
    originalReferenceNo: "IONPAYTEST07202412011200001",
    beneficiaryAccountNo: "5345000060",
    latestTransactionStatus: status
  })

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      let body: string
      if (request.url?.endsWith("/access-token/b2b")) {
        tokens++
        body = JSON.stringify({
          responseCode: "2007300",
          responseMessage: "Successful",
          accessToken: `loopback-token-${tokens}`,
          tokenType: "Bearer",
          expiresIn: "900"
        })
      } else {
        const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!
        inquiries++
        body = inquiryAnswer(status)
      }
      response.writeHead(200, { "content-type": "application/json" }).end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nicepay`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const clientWith = (options: Partial<Nicepay.Config.NicepayConfig> = {}) =>
  Layer.unwrapEffect(
    Effect.sync(() =>
      Nicepay.layer({
        baseUrl: base,
        clientId: "IONPAYTEST",
        clientSecret: Redacted.make(IONPAYTEST_CLIENT_SECRET),
        privateKey: K1_PRIVATE_PEM,
        ...options
      })
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

const client = clientWith()

const payout = {
  partnerReferenceNo: "ord-await-1",
  originalReferenceNo: "IONPAYTEST07202412011200001",
  beneficiaryAccountNo: "5345000060"
}

// Polls as fast as the loopback answers, a bounded number of times: behaviour, not speed.
const fast = (times: number) => Schedule.recurs(times)

describe("Nicepay awaitFinal", () => {
  it.live("reads until the payout is final: Pending, Suspect, then Success", () =>
    Effect.gen(function* () {
      statuses = ["03", "08", "00"]
      inquiries = 0
      const nicepay = yield* Nicepay.NicepayPayout
      const final = yield* nicepay.awaitFinal(payout, fast(10))
      expect([final.status, final.partnerReferenceNo, inquiries]).toStrictEqual(["Success", "ord-await-1", 3])
    }).pipe(Effect.provide(client))
  )

  it.live("a schedule that ends first is PayoutStillPending, kind OutcomeUnknown", () =>
    Effect.gen(function* () {
      statuses = ["08"]
      inquiries = 0
      const nicepay = yield* Nicepay.NicepayPayout
      const error = yield* Effect.flip(nicepay.awaitFinal(payout, fast(2)))
      expect([error._tag, error.kind, error.message, inquiries]).toStrictEqual([
        "PayoutStillPending",
        "OutcomeUnknown",
        "NICEPAY payout ord-await-1 is still Suspect after the wait; check its status later",
        3
      ])
    }).pipe(Effect.provide(client))
  )

  it.live("without a schedule in the call, the client's awaitSchedule option is used", () =>
    Effect.gen(function* () {
      statuses = ["08"]
      inquiries = 0
      const error = yield* Effect.flip(
        Effect.flatMap(Nicepay.NicepayPayout, (nicepay) => nicepay.awaitFinal(payout)).pipe(
          Effect.provide(clientWith({ awaitSchedule: fast(1) }))
        )
      )
      expect([error._tag, inquiries]).toStrictEqual(["PayoutStillPending", 2])
    })
  )

  it("the default schedule is core's poll schedule: every 5 s for up to 5 min", () => {
    expect([Poll.defaultInterval, Poll.defaultTimeout].map((d) => d.toJSON())).toStrictEqual([
      { _id: "Duration", _tag: "Millis", millis: 5_000 },
      { _id: "Duration", _tag: "Millis", millis: 300_000 }
    ])
  })
})

describe("Nicepay accessToken()", () => {
  it.live("a fresh token with its lifetime, outside the cache, redacted", () =>
    Effect.gen(function* () {
      const nicepay = yield* Nicepay.NicepayPayout
      const before = tokens
      const first = yield* nicepay.accessToken()
      const second = yield* nicepay.accessToken()
      expect([first.expiresInSeconds, tokens - before]).toStrictEqual([900, 2])
      expect(Redacted.value(second.accessToken)).toBe(`loopback-token-${tokens}`)
      expect(String(first.accessToken)).not.toContain("loopback-token")
    }).pipe(Effect.provide(client))
  )
})
