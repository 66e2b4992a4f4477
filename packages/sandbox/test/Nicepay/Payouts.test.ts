import { describe, expect, it } from "@effect/vitest"
import { Nicepay } from "@kasir/core"
import { Effect, Option, TestClock } from "effect"
import { Demo, logged, NicepaySimulator, payout, SandboxLive, withClient } from "./harness.js"

const balanceOf = Effect.flatMap(NicepaySimulator, (sim) =>
  Effect.map(sim.balance(Demo.CLIENT_ID), Option.getOrThrow)
)

// A date-time far in the future for scheduled payouts (reservedDt / reservedTm, WIB).
const FUTURE = { reservedDt: "20991231", reservedTm: "235959" } as const

describe("NICEPAY payouts end to end", () => {
  it.live("balance decodes accountInfos[].availableBalance into rupiah", () =>
    withClient((client) =>
      Effect.gen(function* () {
        expect(yield* client.balance()).toStrictEqual({
          accountNo: "IONPAYTEST",
          availableBalance: 1_000_000_000
        })
        expect(yield* client.balance({ msId: "seller-1" })).toStrictEqual({
          accountNo: "IONPAYTEST",
          availableBalance: 1_000_000_000
        })
        const [entry] = yield* logged("balance-inquiry")
        expect(entry?.path).toBe("/nicepay/api/v1.0/balance-inquiry")
        expect(entry?.body).toBe('{"accountNo":"IONPAYTEST","additionalInfo":{"msId":""}}')
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("register → Pending (03), approve → Success (00), balance debited once", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const request = payout()
        const registered = yield* client.register(request)
        expect(registered.partnerReferenceNo).toBe(request.partnerReferenceNo)
        expect(registered.originalReferenceNo).toMatch(/^IONPAYTEST07\d{14}\d{4}$/)
        // The registration answer spells it `beneficiaryaccountNo`; the client reads it anyway.
        expect(registered.beneficiaryAccountNo).toBe("5345000060")
        expect(registered.amount).toBe(10_000)
        expect(registered.payoutMethod).toBe("overbooking")
        expect((yield* client.inquiry(registered)).status).toBe("Pending")
        expect(yield* balanceOf).toBe(1_000_000_000)

        const approved = yield* client.approve(registered)
        expect(approved).toStrictEqual({
          _tag: "Done",
          partnerReferenceNo: request.partnerReferenceNo,
          originalReferenceNo: registered.originalReferenceNo,
          beneficiaryAccountNo: "5345000060",
          beneficiaryName: "IONPAY NETWORKS",
          beneficiaryBankCode: "BBBA",
          amount: 10_000,
          status: "Success",
          repeated: false,
          transactionStatus: "Success"
        })
        const state = yield* client.inquiry(registered)
        expect(state.status).toBe("Success")
        expect(state.statusDescription).toBe("Success")
        expect(yield* balanceOf).toBe(999_990_000)
        expect((yield* client.balance()).availableBalance).toBe(999_990_000)

        const [registration] = yield* logged("transfer/registration")
        expect(JSON.parse(registration!.body)).toStrictEqual({
          partnerReferenceNo: request.partnerReferenceNo,
          merchantId: "IONPAYTEST",
          beneficiaryAccountNo: "5345000060",
          beneficiaryName: "IONPAY NETWORKS",
          beneficiaryPhone: "081211111111",
          beneficiaryCustomerResidence: "1",
          beneficiaryCustomerType: "1",
          beneficiaryPostalCode: "12345",
          beneficiaryBankCode: "BBBA",
          payoutMethod: "0",
          amount: { value: "10000.00", currency: "IDR" },
          description: "kasir test payout"
        })
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live(
    "a repeated approve answers the current status (moved once); an impossible transition is InvalidTransition; reject → Rejected (05) with no debit",
    () =>
      withClient((client) =>
        Effect.gen(function* () {
          const approvedOnce = yield* client.register(payout())
          expect(approvedOnce.status).toBe("Pending")
          yield* client.approve(approvedOnce)
          // NICEPAY answers the repeat 4040000; core reads the payout: already approved.
          const again = yield* client.approve(approvedOnce)
          expect(again._tag === "Done" && [again.status, again.repeated]).toStrictEqual(["Success", true])
          expect((yield* logged("transfer/approve")).map((e) => e.responseCode)).toStrictEqual([
            "2000000",
            "4040000"
          ])
          const rejectApproved = yield* Effect.flip(client.reject(approvedOnce))
          expect(rejectApproved).toStrictEqual(
            new Nicepay.Schemas.InvalidTransition({
              operation: "reject",
              partnerReferenceNo: approvedOnce.partnerReferenceNo,
              originalReferenceNo: approvedOnce.originalReferenceNo,
              status: "Success"
            })
          )
          expect(rejectApproved.kind).toBe("InvalidRequest")

          const toReject = yield* client.register(payout())
          const rejected = yield* client.reject(toReject)
          expect(rejected._tag === "Done" && [rejected.partnerReferenceNo, rejected.status]).toStrictEqual([
            toReject.partnerReferenceNo,
            "Rejected"
          ])
          expect((yield* client.inquiry(toReject)).status).toBe("Rejected")
          const rejectedAgain = yield* client.reject(toReject)
          expect(
            rejectedAgain._tag === "Done" && [rejectedAgain.status, rejectedAgain.repeated]
          ).toStrictEqual(["Rejected", true])
          const approveRejected = yield* Effect.flip(client.approve(toReject))
          expect(approveRejected._tag === "InvalidTransition" && approveRejected.status).toBe("Rejected")
          const cancelRejected = yield* Effect.flip(client.cancel(toReject))
          expect(cancelRejected._tag === "InvalidTransition" && cancelRejected.status).toBe("Rejected")
          expect(yield* balanceOf).toBe(1_000_000_000 - 10_000)
        })
      ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("cancel: a scheduled approved payout → Canceled (04) and refunded; otherwise refused", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const scheduled = yield* client.register(payout("5345000061", { ...FUTURE, amount: 25_000 as never }))
        const pendingCancel = yield* Effect.flip(client.cancel(scheduled))
        expect(pendingCancel._tag === "InvalidTransition" && pendingCancel.status).toBe("Pending")
        yield* client.approve(scheduled)
        expect(yield* balanceOf).toBe(1_000_000_000 - 25_000)
        const canceled = yield* client.cancel(scheduled)
        expect(canceled._tag).toBe("Done")
        expect((yield* client.inquiry(scheduled)).status).toBe("Canceled")
        expect(yield* balanceOf).toBe(1_000_000_000)
        // Canceled already: the repeat answers that, and nothing is refunded twice.
        const canceledAgain = yield* client.cancel(scheduled)
        expect(canceledAgain._tag === "Done" && [canceledAgain.status, canceledAgain.repeated]).toStrictEqual(
          ["Canceled", true]
        )
        expect(yield* balanceOf).toBe(1_000_000_000)

        const immediate = yield* client.register(payout())
        yield* client.approve(immediate)
        const notAllowed = yield* Effect.flip(client.cancel(immediate))
        expect(notAllowed._tag).toBe("OperationNotAllowed")
        expect(notAllowed._tag === "OperationNotAllowed" && notAllowed.responseCode).toBe("4050001")
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.effect("suspect payouts (08) settle on the clock: 9908 → Success, 9909 → Failed and refunded", () =>
    withClient(
      (client) =>
        Effect.gen(function* () {
          const good = yield* client.register(payout("1234569908"))
          const bad = yield* client.register(payout("1234569909"))
          const goodApproved = yield* client.approve(good)
          expect(goodApproved._tag === "Done" && goodApproved.transactionStatus).toBe("Suspect")
          yield* client.approve(bad)
          expect((yield* client.inquiry(good)).status).toBe("Suspect")
          expect(yield* balanceOf).toBe(1_000_000_000 - 20_000)
          yield* TestClock.adjust("4 seconds")
          expect((yield* client.inquiry(bad)).status).toBe("Suspect")
          yield* TestClock.adjust("1 second")
          expect((yield* client.inquiry(good)).status).toBe("Success")
          expect((yield* client.inquiry(bad)).status).toBe("Failed")
          expect(yield* balanceOf).toBe(1_000_000_000 - 10_000)
        }),
      { retryPolicy: { retries: 0, baseDelay: "1 millis", maxDelay: "1 millis" } }
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.effect("approve answering 202xx00 is an in-progress outcome, not an error", () =>
    withClient(
      (client) =>
        Effect.gen(function* () {
          const registered = yield* client.register(payout("1234569902"))
          const result = yield* client.approve(registered)
          expect(result).toStrictEqual({
            _tag: "InProgress",
            partnerReferenceNo: registered.partnerReferenceNo,
            originalReferenceNo: registered.originalReferenceNo,
            beneficiaryAccountNo: "1234569902",
            responseMessage: "Request In Progress"
          })
          expect((yield* client.inquiry(registered)).status).toBe("Suspect")
          const sim = yield* NicepaySimulator
          const settled = yield* sim.settle({
            clientId: Demo.CLIENT_ID,
            partnerReferenceNo: registered.partnerReferenceNo,
            to: "00"
          })
          expect(Option.map(settled, (p) => p.status)).toStrictEqual(Option.some("00"))
          expect((yield* client.inquiry(registered)).status).toBe("Success")
        }),
      { retryPolicy: { retries: 0, baseDelay: "1 millis", maxDelay: "1 millis" } }
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live(
    "resolveDuplicateRegistration reads the payout a duplicate names, and refuses a reused reference",
    () =>
      withClient((client) =>
        Effect.gen(function* () {
          const first = payout()
          const registered = yield* client.register(first)
          const duplicateOf = (request: typeof first) =>
            Effect.flatMap(Effect.flip(client.register(request)), (error) =>
              error._tag === "DuplicatePartnerReference"
                ? Effect.succeed(error)
                : Effect.die(`expected a duplicate, got ${error._tag}`)
            )

          const same = yield* client.resolveDuplicateRegistration(first, yield* duplicateOf(first))
          expect([same.originalReferenceNo, same.status, same.amount]).toStrictEqual([
            registered.originalReferenceNo,
            "Pending",
            10_000
          ])

          const bigger = { ...first, amount: 9_999_999 as typeof first.amount, beneficiaryBankCode: "CENA" }
          const reused = yield* Effect.flip(
            client.resolveDuplicateRegistration(bigger, yield* duplicateOf(bigger))
          )
          expect(reused._tag === "ReferenceReused" && [reused.fields, reused.kind]).toStrictEqual([
            ["amount", "beneficiaryBankCode"],
            "InvalidRequest"
          ])

          // NICEPAY's inquiry is keyed on the account too: no payout for this one under the reference.
          const otherAccount = { ...first, beneficiaryAccountNo: "5345000099" }
          const elsewhere = yield* Effect.flip(
            client.resolveDuplicateRegistration(otherAccount, yield* duplicateOf(otherAccount))
          )
          expect(elsewhere._tag === "ReferenceReused" && elsewhere.fields).toStrictEqual([
            "beneficiaryAccountNo"
          ])
          expect((yield* logged("transfer/registration")).length).toBe(4)
        })
      ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("resolveDuplicateRegistration: a duplicate answer that names no payout is returned as is", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const first = payout()
        yield* client.register(first)
        const duplicate = yield* Effect.flip(client.register(first))
        expect(duplicate._tag).toBe("DuplicatePartnerReference")
        if (duplicate._tag !== "DuplicatePartnerReference") return
        expect(JSON.parse(duplicate.body)).not.toHaveProperty("originalReferenceNo")
        const unresolved = yield* Effect.flip(client.resolveDuplicateRegistration(first, duplicate))
        expect(unresolved).toBe(duplicate)
        expect((yield* logged("transfer/inquiry")).length).toBe(0)
        expect((yield* logged("transfer/registration")).length).toBe(2)
      })
    ).pipe(Effect.provide(SandboxLive({ duplicateAnswerIncludesReference: false })))
  )

  it.live(
    "duplicate partnerReferenceNo → 409xx01; insufficient funds → 403xx14; invalid account → 404xx11",
    () =>
      withClient((client) =>
        Effect.gen(function* () {
          const first = payout()
          yield* client.register(first)
          const duplicate = yield* Effect.flip(client.register(first))
          expect(duplicate._tag).toBe("DuplicatePartnerReference")
          expect(
            duplicate._tag === "DuplicatePartnerReference" && [duplicate.responseCode, duplicate.kind]
          ).toStrictEqual(["4090001", "Declined"])

          const noFunds = yield* Effect.flip(client.register(payout("1234569914")))
          expect(
            noFunds._tag === "InsufficientFunds" && [noFunds.responseCode, noFunds.serviceCode]
          ).toStrictEqual(["4030014", "00"])

          const sim = yield* NicepaySimulator
          yield* sim.setBalance(Demo.CLIENT_ID, 5_000)
          const tooMuch = yield* Effect.flip(client.register(payout()))
          expect(tooMuch._tag).toBe("InsufficientFunds")
          expect(tooMuch.kind).toBe("Declined")

          const invalid = yield* Effect.flip(
            client.register(payout("1234569911", { amount: 1_000 as never }))
          )
          expect(invalid._tag === "InvalidAccount" && invalid.responseCode).toBe("4040011")
        })
      ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("approve checks the balance again: 403xx14 and the payout stays Pending", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const sim = yield* NicepaySimulator
        const registered = yield* client.register(payout())
        yield* sim.setBalance(Demo.CLIENT_ID, 9_999)
        expect((yield* Effect.flip(client.approve(registered)))._tag).toBe("InsufficientFunds")
        expect((yield* client.inquiry(registered)).status).toBe("Pending")
        expect(yield* balanceOf).toBe(9_999)
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("unknown payouts answer 404xx01 Transaction Not Found", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const ref = {
          partnerReferenceNo: "no-such-ref",
          originalReferenceNo: "IONPAYTEST07202401010000000000",
          beneficiaryAccountNo: "5345000060"
        }
        for (const error of [
          yield* Effect.flip(client.inquiry(ref)),
          yield* Effect.flip(client.approve(ref)),
          yield* Effect.flip(client.reject(ref)),
          yield* Effect.flip(client.cancel(ref))
        ]) {
          expect(error._tag === "TransactionNotFound" && error.responseCode).toBe("4040001")
        }
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live("invalid input fails before sending, naming the field", () =>
    withClient((client) =>
      Effect.gen(function* () {
        const cases = [
          [payout("12ab"), "beneficiaryAccountNo"],
          [payout(undefined, { amount: 0 as never }), "amount"],
          [payout(undefined, { beneficiaryName: "" }), "beneficiaryName"],
          [payout(undefined, { beneficiaryBankCode: "bca" }), "beneficiaryBankCode"],
          [payout(undefined, { reservedDt: "20240231", reservedTm: "100000" }), "reservedDt"],
          [payout(undefined, { reservedDt: "20990101" }), "reservedTm"],
          [{ ...payout(), beneficiaryaccountNo: "1" }, "beneficiaryaccountNo"],
          [payout(undefined, { partnerReferenceNo: "has space" }), "partnerReferenceNo"]
        ] as const
        for (const [input, field] of cases) {
          const error = yield* Effect.flip(client.register(input as never))
          expect(error._tag).toBe("InvalidInput")
          expect(error._tag === "InvalidInput" && error.field).toBe(field)
          expect(error.kind).toBe("InvalidRequest")
        }
        const badRef = yield* Effect.flip(
          client.inquiry({ partnerReferenceNo: "x", originalReferenceNo: "abc", beneficiaryAccountNo: "" })
        )
        expect(badRef._tag === "InvalidInput" && badRef.field).toBe("beneficiaryAccountNo")
        expect(yield* logged("transfer/registration")).toStrictEqual([])
        expect(yield* logged("transfer/inquiry")).toStrictEqual([])
      })
    ).pipe(Effect.provide(SandboxLive()))
  )

  it.live(
    "OutcomeUnknown from a processed approve (500xx00 / 504xx00) is resolved status-first by recover",
    () =>
      withClient((client) =>
        Effect.gen(function* () {
          for (const [account, causeTag] of [
            ["1234569500", "GeneralError"],
            ["1234569504", "RequestTimeout"]
          ] as const) {
            const registered = yield* client.register(payout(account))
            const unknown = yield* Effect.flip(client.approve(registered))
            expect(unknown._tag).toBe("OutcomeUnknown")
            if (unknown._tag !== "OutcomeUnknown") return
            expect(unknown.kind).toBe("OutcomeUnknown")
            expect(unknown.causeTag).toBe(causeTag)
            expect(unknown.references).toStrictEqual({
              partnerReferenceNo: registered.partnerReferenceNo,
              originalReferenceNo: registered.originalReferenceNo,
              beneficiaryAccountNo: account
            })
            const approvals = (yield* logged("transfer/approve")).filter((e) =>
              e.body.includes(registered.partnerReferenceNo)
            )
            expect(approvals.length).toBe(1)
            const state = yield* client.recover(unknown)
            expect(state.status).toBe("Success")
          }
        })
      ).pipe(Effect.provide(SandboxLive()))
  )
})
