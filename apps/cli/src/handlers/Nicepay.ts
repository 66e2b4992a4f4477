/**
 * What the `kasir nicepay …` commands do, loaded only when one of them runs. The money commands
 * (`payout register|approve|reject|cancel`) go through the ledger (`clients/Ledger.ts`, the
 * gateway's `NicepayPayouts`): written ahead, answered from the record when repeated, a lost
 * answer resolved by a read, never a resend. The reads go straight to NICEPAY.
 */
import { type Money, Nicepay, Poll, KasirError } from "@kasir/core"
import { Ledger, Nicepay as LedgerNicepay } from "@kasir/ledger"
import { type Duration, Effect, Layer, Option } from "effect"
import { PayoutFailed } from "../CliError.js"
import * as LedgerClient from "../clients/Ledger.js"
import * as Client from "../clients/Nicepay.js"
import * as Progress from "../Progress.js"
import { emit, type Report } from "../Report.js"
import * as View from "../views/Nicepay.js"
import * as Replayed from "../views/Replayed.js"
import type { Connection, Run } from "./Handler.js"

const withClient = (connection: Connection) =>
  Effect.provide(Client.layer(connection.config, connection.sandbox, connection.sandboxUrl))

// The money commands: the ledger's payout module over the client and the ledger.
const throughLedger =
  (connection: Connection) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(
        LedgerNicepay.layer().pipe(
          Layer.provideMerge(
            Layer.merge(
              Client.layer(connection.config, connection.sandbox, connection.sandboxUrl),
              LedgerClient.layer
            )
          )
        )
      ),
      LedgerClient.refused("NICEPAY")
    )

// A repeat answered from the ledger: the payout as recorded, or why there is none to show.
const replayedPayout = (
  entry: Ledger.Entry,
  operation: string,
  view: (payout: Nicepay.Schemas.PayoutState) => Report,
  args: { readonly json: boolean }
) => {
  const payout = LedgerNicepay.payoutOf(entry)
  if (payout !== undefined) return emit(Replayed.replayed(view(payout), entry, "NICEPAY"), args)
  return Effect.fail(
    LedgerClient.recordedOutcome(entry, {
      provider: "nicepay",
      operation: `payout ${operation}`,
      referenceField: "partnerReferenceNo",
      hint:
        entry.state === "failed"
          ? "A new payout needs a new --ref."
          : `Check it with: kasir nicepay payout status --ref ${entry.reference} (a gateway on this ledger resolves it by the same read).`
    })
  )
}

const defined = <K extends string, A>(key: K, value: Option.Option<A>): { readonly [P in K]?: A } =>
  Option.match(value, { onNone: () => ({}), onSome: (a) => ({ [key]: a }) as { readonly [P in K]?: A } })

/**
 * A fresh token from core's `accessToken()` (outside the client's cache, which never shows it),
 * so the command proves the credentials work.
 */
export const token = (args: Connection): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    const grant = yield* client.accessToken()
    yield* emit(View.token({ clientId: client.clientId, expiresInSeconds: grant.expiresInSeconds }), args)
  }).pipe(withClient(args))

export const balance = (args: Connection & { readonly msId: Option.Option<string> }): Run =>
  Effect.gen(function* () {
    const client = yield* Nicepay.NicepayPayout
    yield* emit(View.balance(yield* client.balance(defined("msId", args.msId))), args)
  }).pipe(withClient(args))

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
    const answer = yield* (yield* LedgerNicepay.NicepayPayouts).register(request)
    if (answer._tag === "Sent") {
      const result = answer.result
      return yield* emit(
        View.registered(result as Nicepay.Schemas.Registered | Nicepay.Schemas.PayoutState),
        args
      )
    }
    yield* replayedPayout(answer.entry, "register", (payout) => View.registered(payout), args)
  }).pipe(throughLedger(args))

/**
 * Approve, reject or cancel, through the ledger: a step the recorded status shows as done already
 * is answered from the record; one it does not allow is refused without calling NICEPAY.
 */
export const transition = (
  operation: "approve" | "reject" | "cancel",
  args: Connection & { readonly ref: string; readonly id: string; readonly account: Option.Option<string> }
): Run =>
  Effect.gen(function* () {
    const payouts = yield* LedgerNicepay.NicepayPayouts
    // The payout's account: --account, else the one the ledger recorded for this reference.
    const recorded = Option.isSome(args.account)
      ? Option.none<Ledger.Entry>()
      : yield* Effect.flatMap(Ledger.Ledger, (ledger) => ledger.get("nicepay", args.ref))
    const beneficiaryAccountNo = Option.getOrUndefined(
      Option.orElse(args.account, () =>
        Option.flatMapNullable(recorded, (entry) => entry.fingerprint.fields.beneficiaryAccountNo)
      )
    )
    if (beneficiaryAccountNo === undefined) {
      return yield* new KasirError.InvalidInput({
        provider: "kasir",
        reason: `--account is required: kasir's ledger holds no payout under --ref ${args.ref}`,
        hint: "Pass the beneficiary account number the payout was registered with; kasir reads the payout from NICEPAY before recording the step."
      })
    }
    const answer = yield* payouts[operation]({
      partnerReferenceNo: args.ref,
      originalReferenceNo: args.id,
      beneficiaryAccountNo
    })
    if (answer._tag === "Sent") {
      const result = answer.result
      return yield* emit(
        View.transitioned(
          operation,
          "_tag" in result && (result._tag === "InProgress" || result._tag === "Done")
            ? result
            : // A lost answer resolved by reading the payout (never a resend).
              Replayed.transitioned(result as Nicepay.Schemas.PayoutState, false)
        ),
        args
      )
    }
    yield* replayedPayout(
      answer.entry,
      operation,
      (payout) => View.transitioned(operation, Replayed.transitioned(payout, true)),
      args
    )
  }).pipe(throughLedger(args))

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
    const reference = {
      partnerReferenceNo: args.ref,
      originalReferenceNo: args.id,
      beneficiaryAccountNo: args.account
    }
    const state = args.wait
      ? yield* client
          .awaitFinal(
            reference,
            Poll.schedule({
              interval: Option.getOrUndefined(args.interval),
              timeout: Option.getOrUndefined(args.timeout)
            })
          )
          .pipe(Progress.withProgress(`waiting for payout ${args.ref}`))
      : yield* client.inquiry(reference)
    yield* emit(View.state(state), args)
    if (state.status === "Failed") {
      return yield* new PayoutFailed({
        partnerReferenceNo: args.ref,
        ...defined("description", Option.fromNullable(state.statusDescription))
      })
    }
  }).pipe(withClient(args))
