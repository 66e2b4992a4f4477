/**
 * A stateful, signature-faithful NICEPAY SNAP payout simulator.
 *
 * It serves NICEPAY's paths under `/nicepay` (`/nicepay/v1.0/access-token/b2b`,
 * `/nicepay/api/v1.0/...`), verifies token and service signatures exactly as NICEPAY does (the
 * HMAC over the raw body bytes as received), keeps merchants' balances and payouts, and POSTs
 * signed notifications to merchants, retrying until they are acknowledged with `2000000`. All
 * time — token expiry, timestamp freshness, pending settlement, notification retries — comes from
 * Effect's `Clock`, so `TestClock` drives it. Every request is recorded in the `RequestLog`;
 * faults come from the `X-Sandbox-Fault` header or from `Faults` rules.
 *
 * The demo merchant `IONPAYTEST` (NICEPAY's published sandbox credentials, see `Demo`) is always
 * registered.
 *
 * This module is the thin HTTP shell over the pure `Engine`: it routes, reads the raw body and the
 * clock, draws token nonces, picks the fault, swaps the state (one `Ref`, so every request is one
 * atomic step), sends notifications and schedules settlements on the Clock. The same layout as
 * the Ayoconnect simulator.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto"
import { type HttpApp, HttpClient, HttpClientRequest, HttpServerRequest } from "@effect/platform"
import { Snap, Timestamp } from "@kasir/core"
import { Clock, Context, Duration, Effect, HashSet, Layer, Option, Redacted, Ref, type Scope } from "effect"
import * as Fault from "../Fault.js"
import { RequestLog } from "../RequestLog.js"
import * as Demo from "./Demo.js"
import * as Engine from "./Engine.js"
import * as Responses from "./Responses.js"
import * as Scenario from "./Scenario.js"
import * as State from "./State.js"

/**
 * The simulator's knobs. Every default matches what NICEPAY's own SDKs get away with in NICEPAY's
 * sandbox, so they work unchanged.
 */
export interface Options {
  /** `expiresIn` of minted tokens; default 900 s. */
  readonly tokenLifetime?: Duration.DurationInput | undefined
  /** How far `X-TIMESTAMP` may be from the simulator's clock, either way; default 5 minutes. */
  readonly timestampTolerance?: Duration.DurationInput | undefined
  /** How long suspect / in-progress payouts take to settle; default 5 seconds. */
  readonly settleAfter?: Duration.DurationInput | undefined
  /** Answer `409xx00` when an X-EXTERNAL-ID is reused on the same WIB day; default true. */
  readonly rejectReusedExternalId?: boolean | undefined
  /** Require X-EXTERNAL-ID to be 1–36 digits (ASPI); default false (NICEPAY's SDKs send letters). */
  readonly requireNumericExternalId?: boolean | undefined
  /** Reject bodies that are not minified JSON; default false (NICEPAY's Python SDK sends spaces). */
  readonly requireMinifiedBody?: boolean | undefined
  /** The key notifications are signed with; default a fresh 2048-bit key. */
  readonly notificationPrivateKey?: Snap.Signature.KeyInput | undefined
  /** Delivery attempts per notification; default 8. */
  readonly notificationAttempts?: number | undefined
  /** The first retry delay (doubling, capped at 5 minutes); default 1 second. */
  readonly notificationRetryDelay?: Duration.DurationInput | undefined
  /** The demo merchant's starting balance in rupiah; default 1,000,000,000. */
  readonly demoBalance?: number | undefined
  /**
   * Whether the `4090001` Duplicate partnerReferenceNo answer names the existing payout
   * (`originalReferenceNo`); default true. NICEPAY documents no body for it: set false to test a
   * client against an answer that carries only the code and message.
   */
  readonly duplicateAnswerIncludesReference?: boolean | undefined
}

/**
 * A merchant to register.
 */
