// The Ayoconnect engine without HTTP: exact decisions, the state before and after, the follow-ups
// it leaves for the shell, and the pending → final edges of the state machine.
import { Jwt } from "@kasir/core"
import { Ayoconnect } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Option, Redacted } from "effect"

const { Engine, Scenario, State } = Ayoconnect

const apiKey = "ENGINETEST01"
const secret = "engine-test-secret"
const settings: Ayoconnect.Engine.Settings = { inquiryTtlMillis: 15 * 60_000, settleAfterMillis: 5_000 }
const now = Date.UTC(2024, 2, 5, 10, 37, 16)

const initial = State.putPartner(State.empty, {
  apiKey,
  secret: Redacted.make(secret),
  deposit: 100_000,
  callbackUrl: "https://partner.example/callback",
  callbackCredentials: undefined
})

const request = (
  operation: Ayoconnect.Engine.Operation,
  claims: Record<string, unknown>,
  at: number = now,
  options: { readonly commit?: boolean; readonly key?: string } = {}
): Ayoconnect.Engine.Request => ({
  operation,
  version: 2,
  headers: {
    key: options.key ?? apiKey,
    token: Jwt.sign({ payloadJson: JSON.stringify({ partnerId: apiKey, ...claims }), secret }),
    version: "2.0"
  },
  body: "",
  now: at,
  commit: options.commit ?? true
})

const inquire = (state: Ayoconnect.State.State, accountNumber: string, productCode: string) =>
  Engine.decide(state, settings, request("bill/check", { accountNumber, productCode }))

const pay = (
  state: Ayoconnect.State.State,
  inquiryId: number,
  accountNumber: string,
  productCode: string,
  amount: number,
  refNumber: string,
  at: number = now
) =>
  Engine.decide(
    state,
    settings,
    request("bill/payment", { accountNumber, productCode, inquiryId, amount, refNumber }, at)
  )

const codeOf = (decision: Ayoconnect.Engine.Decision) =>
  (decision.answer.body as { responseCode: number }).responseCode

