/**
 * The NICEPAY simulator's state and its transitions: merchants (credentials, balance, the
 * X-EXTERNAL-IDs seen today), access tokens, payouts keyed by (merchant, partnerReferenceNo), and
 * the tXid sequence.
 *
 * The state is an immutable value: every transition returns a new state, so the engine is a pure
 * function of (state, request) and the HTTP shell swaps the state atomically. The collections are
 * Effect `HashMap`s / `HashSet`s (persistent), so a transition costs O(log n) however many
 * requests came before. Payouts keep the order they were registered in. The same layout as the
 * Ayoconnect simulator's `State`.
 */
import type { KeyObject } from "node:crypto"
import { HashMap, HashSet, Option } from "effect"
import type * as Scenario from "./Scenario.js"

/**
 * The payout status codes (`latestTransactionStatus`).
 */
export type Status = "00" | "03" | "04" | "05" | "08" | "09"

/**
 * A payout as the simulator holds it.
 */
export interface PayoutRecord {
  readonly clientId: string
  readonly partnerReferenceNo: string
  /** The simulator's tXid: clientId + `07` + yyyyMMddHHmmss (WIB) + 4 digits. */
  readonly originalReferenceNo: string
  readonly beneficiaryAccountNo: string
  readonly beneficiaryName: string
  readonly beneficiaryBankCode: string
  readonly beneficiaryCustomerResidence: string
  readonly beneficiaryCustomerType: string | undefined
  readonly payoutMethod: string
  /** Whole rupiah. */
  readonly amount: number
  readonly status: Status
  readonly scenario: Scenario.Scenario
  /** Epoch millis of the scheduled execution (`reservedDt`/`reservedTm` in the future), if any. */
  readonly scheduledAt: number | undefined
  readonly registeredAt: number
  readonly updatedAt: number
}

/**
 * A merchant as registered with the simulator.
 */
export interface Merchant {
  readonly clientId: string
  readonly clientSecret: string
  readonly publicKey: KeyObject
  readonly notificationUrl: string | undefined
  readonly balance: number
  /** The WIB day `externalIds` belong to (`YYYY-MM-DD`). */
  readonly externalIdDay: string
  readonly externalIds: HashSet.HashSet<string>
}

/**
 * An access token the simulator minted.
 */
export interface Token {
  readonly clientId: string
  readonly expiresAt: number
}

/**
 * The whole state of one simulator.
 */
export interface State {
  readonly merchants: HashMap.HashMap<string, Merchant>
  readonly tokens: HashMap.HashMap<string, Token>
  /** Payouts with the position they were registered in. */
  readonly payouts: HashMap.HashMap<string, { readonly order: number; readonly payout: PayoutRecord }>
  readonly registrations: number
  /** The last tXid sequence number (4 digits, wrapping). */
  readonly sequence: number
}

/**
 * An empty state.
 */
export const empty: State = {
  merchants: HashMap.empty(),
  tokens: HashMap.empty(),
  payouts: HashMap.empty(),
  registrations: 0,
  sequence: 0
}

const payoutKey = (clientId: string, partnerReferenceNo: string) => `${clientId}\u0000${partnerReferenceNo}`

/**
 * A merchant by client id.
 */
export const merchant = (state: State, clientId: string): Merchant | undefined =>
  Option.getOrUndefined(HashMap.get(state.merchants, clientId))

/**
 * Adds or replaces a merchant.
 */
export const putMerchant = (state: State, value: Merchant): State => ({
  ...state,
  merchants: HashMap.set(state.merchants, value.clientId, value)
})

/**
 * Changes a known merchant's balance; an unknown merchant leaves the state as it is.
 */
export const setBalance = (state: State, clientId: string, balance: number): State => {
  const found = merchant(state, clientId)
  return found === undefined ? state : putMerchant(state, { ...found, balance })
}

/**
 * A token by its value.
 */
export const token = (state: State, accessToken: string): Token | undefined =>
  Option.getOrUndefined(HashMap.get(state.tokens, accessToken))

/**
 * Records a minted token.
 */
export const addToken = (state: State, accessToken: string, value: Token): State => ({
  ...state,
  tokens: HashMap.set(state.tokens, accessToken, value)
})

