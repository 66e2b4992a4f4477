/**
 * The Ayoconnect simulator's state and its transitions: partners and their deposits, inquiries,
 * transactions keyed by (partner, refNumber), and the id counters.
 *
 * The state is an immutable value. Every transition returns a new state and leaves the old one
 * untouched, so the engine is a pure function of (state, request) and the HTTP shell swaps the
 * state atomically. The collections are Effect `HashMap`s (persistent, structural sharing), so a
 * transition costs O(log n) however many requests the simulator has seen; listings are ordered by
 * the upstream-style ids, which count up in the order things were created.
 */
import { HashMap, Option, type Redacted } from "effect"
import type * as Catalogue from "./Catalogue.js"

/**
 * A registered partner.
 */
export interface Partner {
  readonly apiKey: string
  readonly secret: Redacted.Redacted<string>
  /** The deposit in rupiah. */
  readonly deposit: number
  /** Where callbacks go when a payment names no `callbackUrls` (the "dashboard" setting). */
  readonly callbackUrl: string | undefined
  /** HTTP Basic credentials sent with every callback (the "dashboard" setting). */
  readonly callbackCredentials: CallbackCredentials | undefined
}

/**
 * The HTTP Basic credentials a partner configured for its callbacks.
 */
export interface CallbackCredentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/**
 * An inquiry, valid until `expiresAt` and usable by one payment.
 */
export interface Inquiry {
  readonly inquiryId: number
  readonly apiKey: string
  readonly product: Catalogue.Product
  readonly accountNumber: string
  readonly quote: Catalogue.Quote
  readonly createdAt: number
  readonly expiresAt: number
  /** The refNumber of the payment that used it. */
  readonly usedBy: string | undefined
}

/**
 * Where a transaction is.
 */
export type Status = "Pending" | "Succeeded" | "Failed"

/**
 * When a pending transaction settles and with which code.
 */
export interface Settlement {
  readonly at: number
  readonly responseCode: number
}

/**
 * A transaction, keyed by (partner, refNumber).
 */
export interface Transaction {
  readonly apiKey: string
  readonly refNumber: string
  readonly transactionId: number
  readonly inquiryId: number
  readonly product: Catalogue.Product
  readonly accountNumber: string
  readonly amount: number
  readonly quote: Catalogue.Quote
  readonly createdAt: number
  readonly callbackUrls: ReadonlyArray<string>
  readonly state: Status
  readonly responseCode: number
  readonly token: string
  readonly fulfilment: ReadonlyArray<Catalogue.KeyValue>
  readonly settledAt: number | undefined
  /** The deposit was debited for this transaction. */
  readonly debited: boolean
  /** The debit was given back (a failure after acceptance); never twice. */
  readonly refunded: boolean
  /** While pending: when it settles and with which code (kept so a restored state settles too). */
  readonly settlement?: Settlement | undefined
}

/**
 * The whole state of one simulator.
 */
export interface State {
  readonly partners: HashMap.HashMap<string, Partner>
  readonly inquiries: HashMap.HashMap<number, Inquiry>
  readonly transactions: HashMap.HashMap<string, Transaction>
  readonly nextInquiryId: number
  readonly nextTransactionId: number
}

/**
 * An empty state. Ids start where they look like the upstream's.
 */
export const empty: State = {
  partners: HashMap.empty(),
  inquiries: HashMap.empty(),
  transactions: HashMap.empty(),
  nextInquiryId: 2_692_552,
  nextTransactionId: 112_247
}

/**
 * The key of a transaction: refNumbers are unique per partner.
 */
export const transactionKey = (apiKey: string, refNumber: string): string => `${apiKey}\u0000${refNumber}`

/**
 * A partner by API key.
 */
export const partner = (state: State, apiKey: string): Partner | undefined =>
  Option.getOrUndefined(HashMap.get(state.partners, apiKey))

/**
 * An inquiry by id.
 */
export const inquiry = (state: State, inquiryId: number): Inquiry | undefined =>
  Option.getOrUndefined(HashMap.get(state.inquiries, inquiryId))

/**
 * A transaction by (partner, refNumber).
 */
export const transaction = (state: State, apiKey: string, refNumber: string): Transaction | undefined =>
  Option.getOrUndefined(HashMap.get(state.transactions, transactionKey(apiKey, refNumber)))

/**
 * Every transaction, oldest first.
 */
export const transactions = (state: State): ReadonlyArray<Transaction> =>
  Array.from(HashMap.values(state.transactions)).sort((a, b) => a.transactionId - b.transactionId)

/**
 * Adds or replaces a partner.
 */
export const putPartner = (state: State, value: Partner): State => ({
  ...state,
  partners: HashMap.set(state.partners, value.apiKey, value)
})

/**
 * Changes a known partner's deposit; an unknown partner leaves the state as it is.
 */
