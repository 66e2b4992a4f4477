/**
 * The NICEPAY simulator's decisions, as pure functions: (state, request) → the answer, the new
 * state and the work left for later. No HTTP, no clock (the time is part of the request), no
 * randomness (the token nonce is part of the request, the token key part of the settings), no
 * mutation: the HTTP shell (`Simulator.ts`) reads the clock, swaps the state, sends notifications
 * and schedules settlements. Authentication is `Auth`, field rules `Rules`, bodies `Responses`,
 * the state `State`: the same layout as the Ayoconnect simulator.
 *
 * The payout state machine:
 *
 * | from | call | to |
 * |---|---|---|
 * | — | registration | `03` Pending |
 * | `03` | approve | `00` Success (debited); suspect scenarios `08`, later `00` or `09` (refunded) |
 * | `03` | reject | `05` Rejected |
 * | `00`, scheduled in the future | cancel | `04` Canceled (refunded) |
 * | `00`, immediate or executed | cancel | unchanged, `4050001` |
 * | any other | approve / reject / cancel | unchanged, `4040000` |
 */
import { createHmac } from "node:crypto"
import { Either } from "effect"
import * as Wib from "../internal/wib.js"
import * as Auth from "./Auth.js"
import * as Responses from "./Responses.js"
import * as Rules from "./Rules.js"
import * as Scenario from "./Scenario.js"
import * as State from "./State.js"

/**
 * The operations the simulator recognises, as named in the request log.
 */
export type Operation =
  | "access-token"
  | "balance-inquiry"
  | "transfer/registration"
  | "transfer/approve"
  | "transfer/inquiry"
  | "transfer/cancel"
  | "transfer/reject"

/**
 * The engine's knobs.
 */
export interface Settings extends Auth.Settings {
  readonly tokenLifetimeSeconds: number
  /** The HMAC key of minted tokens (the shell draws it once). */
  readonly tokenKey: Uint8Array
  /** Whether a `4090001` duplicate answer names the existing payout (`originalReferenceNo`). */
  readonly duplicateAnswerIncludesReference: boolean
}

/**
 * One request as the engine sees it.
 */
export interface Request {
  readonly operation: Operation
  /** The path after `/nicepay`: what the service signature covers. */
  readonly signedPath: string
  /** Lower-cased header names. */
  readonly headers: Auth.Headers
  /** The raw body bytes as received. */
  readonly body: Uint8Array
  /** When it was received (epoch millis). */
  readonly now: number
  /** A fresh random value for a token's `jti` (the shell draws it). */
  readonly nonce: string
}

/**
 * Work a decision leaves for the shell: a notification to send, a suspect payout to settle later.
 */
export type FollowUp =
  | { readonly _tag: "Notify"; readonly payout: State.PayoutRecord }
  | {
      readonly _tag: "Settle"
      readonly clientId: string
      readonly partnerReferenceNo: string
      readonly to: "00" | "09"
    }

/**
 * What the engine decided for one request.
 */
export interface Decision extends Responses.Answered {
  readonly state: State.State
  readonly followUps: ReadonlyArray<FollowUp>
}

const decided = (
  state: State.State,
  answered: Responses.Answered,
  followUps: ReadonlyArray<FollowUp> = []
): Decision => ({ ...answered, state, followUps })

const mintToken = (settings: Settings, clientId: string, now: number, nonce: string): string => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64")
  const head = b64({ typ: "JWT", alg: "HS256" })
  const payload = b64({
    sub: clientId,
    iss: "NICEPAY",
    name: clientId,
    // The expiry instant in UTC, as NICEPAY's tokens carry it.
    exp: new Date(now + settings.tokenLifetimeSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    jti: nonce
  })
  const mac = createHmac("sha256", settings.tokenKey).update(`${head}.${payload}`).digest("base64")
  return `${head}.${payload}.${mac}`
}

