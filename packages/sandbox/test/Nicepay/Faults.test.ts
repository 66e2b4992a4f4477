import { Fault } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Demo, logged, NicepaySimulator, payout, SandboxLive, withClient } from "./harness.js"

const inject = (operation: string, fault: Fault.Fault, latencyMillis?: number) =>
  Effect.flatMap(Fault.Faults, (faults) =>
    faults.inject({ upstream: "nicepay", operation, fault, latencyMillis })
  )

const shortTimeout = { timeout: "600 millis" } as const

describe("NICEPAY faults", () => {
  describe("reads are retried on transient faults with a fresh id and signature per attempt", () => {
    for (const fault of ["html-502", "reset-before", "reset-after", "stall"] as const) {
      it.live(fault, () =>
        withClient(
          (client) =>
            Effect.gen(function* () {
              yield* inject("balance-inquiry", fault)
              expect((yield* client.balance()).availableBalance).toBe(1_000_000_000)
              const attempts = yield* logged("balance-inquiry")
              expect(attempts.map((a) => [a.fault, a.status])).toStrictEqual([
                [fault, fault === "html-502" ? 502 : 0],
                [undefined, 200]
              ])
              expect(attempts[0]!.body).toBe(attempts[1]!.body)
              expect(attempts[0]!.headers["x-external-id"]).not.toBe(attempts[1]!.headers["x-external-id"])
            }),
          shortTimeout
        ).pipe(Effect.provide(SandboxLive()))
      )
    }

    it.live("latency: the answer arrives late, once", () =>
      withClient((client) =>
        Effect.gen(function* () {
          yield* inject("balance-inquiry", "latency", 300)
          const started = Date.now()
          expect((yield* client.balance()).availableBalance).toBe(1_000_000_000)
          expect(Date.now() - started).toBeGreaterThanOrEqual(290)
          expect((yield* logged("balance-inquiry")).length).toBe(1)
        })
      ).pipe(Effect.provide(SandboxLive()))
    )

    it.live("a malformed 200 answer is a typed MalformedResponse, not a defect", () =>
      withClient((client) =>
        Effect.gen(function* () {
          yield* inject("balance-inquiry", "malformed-json")
          const truncated = yield* Effect.flip(client.balance())
          expect(
            truncated._tag === "MalformedResponse" && [truncated.httpStatus, truncated.reason]
          ).toStrictEqual([200, "the body is not valid JSON"])
          expect(truncated.kind).toBe("Unavailable")
          yield* inject("balance-inquiry", "no-response-code")
          const noCode = yield* Effect.flip(client.balance())
          expect(noCode._tag === "MalformedResponse" && noCode.reason).toBe("the body has no responseCode")
        })
      ).pipe(Effect.provide(SandboxLive()))
    )

    it.live("the token request is a read too", () =>
      withClient((client) =>
        Effect.gen(function* () {
          yield* inject("access-token", "html-502")
          yield* client.balance()
          expect((yield* logged("access-token")).map((a) => a.status)).toStrictEqual([502, 200])
        })
      ).pipe(Effect.provide(SandboxLive()))
    )

    it.live("retries are bounded: a persistent 502 fails after 1 + 2 attempts", () =>
      withClient((client) =>
        Effect.gen(function* () {
          yield* client.balance()
          yield* Effect.flatMap(Fault.Faults, (faults) =>
            faults.inject({ upstream: "nicepay", operation: "balance-inquiry", fault: "html-502", times: 10 })
          )
          const error = yield* Effect.flip(client.balance())
          expect(error._tag === "MalformedResponse" && [error.httpStatus, error.reason]).toStrictEqual([
            502,
            "an HTML page instead of JSON"
          ])
          expect((yield* logged("balance-inquiry")).length).toBe(4)
        })
      ).pipe(Effect.provide(SandboxLive()))
    )
  })

  describe("money-moving calls are sent once; unclear outcomes are OutcomeUnknown", () => {
    for (const [fault, causeTag, processed] of [
      ["html-502", "MalformedResponse", false],
      ["reset-before", "UpstreamUnavailable", false],
      ["reset-after", "UpstreamUnavailable", true],
      ["malformed-json", "MalformedResponse", true],
      ["no-response-code", "MalformedResponse", true],
      ["stall", "UpstreamTimeout", true]
    ] as const) {
      it.live(`registration + ${fault}; repeated by the caller, a duplicate is resolved by inquiry`, () =>
        withClient(
          (client) =>
            Effect.gen(function* () {
              const sim = yield* NicepaySimulator
              const request = payout()
              yield* inject("transfer/registration", fault)
              const error = yield* Effect.flip(client.register(request))
              expect(error._tag).toBe("OutcomeUnknown")
              if (error._tag !== "OutcomeUnknown") return
              expect(error.causeTag).toBe(causeTag)
              expect(error.references).toStrictEqual({
                partnerReferenceNo: request.partnerReferenceNo,
                beneficiaryAccountNo: "5345000060"
              })
              expect((yield* logged("transfer/registration")).length).toBe(1)
              const held = yield* sim.payout(Demo.CLIENT_ID, request.partnerReferenceNo)
              expect(Option.isSome(held)).toBe(processed)

              // Core never resends: repeating the registration is the caller's decision.
              const recovered = yield* client
                .register(request)
                .pipe(
                  Effect.catchTag("DuplicatePartnerReference", (duplicate) =>
                    client.resolveDuplicateRegistration(request, duplicate)
                  )
                )
              expect((yield* logged("transfer/registration")).length).toBe(2)
              expect((yield* logged("transfer/inquiry")).map((e) => e.responseCode)).toStrictEqual(
                processed ? ["2000000"] : []
              )
              // Processed before: the duplicate is read; not processed: registered now.
              expect(recovered.status).toBe("Pending")
              const after = Option.getOrThrow(yield* sim.payout(Demo.CLIENT_ID, request.partnerReferenceNo))
              expect(recovered.originalReferenceNo).toBe(after.originalReferenceNo)
              if (Option.isSome(held)) expect(after.originalReferenceNo).toBe(held.value.originalReferenceNo)
              expect((yield* sim.payouts(Demo.CLIENT_ID)).length).toBe(1)
            }),
          shortTimeout
        ).pipe(Effect.provide(SandboxLive()))
      )
    }

    for (const fault of ["html-502", "reset-after", "malformed-json", "no-response-code", "stall"] as const) {
      it.live(`approve + ${fault}, then recover (status first)`, () =>
        withClient(
          (client) =>
            Effect.gen(function* () {
              const registered = yield* client.register(payout())
              yield* inject("transfer/approve", fault)
              const error = yield* Effect.flip(client.approve(registered))
              expect(error._tag).toBe("OutcomeUnknown")
              if (error._tag !== "OutcomeUnknown") return
              expect(error.references.originalReferenceNo).toBe(registered.originalReferenceNo)
              expect(error.message).toContain("look it up before retrying")
              const state = yield* client.recover(error)
              expect(state.status).toBe(fault === "html-502" ? "Pending" : "Success")
              expect((yield* logged("transfer/approve")).length).toBe(1)
            }),
          shortTimeout
        ).pipe(Effect.provide(SandboxLive()))
      )
    }

    it.live("approve + latency: the answer arrives late and is used", () =>
      withClient((client) =>
        Effect.gen(function* () {
          const registered = yield* client.register(payout())
          yield* inject("transfer/approve", "latency", 200)
          const approved = yield* client.approve(registered)
          expect(approved._tag === "Done" && approved.transactionStatus).toBe("Success")
        })
      ).pipe(Effect.provide(SandboxLive()))
    )

    it.live("the X-Sandbox-Fault header selects a fault per request", () =>
      Effect.gen(function* () {
        const { rawToken } = yield* Effect.promise(() => import("./harness.js"))
        const response = yield* rawToken({ headers: { "X-Sandbox-Fault": "html-502" } })
        expect(response.status).toBe(502)
        expect(response.text).toContain("502 Bad Gateway")
        const [entry] = yield* logged("access-token")
        expect([entry?.fault, entry?.status]).toStrictEqual(["html-502", 502])
      }).pipe(Effect.provide(SandboxLive()))
    )
  })
})