export interface MerchantRegistration {
  readonly clientId: string
  readonly clientSecret: string | Redacted.Redacted<string>
  /** The merchant's RSA public key (SPKI/PKCS#1 PEM, base64 DER or KeyObject), 1024 or 2048 bits. */
  readonly publicKey: Snap.Signature.KeyInput
  /** Where notifications are POSTed (the full URL, e.g. `https://shop.example/api/v1.0/transfer/notify`). */
  readonly notificationUrl?: string | undefined
  /** Starting balance in rupiah; default 1,000,000,000. */
  readonly balance?: number | undefined
}

/**
 * One notification delivery attempt.
 */
export interface NotificationDelivery {
  readonly clientId: string
  readonly partnerReferenceNo: string
  readonly status: State.Status
  readonly url: string
  readonly attempt: number
  /** Epoch millis on the simulator's clock. */
  readonly sentAt: number
  /** The merchant's HTTP status (0 when unreachable). */
  readonly httpStatus: number
  readonly acknowledged: boolean
}

/**
 * The simulator.
 */
export interface Service {
  /** Handles `/nicepay/...`; anything else answers 404 JSON. */
  readonly app: HttpApp.Default<never, never>
  /** The simulator's notification public key (SPKI PEM): what merchants verify notifications with. */
  readonly notificationPublicKey: string
  readonly registerMerchant: (
    merchant: MerchantRegistration
  ) => Effect.Effect<void, Snap.Signature.InvalidKey>
  /** A merchant's balance in rupiah. */
  readonly balance: (clientId: string) => Effect.Effect<Option.Option<number>>
  /** Sets a merchant's balance; false when the merchant is unknown. */
  readonly setBalance: (clientId: string, rupiah: number) => Effect.Effect<boolean>
  readonly payout: (
    clientId: string,
    partnerReferenceNo: string
  ) => Effect.Effect<Option.Option<State.PayoutRecord>>
  readonly payouts: (clientId?: string) => Effect.Effect<ReadonlyArray<State.PayoutRecord>>
  /**
   * Settles a suspect (`08`) payout now, to `to`: `00` or `09` (refunded), and notifies. The payout
   * as settled; none when it is unknown or not suspect.
   */
  readonly settle: (request: {
    readonly clientId: string
    readonly partnerReferenceNo: string
    readonly to: "00" | "09"
  }) => Effect.Effect<Option.Option<State.PayoutRecord>>
  /** Forgets tokens (of one merchant or all), so the next call gets `401xx01`. Returns how many. */
  readonly revokeTokens: (clientId?: string) => Effect.Effect<number>
  /** Every notification delivery attempt so far. */
  readonly notifications: Effect.Effect<ReadonlyArray<NotificationDelivery>>
  /** The scenarios, by beneficiary account-number suffix (`Scenario.table`). */
  readonly scenarios: ReadonlyArray<Scenario.Entry>
  /** The state as plain JSON data (merchants' credentials excluded). */
  readonly snapshot: Effect.Effect<Snapshot>
  /** Replaces the state with a snapshot's; due settlements run when due (at once if overdue). */
  readonly restore: (snapshot: Snapshot) => Effect.Effect<void>
}

/**
 * The simulator's state as plain JSON data: the engine's, plus the suspect payouts still due to
 * settle (so a restored simulator settles them too).
 */
export interface Snapshot extends State.Snapshot {
  readonly settlements: ReadonlyArray<{
    readonly clientId: string
    readonly partnerReferenceNo: string
    readonly to: "00" | "09"
    readonly at: number
  }>
}

export class NicepaySimulator extends Context.Tag("@kasir/sandbox/NicepaySimulator")<
  NicepaySimulator,
  Service
>() {}

/**
 * The path prefix the simulator serves.
 */
export const PREFIX = "/nicepay"

const routes: ReadonlyArray<readonly [string, Engine.Operation]> = [
  ["/v1.0/access-token/b2b", "access-token"],
  ["/api/v1.0/balance-inquiry", "balance-inquiry"],
  ["/api/v1.0/transfer/balance-inquiry", "balance-inquiry"],
  ["/api/v1.0/transfer/registration", "transfer/registration"],
  ["/api/v1.0/transfer/approve", "transfer/approve"],
  ["/api/v1.0/transfer/inquiry", "transfer/inquiry"],
  ["/api/v1.0/transfer/cancel", "transfer/cancel"],
  ["/api/v1.0/transfer/reject", "transfer/reject"]
]