// `POST /v1.0/access-token/b2b`.
const token = (state: State.State, settings: Settings, request: Request): Decision => {
  const authenticated = Auth.tokenRequest(state, settings, request.headers, request.now)
  if (Either.isLeft(authenticated)) return decided(state, authenticated.left)
  const clientId = authenticated.right.clientId
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(request.body).toString("utf8"))
  } catch {
    return decided(state, Responses.respond("4007300", "Bad Request"))
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return decided(state, Responses.respond("4007300", "Bad Request"))
  }
  const grantType = (body as Record<string, unknown>).grantType
  if (Rules.isMissing(grantType))
    return decided(state, Responses.respond("4007302", "Invalid Mandatory Field {grantType}"))
  if (grantType !== "client_credentials") {
    return decided(state, Responses.respond("4007301", "Invalid Field Format {grantType}"))
  }
  const accessToken = mintToken(settings, clientId, request.now, request.nonce)
  return decided(
    State.addToken(state, accessToken, {
      clientId,
      expiresAt: request.now + settings.tokenLifetimeSeconds * 1000
    }),
    Responses.respond("2007300", "Successful", {
      accessToken,
      tokenType: "Bearer",
      expiresIn: String(settings.tokenLifetimeSeconds)
    })
  )
}

const balance = (
  state: State.State,
  merchant: State.Merchant,
  signedPath: string,
  body: Record<string, unknown>
): Decision => {
  const legacy = signedPath.includes("/transfer/")
  // The 2023 samples on the legacy path send `merchantId` instead of `accountNo`.
  const accountField = legacy && body.accountNo === undefined ? "merchantId" : "accountNo"
  const invalid = Rules.check("11", body, Rules.balance(accountField))
  if (invalid !== undefined) return decided(state, invalid)
  if (body[accountField] !== merchant.clientId) {
    return decided(state, Responses.respond("4001101", `Invalid Field Format {${accountField}}`))
  }
  const available = Responses.amountObject(merchant.balance)
  return decided(
    state,
    legacy
      ? Responses.respond("2001100", "Successful", {
          accountNo: merchant.clientId,
          availableBalance: available
        })
      : Responses.respond("2001100", "Successful", {
          accountNo: merchant.clientId,
          accountInfos: [{ availableBalance: available }]
        })
  )
}

const register = (
  state: State.State,
  settings: Settings,
  merchant: State.Merchant,
  body: Record<string, unknown>,
  now: number
): Decision => {
  const refuse = (code: string, message: string, fields?: Record<string, unknown>) =>
    decided(state, Responses.respond(code, message, fields))
  const invalid = Rules.check("00", body, Rules.registration)
  if (invalid !== undefined) return decided(state, invalid)
  if (body.merchantId !== merchant.clientId) return refuse("4000001", "Invalid Field Format {merchantId}")
  const partnerReferenceNo = body.partnerReferenceNo as string
  const existing = State.payout(state, merchant.clientId, partnerReferenceNo)
  if (existing !== undefined) {
    // NICEPAY documents no body for this answer; naming the existing payout is the simulator's
    // choice (`duplicateAnswerIncludesReference`), which lets a client read it.
    return refuse(
      "4090001",
      "Duplicate partnerReferenceNo",
      settings.duplicateAnswerIncludesReference
        ? { partnerReferenceNo, originalReferenceNo: existing.originalReferenceNo }
        : { partnerReferenceNo }
    )
  }
  const accountNo = body.beneficiaryAccountNo as string
  const scenario = Scenario.forPayout(accountNo)
  if (scenario === "invalid-account") return refuse("4040011", "Invalid Account")
  const value = (body.amount as { value: string }).value
  const amount = Number(value.split(".")[0])
  if (!value.endsWith(".00") || amount <= 0) return refuse("4000001", "Invalid Field Format {amount.value}")
  if (scenario === "no-funds" || amount > merchant.balance) return refuse("4030014", "Insufficient Funds")
  const reservedDt = typeof body.reservedDt === "string" ? body.reservedDt : ""
  const reservedTm = typeof body.reservedTm === "string" ? body.reservedTm : ""
  let scheduledAt: number | undefined
  if (reservedDt !== "" || reservedTm !== "") {
    const instant = Wib.fromCompact(reservedDt, reservedTm === "" ? "000000" : reservedTm)
    if (instant === undefined) return refuse("4000001", "Invalid Field Format {reservedDt}")
    scheduledAt = instant > now ? instant : undefined
  }
  const [originalReferenceNo, sequenced] = State.nextTxid(state, merchant.clientId, Wib.compactDateTime(now))
  const record: State.PayoutRecord = {
    clientId: merchant.clientId,
    partnerReferenceNo,
    originalReferenceNo,
    beneficiaryAccountNo: accountNo,
    beneficiaryName: body.beneficiaryName as string,
    beneficiaryBankCode: body.beneficiaryBankCode as string,
    beneficiaryCustomerResidence: body.beneficiaryCustomerResidence as string,
    beneficiaryCustomerType:
      typeof body.beneficiaryCustomerType === "string" ? body.beneficiaryCustomerType : undefined,
    payoutMethod: body.payoutMethod as string,
    amount,
    status: "03",
    scenario,
    scheduledAt,
    registeredAt: now,
    updatedAt: now
  }
  return decided(State.putPayout(sequenced, record), Responses.registered(record))
}

