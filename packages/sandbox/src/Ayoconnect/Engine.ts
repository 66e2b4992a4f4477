/**
 * The Ayoconnect simulator's decisions, as pure functions: (state, request) → the answer, the new
 * state and the work left for later. No HTTP, no clock (the time is part of the request), no
 * mutation: the HTTP shell (`Simulator.ts`) reads the clock, swaps the state and runs the
 * follow-ups (a settlement to schedule, a callback to send).
 *
 * Order of checks for every operation: authentication (`Auth`), then the operation's own rules:
 *
 * - `bill/check`: parameters (321), product known (341) and active (311), the account number's
 *   scenario (`Scenario.forInquiry`), the account's shape (304), the product's own quote rules.
 * - `bill/payment`: parameters (321), refNumber unused (102), product known (186), inquiry known,
 *   the partner's and unused (185), unexpired (312), for this account and product (313), amount as
 *   quoted (114), deposit sufficient (199), then the scenario (`Scenario.forPayment`).
 * - `bill/status`: refNumber given (321), known (188).
 */
import { Either } from "effect"
import * as Fault from "../Fault.js"
import * as Auth from "./Auth.js"
import * as Catalogue from "./Catalogue.js"
import * as Messages from "./Messages.js"
import * as Responses from "./Responses.js"
import * as Scenario from "./Scenario.js"
import * as State from "./State.js"

/**
 * The operations, as named in the path and the request log.
 */
export type Operation = "partner/balance" | "partner/products" | "bill/check" | "bill/payment" | "bill/status"

/**
 * The engine's knobs, in milliseconds.
 */
export interface Settings {
  /** How long an inquiry can be paid. */
  readonly inquiryTtlMillis: number
  /** How long a pending payment takes to settle. */
  readonly settleAfterMillis: number
}

/**
 * One request as the engine sees it.
 */
export interface Request {
  readonly operation: Operation
  readonly version: 1 | 2
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  /** When it was received (epoch millis). */
  readonly now: number
  /**
   * Whether the upstream acts on it. False when a fault drops the request before the upstream
   * would have seen it: the answer is computed, the state is left as it was.
   */
  readonly commit: boolean
}

/**
 * Work a decision leaves for the shell.
 */
export type FollowUp =
  /** Settle a pending transaction at `settlement.at` (see `settle`). */
  | {
      readonly _tag: "Settle"
      readonly apiKey: string
      readonly refNumber: string
      readonly settlement: State.Settlement
    }
  /** POST `body` to `url` until one attempt answers HTTP 200. */
  | {
      readonly _tag: "Callback"
      readonly refNumber: string
      readonly responseCode: number
      readonly url: string
      readonly body: string
      readonly credentials: State.CallbackCredentials | undefined
    }

/**
 * What the engine decided for one request.
 */
export interface Decision {
  readonly state: State.State
  readonly answer: Fault.Answer
  readonly responseCode: number
  /** A fault the request's scenario selected. */
  readonly fault?: Fault.Fault | undefined
  readonly followUps: ReadonlyArray<FollowUp>
}

type Answered = Omit<Decision, "state" | "followUps"> & {
  readonly state?: State.State
  readonly followUps?: ReadonlyArray<FollowUp>
}

const answered = (body: { readonly responseCode: number }, fault?: Fault.Fault): Answered => ({
  answer: { status: 200, body },
  responseCode: body.responseCode,
  fault
})

const balance = (state: State.State, apiKey: string): Answered =>
  answered(
    Responses.envelope(
      0,
      { balance: State.partner(state, apiKey)!.deposit, currency: "IDR", partnerId: apiKey },
      Messages.ok
    )
  )

const productList = (): Answered => answered(Responses.envelope(0, Responses.productList(), Messages.ok))

// One authenticated call: the state it meets, the settings, the request and its verified claims.
interface Call {
  readonly state: State.State
  readonly settings: Settings
  readonly request: Request
  readonly apiKey: string
  readonly claims: Auth.Claims
}