const ACK_CODE = "2000000"
const MAX_RETRY_DELAY = Duration.minutes(5)

// Notifications: POST the status body, signed over `clientId|X-TIMESTAMP` with the simulator's
// key, until the merchant acknowledges it (HTTP 200 and `2000000`) or the attempts run out.
const notifier = (options: {
  readonly httpClient: HttpClient.HttpClient
  readonly notificationKey: KeyObject
  readonly attempts: number
  readonly retryDelay: Duration.Duration
  readonly deliveries: Array<NotificationDelivery>
  readonly urlOf: (clientId: string) => Effect.Effect<string | undefined>
}) => {
  const { httpClient, notificationKey, attempts, retryDelay, deliveries } = options
  const deliverOnce = (payout: State.PayoutRecord, url: string, attempt: number) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const timestamp = Timestamp.formatWib(now)
      const signature = yield* Effect.orDie(
        Snap.Signature.tokenSignature({ clientId: payout.clientId, timestamp, privateKey: notificationKey })
      )
      const request = HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeaders({
          "X-TIMESTAMP": timestamp,
          "X-CLIENT-KEY": payout.clientId,
          "X-SIGNATURE": signature
        }),
        HttpClientRequest.bodyText(JSON.stringify(Responses.statusFields(payout)), "application/json")
      )
      const reply = yield* httpClient.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (text) => ({ status: response.status, text }))
        ),
        Effect.scoped,
        Effect.timeout(Duration.seconds(10)),
        Effect.orElseSucceed(() => ({ status: 0, text: "" }))
      )
      const acknowledged = reply.status === 200 && responseCodeOf(reply.text) === ACK_CODE
      deliveries.push({
        clientId: payout.clientId,
        partnerReferenceNo: payout.partnerReferenceNo,
        status: payout.status,
        url,
        attempt,
        sentAt: now,
        httpStatus: reply.status,
        acknowledged
      })
      return acknowledged
    })
  return (payout: State.PayoutRecord): Effect.Effect<void> =>
    Effect.flatMap(options.urlOf(payout.clientId), (url) => {
      if (url === undefined) return Effect.void
      const loop = (attempt: number): Effect.Effect<void> =>
        Effect.flatMap(deliverOnce(payout, url, attempt), (acknowledged) =>
          acknowledged || attempt >= attempts
            ? Effect.void
            : Effect.zipRight(
                Effect.sleep(Duration.min(Duration.times(retryDelay, 2 ** (attempt - 1)), MAX_RETRY_DELAY)),
                loop(attempt + 1)
              )
        )
      return loop(1)
    })
}