export const setDeposit = (state: State, apiKey: string, deposit: number): State => {
  const found = partner(state, apiKey)
  return found === undefined ? state : putPartner(state, { ...found, deposit })
}

/**
 * Records an inquiry under the next inquiry id.
 */
export const addInquiry = (state: State, inquiry: Omit<Inquiry, "inquiryId" | "usedBy">): State => ({
  ...state,
  inquiries: HashMap.set(state.inquiries, state.nextInquiryId, {
    ...inquiry,
    inquiryId: state.nextInquiryId,
    usedBy: undefined
  }),
  nextInquiryId: state.nextInquiryId + 1
})

/**
 * Adds or replaces a transaction.
 */
export const putTransaction = (state: State, value: Transaction): State => ({
  ...state,
  transactions: HashMap.set(state.transactions, transactionKey(value.apiKey, value.refNumber), value)
})

/**
 * Records an accepted payment: the transaction under the next transaction id, its inquiry marked
 * used, and the deposit debited when the transaction says so.
 */
export const acceptPayment = (state: State, value: Transaction): State => {
  const used = inquiry(state, value.inquiryId)
  const withInquiry =
    used === undefined
      ? state
      : {
          ...state,
          inquiries: HashMap.set(state.inquiries, used.inquiryId, { ...used, usedBy: value.refNumber })
        }
  const debited = value.debited
    ? setDeposit(withInquiry, value.apiKey, (partner(withInquiry, value.apiKey)?.deposit ?? 0) - value.amount)
    : withInquiry
  return putTransaction({ ...debited, nextTransactionId: state.nextTransactionId + 1 }, value)
}

/**
 * The state as plain JSON data — what `snapshot` yields and `restore` takes, so a simulator's state
 * can outlive its process (the CLI keeps it between commands). Partners' credentials are not part
 * of it: partners are registered by whoever starts the simulator; only their deposits are kept.
 * Products are kept by code and looked up in the catalogue again.
 */
export interface Snapshot {
  readonly deposits: Readonly<Record<string, number>>
  readonly inquiries: ReadonlyArray<
    Omit<Inquiry, "product" | "usedBy"> & { readonly productCode: string; readonly usedBy: string | null }
  >
  readonly transactions: ReadonlyArray<
    Omit<Transaction, "product" | "settledAt" | "settlement"> & {
      readonly productCode: string
      readonly settledAt: number | null
      readonly settlement: Settlement | null
    }
  >
  readonly nextInquiryId: number
  readonly nextTransactionId: number
}

/**
 * The snapshot of a state.
 */
export const snapshot = (state: State): Snapshot => ({
  deposits: Object.fromEntries(Array.from(HashMap.values(state.partners), (p) => [p.apiKey, p.deposit])),
  inquiries: Array.from(HashMap.values(state.inquiries))
    .sort((a, b) => a.inquiryId - b.inquiryId)
    .map(({ product, usedBy, ...rest }) => ({ ...rest, productCode: product.code, usedBy: usedBy ?? null })),
  transactions: transactions(state).map(({ product, settledAt, settlement, ...rest }) => ({
    ...rest,
    productCode: product.code,
    settledAt: settledAt ?? null,
    settlement: settlement ?? null
  })),
  nextInquiryId: state.nextInquiryId,
  nextTransactionId: state.nextTransactionId
})

/**
 * A state with a snapshot's inquiries, transactions and counters, and the deposits of the partners
 * it already knows. Entries whose product is no longer in the catalogue are dropped.
 */
export const restore = (
  state: State,
  snapshot: Snapshot,
  find: (code: string) => Catalogue.Product | undefined
): State => {
  let next: State = {
    ...state,
    inquiries: HashMap.empty(),
    transactions: HashMap.empty(),
    nextInquiryId: snapshot.nextInquiryId,
    nextTransactionId: snapshot.nextTransactionId
  }
  for (const [apiKey, deposit] of Object.entries(snapshot.deposits)) next = setDeposit(next, apiKey, deposit)
  let inquiries = next.inquiries
  for (const { productCode, usedBy, ...rest } of snapshot.inquiries) {
    const product = find(productCode)
    if (product !== undefined)
      inquiries = HashMap.set(inquiries, rest.inquiryId, { ...rest, product, usedBy: usedBy ?? undefined })
  }
  next = { ...next, inquiries }
  for (const { productCode, settledAt, settlement, ...rest } of snapshot.transactions) {
    const product = find(productCode)
    if (product === undefined) continue
    next = putTransaction(next, {
      ...rest,
      product,
      callbackUrls: [...rest.callbackUrls],
      fulfilment: [...rest.fulfilment],
      settledAt: settledAt ?? undefined,
      settlement: settlement ?? undefined
    })
  }
  return next
}