/**
 * Forgets every token (of one merchant, or all), and says how many.
 */
export const revokeTokens = (state: State, clientId?: string): readonly [count: number, state: State] => {
  const kept = HashMap.filter(state.tokens, (entry) => clientId !== undefined && entry.clientId !== clientId)
  return [HashMap.size(state.tokens) - HashMap.size(kept), { ...state, tokens: kept }]
}

/**
 * Records `externalId` as used by the merchant on the WIB day `day` (the set starts again each
 * day). Says whether it had been used already that day.
 */
export const useExternalId = (
  state: State,
  clientId: string,
  day: string,
  externalId: string
): readonly [reused: boolean, state: State] => {
  const found = merchant(state, clientId)
  if (found === undefined) return [false, state]
  const today = found.externalIdDay === day ? found.externalIds : HashSet.empty<string>()
  // A reused id was seen today, so there is nothing to reset.
  if (HashSet.has(today, externalId)) return [true, state]
  return [
    false,
    putMerchant(state, { ...found, externalIdDay: day, externalIds: HashSet.add(today, externalId) })
  ]
}

/**
 * A payout by (merchant, partnerReferenceNo).
 */
export const payout = (
  state: State,
  clientId: string,
  partnerReferenceNo: string
): PayoutRecord | undefined =>
  Option.getOrUndefined(HashMap.get(state.payouts, payoutKey(clientId, partnerReferenceNo)))?.payout

/**
 * The payouts (of one merchant, or all), in the order they were registered.
 */
export const payouts = (state: State, clientId?: string): ReadonlyArray<PayoutRecord> =>
  Array.from(HashMap.values(state.payouts))
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.payout)
    .filter((p) => clientId === undefined || p.clientId === clientId)

/**
 * Adds or replaces a payout; a replaced one keeps its place in the order.
 */
export const putPayout = (state: State, value: PayoutRecord): State => {
  const key = payoutKey(value.clientId, value.partnerReferenceNo)
  const existing = Option.getOrUndefined(HashMap.get(state.payouts, key))
  return existing === undefined
    ? {
        ...state,
        payouts: HashMap.set(state.payouts, key, { order: state.registrations, payout: value }),
        registrations: state.registrations + 1
      }
    : { ...state, payouts: HashMap.set(state.payouts, key, { order: existing.order, payout: value }) }
}

/**
 * Moves a payout to `status` at `now`.
 */
export const transition = (
  state: State,
  record: PayoutRecord,
  status: Status,
  now: number
): readonly [PayoutRecord, State] => {
  const next = { ...record, status, updatedAt: now }
  return [next, putPayout(state, next)]
}

/**
 * The next tXid of a merchant's payout: clientId + `07` + `yyyyMMddHHmmss` (WIB, given) + the next
 * 4-digit sequence number.
 */
export const nextTxid = (
  state: State,
  clientId: string,
  wibDateTime: string
): readonly [txid: string, state: State] => {
  const sequence = (state.sequence + 1) % 10_000
  return [`${clientId}07${wibDateTime}${String(sequence).padStart(4, "0")}`, { ...state, sequence }]
}

/**
 * The state's payouts, balances and tXid sequence as plain JSON data. Merchants' credentials and
 * tokens are not part of it (whoever starts the simulator registers merchants; a token is fetched
 * again).
 */
export interface Snapshot {
  readonly payouts: ReadonlyArray<PayoutRecord>
  readonly balances: Readonly<Record<string, number>>
  readonly sequence: number
}

/**
 * The snapshot of a state.
 */
export const snapshot = (state: State): Snapshot => ({
  payouts: payouts(state),
  balances: Object.fromEntries(Array.from(HashMap.values(state.merchants), (m) => [m.clientId, m.balance])),
  sequence: state.sequence
})

/**
 * A state with a snapshot's payouts and sequence, and the balances of the merchants it knows.
 */
export const restore = (state: State, snapshot: Snapshot): State => {
  let next: State = { ...state, payouts: HashMap.empty(), registrations: 0 }
  for (const record of snapshot.payouts) next = putPayout(next, { ...record })
  for (const [clientId, balance] of Object.entries(snapshot.balances))
    next = setBalance(next, clientId, balance)
  return { ...next, sequence: snapshot.sequence }
}
