// The NICEPAY engine without HTTP: exact decisions for the token and signed service calls, the
// state before and after, the follow-ups left for the shell, and every edge of the payout state
// machine.
import { Snap, Timestamp } from "@kasir/core"
import { Nicepay } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, HashSet } from "effect"

const { Demo, Engine, Scenario, State } = Nicepay

const now = Date.UTC(2024, 2, 5, 10, 37, 16) // 17:37:16 WIB
const settings: Nicepay.Engine.Settings = {
  tokenLifetimeSeconds: 900,
  tokenKey: new Uint8Array(32).fill(7),
  timestampToleranceMillis: 5 * 60_000,
  rejectReusedExternalId: true,
  requireNumericExternalId: false,
  requireMinifiedBody: false,
  duplicateAnswerIncludesReference: true
}

const initial = State.putMerchant(State.empty, {
  clientId: Demo.CLIENT_ID,
  clientSecret: Demo.CLIENT_SECRET,
  publicKey: Either.getOrThrow(Snap.Signature.parsePublicKey(Demo.PUBLIC_KEY)),
  notificationUrl: undefined,
  balance: 1_000_000,
  externalIdDay: "",
  externalIds: HashSet.empty()
})

const bytes = (text: string) => new TextEncoder().encode(text)

const tokenRequest = (at: number, timestamp: string = Timestamp.formatWib(at)): Nicepay.Engine.Request => ({
  operation: "access-token",
  signedPath: "/v1.0/access-token/b2b",
  headers: {
    "x-timestamp": timestamp,
    "x-client-key": Demo.CLIENT_ID,
    "x-signature": Effect.runSync(
      Snap.Signature.tokenSignature({ clientId: Demo.CLIENT_ID, timestamp, privateKey: Demo.PRIVATE_KEY })
    )
  },
  body: bytes('{"grantType":"client_credentials"}'),
  now: at,
  nonce: "00112233aabbccdd"
})

const withToken = () => {
  const decision = Engine.decide(initial, settings, tokenRequest(now))
  return { state: decision.state, token: (decision.answer.body as { accessToken: string }).accessToken }
}

let externalIds = 0
const call = (
  state: Nicepay.State.State,
  token: string,
  operation: Exclude<Nicepay.Engine.Operation, "access-token">,
  body: Record<string, unknown>,
  options: { readonly at?: number; readonly externalId?: string } = {}
) => {
  const at = options.at ?? now
  const signedPath = operation === "balance-inquiry" ? "/api/v1.0/balance-inquiry" : `/api/v1.0/${operation}`
  const text = JSON.stringify(body)
  const timestamp = Timestamp.formatWib(at)
  externalIds += 1
  return Engine.decide(state, settings, {
    operation,
    signedPath,
    headers: {
      authorization: `Bearer ${token}`,
      "x-timestamp": timestamp,
      "x-signature": Snap.Signature.serviceSignature({
        method: "POST",
        path: signedPath,
        accessToken: token,
        body: text,
        timestamp,
        clientSecret: Demo.CLIENT_SECRET
      }),
      "x-partner-id": Demo.CLIENT_ID,
      "x-external-id": options.externalId ?? `ext-${externalIds}`,
      "channel-id": "IONPAYTEST01"
    },
    body: bytes(text),
    now: at,
    nonce: ""
  })
}

const registration = (accountNo: string, extra: Record<string, unknown> = {}) => ({
  partnerReferenceNo: `ref-${accountNo}`,
  merchantId: Demo.CLIENT_ID,
  beneficiaryAccountNo: accountNo,
  beneficiaryName: "Budi",
  beneficiaryPhone: "08123456789",
  beneficiaryCustomerResidence: "1",
  beneficiaryBankCode: "BNIN",
  payoutMethod: "0",
  amount: { value: "10000.00", currency: "IDR" },
  ...extra
})

