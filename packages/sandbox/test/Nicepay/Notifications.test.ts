import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import { Demo, NicepaySimulator, payout, SandboxLive, withClient } from "./harness.js"

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly rawBody: string
}

/** A merchant notification endpoint on loopback answering with the queued statuses (then 200 + 2000000). */
const merchantEndpoint = (statuses: Array<number> = []) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ server: Server; url: string; received: Array<Received> }>((resolve) => {
          const received: Array<Received> = []
          const server = createServer((request, response) => {
            const chunks: Array<Buffer> = []
            request.on("data", (chunk: Buffer) => chunks.push(chunk))
            request.on("end", () => {
              received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString("utf8") })
              const status = statuses.shift() ?? 200
              response
                .writeHead(status, { "content-type": "application/json" })
                .end(
                  status === 200
                    ? '{"responseCode":"2000000","responseMessage":"Success"}'
                    : '{"responseCode":"5000000","responseMessage":"General Error"}'
                )
            })
          })
          server.listen(0, "127.0.0.1", () =>
            resolve({
              server,
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1.0/transfer/notify`,
              received
            })
          )
        })
    ),
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
  )

// Real-time polling: notifications travel over real sockets even when the clock is a TestClock.
const waitFor = (condition: () => boolean) =>
  Effect.promise(
    () =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now()
        const poll = () => {
          if (condition()) resolve()
          else if (Date.now() - started > 5_000) reject(new Error("timed out waiting"))
          else setTimeout(poll, 10)
        }
        poll()
      })
  )

const withNotifyUrl = (url: string) =>
  Effect.flatMap(NicepaySimulator, (sim) =>
    sim.registerMerchant({
      clientId: Demo.CLIENT_ID,
      clientSecret: Demo.CLIENT_SECRET,
      publicKey: Demo.PUBLIC_KEY,
      notificationUrl: url
    })
  )

const noRetries = { retries: 0, baseDelay: "1 millis", maxDelay: "1 millis" } as const

describe("NICEPAY notifications", () => {
  it.scopedLive("approve → a signed notification; verify, then confirm with an inquiry", () =>
    Effect.gen(function* () {
      const endpoint = yield* merchantEndpoint()
      yield* withNotifyUrl(endpoint.url)
      yield* withClient((client) =>
        Effect.gen(function* () {
          const registered = yield* client.register(payout())
          yield* client.approve(registered)
          yield* waitFor(() => endpoint.received.length === 1)
          const [notification] = endpoint.received
          expect(notification!.headers["x-client-key"]).toBe("IONPAYTEST")
          expect(notification!.headers["content-type"]).toBe("application/json")
          expect(JSON.parse(notification!.rawBody)).toMatchObject({
            merchantId: "IONPAYTEST",
            originalPartnerReferenceNo: registered.partnerReferenceNo,
            originalReferenceNo: registered.originalReferenceNo,
            beneficiaryAccountNo: "5345000060",
            amount: { value: "10000.00", currency: "IDR" },
            latestTransactionStatus: "00",
            transactionStatusDesc: "Success"
          })
          const verified = yield* client.verifyNotification(notification!)
          expect(verified).toMatchObject({
            clientId: "IONPAYTEST",
            partnerReferenceNo: registered.partnerReferenceNo,
            originalReferenceNo: registered.originalReferenceNo,
            beneficiaryAccountNo: "5345000060",
            amount: 10_000,
            status: "Success"
          })
          const confirmed = yield* client.confirmNotification(notification!)
          expect(confirmed.status).toBe("Success")
          expect(confirmed.originalReferenceNo).toBe(registered.originalReferenceNo)

          // The body is not signed: a forged body still verifies, which is why confirm re-reads.
          const forged = { ...notification!, rawBody: notification!.rawBody.replace('"00"', '"09"') }
          expect((yield* client.verifyNotification(forged)).status).toBe("Failed")
          expect((yield* client.confirmNotification(forged)).status).toBe("Success")

          const tampered = {
            ...notification!,
            headers: {
              ...notification!.headers,
              "x-timestamp": shiftSeconds(String(notification!.headers["x-timestamp"]), 1)
            }
          }
          const refused = yield* Effect.flip(client.verifyNotification(tampered))
          expect(refused._tag === "InvalidNotification" && refused.reason).toBe("InvalidSignature")

          const sim = yield* NicepaySimulator
          expect((yield* sim.notifications).map((d) => [d.status, d.attempt, d.acknowledged])).toStrictEqual([
            ["00", 1, true]
          ])
        })
      )
      // The wrong public key (the merchant's own) refuses a genuine notification.
      const wrongKey = yield* Effect.flip(
        withClient((client) => client.verifyNotification(endpoint.received[0]!), {
          notificationPublicKey: Demo.PUBLIC_KEY
        })
      )
      expect(wrongKey._tag === "InvalidNotification" && wrongKey.reason).toBe("InvalidSignature")
      const noKey = yield* Effect.flip(
        withClient((client) => client.verifyNotification(endpoint.received[0]!), {
          notificationPublicKey: undefined
        })
      )
      expect(noKey._tag === "InvalidNotification" && [noKey.reason, noKey.kind]).toStrictEqual([
        "NoPublicKey",
        "Configuration"
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.scoped("deliveries are retried on the clock until acknowledged with 2000000", () =>
    Effect.gen(function* () {
      const endpoint = yield* merchantEndpoint([500, 503])
      yield* withNotifyUrl(endpoint.url)
      const sim = yield* NicepaySimulator
      yield* withClient(
        (client) =>
          Effect.gen(function* () {
            const toReject = yield* client.register(payout())
            yield* client.reject(toReject)
            yield* waitFor(() => endpoint.received.length === 1)
            yield* TestClock.adjust("1 second")
            yield* waitFor(() => endpoint.received.length === 2)
            yield* TestClock.adjust("1999 millis")
            // Not yet: the second retry waits 2 s.
            yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
            expect(endpoint.received.length).toBe(2)
            yield* TestClock.adjust("1 millis")
            yield* waitFor(() => endpoint.received.length === 3)
            yield* waitFor(() => true)
          }),
        { retryPolicy: noRetries }
      )
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(
        (yield* sim.notifications).map((d) => [d.status, d.attempt, d.httpStatus, d.acknowledged, d.sentAt])
      ).toStrictEqual([
        ["05", 1, 500, false, 0],
        ["05", 2, 503, false, 1_000],
        ["05", 3, 200, true, 3_000]
      ])
    }).pipe(Effect.provide(SandboxLive()))
  )

  it.scoped("a stale notification is refused", () =>
    Effect.gen(function* () {
      const endpoint = yield* merchantEndpoint()
      yield* withNotifyUrl(endpoint.url)
      yield* withClient(
        (client) =>
          Effect.gen(function* () {
            const registered = yield* client.register(payout())
            yield* client.approve(registered)
            yield* waitFor(() => endpoint.received.length === 1)
            yield* TestClock.adjust("5 minutes")
            expect((yield* client.verifyNotification(endpoint.received[0]!)).status).toBe("Success")
            yield* TestClock.adjust("1 second")
            const stale = yield* Effect.flip(client.verifyNotification(endpoint.received[0]!))
            expect(stale._tag === "InvalidNotification" && stale.reason).toBe("StaleTimestamp")
          }),
        { retryPolicy: noRetries, clientSecret: Redacted.make(Demo.CLIENT_SECRET) }
      )
    }).pipe(Effect.provide(SandboxLive()))
  )
})

const shiftSeconds = (timestamp: string, seconds: number): string => {
  const match = /^(.*T\d{2}:\d{2}:)(\d{2})(.*)$/.exec(timestamp)!
  return `${match[1]}${String((Number(match[2]) + seconds) % 60).padStart(2, "0")}${match[3]}`
}
