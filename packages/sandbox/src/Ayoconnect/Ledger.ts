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
