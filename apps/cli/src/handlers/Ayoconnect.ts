/**
 * What the `kasir ayoconnect …` commands do, loaded only when one of them runs (the client, the
 * sandbox, the ledger and the HTTP stack stay out of `kasir --help`). `pay` moves money, so it goes
 * through the ledger (`clients/Ledger.ts`); the reads go straight to Ayoconnect.
 */
import { Ayoconnect, type Money, Poll } from "@kasir/core"
import { Ayoconnect as LedgerAyoconnect } from "@kasir/ledger"
import { type Duration, Effect, Layer, Option } from "effect"
import * as Client from "../clients/Ayoconnect.js"
import * as LedgerClient from "../clients/Ledger.js"
import * as Progress from "../Progress.js"
import { emit } from "../Report.js"
import * as View from "../views/Ayoconnect.js"
import * as Replayed from "../views/Replayed.js"
import type { Connection, Run } from "./Handler.js"

const withClient = (connection: Connection) =>
  Effect.provide(Client.layer(connection.config, connection.sandbox, connection.sandboxUrl))

const defined = <K extends string, A>(key: K, value: Option.Option<A>): { readonly [P in K]?: A } =>
  Option.match(value, { onNone: () => ({}), onSome: (a) => ({ [key]: a }) as { readonly [P in K]?: A } })

// A transaction the upstream failed is reported on stdout like any state, then exits 1.
const reportStatus = (status: Ayoconnect.Status.TransactionStatus, json: boolean) =>
  Effect.zipRight(
    emit(View.transaction(status), { json }),
    status._tag === "Failed" ? Effect.fail(status.error) : Effect.void
  )

export const balance = (args: Connection): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* emit(View.balance(yield* client.balance()), args)
  }).pipe(withClient(args))

export const products = (args: Connection): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* emit(View.products(yield* client.products()), args)
  }).pipe(withClient(args))

export const inquiry = (
  args: Connection & {
    readonly product: string
    readonly account: string
    readonly amount: Option.Option<Money.Rupiah>
    readonly zoneId: Option.Option<string>
    readonly month: Option.Option<number>
  }
): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    const bill = yield* client.inquiry({
      productCode: args.product,
      accountNumber: args.account,
      ...defined("amount", args.amount),
      ...defined("zoneId", args.zoneId),
      ...defined("month", args.month)
    })
    yield* emit(View.inquiry(bill), args)
  }).pipe(withClient(args))

/**
 * Pays through the ledger (`@kasir/ledger`'s `AyoconnectPayments`, as the gateway does): written
 * ahead before it is sent, its outcome recorded, a repeated `--ref` answered from the record
 * without calling Ayoconnect, a lost answer resolved by one status read (never a resend).
 */
export const pay = (
  args: Connection & {
    readonly product: string
    readonly account: string
    readonly inquiryId: number
    readonly amount: Money.Rupiah
    readonly ref: string
    readonly callbackUrl: Option.Option<string>
  }
): Run =>
  Effect.gen(function* () {
    const payments = yield* LedgerAyoconnect.AyoconnectPayments
    const answer = yield* payments.payment({
      productCode: args.product,
      accountNumber: args.account,
      inquiryId: args.inquiryId,
      amount: args.amount,
      refNumber: args.ref,
      ...defined(
        "callbackUrls",
        Option.map(args.callbackUrl, (url) => [url])
      )
    })
    if (answer._tag === "Sent") return yield* reportStatus(answer.status, args.json)
    const entry = answer.entry
    if (entry.state === "succeeded" || entry.state === "pending") {
      return yield* emit(Replayed.payment(entry), args)
    }
    if (entry.state === "failed") yield* emit(Replayed.payment(entry), args)
    return yield* LedgerClient.recordedOutcome(entry, {
      provider: "ayoconnect",
      operation: "payment",
      referenceField: "refNumber",
      hint:
        entry.state === "failed"
          ? "A new payment needs a new --ref."
          : `Check it with: kasir ayoconnect status --ref ${entry.reference} (a gateway on this ledger resolves it by the same read).`
    })
  }).pipe(
    Effect.provide(
      LedgerAyoconnect.layer().pipe(
        Layer.provide(
          Layer.merge(Client.layer(args.config, args.sandbox, args.sandboxUrl), LedgerClient.layer)
        )
      )
    ),
    LedgerClient.refused("Ayoconnect")
  )

export const status = (args: Connection & { readonly ref: string }): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* reportStatus(yield* client.status({ refNumber: args.ref }), args.json)
  }).pipe(withClient(args))

export const wait = (
  args: Connection & {
    readonly ref: string
    readonly timeout: Option.Option<Duration.Duration>
    readonly interval: Option.Option<Duration.Duration>
  }
): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    const schedule = Poll.schedule({
      interval: Option.getOrUndefined(args.interval),
      timeout: Option.getOrUndefined(args.timeout)
    })
    const final = yield* client
      .awaitFinal({ refNumber: args.ref }, schedule)
      .pipe(Progress.withProgress(`waiting for ${args.ref} to settle`))
    yield* reportStatus(final, args.json)
  }).pipe(withClient(args))
