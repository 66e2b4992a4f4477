/**
 * What the `kasir nicepay …` commands do, loaded only when one of them runs.
 *
 * @since 0.1.0
 */
import { HttpClient } from "@effect/platform"
import { type Money, Nicepay, Snap, Transport, Upstream } from "@kasir/core"
import { type Duration, Effect, Layer, Option, Schedule } from "effect"
import { PayoutFailed, PayoutStillPending } from "../CliError.js"
import * as Client from "../clients/Nicepay.js"
import * as Progress from "../Progress.js"
import { emit } from "../Report.js"
import * as View from "../views/Nicepay.js"
import type { Connection, Run } from "./Handler.js"

const withClient = (connection: Connection) =>
  Effect.provide(Client.layer(connection.config, connection.sandbox, connection.sandboxUrl))

const defined = <K extends string, A>(key: K, value: Option.Option<A>): { readonly [P in K]?: A } =>
  Option.match(value, { onNone: () => ({}), onSome: (a) => ({ [key]: a }) as { readonly [P in K]?: A } })

/**
 * Requests a token directly (the payout client caches its own and never shows it), so the
 * command proves the credentials work.
 *
 * @since 0.1.0
 */
export const token = (args: Connection): Run =>
  Effect.gen(function* () {
    const merchant = yield* Client.Merchant
    const signer = yield* Snap.fromKeys(merchant)
    const grant = yield* Snap.AccessToken.request({
      client: Upstream.prepareClient(yield* HttpClient.HttpClient),
      baseUrl: merchant.baseUrl,
      signer,
      upstream: "nicepay",
      timeout: merchant.timeout ?? Nicepay.Config.defaultTimeout
    })
    yield* emit(View.token({ clientId: merchant.clientId, expiresInSeconds: grant.expiresInSeconds }), args)
  }).pipe(
    Effect.provide(
      Client.merchantLayer(args.config, args.sandbox, args.sandboxUrl).pipe(
        Layer.provideMerge(Transport.layer)
      )
    )
  )

/**
 * @since 0.1.0
 */
export const balance = (args: Connection & { readonly msId: Option.Option<string> }): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    yield* emit(View.balance(yield* client.balance(defined("msId", args.msId))), args)
  }).pipe(withClient(args))

/**
 * @since 0.1.0
 */
export const register = (
  args: Connection & {
    readonly ref: string
    readonly account: string
    readonly name: string
    readonly phone: string
    readonly bank: string
    readonly amount: Money.Rupiah
    readonly method: Nicepay.Schemas.PayoutRequest["payoutMethod"]
    readonly residence: Nicepay.Schemas.PayoutRequest["beneficiaryCustomerResidence"]
    readonly customerType: Nicepay.Schemas.PayoutRequest["beneficiaryCustomerType"]
    readonly description: Option.Option<string>
    readonly reservedDate: Option.Option<string>
    readonly reservedTime: Option.Option<string>
  }
): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const request: Nicepay.Schemas.PayoutRequest = {
      partnerReferenceNo: args.ref,
      beneficiaryAccountNo: args.account,
      beneficiaryName: args.name,
      beneficiaryPhone: args.phone,
      beneficiaryBankCode: args.bank,
      beneficiaryCustomerResidence: args.residence,
      beneficiaryCustomerType: args.customerType,
      payoutMethod: args.method,
      amount: args.amount,
      ...defined("description", args.description),
      ...defined("reservedDt", args.reservedDate),
      ...defined("reservedTm", args.reservedTime)
    }
    // As the gateway does (core's rule): a repeated --ref answers the payout NICEPAY holds under
    // it when it is this one; nothing is sent again.
    const registered = yield* client
      .register(request)
      .pipe(
        Effect.catchTag("DuplicatePartnerReference", (duplicate) =>
          client.resolveDuplicateRegistration(request, duplicate)
        )
      )
    yield* emit(View.registered(registered), args)
  }).pipe(withClient(args))

/**
 * Approve, reject or cancel.
 *
 * @since 0.1.0
 */
export const transition = (
  operation: "approve" | "reject" | "cancel",
  args: Connection & { readonly ref: string; readonly id: string; readonly account: Option.Option<string> }
): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const result = yield* client[operation]({
      partnerReferenceNo: args.ref,
      originalReferenceNo: args.id,
      ...defined("beneficiaryAccountNo", args.account)
    })
    yield* emit(View.transitioned(operation, result), args)
  }).pipe(withClient(args))

// Pending (waiting for approval) and Suspect (unknown at the bank) may still change.
const unsettled: ReadonlySet<Nicepay.Schemas.TransactionStatus> = new Set(["Pending", "Suspect"])

/**
 * @since 0.1.0
 */
export const status = (
  args: Connection & {
    readonly ref: string
    readonly id: string
    readonly account: string
    readonly wait: boolean
    readonly timeout: Option.Option<Duration.Duration>
    readonly interval: Option.Option<Duration.Duration>
  }
): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const lookup = client.inquiry({
      partnerReferenceNo: args.ref,
      originalReferenceNo: args.id,
      beneficiaryAccountNo: args.account
    })
    const state = args.wait
      ? yield* lookup.pipe(
          Effect.filterOrFail(
            (current) => !unsettled.has(current.status),
            (current) => new PayoutStillPending({ partnerReferenceNo: args.ref, status: current.status })
          ),
          Effect.retry({
            schedule: Schedule.spaced(Option.getOrElse(args.interval, () => "5 seconds" as const)).pipe(
              Schedule.upTo(Option.getOrElse(args.timeout, () => "5 minutes" as const))
            ),
            while: (error) => error._tag === "PayoutStillPending"
          }),
          Progress.withProgress(`waiting for payout ${args.ref}`)
        )
      : yield* lookup
    yield* emit(View.state(state), args)
    if (state.status === "Failed") {
      return yield* new PayoutFailed({
        partnerReferenceNo: args.ref,
        ...defined("description", Option.fromNullable(state.statusDescription))
      })
    }
  }).pipe(withClient(args))