const reference = (record: Nicepay.State.PayoutRecord) => ({
  originalReferenceNo: record.originalReferenceNo,
  originalPartnerReferenceNo: record.partnerReferenceNo,
  merchantId: Demo.CLIENT_ID
})

const registered = (accountNo: string, extra: Record<string, unknown> = {}) => {
  const { state, token } = withToken()
  const decision = call(state, token, "transfer/registration", registration(accountNo, extra))
  const record = State.payout(decision.state, Demo.CLIENT_ID, `ref-${accountNo}`)!
  return { state: decision.state, token, record, decision }
}

const balanceOf = (state: Nicepay.State.State) => State.merchant(state, Demo.CLIENT_ID)?.balance

describe("NICEPAY engine: authentication", () => {
  it("mints a token from the nonce and key it is given, and records it; the state it was given is untouched", () => {
    const decision = Engine.decide(initial, settings, tokenRequest(now))
    expect([decision.responseCode, decision.answer.status]).toStrictEqual(["2007300", 200])
    const body = decision.answer.body as { accessToken: string; expiresIn: string; tokenType: string }
    expect([body.tokenType, body.expiresIn]).toStrictEqual(["Bearer", "900"])
    const payload = JSON.parse(Buffer.from(body.accessToken.split(".")[1]!, "base64").toString("utf8"))
    expect(payload).toStrictEqual({
      sub: Demo.CLIENT_ID,
      iss: "NICEPAY",
      name: Demo.CLIENT_ID,
      exp: "2024-03-05T10:52:16Z",
      jti: "00112233aabbccdd"
    })
    expect(State.token(decision.state, body.accessToken)).toStrictEqual({
      clientId: Demo.CLIENT_ID,
      expiresAt: now + 900_000
    })
    expect(State.token(initial, body.accessToken)).toBeUndefined()
    // The same inputs give the same token: nothing random inside the engine.
    expect((Engine.decide(initial, settings, tokenRequest(now)).answer.body as typeof body).accessToken).toBe(
      body.accessToken
    )
  })

  it("refuses a stale timestamp (4017300) and leaves the state as it was", () => {
    const decision = Engine.decide(
      initial,
      settings,
      tokenRequest(now, Timestamp.formatWib(now - 5 * 60_000 - 1_000))
    )
    expect([decision.responseCode, decision.state]).toStrictEqual(["4017300", initial])
  })

  it("refuses an expired token (4010001), and a reused X-EXTERNAL-ID on the same WIB day (4090000)", () => {
    const { state, token } = withToken()
    const body = { accountNo: Demo.CLIENT_ID }
    expect(call(state, token, "balance-inquiry", body, { at: now + 900_000 }).responseCode).toBe("4011101")
    const first = call(state, token, "balance-inquiry", body, { externalId: "same-id" })
    expect(first.responseCode).toBe("2001100")
    const again = call(first.state, token, "balance-inquiry", body, {
      externalId: "same-id",
      at: now + 1_000
    })
    expect([again.responseCode, again.state]).toStrictEqual(["4091100", first.state])
    // 17:37 WIB + 7 h is the next WIB day: the id may be used again (with a fresh token).
    const nextDay = now + 7 * 3_600_000
    const minted = Engine.decide(first.state, settings, tokenRequest(nextDay))
    const nextToken = (minted.answer.body as { accessToken: string }).accessToken
    const onNextDay = call(minted.state, nextToken, "balance-inquiry", body, {
      externalId: "same-id",
      at: nextDay
    })
    expect(onNextDay.responseCode).toBe("2001100")
  })
})