const inquiry = ({ state, settings, request, apiKey, claims }: Call): Answered => {
  const { version, now } = request
  const accountNumber = Auth.stringClaim(claims, "accountnumber")
  const productCode = Auth.stringClaim(claims, "productcode")
  if (
    accountNumber === undefined ||
    accountNumber === "" ||
    productCode === undefined ||
    productCode === ""
  ) {
    return answered(Responses.failure(321))
  }
  const product = Catalogue.find(productCode)
  if (product === undefined) return answered(Responses.failure(341))
  if (!product.active) return answered(Responses.failure(311))
  const scenario = Scenario.forInquiry(accountNumber)
  if (scenario._tag === "Answer") return answered(Responses.failure(scenario.code))
  const fault = scenario._tag === "Fault" ? scenario.fault : undefined
  if (!Catalogue.isWellFormed(product, accountNumber)) return answered(Responses.failure(304), fault)
  const quoted = Catalogue.quote(
    product,
    {
      accountNumber,
      amount: Auth.intClaim(claims, "amount"),
      zoneId: Auth.stringClaim(claims, "zoneid"),
      month: Auth.intClaim(claims, "month")
    },
    now
  )
  if (quoted._tag === "Refused") {
    return answered(
      Responses.envelope(
        quoted.code,
        quoted.quote === undefined
          ? {}
          : Responses.inquiryData(version, 1_919_706, product, accountNumber, quoted.quote),
        quoted.code === 313 ? { ID: quoted.reason, EN: quoted.reason } : Messages.forCode(quoted.code)
      ),
      fault
    )
  }
  const inquiryId = state.nextInquiryId
  const recorded =
    request.commit && (fault === undefined || Fault.processesRequest({ fault }))
      ? State.addInquiry(state, {
          apiKey,
          product,
          accountNumber,
          quote: quoted.quote,
          createdAt: now,
          expiresAt: now + settings.inquiryTtlMillis
        })
      : state
  return {
    ...answered(
      Responses.envelope(
        300,
        Responses.inquiryData(version, inquiryId, product, accountNumber, quoted.quote)
      ),
      fault
    ),
    state: recorded
  }
}

// The transaction a payment records, by what its scenario does: failed at once (nothing debited),
// pending (debited, settling later unless it never does), or succeeded with its token.
const recorded = (
  base: Omit<
    State.Transaction,
    "state" | "responseCode" | "token" | "fulfilment" | "settledAt" | "debited" | "refunded" | "settlement"
  >,
  effect: Exclude<Scenario.PaymentEffect, { readonly _tag: "Normal" | "Fault" }>,
  now: number,
  settlement: State.Settlement | undefined
): State.Transaction => {
  switch (effect._tag) {
    case "Fail":
      return {
        ...base,
        state: "Failed",
        responseCode: effect.code,
        token: "",
        fulfilment: [],
        settledAt: now,
        debited: false,
        refunded: false
      }
    case "Pend":
      return {
        ...base,
        state: "Pending",
        responseCode: 299,
        token: "",
        fulfilment: [],
        settledAt: undefined,
        debited: true,
        refunded: false,
        ...(settlement === undefined ? {} : { settlement })
      }
    default: {
      const { token, productDetails } = Catalogue.fulfil(base.product, base.transactionId)
      return {
        ...base,
        state: "Succeeded",
        responseCode: effect._tag === "Succeed" ? effect.code : 0,
        token,
        fulfilment: productDetails,
        settledAt: now,
        debited: true,
        refunded: false
      }
    }
  }
}