/**
 * Makes a simulator. Background work (settlements, notification deliveries) runs in fibers of
 * the surrounding scope.
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, RequestLog | Fault.Faults | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const log = yield* RequestLog
    const faults = yield* Fault.Faults
    const httpClient = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const settleAfter = Duration.decode(options.settleAfter ?? Duration.seconds(5))
    const attempts = Math.max(1, options.notificationAttempts ?? 8)
    const retryDelay = Duration.decode(options.notificationRetryDelay ?? Duration.seconds(1))
    const settings: Engine.Settings = {
      tokenLifetimeSeconds: Math.max(
        1,
        Math.round(Duration.toSeconds(options.tokenLifetime ?? Duration.seconds(900)))
      ),
      tokenKey: randomBytes(32),
      timestampToleranceMillis: Duration.toMillis(options.timestampTolerance ?? Duration.minutes(5)),
      rejectReusedExternalId: options.rejectReusedExternalId ?? true,
      requireNumericExternalId: options.requireNumericExternalId ?? false,
      requireMinifiedBody: options.requireMinifiedBody ?? false,
      duplicateAnswerIncludesReference: options.duplicateAnswerIncludesReference ?? true
    }
    const state = yield* Ref.make(State.empty)

    const notificationKey: KeyObject =
      options.notificationPrivateKey === undefined
        ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
        : yield* Effect.orDie(Snap.Signature.parsePrivateKey(options.notificationPrivateKey))
    const notificationPublicKey = yield* Effect.orDie(Snap.Signature.publicKeyPem(notificationKey))
    const deliveries: Array<NotificationDelivery> = []

    const registerMerchant = (merchant: MerchantRegistration) =>
      Effect.flatMap(Snap.Signature.parsePublicKey(merchant.publicKey), (publicKey) =>
        Ref.update(state, (current) =>
          State.putMerchant(current, {
            clientId: merchant.clientId,
            clientSecret: Redacted.isRedacted(merchant.clientSecret)
              ? Redacted.value(merchant.clientSecret)
              : merchant.clientSecret,
            publicKey,
            notificationUrl: merchant.notificationUrl,
            balance: merchant.balance ?? Demo.BALANCE,
            externalIdDay: "",
            externalIds: HashSet.empty()
          })
        )
      )

    yield* Effect.orDie(
      registerMerchant({
        clientId: Demo.CLIENT_ID,
        clientSecret: Demo.CLIENT_SECRET,
        publicKey: Demo.PUBLIC_KEY,
        balance: options.demoBalance ?? Demo.BALANCE
      })
    )

    const deliver = notifier({
      httpClient,
      notificationKey,
      attempts,
      retryDelay,
      deliveries,
      urlOf: (clientId) =>
        Effect.map(Ref.get(state), (current) => State.merchant(current, clientId)?.notificationUrl)
    })

    // Request handlers run uninterruptibly and forked fibers inherit that: background work is
    // made interruptible so closing the simulator's scope stops it at once.
    const background = (work: Effect.Effect<unknown>) => Effect.forkIn(Effect.interruptible(work), scope)

    const settleNow = (request: {
      readonly clientId: string
      readonly partnerReferenceNo: string
      readonly to: "00" | "09"
    }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          Ref.modify(state, (current) => {
            const settled = Engine.settle(current, { ...request, now })
            return [settled, settled.state]
          }),
          (settled) =>
            Effect.as(
              Effect.forEach(settled.followUps, runFollowUp, { discard: true }),
              Option.fromNullable(settled.settled)
            )
        )
      )

    // Suspect payouts due to settle, by payout key: the shell's schedule, part of the snapshot.
    const settlements = new Map<string, Snapshot["settlements"][number]>()
    const scheduleSettle = (due: Snapshot["settlements"][number], now: number) => {
      const key = `${due.clientId}\u0000${due.partnerReferenceNo}`
      settlements.set(key, due)
      return background(
        Effect.zipRight(
          Effect.sleep(Duration.millis(Math.max(0, due.at - now))),
          Effect.zipRight(
            Effect.sync(() => settlements.delete(key)),
            settleNow(due)
          )
        )
      )
    }

    const runFollowUp = (followUp: Engine.FollowUp): Effect.Effect<unknown> =>
      followUp._tag === "Notify"
        ? background(deliver(followUp.payout))
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            scheduleSettle(
              {
                clientId: followUp.clientId,
                partnerReferenceNo: followUp.partnerReferenceNo,
                to: followUp.to,
                at: now + Duration.toMillis(settleAfter)
              },
              now
            )
          )

    // ---- HTTP ------------------------------------------------------------------------------

    const app: HttpApp.Default<never, never> = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const receivedAt = yield* Clock.currentTimeMillis
      const path = request.url.split("?")[0] ?? ""
      const rawBytes = new Uint8Array(
        yield* Effect.orElseSucceed(request.arrayBuffer, () => new ArrayBuffer(0))
      )
      const headers = request.headers as Readonly<Record<string, string>>
      const signedPath = path.startsWith(`${PREFIX}/`) ? path.slice(PREFIX.length) : undefined
      const operation = routes.find(([route]) => route === signedPath)?.[1]
      const entry = {
        upstream: "nicepay" as const,
        method: request.method,
        path,
        headers,
        body: Buffer.from(rawBytes).toString("utf8"),
        receivedAt
      }
      if (operation === undefined || signedPath === undefined) {
        const answer = { status: 404, body: { responseCode: "4040002", responseMessage: "Invalid Routing" } }
        yield* log.append({ ...entry, operation: "unknown", status: 404, responseCode: "4040002" })
        return Fault.plain(answer)
      }
      const timestampHeader = { "X-TIMESTAMP": Timestamp.formatWib(receivedAt) }
      if (request.method !== "POST") {
        const answer = {
          status: 405,
          body: { responseCode: "4050000", responseMessage: "Requested Function Is Not Supported" },
          headers: timestampHeader
        }
        yield* log.append({ ...entry, operation, status: 405, responseCode: "4050000" })
        return Fault.plain(answer)
      }
      const fromHeader = Fault.fromHeaders(headers)
      const plan = Option.isSome(fromHeader) ? fromHeader : yield* faults.take("nicepay", operation)
      // A fault that drops the request before NICEPAY would see it: the engine is not asked.
      const notProcessed: Omit<Engine.Decision, "state"> = {
        answer: { status: 502, body: "" },
        responseCode: "",
        followUps: []
      }
      const decision: Omit<Engine.Decision, "state"> =
        Option.isSome(plan) && !Fault.processesRequest(plan.value)
          ? notProcessed
          : yield* Ref.modify(state, (current) => {
              const decided = Engine.decide(current, settings, {
                operation,
                signedPath,
                headers,
                body: rawBytes,
                now: receivedAt,
                nonce: operation === "access-token" ? randomBytes(8).toString("hex") : ""
              })
              return [decided, decided.state]
            })
      const answer = { ...decision.answer, headers: timestampHeader }
      yield* Effect.forEach(decision.followUps, runFollowUp, { discard: true })
      const status = Option.isSome(plan) ? Fault.loggedStatus(plan.value, answer) : answer.status
      const answered = Option.isNone(plan) || status === answer.status
      yield* log.append({
        ...entry,
        operation,
        status,
        responseCode: answered && decision.responseCode !== "" ? decision.responseCode : undefined,
        fault: Option.isSome(plan) ? plan.value.fault : undefined
      })
      return yield* Option.match(plan, {
        onNone: () => Effect.succeed(Fault.plain(answer)),
        onSome: (faultPlan) => Fault.render(faultPlan, answer)
      })
    })

    return {
      app,
      notificationPublicKey,
      registerMerchant,
      balance: (clientId) =>
        Effect.map(Ref.get(state), (current) =>
          Option.fromNullable(State.merchant(current, clientId)?.balance)
        ),
      setBalance: (clientId, rupiah) =>
        Ref.modify(state, (current) => [
          State.merchant(current, clientId) !== undefined,
          State.setBalance(current, clientId, rupiah)
        ]),
      payout: (clientId, partnerReferenceNo) =>
        Effect.map(Ref.get(state), (current) =>
          Option.fromNullable(State.payout(current, clientId, partnerReferenceNo))
        ),
      payouts: (clientId) => Effect.map(Ref.get(state), (current) => State.payouts(current, clientId)),
      settle: settleNow,
      revokeTokens: (clientId) => Ref.modify(state, (current) => State.revokeTokens(current, clientId)),
      notifications: Effect.sync(() => deliveries.slice()),
      scenarios: Scenario.table,
      snapshot: Effect.map(Ref.get(state), (current) => ({
        ...State.snapshot(current),
        settlements: [...settlements.values()]
      })),
      restore: (snapshot) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.suspend(() => {
            settlements.clear()
            return Effect.zipRight(
              Ref.update(state, (current) => State.restore(current, snapshot)),
              Effect.forEach(snapshot.settlements, (due) => scheduleSettle(due, now), { discard: true })
            )
          })
        )
    } satisfies Service
  })

const responseCodeOf = (text: string): string | undefined => {
  try {
    const body = JSON.parse(text) as { readonly responseCode?: unknown }
    return typeof body.responseCode === "string" ? body.responseCode : undefined
  } catch {
    return undefined
  }
}

/**
 * The simulator as a layer.
 */
export const layer = (
  options?: Options
): Layer.Layer<NicepaySimulator, never, RequestLog | Fault.Faults | HttpClient.HttpClient> =>
  Layer.scoped(NicepaySimulator, make(options))