describe("NICEPAY engine: the payout state machine", () => {
  it("registration → 03 Pending with a tXid from the WIB time and the sequence; nothing debited", () => {
    const { record, decision, state } = registered("1234560001")
    expect(decision.responseCode).toBe("2000000")
    expect([record.status, record.originalReferenceNo, record.scheduledAt]).toStrictEqual([
      "03",
      `${Demo.CLIENT_ID}07202403051737160001`,
      undefined
    ])
    expect([state.sequence, balanceOf(state)]).toStrictEqual([1, 1_000_000])
    expect(decision.followUps).toStrictEqual([])
  })

  it("a duplicate partnerReferenceNo answers 4090001 naming the payout; an unknown pair 4040001", () => {
    const { state, token, record } = registered("1234560001")
    const duplicate = call(state, token, "transfer/registration", registration("1234560001"))
    expect([duplicate.responseCode, duplicate.answer.body]).toStrictEqual([
      "4090001",
      {
        responseCode: "4090001",
        responseMessage: "Duplicate partnerReferenceNo",
        partnerReferenceNo: "ref-1234560001",
        originalReferenceNo: record.originalReferenceNo
      }
    ])
    const unknown = call(state, token, "transfer/approve", {
      ...reference(record),
      originalReferenceNo: "nope"
    })
    expect(unknown.responseCode).toBe("4040001")
  })

  it("03 → approve → 00 Success: debited, notified; approve or reject again → 4040000, nothing changes", () => {
    const { state, token, record } = registered("1234560001")
    const approved = call(state, token, "transfer/approve", reference(record))
    expect([
      approved.responseCode,
      (approved.answer.body as { transactionStatus: string }).transactionStatus
    ]).toStrictEqual(["2000000", "00"])
    const after = State.payout(approved.state, Demo.CLIENT_ID, record.partnerReferenceNo)!
    expect(after.status).toBe("00")
    expect(balanceOf(approved.state)).toBe(1_000_000 - 10_000)
    expect(approved.followUps).toStrictEqual([{ _tag: "Notify", payout: after }])
    for (const operation of ["transfer/approve", "transfer/reject"] as const) {
      const again = call(approved.state, token, operation, reference(record))
      expect(again.responseCode).toBe("4040000")
      expect(State.payout(again.state, Demo.CLIENT_ID, record.partnerReferenceNo)).toStrictEqual(after)
      expect(balanceOf(again.state)).toBe(1_000_000 - 10_000)
    }
  })

  it("03 → reject → 05 Rejected, notified, nothing debited", () => {
    const { state, token, record } = registered("1234560001")
    const rejected = call(state, token, "transfer/reject", reference(record))
    const after = State.payout(rejected.state, Demo.CLIENT_ID, record.partnerReferenceNo)!
    expect([rejected.responseCode, after.status, balanceOf(rejected.state)]).toStrictEqual([
      "2000000",
      "05",
      1_000_000
    ])
    expect(rejected.followUps).toStrictEqual([{ _tag: "Notify", payout: after }])
  })

  it("03 → approve → 08 Suspect → settle 09 Failed, refunded once; settling again changes nothing", () => {
    const { state, token, record } = registered(`123456${Scenario.suffix["suspect-failed"]}`)
    const approved = call(state, token, "transfer/approve", reference(record))
    expect((approved.answer.body as { transactionStatus: string }).transactionStatus).toBe("08")
    expect(approved.followUps).toStrictEqual([
      { _tag: "Settle", clientId: Demo.CLIENT_ID, partnerReferenceNo: record.partnerReferenceNo, to: "09" }
    ])
    expect(balanceOf(approved.state)).toBe(1_000_000 - 10_000)
    const settled = Engine.settle(approved.state, {
      clientId: Demo.CLIENT_ID,
      partnerReferenceNo: record.partnerReferenceNo,
      to: "09",
      now: now + 5_000
    })
    expect([settled.settled?.status, settled.settled?.updatedAt, balanceOf(settled.state)]).toStrictEqual([
      "09",
      now + 5_000,
      1_000_000
    ])
    expect(settled.followUps).toStrictEqual([{ _tag: "Notify", payout: settled.settled }])
    const again = Engine.settle(settled.state, {
      clientId: Demo.CLIENT_ID,
      partnerReferenceNo: record.partnerReferenceNo,
      to: "09",
      now: now + 6_000
    })
    expect([again.settled, again.state, again.followUps]).toStrictEqual([undefined, settled.state, []])
  })

  it("in progress: approve answers 2020000 with the payout at 08, to settle to 00", () => {
    const { state, token, record } = registered(`123456${Scenario.suffix["in-progress"]}`)
    const approved = call(state, token, "transfer/approve", reference(record))
    expect(approved.responseCode).toBe("2020000")
    expect(State.payout(approved.state, Demo.CLIENT_ID, record.partnerReferenceNo)?.status).toBe("08")
    expect(approved.followUps).toStrictEqual([
      { _tag: "Settle", clientId: Demo.CLIENT_ID, partnerReferenceNo: record.partnerReferenceNo, to: "00" }
    ])
  })

  it("cancel: 4050001 for an immediate payout; 00 scheduled in the future → 04 Canceled, refunded", () => {
    const immediate = registered("1234560001")
    const approvedNow = call(
      immediate.state,
      immediate.token,
      "transfer/approve",
      reference(immediate.record)
    )
    const refused = call(approvedNow.state, immediate.token, "transfer/cancel", reference(immediate.record))
    expect([refused.responseCode, balanceOf(refused.state)]).toStrictEqual(["4050001", 1_000_000 - 10_000])

    // Tomorrow 09:00 WIB.
    const scheduled = registered("1234560002", { reservedDt: "20240306", reservedTm: "090000" })
    expect(scheduled.record.scheduledAt).toBe(Date.UTC(2024, 2, 6, 2, 0, 0))
    const approved = call(scheduled.state, scheduled.token, "transfer/approve", reference(scheduled.record))
    const canceled = call(approved.state, scheduled.token, "transfer/cancel", reference(scheduled.record))
    const after = State.payout(canceled.state, Demo.CLIENT_ID, scheduled.record.partnerReferenceNo)!
    expect([canceled.responseCode, after.status, balanceOf(canceled.state)]).toStrictEqual([
      "2000000",
      "04",
      1_000_000
    ])
    expect(canceled.followUps).toStrictEqual([{ _tag: "Notify", payout: after }])
    // A pending payout cannot be canceled.
    expect(
      call(scheduled.state, scheduled.token, "transfer/cancel", reference(scheduled.record)).responseCode
    ).toBe("4040000")
  })

  it("insufficient funds: 4030014 at registration (balance) and for the no-funds scenario", () => {
    const { state, token } = withToken()
    const poor = State.setBalance(state, Demo.CLIENT_ID, 9_999)
    expect(call(poor, token, "transfer/registration", registration("1234560001")).responseCode).toBe(
      "4030014"
    )
    expect(
      call(state, token, "transfer/registration", registration(`123456${Scenario.suffix["no-funds"]}`))
        .responseCode
    ).toBe("4030014")
  })

  it("a snapshot restores the payouts in their order, the balances and the sequence", () => {
    const first = registered("1234560001")
    const second = call(first.state, first.token, "transfer/registration", registration("1234560002"))
    const snapshot = JSON.parse(JSON.stringify(State.snapshot(second.state))) as Nicepay.State.Snapshot
    expect(snapshot.payouts.map((p) => p.partnerReferenceNo)).toStrictEqual([
      "ref-1234560001",
      "ref-1234560002"
    ])
    // As JSON: what the CLI keeps between commands.
    const restored = State.restore(initial, snapshot)
    expect(JSON.stringify(State.snapshot(restored))).toBe(JSON.stringify(State.snapshot(second.state)))
    expect(restored.sequence).toBe(2)
  })

  it("every scenario in the table is selected by its suffix, and any other account is normal", () => {
    expect(Scenario.table.map((entry) => Scenario.forPayout(`123456${entry.suffix}`))).toStrictEqual([
      "invalid-account",
      "no-funds",
      "suspect-success",
      "suspect-failed",
      "in-progress",
      "error-500",
      "timeout-504"
    ])
    expect(Scenario.forPayout("1234560001")).toBe("normal")
  })
})
