/**
 * A stateful, offline simulator of Ayoconnect's PPOB API: the thin HTTP shell over the pure
 * `Engine`.
 *
 * Serve `app` (it handles `/api/v1/…` and `/api/v2/…`), register a partner, and point the
 * client at it. It keeps deposits, inquiries with a TTL, payments keyed by refNumber, pending
 * payments that settle on Effect's `Clock`, and callbacks retried until the partner answers
 * HTTP 200. Every documented response code and every fault is reachable from the request (see
 * `Scenario`), every request is recorded in the `RequestLog`.
 *
 * The shell does what the engine must not: it routes, reads the body and the clock, picks the
 * fault, swaps the state (one `Ref`, so every request is one atomic step), schedules settlements
 * on the Clock and sends callbacks. The rules are in `Engine`, the state in `State`, the bodies
 * in `Responses`: the same layout as the NICEPAY simulator.
 */
import {
  type HttpApp,
  HttpClient,
  HttpClientRequest,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { Context, Duration, Effect, FiberSet, Layer, Option, Redacted, Ref, type Scope } from "effect"
import * as Fault from "../Fault.js"
import * as RequestLog from "../RequestLog.js"
import * as Catalogue from "./Catalogue.js"
import * as Demo from "./Demo.js"
import * as Engine from "./Engine.js"
import * as Scenario from "./Scenario.js"
import * as State from "./State.js"

/**
 * A partner to register: its API key, its secret and (optionally) its opening deposit and a
 * default callback URL.
 */
export interface PartnerRegistration {
  readonly apiKey: string
  readonly secret: string | Redacted.Redacted<string>
  /** Opening deposit in rupiah. Default 10,000,000 (`Demo.BALANCE`). */
  readonly deposit?: number | undefined
  /** Where callbacks go when a payment names no `callbackUrls`. */
  readonly callbackUrl?: string | undefined
  /** HTTP Basic credentials to send with every callback, as configured in Ayoconnect's dashboard. */
  readonly callbackCredentials?:
    | { readonly username: string; readonly password: string | Redacted.Redacted<string> }
    | undefined
}

/**
 * Simulator settings; every one has a default.
 */
export interface Options {
  /** How long an inquiry can be paid. Default 15 minutes. */
  readonly inquiryTtl?: Duration.DurationInput | undefined
  /** How long a pending payment takes to settle. Default 5 seconds. */
  readonly settleAfter?: Duration.DurationInput | undefined
  /** The waits between callback attempts; their count bounds the retries. Default 5 s, 10 s, 30 s. */
  readonly callbackRetryDelays?: ReadonlyArray<Duration.DurationInput> | undefined
  /** How long one callback attempt may take. Default 10 seconds. */
  readonly callbackTimeout?: Duration.DurationInput | undefined
  /** The delay of the `latency` fault when a scenario selects it. Default 5 seconds. */
  readonly faultLatency?: Duration.DurationInput | undefined
  /** Partners registered at start. */
  readonly partners?: ReadonlyArray<PartnerRegistration> | undefined
}

/**
 * A read-only view of a transaction.
 */
export interface TransactionView {
  readonly refNumber: string
  readonly transactionId: number
  readonly inquiryId: number
  readonly productCode: string
  readonly accountNumber: string
  readonly amount: number
  readonly state: State.Status
  readonly responseCode: number
  readonly token: string
  readonly debited: boolean
  readonly refunded: boolean
  readonly createdAt: number
  readonly settledAt: number | undefined
}

/**
 * A read-only view of a callback delivery.
 */
export interface CallbackView {
  readonly refNumber: string
  readonly url: string
  readonly responseCode: number
  /** The HTTP status of each attempt; 0 when no response arrived. */
  readonly attempts: ReadonlyArray<number>
  readonly delivered: boolean
}

/**
 * The simulator.
 */
export interface Service {
  /** The HTTP app: `/api/v1/…` and `/api/v2/…`; anything else is a 404 JSON. */
  readonly app: HttpApp.Default<never, never>
  /** Registers (or replaces) a partner. */
  readonly registerPartner: (partner: PartnerRegistration) => Effect.Effect<void>
  /** A partner's deposit, if registered. */
  readonly balance: (apiKey: string) => Effect.Effect<Option.Option<number>>
  /** Sets a partner's deposit (e.g. to test an insufficient deposit); false when the partner is unknown. */
  readonly setBalance: (apiKey: string, deposit: number) => Effect.Effect<boolean>
  /** A transaction by the partner's refNumber. */
  readonly transaction: (apiKey: string, refNumber: string) => Effect.Effect<Option.Option<TransactionView>>
  /** Every transaction, oldest first. */
  readonly transactions: Effect.Effect<ReadonlyArray<TransactionView>>
  /**
   * Settles a pending transaction now, to response code `to` (default 0; a failure code such as
   * 1xx fails and refunds it), and sends its callbacks. The transaction as settled; none when it
   * is unknown or already final.
   */
  readonly settle: (request: {
    readonly apiKey: string
    readonly refNumber: string
    readonly to?: number | undefined
  }) => Effect.Effect<Option.Option<TransactionView>>
  /** Every callback delivery so far. */
  readonly callbacks: Effect.Effect<ReadonlyArray<CallbackView>>
  /** The product catalogue. */
  readonly catalogue: ReadonlyArray<Catalogue.Product>
  /** The scenarios, by account-number suffix (`Scenario.table`). */
  readonly scenarios: ReadonlyArray<Scenario.Entry>
  /** The state as plain JSON data (partners' credentials excluded). */
  readonly snapshot: Effect.Effect<State.Snapshot>
  /**
   * Replaces the state with a snapshot's; pending payments settle when they were due (at once if
   * that time has passed).
   */
  readonly restore: (snapshot: State.Snapshot) => Effect.Effect<void>
}

/**
 * The simulator service.
 */
export class AyoconnectSimulator extends Context.Tag("@kasir/sandbox/AyoconnectSimulator")<
  AyoconnectSimulator,
  Service
>() {}

const routePattern =
  /^\/api\/v([12])\/(partner\/balance|partner\/products|bill\/check|bill\/payment|bill\/status)\/?$/

const view = (transaction: State.Transaction): TransactionView => ({
  refNumber: transaction.refNumber,
  transactionId: transaction.transactionId,
  inquiryId: transaction.inquiryId,
  productCode: transaction.product.code,
  accountNumber: transaction.accountNumber,
  amount: transaction.amount,
  state: transaction.state,
  responseCode: transaction.responseCode,
  token: transaction.token,
  debited: transaction.debited,
  refunded: transaction.refunded,
  createdAt: transaction.createdAt,
  settledAt: transaction.settledAt
})

const partnerOf = (registration: PartnerRegistration): State.Partner => ({
  apiKey: registration.apiKey,
  secret: typeof registration.secret === "string" ? Redacted.make(registration.secret) : registration.secret,
  deposit: registration.deposit ?? Demo.BALANCE,
  callbackUrl: registration.callbackUrl,
  callbackCredentials:
    registration.callbackCredentials === undefined
      ? undefined
      : {
          username: registration.callbackCredentials.username,
          password: Redacted.isRedacted(registration.callbackCredentials.password)
            ? registration.callbackCredentials.password
            : Redacted.make(registration.callbackCredentials.password)
        }
})

interface Delivery {
  readonly refNumber: string
  readonly url: string
  readonly responseCode: number
  readonly attempts: Array<number>
  delivered: boolean
}

// Callbacks: POST the status body to the URL until one attempt answers exactly 200, waiting
// `retryDelays` between attempts; every attempt is recorded in `deliveries`.
const callbackSender =
  (options: {
    readonly httpClient: HttpClient.HttpClient
    readonly retryDelays: ReadonlyArray<Duration.Duration>
    readonly callbackTimeout: Duration.Duration
    readonly deliveries: Array<Delivery>
    readonly runFork: (effect: Effect.Effect<void>) => unknown
  }) =>
  (callback: Extract<Engine.FollowUp, { readonly _tag: "Callback" }>): void => {
    const delivery: Delivery = {
      refNumber: callback.refNumber,
      url: callback.url,
      responseCode: callback.responseCode,
      attempts: [],
      delivered: false
    }
    options.deliveries.push(delivery)
    const credentials = callback.credentials
    const request = HttpClientRequest.post(callback.url).pipe(
      HttpClientRequest.bodyText(callback.body, "application/json"),
      credentials === undefined
        ? (request) => request
        : HttpClientRequest.basicAuth(credentials.username, Redacted.value(credentials.password))
    )
    const attempt: Effect.Effect<number> = options.httpClient.execute(request).pipe(
      Effect.map((response) => response.status),
      Effect.scoped,
      Effect.timeout(options.callbackTimeout),
      Effect.orElseSucceed(() => 0)
    )
    const loop = (index: number): Effect.Effect<void> =>
      Effect.flatMap(attempt, (status) => {
        delivery.attempts.push(status)
        if (status === 200) {
          delivery.delivered = true
          return Effect.void
        }
        const delay = options.retryDelays[index]
        return delay === undefined ? Effect.void : Effect.zipRight(Effect.sleep(delay), loop(index + 1))
      })
    options.runFork(loop(0))
  }

/**
 * Builds a simulator. Background work (settlement, callbacks) runs in fibers owned by the
 * surrounding scope, on the Clock of the context it is built in.
 */
export const make = (
  options: Options = {}
): Effect.Effect<
  Service,
  never,
  RequestLog.RequestLog | Fault.Faults | HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function* () {
    const log = yield* RequestLog.RequestLog
    const faults = yield* Fault.Faults
    const httpClient = yield* HttpClient.HttpClient
    const clock = yield* Effect.clock
    const runFork = yield* FiberSet.makeRuntime<never>()
    const state = yield* Ref.make(State.empty)
    // Callback deliveries are the shell's record of what it sent, not upstream state.
    const deliveries: Array<Delivery> = []

    const settings: Engine.Settings = {
      inquiryTtlMillis: Duration.toMillis(options.inquiryTtl ?? Duration.minutes(15)),
      settleAfterMillis: Duration.toMillis(options.settleAfter ?? Duration.seconds(5))
    }
    const retryDelays = (options.callbackRetryDelays ?? ["5 seconds", "10 seconds", "30 seconds"]).map(
      Duration.decode
    )
    const callbackTimeout = Duration.decode(options.callbackTimeout ?? Duration.seconds(10))
    const faultLatency = Duration.toMillis(options.faultLatency ?? Duration.seconds(5))

    const registerPartner = (partner: PartnerRegistration) =>
      Ref.update(state, (current) => State.putPartner(current, partnerOf(partner)))

    const sendCallback = callbackSender({ httpClient, retryDelays, callbackTimeout, deliveries, runFork })

    const settleWith = (request: Omit<Parameters<typeof Engine.settle>[1], "now">) =>
      Effect.flatMap(clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          Ref.modify(state, (current) => {
            const settled = Engine.settle(current, { ...request, now })
            return [settled, settled.state]
          }),
          (settled) => Effect.as(runFollowUps(settled.followUps, now), settled.settled)
        )
      )

    // Follow-ups are started, never awaited: settlements sleep on the Clock, callbacks retry.
    const runFollowUps = (followUps: ReadonlyArray<Engine.FollowUp>, now: number) =>
      Effect.sync(() => {
        for (const followUp of followUps) {
          if (followUp._tag === "Callback") {
            sendCallback(followUp)
            continue
          }
          const { apiKey, refNumber, settlement } = followUp
          runFork(
            Effect.zipRight(
              Effect.sleep(Duration.millis(Math.max(0, settlement.at - now))),
              settleWith({ apiKey, refNumber, responseCode: settlement.responseCode, due: settlement })
            )
          )
        }
      })

    const app: HttpApp.Default<never, never> = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const path = request.url.split("?")[0] ?? ""
      const headers: Record<string, string> = { ...request.headers }
      const body = yield* Effect.orElseSucceed(request.text, () => "")
      const receivedAt = yield* clock.currentTimeMillis
      const record = (
        entry: Omit<RequestLog.Entry, "upstream" | "method" | "path" | "headers" | "body" | "receivedAt">
      ) =>
        log.append({
          upstream: "ayoconnect",
          method: request.method,
          path,
          headers,
          body,
          receivedAt,
          ...entry
        })

      const route = routePattern.exec(path)
      if (route === null || request.method !== "POST") {
        const status = route === null ? 404 : 405
        yield* record({ operation: route === null ? "unknown" : route[2]!, status })
        return Fault.plain({
          status,
          body: { error: route === null ? "not found" : "method not allowed", path }
        })
      }
      const version = route[1] === "1" ? 1 : 2
      const operation = route[2] as Engine.Operation

      // A fault asked for by header or injected rule applies whatever the request says.
      const requested = Fault.fromHeaders(headers)
      const chosen = Option.isSome(requested) ? requested : yield* faults.take("ayoconnect", operation)
      const commit = Option.isNone(chosen) || Fault.processesRequest(chosen.value)
      const decision = yield* Ref.modify(state, (current) => {
        const decided = Engine.decide(current, settings, {
          operation,
          version,
          headers,
          body,
          now: receivedAt,
          commit
        })
        return [decided, decided.state]
      })
      yield* runFollowUps(decision.followUps, receivedAt)
      const plan: Fault.FaultPlan | undefined = Option.isSome(chosen)
        ? chosen.value
        : decision.fault === undefined
          ? undefined
          : { fault: decision.fault, latencyMillis: faultLatency }
      // The code is logged when the upstream acted on the request, even if the client never saw it.
      const responseCode =
        plan === undefined || Fault.processesRequest(plan) ? decision.responseCode : undefined
      yield* record({
        operation,
        status: plan === undefined ? decision.answer.status : Fault.loggedStatus(plan, decision.answer),
        responseCode: responseCode === undefined ? undefined : String(responseCode),
        fault: plan?.fault
      })
      return plan === undefined ? Fault.plain(decision.answer) : yield* Fault.render(plan, decision.answer)
    }).pipe(
      Effect.catchAllCause((cause) =>
        Effect.as(
          Effect.logError("ayoconnect simulator failed", cause),
          HttpServerResponse.text("", { status: 500 })
        )
      )
    )

    for (const partner of options.partners ?? []) yield* registerPartner(partner)

    return {
      app,
      registerPartner,
      balance: (apiKey) =>
        Effect.map(Ref.get(state), (current) =>
          Option.map(Option.fromNullable(State.partner(current, apiKey)), (partner) => partner.deposit)
        ),
      setBalance: (apiKey, deposit) =>
        Ref.modify(state, (current) => [
          State.partner(current, apiKey) !== undefined,
          State.setDeposit(current, apiKey, deposit)
        ]),
      transaction: (apiKey, refNumber) =>
        Effect.map(Ref.get(state), (current) =>
          Option.map(Option.fromNullable(State.transaction(current, apiKey, refNumber)), view)
        ),
      transactions: Effect.map(Ref.get(state), (current) => State.transactions(current).map(view)),
      settle: ({ apiKey, refNumber, to }) =>
        Effect.map(settleWith({ apiKey, refNumber, responseCode: to ?? 0 }), (settled) =>
          Option.map(Option.fromNullable(settled), view)
        ),
      callbacks: Effect.sync(() =>
        deliveries.map(
          (delivery): CallbackView => ({
            refNumber: delivery.refNumber,
            url: delivery.url,
            responseCode: delivery.responseCode,
            attempts: delivery.attempts.slice(),
            delivered: delivery.delivered
          })
        )
      ),
      catalogue: Catalogue.products,
      scenarios: Scenario.table,
      snapshot: Effect.map(Ref.get(state), State.snapshot),
      restore: (snapshot) =>
        Effect.flatMap(clock.currentTimeMillis, (now) =>
          Effect.flatMap(
            Ref.updateAndGet(state, (current) => State.restore(current, snapshot, Catalogue.find)),
            (restored) => runFollowUps(Engine.dueSettlements(restored), now)
          )
        )
    } satisfies Service
  })

/**
 * The simulator as a layer (scoped: its background fibers end with it).
 */
export const layer = (
  options: Options = {}
): Layer.Layer<AyoconnectSimulator, never, RequestLog.RequestLog | Fault.Faults | HttpClient.HttpClient> =>
  Layer.scoped(AyoconnectSimulator, make(options))
