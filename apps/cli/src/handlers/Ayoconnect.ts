/**
 * What the `kasir ayoconnect …` commands do, loaded only when one of them runs (the client, the
 * sandbox and the HTTP stack stay out of `kasir --help`).
 *
 * @since 0.1.0
 */
import { Ayoconnect, Idempotency, type Money } from "@kasir/core"
import { type Duration, Effect, Option, Schedule } from "effect"
import * as Client from "../clients/Ayoconnect.js"
import * as Progress from "../Progress.js"
import { emit } from "../Report.js"
import * as View from "../views/Ayoconnect.js"
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

/**
 * @since 0.1.0
 */
export const balance = (args: Connection): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* emit(View.balance(yield* client.balance()), args)
  }).pipe(withClient(args))

/**
 * @since 0.1.0
 */
export const products = (args: Connection): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* emit(View.products(yield* client.products()), args)
  }).pipe(withClient(args))

/**
 * @since 0.1.0
 */
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
 * @since 0.1.0
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
    const client = yield* Ayoconnect.Ayoconnect
    const request = {
      productCode: args.product,
      accountNumber: args.account,
      inquiryId: args.inquiryId,
      amount: args.amount,
      refNumber: args.ref
    }
    const outcome = yield* client
      .payment({
        ...request,
        ...defined(
          "callbackUrls",
          Option.map(args.callbackUrl, (url) => [url])
        )
      })
      .pipe(
        // As the gateway does (core's recovery): an unknown outcome — a repeated refNumber
        // ("duplicate transaction") included — is looked up, never resent. The payment found under
        // the refNumber is the answer when it is this one; a different one is a reused reference.
        Effect.catchTag("PaymentOutcomeUnknown", (unknown) =>
          client.recoverPayment(request.refNumber).pipe(
            Effect.orElseFail(() => unknown),
            Effect.flatMap(
              (
                recovery
              ): Effect.Effect<
                Ayoconnect.Status.TransactionStatus,
                Ayoconnect.PaymentOutcomeUnknown | Idempotency.ReferenceReused
              > => {
                if (recovery._tag === "NotCreated") return Effect.fail(unknown)
                const differing = Ayoconnect.Status.differingFields(request, recovery.status)
                return differing.length > 0
                  ? Effect.fail(
                      new Idempotency.ReferenceReused({
                        upstream: "ayoconnect",
                        operation: "payment",
                        referenceField: "refNumber",
                        reference: request.refNumber,
                        fields: differing
                      })
                    )
                  : Effect.succeed(recovery.status)
              }
            )
          )
        )
      )
    yield* reportStatus(outcome, args.json)
  }).pipe(withClient(args))

/**
 * @since 0.1.0
 */
export const status = (args: Connection & { readonly ref: string }): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    yield* reportStatus(yield* client.status({ refNumber: args.ref }), args.json)
  }).pipe(withClient(args))

/**
 * @since 0.1.0
 */
export const wait = (
  args: Connection & {
    readonly ref: string
    readonly timeout: Option.Option<Duration.Duration>
    readonly interval: Option.Option<Duration.Duration>
  }
): Run =>
  Effect.gen(function* () {
    const client = yield* Ayoconnect.Ayoconnect
    const schedule = Schedule.spaced(Option.getOrElse(args.interval, () => "5 seconds" as const)).pipe(
      Schedule.upTo(Option.getOrElse(args.timeout, () => "5 minutes" as const))
    )
    const final = yield* client
      .awaitFinal({ refNumber: args.ref }, schedule)
      .pipe(Progress.withProgress(`waiting for ${args.ref} to settle`))
    yield* reportStatus(final, args.json)
  }).pipe(withClient(args))