const payment = ({ state, settings, request, apiKey, claims }: Call): Answered => {
  const { version, now } = request
  const accountNumber = Auth.stringClaim(claims, "accountnumber")
  const productCode = Auth.stringClaim(claims, "productcode")
  const inquiryId = Auth.intClaim(claims, "inquiryid")
  const amount = Auth.intClaim(claims, "amount")
  const refNumber = Auth.stringClaim(claims, "refnumber")
  if (
    accountNumber === undefined ||
    productCode === undefined ||
    inquiryId === undefined ||
    amount === undefined ||
    refNumber === undefined ||
    refNumber === ""
  ) {
    return answered(Responses.failure(321))
  }
  // A refNumber is used once: the duplicate changes nothing and debits nothing.
  if (State.transaction(state, apiKey, refNumber) !== undefined) return answered(Responses.failure(102))
  const product = Catalogue.find(productCode)
  if (product === undefined) return answered(Responses.failure(186))
  const found = State.inquiry(state, inquiryId)
  if (found === undefined || found.apiKey !== apiKey || found.usedBy !== undefined) {
    return answered(Responses.failure(185))
  }
  if (now >= found.expiresAt) return answered(Responses.failure(312))
  if (found.accountNumber !== accountNumber || found.product.code !== productCode) {
    return answered(Responses.failure(313))
  }
  if (amount !== found.quote.amount) return answered(Responses.failure(114))
  if (State.partner(state, apiKey)!.deposit < amount) {
    return answered(
      Responses.envelope(199, {}, { ID: "Saldo deposit tidak mencukupi", EN: "Insufficient deposit balance" })
    )
  }
  const scenario = Scenario.forPayment(accountNumber)
  const fault = scenario._tag === "Fault" ? scenario.fault : undefined
  const effect: Exclude<Scenario.PaymentEffect, { readonly _tag: "Normal" | "Fault" }> =
    scenario._tag === "Normal" || scenario._tag === "Fault"
      ? product.settlement === "instant"
        ? { _tag: "Succeed", code: product.successCode }
        : { _tag: "Pend", settleTo: 0 }
      : scenario
  const transactionId = state.nextTransactionId
  const base = {
    apiKey,
    refNumber,
    transactionId,
    inquiryId,
    product,
    accountNumber,
    amount,
    quote: found.quote,
    createdAt: now,
    callbackUrls: Auth.urlsClaim(claims)
  }
  const settlement: State.Settlement | undefined =
    effect._tag === "Pend" && effect.settleTo !== "never"
      ? { at: now + settings.settleAfterMillis, responseCode: effect.settleTo }
      : undefined
  const transaction = recorded(base, effect, now, settlement)
  const accepted = request.commit && (fault === undefined || Fault.processesRequest({ fault }))
  const next = accepted ? State.acceptPayment(state, transaction) : state
  const followUps: ReadonlyArray<FollowUp> =
    accepted && settlement !== undefined ? [{ _tag: "Settle", apiKey, refNumber, settlement }] : []
  const body =
    effect._tag === "Fail" || effect._tag === "AnswerDuplicate"
      ? Responses.failure(effect.code)
      : Responses.envelope(
          effect._tag === "Succeed" ? effect.code : 299,
          Responses.transactionData(version, transaction, {
            full: effect._tag === "Succeed",
            stringValues: false
          })
        )
  return { ...answered(body, fault), state: next, followUps }
}

const status = (state: State.State, version: 1 | 2, apiKey: string, claims: Auth.Claims): Answered => {
  const refNumber = Auth.stringClaim(claims, "refnumber")
  if (refNumber === undefined || refNumber === "") return answered(Responses.failure(321))
  const transaction = State.transaction(state, apiKey, refNumber)
  return answered(
    transaction === undefined ? Responses.notFound(version) : Responses.status(version, transaction)
  )
}

/**
 * Decides one request: authentication first, then the operation.
 */
export const decide = (state: State.State, settings: Settings, request: Request): Decision => {
  const authenticated = Auth.authenticate(
    request.headers,
    request.body,
    (apiKey) => State.partner(state, apiKey)?.secret
  )
  const decided: Answered = Either.isLeft(authenticated)
    ? answered(Responses.failure(authenticated.left.code))
    : operate({ state, settings, request, ...authenticated.right })
  return { ...decided, state: decided.state ?? state, followUps: decided.followUps ?? [] }
}

