/**
 * The simulator's state: partners and their deposits, inquiries, transactions keyed by
 * refNumber, and callback deliveries. Plain records mutated only inside `Effect.sync` by the
 * simulator, so each step is atomic.
 *
 * @since 0.1.0
 */
import type { Redacted } from "effect"
import type * as Catalogue from "./Catalogue.js"

/**
 * A registered partner.
 *
 * @since 0.1.0
 */
export interface Partner {
  readonly apiKey: string
  readonly secret: Redacted.Redacted<string>
  /** The deposit in rupiah. */
  deposit: number
  /** Where callbacks go when a payment names no `callbackUrls` (the "dashboard" setting). */
  readonly callbackUrl: string | undefined
  /** HTTP Basic credentials sent with every callback (the "dashboard" setting). */
  readonly callbackCredentials: CallbackCredentials | undefined
}

/**
 * The HTTP Basic credentials a partner configured for its callbacks.
 *
 * @since 0.1.0
 */
export interface CallbackCredentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/**
 * An inquiry, valid until `expiresAt` and usable by one payment.
 *
 * @since 0.1.0
 */
export interface Inquiry {
  readonly inquiryId: number
  readonly apiKey: string
  readonly product: Catalogue.Product
  readonly accountNumber: string
  readonly quote: Catalogue.Quote
  readonly createdAt: number
  readonly expiresAt: number
  usedBy: string | undefined
}

/**
 * Where a transaction is.
 *
 * @since 0.1.0
 */
export type State = "Pending" | "Succeeded" | "Failed"

/**
 * A transaction, keyed by (partner, refNumber).
 *
 * @since 0.1.0
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
  state: State
  responseCode: number
  token: string
  fulfilment: ReadonlyArray<Catalogue.KeyValue>
  settledAt: number | undefined
  /** The deposit was debited for this transaction. */
  debited: boolean
  /** The debit was given back (a failure after acceptance); never twice. */
  refunded: boolean
  /** While pending: when it settles and with which code (kept so a restored state settles too). */
  settlement?: { readonly at: number; readonly responseCode: number } | undefined
}

/**
 * One callback delivery: every attempt to POST one transaction's result to one URL.
 *
 * @since 0.1.0
 */
export interface CallbackDelivery {
  readonly refNumber: string
  readonly url: string
  readonly responseCode: number
  /** The HTTP status of each attempt (0 when no response arrived). */
  readonly attempts: Array<number>
  delivered: boolean
}

/**
 * The whole state of one simulator.
 *
 * @since 0.1.0
 */
export interface Ledger {
  readonly partners: Map<string, Partner>
  readonly inquiries: Map<number, Inquiry>
  readonly transactions: Map<string, Transaction>
  readonly deliveries: Array<CallbackDelivery>
  nextInquiryId: number
  nextTransactionId: number
}

/**
 * An empty ledger. Ids start where they look like the upstream's.
 *
 * @since 0.1.0
 */
export const empty = (): Ledger => ({
  partners: new Map(),
  inquiries: new Map(),
  transactions: new Map(),
  deliveries: [],
  nextInquiryId: 2_692_552,
  nextTransactionId: 112_247
})

/**
 * The key of a transaction: refNumbers are unique per partner.
 *
 * @since 0.1.0
 */
export const transactionKey = (apiKey: string, refNumber: string): string => `${apiKey}\u0000${refNumber}`

/**
 * The ledger as plain JSON data — what `snapshot` yields and `restore` takes, so a simulator's state
 * can outlive its process (the CLI keeps it between commands). Partners' credentials are not part
 * of it: partners are registered by whoever starts the simulator; only their deposits are kept.
 * Products are kept by code and looked up in the catalogue again.
 *
 * @since 0.1.0
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
      readonly settlement: { readonly at: number; readonly responseCode: number } | null
    }
  >
  readonly nextInquiryId: number
  readonly nextTransactionId: number
}

/**
 * The snapshot of a ledger.
 *
 * @since 0.1.0
 */
export const snapshot = (ledger: Ledger): Snapshot => ({
  deposits: Object.fromEntries(Array.from(ledger.partners.values(), (p) => [p.apiKey, p.deposit])),
  inquiries: Array.from(ledger.inquiries.values(), ({ product, usedBy, ...rest }) => ({
    ...rest,
    productCode: product.code,
    usedBy: usedBy ?? null
  })),
  transactions: Array.from(ledger.transactions.values(), ({ product, settledAt, settlement, ...rest }) => ({
    ...rest,
    productCode: product.code,
    settledAt: settledAt ?? null,
    settlement: settlement ?? null
  })),
  nextInquiryId: ledger.nextInquiryId,
  nextTransactionId: ledger.nextTransactionId
})

/**
 * Replaces a ledger's inquiries, transactions and counters with a snapshot's, and the deposits of
 * the partners it knows. Entries whose product is no longer in the catalogue are dropped.
 *
 * @since 0.1.0
 */
export const restore = (
  ledger: Ledger,
  snapshot: Snapshot,
  find: (code: string) => Catalogue.Product | undefined
): void => {
  for (const [apiKey, deposit] of Object.entries(snapshot.deposits)) {
    const partner = ledger.partners.get(apiKey)
    if (partner !== undefined) partner.deposit = deposit
  }
  ledger.inquiries.clear()
  for (const { productCode, usedBy, ...rest } of snapshot.inquiries) {
    const product = find(productCode)
    if (product !== undefined)
      ledger.inquiries.set(rest.inquiryId, { ...rest, product, usedBy: usedBy ?? undefined })
  }
  ledger.transactions.clear()
  for (const { productCode, settledAt, settlement, ...rest } of snapshot.transactions) {
    const product = find(productCode)
    if (product === undefined) continue
    ledger.transactions.set(transactionKey(rest.apiKey, rest.refNumber), {
      ...rest,
      product,
      callbackUrls: [...rest.callbackUrls],
      fulfilment: [...rest.fulfilment],
      settledAt: settledAt ?? undefined,
      settlement: settlement ?? undefined
    })
  }
  ledger.nextInquiryId = snapshot.nextInquiryId
  ledger.nextTransactionId = snapshot.nextTransactionId
}