describe("Ayoconnect engine", () => {
  it("refuses an unknown KEY with 401 and leaves the state as it was", () => {
    const decision = Engine.decide(
      initial,
      settings,
      request("partner/balance", {}, now, { key: "NOSUCHKEY001" })
    )
    expect([decision.responseCode, decision.answer.status]).toStrictEqual([401, 200])
    expect(decision.state).toBe(initial)
    expect(decision.followUps).toStrictEqual([])
  })

  it("records an inquiry under the next id with its expiry, without touching the state it was given", () => {
    const decision = inquire(initial, "081234567890", "PLSTSEL10")
    expect(decision.responseCode).toBe(300)
    expect((decision.answer.body as { data: { inquiryId: number } }).data.inquiryId).toBe(2_692_552)
    expect(decision.state.nextInquiryId).toBe(2_692_553)
    const recorded = State.inquiry(decision.state, 2_692_552)
    expect([recorded?.apiKey, recorded?.expiresAt, recorded?.usedBy]).toStrictEqual([
      apiKey,
      now + 15 * 60_000,
      undefined
    ])
    expect(initial.nextInquiryId).toBe(2_692_552)
    expect(State.inquiry(initial, 2_692_552)).toBeUndefined()
  })

  it("answers but changes nothing when the request is not committed (a fault dropped it)", () => {
    const decision = Engine.decide(
      initial,
      settings,
      request("bill/check", { accountNumber: "081234567890", productCode: "PLSTSEL10" }, now, {
        commit: false
      })
    )
    expect(decision.responseCode).toBe(300)
    expect(decision.state).toBe(initial)
  })

  it("a pending payment debits once, marks the inquiry used and asks for one settlement", () => {
    const inquired = inquire(initial, "081234567890", "PLSTSEL10").state
    const paid = pay(inquired, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "ref-1")
    expect(paid.responseCode).toBe(299)
    expect(State.partner(paid.state, apiKey)?.deposit).toBe(100_000 - 10_550)
    expect(State.inquiry(paid.state, 2_692_552)?.usedBy).toBe("ref-1")
    expect(paid.state.nextTransactionId).toBe(112_248)
    expect(paid.followUps).toStrictEqual([
      { _tag: "Settle", apiKey, refNumber: "ref-1", settlement: { at: now + 5_000, responseCode: 0 } }
    ])
    const transaction = State.transaction(paid.state, apiKey, "ref-1")
    expect([transaction?.state, transaction?.responseCode, transaction?.debited]).toStrictEqual([
      "Pending",
      299,
      true
    ])

    // The same refNumber again: 102, nothing changes. The used inquiry with a new refNumber: 185.
    const again = pay(paid.state, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "ref-1")
    expect([again.responseCode, again.state]).toStrictEqual([102, paid.state])
    const reused = pay(paid.state, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "ref-2")
    expect([reused.responseCode, reused.state]).toStrictEqual([185, paid.state])
  })

  it("refuses an expired inquiry (312), a wrong amount (114) and a short deposit (199)", () => {
    const inquired = inquire(initial, "081234567890", "PLSTSEL10").state
    const expired = pay(inquired, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "late", now + 15 * 60_000)
    expect([expired.responseCode, expired.state]).toStrictEqual([312, inquired])
    expect(pay(inquired, 2_692_552, "081234567890", "PLSTSEL10", 10_000, "wrong").responseCode).toBe(114)
    const poor = State.setDeposit(inquired, apiKey, 10_549)
    expect(codeOf(pay(poor, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "poor"))).toBe(199)
  })

  it("an instant product succeeds at once with its token and leaves no follow-up", () => {
    const inquired = inquire(initial, "081234567890", "DANA50").state
    const paid = pay(inquired, 2_692_552, "081234567890", "DANA50", 51_000, "dana-1")
    expect(paid.responseCode).toBe(0)
    expect(paid.followUps).toStrictEqual([])
    const transaction = State.transaction(paid.state, apiKey, "dana-1")
    expect([transaction?.state, transaction?.settledAt, transaction?.token === ""]).toStrictEqual([
      "Succeeded",
      now,
      false
    ])
    expect(State.partner(paid.state, apiKey)?.deposit).toBe(100_000 - 51_000)
  })

  it("an immediate failure scenario records the failure and debits nothing", () => {
    const account = `08123456${Scenario.suffix.paymentFailure(103)}`
    const inquired = inquire(initial, account, "PLSTSEL10").state
    const paid = pay(inquired, 2_692_552, account, "PLSTSEL10", 10_550, "fail-103")
    expect(paid.responseCode).toBe(103)
    const transaction = State.transaction(paid.state, apiKey, "fail-103")
    expect([transaction?.state, transaction?.debited]).toStrictEqual(["Failed", false])
    expect(State.partner(paid.state, apiKey)?.deposit).toBe(100_000)
  })

  it("settles pending → Succeeded once, with the callback to the partner's URL", () => {
    const inquired = inquire(initial, "081234567890", "PLSTSEL10").state
    const paid = pay(inquired, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "ref-1")
    const due = { at: now + 5_000, responseCode: 0 }
    const settled = Engine.settle(paid.state, {
      apiKey,
      refNumber: "ref-1",
      responseCode: 0,
      now: now + 5_000,
      due
    })
    expect([settled.settled?.state, settled.settled?.settledAt, settled.settled?.settlement]).toStrictEqual([
      "Succeeded",
      now + 5_000,
      undefined
    ])
    expect(settled.followUps).toStrictEqual([
      {
        _tag: "Callback",
        refNumber: "ref-1",
        responseCode: 0,
        url: "https://partner.example/callback",
        body: JSON.stringify(Ayoconnect.Responses.status(2, settled.settled!)),
        credentials: undefined
      }
    ])
    expect(State.partner(settled.state, apiKey)?.deposit).toBe(100_000 - 10_550)
    // Final is final: settling again, or the scheduled settlement firing late, changes nothing.
    const again = Engine.settle(settled.state, {
      apiKey,
      refNumber: "ref-1",
      responseCode: 100,
      now: now + 6_000
    })
    expect([again.settled, again.state, again.followUps]).toStrictEqual([undefined, settled.state, []])
  })

  it("settles pending → Failed with exactly one refund; a settlement that was not scheduled is ignored", () => {
    const account = `0812345${Scenario.suffix.pendingThenFailure(103)}`
    const inquired = inquire(initial, account, "PLSTSEL10").state
    const paid = pay(inquired, 2_692_552, account, "PLSTSEL10", 10_550, "later-103")
    expect(paid.followUps).toStrictEqual([
      { _tag: "Settle", apiKey, refNumber: "later-103", settlement: { at: now + 5_000, responseCode: 103 } }
    ])
    const stale = Engine.settle(paid.state, {
      apiKey,
      refNumber: "later-103",
      responseCode: 0,
      now: now + 5_000,
      due: { at: now + 1, responseCode: 0 }
    })
    expect([stale.settled, stale.state]).toStrictEqual([undefined, paid.state])
    const failed = Engine.settle(paid.state, {
      apiKey,
      refNumber: "later-103",
      responseCode: 103,
      now: now + 5_000
    })
    expect([failed.settled?.state, failed.settled?.refunded]).toStrictEqual(["Failed", true])
    expect(State.partner(failed.state, apiKey)?.deposit).toBe(100_000)
    const twice = Engine.settle(failed.state, {
      apiKey,
      refNumber: "later-103",
      responseCode: 103,
      now: now + 6_000
    })
    expect(State.partner(twice.state, apiKey)?.deposit).toBe(100_000)
    expect(
      Engine.settle(initial, { apiKey, refNumber: "unknown", responseCode: 0, now }).settled
    ).toBeUndefined()
  })

  it("a snapshot restores to the same state, and the restored state owes its settlements", () => {
    const inquired = inquire(initial, "081234567890", "PLSTSEL10").state
    const paid = pay(inquired, 2_692_552, "081234567890", "PLSTSEL10", 10_550, "ref-1").state
    const snapshot = JSON.parse(JSON.stringify(State.snapshot(paid))) as Ayoconnect.State.Snapshot
    const restored = State.restore(initial, snapshot, Ayoconnect.Catalogue.find)
    expect(State.snapshot(restored)).toStrictEqual(State.snapshot(paid))
    expect(Engine.dueSettlements(restored)).toStrictEqual([
      { _tag: "Settle", apiKey, refNumber: "ref-1", settlement: { at: now + 5_000, responseCode: 0 } }
    ])
    expect(Option.fromNullable(State.transaction(restored, apiKey, "ref-1")?.amount)).toStrictEqual(
      Option.some(10_550)
    )
  })

  it("every scenario in the table is selected by its suffix", () => {
    expect(Scenario.table.length).toBe(
      Scenario.paymentFailureCodes.length * 2 +
        Scenario.inquiryFailureCodes.length +
        2 +
        Scenario.successCodes.length +
        1 +
        Scenario.faults.length * 2
    )
    for (const entry of Scenario.table) {
      const account = `0812345${entry.suffix}`
      const selected = entry.effect.startsWith("bill/check")
        ? Scenario.forInquiry(account)._tag
        : Scenario.forPayment(account)._tag
      expect([entry.suffix, selected === "Normal"]).toStrictEqual([entry.suffix, false])
    }
  })
})