const operate = (call: Call): Answered => {
  switch (call.request.operation) {
    case "partner/balance":
      return balance(call.state, call.apiKey)
    case "partner/products":
      return productList()
    case "bill/check":
      return inquiry(call)
    case "bill/payment":
      return payment(call)
    case "bill/status":
      return status(call.state, call.request.version, call.apiKey, call.claims)
  }
}

/**
 * The callbacks a transaction that just became final sends: to the payment's `callbackUrls`, or
 * else the partner's `callbackUrl`, the v2 status body, with the partner's HTTP Basic credentials.
 */
export const callbacks = (state: State.State, transaction: State.Transaction): ReadonlyArray<FollowUp> => {
  const partner = State.partner(state, transaction.apiKey)
  const urls =
    transaction.callbackUrls.length > 0
      ? transaction.callbackUrls
      : partner?.callbackUrl === undefined
        ? []
        : [partner.callbackUrl]
  const body = JSON.stringify(Responses.status(2, transaction))
  return urls.map((url) => ({
    _tag: "Callback",
    refNumber: transaction.refNumber,
    responseCode: transaction.responseCode,
    url,
    body,
    credentials: partner?.callbackCredentials
  }))
}

/**
 * What settling a pending transaction did.
 */
export interface Settled {
  readonly state: State.State
  /** The transaction after settling; undefined when it was unknown or not pending. */
  readonly settled: State.Transaction | undefined
  readonly followUps: ReadonlyArray<FollowUp>
}

/**
 * Settles a pending transaction with `responseCode` at `now`: 0–99 succeeds (and fulfils), any
 * other code fails and refunds the debit once. A transaction that is unknown or already final is
 * left alone. With `due`, only the settlement that was scheduled is carried out (a restored state
 * schedules its own), so a transaction never settles twice.
 */
export const settle = (
  state: State.State,
  request: {
    readonly apiKey: string
    readonly refNumber: string
    readonly responseCode: number
    readonly now: number
    readonly due?: State.Settlement | undefined
  }
): Settled => {
  const found = State.transaction(state, request.apiKey, request.refNumber)
  const unchanged: Settled = { state, settled: undefined, followUps: [] }
  if (found === undefined || found.state !== "Pending") return unchanged
  const { due } = request
  if (
    due !== undefined &&
    (found.settlement === undefined ||
      found.settlement.at !== due.at ||
      found.settlement.responseCode !== due.responseCode)
  ) {
    return unchanged
  }
  const { settlement: _, ...pending } = found
  const base = { ...pending, responseCode: request.responseCode, settledAt: request.now }
  if (request.responseCode <= 99) {
    const { token, productDetails } = Catalogue.fulfil(found.product, found.transactionId)
    const settled: State.Transaction = { ...base, state: "Succeeded", token, fulfilment: productDetails }
    const next = State.putTransaction(state, settled)
    return { state: next, settled, followUps: callbacks(next, settled) }
  }
  const partner = State.partner(state, found.apiKey)
  const refund = found.debited && !found.refunded && partner !== undefined
  const settled: State.Transaction = { ...base, state: "Failed", refunded: refund ? true : found.refunded }
  const refunded = refund ? State.setDeposit(state, found.apiKey, partner.deposit + found.amount) : state
  const next = State.putTransaction(refunded, settled)
  return { state: next, settled, followUps: callbacks(next, settled) }
}

/**
 * The settlements a restored state still owes, to be scheduled by the shell.
 */
export const dueSettlements = (state: State.State): ReadonlyArray<FollowUp> =>
  State.transactions(state).flatMap(
    (transaction): ReadonlyArray<FollowUp> =>
      transaction.state === "Pending" && transaction.settlement !== undefined
        ? [
            {
              _tag: "Settle",
              apiKey: transaction.apiKey,
              refNumber: transaction.refNumber,
              settlement: transaction.settlement
            }
          ]
        : []
  )