// The payout a request names, after its field rules; `inquiry` also matches the account number.
const find = (
  state: State.State,
  merchant: State.Merchant,
  body: Record<string, unknown>,
  rules: ReadonlyArray<Rules.Rule>
): Either.Either<State.PayoutRecord, Responses.Answered> => {
  const invalid = Rules.check("00", body, rules)
  if (invalid !== undefined) return Either.left(invalid)
  if (body.merchantId !== merchant.clientId) {
    return Either.left(Responses.respond("4000001", "Invalid Field Format {merchantId}"))
  }
  const record = State.payout(state, merchant.clientId, body.originalPartnerReferenceNo as string)
  if (
    record === undefined ||
    record.originalReferenceNo !== body.originalReferenceNo ||
    (rules === Rules.inquiry && record.beneficiaryAccountNo !== body.beneficiaryAccountNo)
  ) {
    return Either.left(Responses.respond("4040001", "Transaction Not Found"))
  }
  return Either.right(record)
}

const invalidStatus = Responses.respond("4040000", "Invalid Transaction Status")

const inquiry = (state: State.State, merchant: State.Merchant, body: Record<string, unknown>): Decision =>
  Either.match(find(state, merchant, body, Rules.inquiry), {
    onLeft: (refusal) => decided(state, refusal),
    onRight: (record) =>
      decided(state, Responses.respond("2000000", "Successful", Responses.statusFields(record)))
  })

// One authenticated service call: the state it meets, the merchant, the body and the time.
interface Call {
  readonly state: State.State
  readonly merchant: State.Merchant
  readonly body: Record<string, unknown>
  readonly now: number
}

// An operation on an existing payout: the one the body names, in the status `from` it needs.
const onPayout =
  (from: State.Status, operate: (call: Call, record: State.PayoutRecord) => Decision) =>
  (call: Call): Decision =>
    Either.match(find(call.state, call.merchant, call.body, Rules.reference), {
      onLeft: (refusal) => decided(call.state, refusal),
      onRight: (record) =>
        record.status === from ? operate(call, record) : decided(call.state, invalidStatus)
    })

// A final transition (reject, cancel): answered with the payout's fields, and notified.
const finish = (state: State.State, record: State.PayoutRecord, to: State.Status, now: number): Decision => {
  const [moved, next] = State.transition(state, record, to, now)
  return decided(next, Responses.respond("2000000", "Successful", Responses.payoutFields(moved)), [
    { _tag: "Notify", payout: moved }
  ])
}

const approve = onPayout("03", ({ state, merchant, now }, record) => {
  if (record.amount > merchant.balance)
    return decided(state, Responses.respond("4030014", "Insufficient Funds"))
  const debited = State.setBalance(state, merchant.clientId, merchant.balance - record.amount)
  const settleLater = (to: "00" | "09"): FollowUp => ({
    _tag: "Settle",
    clientId: record.clientId,
    partnerReferenceNo: record.partnerReferenceNo,
    to
  })
  switch (record.scenario) {
    case "suspect-success":
    case "suspect-failed": {
      const [suspect, next] = State.transition(debited, record, "08", now)
      return decided(
        next,
        Responses.respond("2000000", "Successful", {
          ...Responses.payoutFields(suspect),
          transactionStatus: "08"
        }),
        [settleLater(record.scenario === "suspect-success" ? "00" : "09")]
      )
    }
    case "in-progress": {
      const [, next] = State.transition(debited, record, "08", now)
      return decided(
        next,
        Responses.respond("2020000", "Request In Progress", {
          originalPartnerReferenceNo: record.partnerReferenceNo,
          originalReferenceNo: record.originalReferenceNo
        }),
        [settleLater("00")]
      )
    }
    default: {
      const [approved, next] = State.transition(debited, record, "00", now)
      const notify: ReadonlyArray<FollowUp> = [{ _tag: "Notify", payout: approved }]
      if (record.scenario === "error-500")
        return decided(next, Responses.respond("5000000", "General Error"), notify)
      if (record.scenario === "timeout-504")
        return decided(next, Responses.respond("5040000", "Timeout"), notify)
      return decided(
        next,
        Responses.respond("2000000", "Successful", {
          ...Responses.payoutFields(approved),
          transactionStatus: "00"
        }),
        notify
      )
    }
  }
})

const reject = onPayout("03", ({ state, now }, record) => finish(state, record, "05", now))

const cancel = onPayout("00", ({ state, merchant, now }, record) => {
  if (record.scheduledAt === undefined || now >= record.scheduledAt) {
    return decided(state, Responses.respond("4050001", "Requested Operation Is Not Allowed"))
  }
  const refunded = State.setBalance(state, merchant.clientId, merchant.balance + record.amount)
  return finish(refunded, record, "04", now)
})

/**
 * Decides one request: the access token, or a signed service call (authentication, then the
 * operation).
 */
export const decide = (state: State.State, settings: Settings, request: Request): Decision => {
  const { operation } = request
  if (operation === "access-token") return token(state, settings, request)
  const authenticated = Auth.serviceCall(state, settings, {
    svc: operation === "balance-inquiry" ? "11" : "00",
    signedPath: request.signedPath,
    headers: request.headers,
    body: request.body,
    now: request.now
  })
  if (authenticated._tag === "Refused") return decided(authenticated.state, authenticated.refusal)
  const { merchant, body, state: current } = authenticated
  const call: Call = { state: current, merchant, body, now: request.now }
  switch (operation) {
    case "balance-inquiry":
      return balance(current, merchant, request.signedPath, body)
    case "transfer/registration":
      return register(current, settings, merchant, body, request.now)
    case "transfer/inquiry":
      return inquiry(current, merchant, body)
    case "transfer/approve":
      return approve(call)
    case "transfer/reject":
      return reject(call)
    case "transfer/cancel":
      return cancel(call)
  }
}

/**
 * What settling a suspect payout did.
 */
export interface Settled {
  readonly state: State.State
  /** The payout after settling; undefined when it is unknown or was not suspect. */
  readonly settled: State.PayoutRecord | undefined
  readonly followUps: ReadonlyArray<FollowUp>
}

/**
 * Resolves a suspect (`08`) payout to `00` Success or `09` Failed (refunded) at `now`, and notifies.
 * Any other payout is left alone.
 */
export const settle = (
  state: State.State,
  request: {
    readonly clientId: string
    readonly partnerReferenceNo: string
    readonly to: "00" | "09"
    readonly now: number
  }
): Settled => {
  const record = State.payout(state, request.clientId, request.partnerReferenceNo)
  if (record === undefined || record.status !== "08") return { state, settled: undefined, followUps: [] }
  const merchant = State.merchant(state, request.clientId)
  const refunded =
    request.to === "09" && merchant !== undefined
      ? State.setBalance(state, request.clientId, merchant.balance + record.amount)
      : state
  const [settled, next] = State.transition(refunded, record, request.to, request.now)
  return { state: next, settled, followUps: [{ _tag: "Notify", payout: settled }] }
}
