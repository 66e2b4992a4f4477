/**
 * A stateful, offline simulator of Ayoconnect's PPOB API.
 *
 * Serve `app` (it handles `/api/v1/…` and `/api/v2/…`), register a partner, and point the
 * client at it. It keeps deposits, inquiries with a TTL, payments keyed by refNumber, pending
 * payments that settle on Effect's `Clock`, and callbacks retried until the partner answers
 * HTTP 200. Every documented response code and every fault is reachable from the request (see
 * `Scenario`), every request is recorded in the `RequestLog`.
 *
 * @since 0.1.0
 */
import {
  type HttpApp,
  HttpClient,
  HttpClientRequest,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { Context, Duration, Effect, Either, FiberSet, Layer, Option, Redacted, type Scope } from "effect"
import * as Fault from "../Fault.js"
import * as RequestLog from "../RequestLog.js"
import * as Auth from "./Auth.js"
import * as Catalogue from "./Catalogue.js"
import * as Ledger from "./Ledger.js"
import * as Messages from "./Messages.js"
import * as Responses from "./Responses.js"
import * as Scenario from "./Scenario.js"

/**
 * A partner to register: its API key, its secret and (optionally) its opening deposit and a
 * default callback URL.
 *
 * @since 0.1.0
 */
export interface PartnerRegistration {
  readonly apiKey: string
  readonly secret: string | Redacted.Redacted<string>
  /** Opening deposit in rupiah. Default 10,000,000. */
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
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
 */
export interface TransactionView {
  readonly refNumber: string
  readonly transactionId: number
  readonly inquiryId: number
  readonly productCode: string
  readonly accountNumber: string
  readonly amount: number
  readonly state: Ledger.State
  readonly responseCode: number
  readonly token: string
  readonly debited: boolean
  readonly refunded: boolean
  readonly createdAt: number
  readonly settledAt: number | undefined
}

/**
 * A read-only view of a callback delivery.
 *
 * @since 0.1.0
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
 *
 * @since 0.1.0
 */
export interface Service {
  /** The HTTP app: `/api/v1/…` and `/api/v2/…`; anything else is a 404 JSON. */
  readonly app: HttpApp.Default<never, never>
  /** Registers (or replaces) a partner. */
  readonly registerPartner: (partner: PartnerRegistration) => Effect.Effect<void>
  /** A partner's deposit, if registered. */
  readonly balanceOf: (apiKey: string) => Effect.Effect<Option.Option<number>>
  /** Sets a partner's deposit (e.g. to test an insufficient deposit). */
  readonly setBalance: (apiKey: string, deposit: number) => Effect.Effect<void>
  /** A transaction by the partner's refNumber. */
  readonly transaction: (apiKey: string, refNumber: string) => Effect.Effect<Option.Option<TransactionView>>
  /** Every transaction, oldest first. */
  readonly transactions: Effect.Effect<ReadonlyArray<TransactionView>>
  /**
   * Settles a pending transaction now with `responseCode` (default 0; a 1xx code fails and
   * refunds it). False when it is unknown or already final.
   */
  readonly settle: (options: {
    readonly apiKey: string
    readonly refNumber: string
    readonly responseCode?: number | undefined
  }) => Effect.Effect<boolean>
  /** Every callback delivery so far. */
  readonly callbacks: Effect.Effect<ReadonlyArray<CallbackView>>
  /** The product catalogue. */
  readonly catalogue: ReadonlyArray<Catalogue.Product>
  /** The state as plain JSON data (partners' credentials excluded). */
  readonly snapshot: Effect.Effect<Ledger.Snapshot>
  /**
   * Replaces the state with a snapshot's; pending payments settle when they were due (at once if
   * that time has passed).
   */
  readonly restore: (snapshot: Ledger.Snapshot) => Effect.Effect<void>
}

/**
 * The simulator service.
 *
 * @since 0.1.0
 */
export class AyoconnectSimulator extends Context.Tag("@kasir/sandbox/AyoconnectSimulator")<
  AyoconnectSimulator,
  Service
>() {}

/**
 * Clearly fake credentials for demos and the standalone sandbox.
 *
 * @since 0.1.0
 */
export const demoPartner = {
  apiKey: "SANDBOXDEMO1",
  secret: "sandbox-demo-secret-not-for-production"
} as const

/**
 * The opening deposit of a partner registered without one.
 *
 * @since 0.1.0
 */
export const DEFAULT_DEPOSIT = 10_000_000

const routePattern =
  /^\/api\/v([12])\/(partner\/balance|partner\/products|bill\/check|bill\/payment|bill\/status)\/?$/

type Operation = "partner/balance" | "partner/products" | "bill/check" | "bill/payment" | "bill/status"

interface Processed {
  readonly answer: Fault.Answer
  readonly responseCode: number | undefined
  /** A fault the request's scenario selected. */
  readonly fault?: Fault.Fault | undefined
}

const json = (body: unknown): Fault.Answer => ({ status: 200, body })

const answered = (body: { readonly responseCode: number }, fault?: Fault.Fault): Processed => ({
  answer: json(body),
  responseCode: body.responseCode,
  fault
})

const view = (transaction: Ledger.Transaction): TransactionView => ({
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

/**
 * Builds a simulator. Background work (settlement, callbacks) runs in fibers owned by the
 * surrounding scope, on the Clock of the context it is built in.
 *
 * @since 0.1.0
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
    const ledger = Ledger.empty()

    const inquiryTtl = Duration.toMillis(options.inquiryTtl ?? Duration.minutes(15))
    const settleAfter = Duration.decode(options.settleAfter ?? Duration.seconds(5))
    const retryDelays = (options.callbackRetryDelays ?? ["5 seconds", "10 seconds", "30 seconds"]).map(
      Duration.decode
    )
    const callbackTimeout = Duration.decode(options.callbackTimeout ?? Duration.seconds(10))
    const faultLatency = Duration.toMillis(options.faultLatency ?? Duration.seconds(5))

    const registerPartner = (partner: PartnerRegistration) =>
      Effect.sync(() => {
        ledger.partners.set(partner.apiKey, {
          apiKey: partner.apiKey,
          secret: typeof partner.secret === "string" ? Redacted.make(partner.secret) : partner.secret,
          deposit: partner.deposit ?? DEFAULT_DEPOSIT,
          callbackUrl: partner.callbackUrl,
          callbackCredentials:
            partner.callbackCredentials === undefined
              ? undefined
              : {
                  username: partner.callbackCredentials.username,
                  password: Redacted.isRedacted(partner.callbackCredentials.password)
                    ? partner.callbackCredentials.password
                    : Redacted.make(partner.callbackCredentials.password)
                }
        })
      })

    // Callbacks: POST the status body to each URL until one attempt answers exactly 200.
    const deliver = (transaction: Ledger.Transaction) => {
      const partner = ledger.partners.get(transaction.apiKey)
      const urls =
        transaction.callbackUrls.length > 0
          ? transaction.callbackUrls
          : partner?.callbackUrl === undefined
            ? []
            : [partner.callbackUrl]
      for (const url of urls) {
        const delivery: Ledger.CallbackDelivery = {
          refNumber: transaction.refNumber,
          url,
          responseCode: transaction.responseCode,
          attempts: [],
          delivered: false
        }
        ledger.deliveries.push(delivery)
        const body = JSON.stringify(Responses.status(2, transaction))
        const credentials = partner?.callbackCredentials
        const request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.bodyText(body, "application/json"),
          credentials === undefined
            ? (request) => request
            : HttpClientRequest.basicAuth(credentials.username, Redacted.value(credentials.password))
        )
        const attempt: Effect.Effect<number> = httpClient.execute(request).pipe(
          Effect.map((response) => response.status),
          Effect.scoped,
          Effect.timeout(callbackTimeout),
          Effect.orElseSucceed(() => 0)
        )
        const loop = (index: number): Effect.Effect<void> =>
          Effect.flatMap(attempt, (status) => {
            delivery.attempts.push(status)
            if (status === 200) {
              delivery.delivered = true
              return Effect.void
            }
            const delay = retryDelays[index]
            return delay === undefined ? Effect.void : Effect.zipRight(Effect.sleep(delay), loop(index + 1))
          })
        runFork(loop(0))
      }
    }

    const settleNow = (transaction: Ledger.Transaction, responseCode: number, now: number): boolean => {
      if (transaction.state !== "Pending") return false
      transaction.settlement = undefined
      transaction.responseCode = responseCode
      transaction.settledAt = now
      if (responseCode <= 99) {
        transaction.state = "Succeeded"
        const fulfilled = Catalogue.fulfil(transaction.product, transaction.transactionId)
        transaction.token = fulfilled.token
        transaction.fulfilment = fulfilled.productDetails
      } else {
        transaction.state = "Failed"
        const partner = ledger.partners.get(transaction.apiKey)
        if (transaction.debited && !transaction.refunded && partner !== undefined) {
          partner.deposit += transaction.amount
          transaction.refunded = true
        }
      }
      deliver(transaction)
      return true
    }

    const scheduleSettlement = (
      transaction: Ledger.Transaction,
      responseCode: number,
      now: number,
      after: Duration.Duration = settleAfter
    ) => {
      transaction.settlement = { at: now + Duration.toMillis(after), responseCode }
      runFork(
        Effect.sleep(after).pipe(
          Effect.zipRight(clock.currentTimeMillis),
          Effect.map((now) => settleNow(transaction, responseCode, now))
        )
      )
    }

    const balance = (apiKey: string): Processed => {
      const partner = ledger.partners.get(apiKey)!
      return answered(
        Responses.envelope(0, { balance: partner.deposit, currency: "IDR", partnerId: apiKey }, Messages.ok)
      )
    }

    const productList = (): Processed =>
      answered(
        Responses.envelope(
          0,
          Catalogue.products.map((product) => ({
            name: product.name,
            description: product.description,
            code: product.code,
            logo: `https://sandbox.kasir.invalid/logo/${product.code.toLowerCase()}.png`,
            amount: product.price,
            adminFee: product.adminFee,
            biller: product.biller,
            category: product.category,
            active: product.active,
            type: product.type
          })),
          Messages.ok
        )
      )

    const inquiry = (
      version: 1 | 2,
      apiKey: string,
      claims: Auth.Claims,
      now: number,
      commit: boolean
    ): Processed => {
      const accountNumber = Auth.stringClaim(claims, "accountnumber")
      const productCode = Auth.stringClaim(claims, "productcode")
      if (
        accountNumber === undefined ||
        accountNumber === "" ||
        productCode === undefined ||
        productCode === ""
      ) {
        return answered(Responses.failure(321))
      }
      const product = Catalogue.find(productCode)
      if (product === undefined) return answered(Responses.failure(341))
      if (!product.active) return answered(Responses.failure(311))
      const scenario = Scenario.forInquiry(accountNumber)
      if (scenario._tag === "Answer") return answered(Responses.failure(scenario.code))
      const fault = scenario._tag === "Fault" ? scenario.fault : undefined
      if (!Catalogue.isWellFormed(product, accountNumber)) return answered(Responses.failure(304), fault)
      const quoted = Catalogue.quote(
        product,
        {
          accountNumber,
          amount: Auth.intClaim(claims, "amount"),
          zoneId: Auth.stringClaim(claims, "zoneid"),
          month: Auth.intClaim(claims, "month")
        },
        now
      )
      if (quoted._tag === "Refused") {
        return answered(
          Responses.envelope(
            quoted.code,
            quoted.quote === undefined
              ? {}
              : Responses.inquiryData(version, 1_919_706, product, accountNumber, quoted.quote),
            quoted.code === 313 ? { ID: quoted.reason, EN: quoted.reason } : Messages.forCode(quoted.code)
          ),
          fault
        )
      }
      const inquiryId = ledger.nextInquiryId
      if (commit && (fault === undefined || Fault.processesRequest({ fault }))) {
        ledger.nextInquiryId += 1
        ledger.inquiries.set(inquiryId, {
          inquiryId,
          apiKey,
          product,
          accountNumber,
          quote: quoted.quote,
          createdAt: now,
          expiresAt: now + inquiryTtl,
          usedBy: undefined
        })
      }
      return answered(
        Responses.envelope(
          300,
          Responses.inquiryData(version, inquiryId, product, accountNumber, quoted.quote)
        ),
        fault
      )
    }

    const payment = (
      version: 1 | 2,
      apiKey: string,
      claims: Auth.Claims,
      now: number,
      commit: boolean
    ): Processed => {
      const accountNumber = Auth.stringClaim(claims, "accountnumber")
      const productCode = Auth.stringClaim(claims, "productcode")
      const inquiryId = Auth.intClaim(claims, "inquiryid")
      const amount = Auth.intClaim(claims, "amount")
      const refNumber = Auth.stringClaim(claims, "refnumber")
      if (
        accountNumber === undefined ||
        productCode === undefined ||
        inquiryId === undefined ||
        amount === undefined ||
        refNumber === undefined ||
        refNumber === ""
      ) {
        return answered(Responses.failure(321))
      }
      // A refNumber is used once: the duplicate changes nothing and debits nothing.
      if (ledger.transactions.has(Ledger.transactionKey(apiKey, refNumber)))
        return answered(Responses.failure(102))
      const product = Catalogue.find(productCode)
      if (product === undefined) return answered(Responses.failure(186))
      const found = ledger.inquiries.get(inquiryId)
      if (found === undefined || found.apiKey !== apiKey || found.usedBy !== undefined) {
        return answered(Responses.failure(185))
      }
      if (now >= found.expiresAt) return answered(Responses.failure(312))
      if (found.accountNumber !== accountNumber || found.product.code !== productCode) {
        return answered(Responses.failure(313))
      }
      if (amount !== found.quote.amount) return answered(Responses.failure(114))
      const partner = ledger.partners.get(apiKey)!
      if (partner.deposit < amount) {
        return answered(
          Responses.envelope(
            199,
            {},
            { ID: "Saldo deposit tidak mencukupi", EN: "Insufficient deposit balance" }
          )
        )
      }
      const scenario = Scenario.forPayment(accountNumber)
      const fault = scenario._tag === "Fault" ? scenario.fault : undefined
      const effect: Exclude<Scenario.PaymentEffect, { readonly _tag: "Normal" | "Fault" }> =
        scenario._tag === "Normal" || scenario._tag === "Fault"
          ? product.settlement === "instant"
            ? { _tag: "Succeed", code: product.successCode }
            : { _tag: "Pend", settleTo: 0 }
          : scenario
      const processes = commit && (fault === undefined || Fault.processesRequest({ fault }))
      const transaction: Ledger.Transaction = {
        apiKey,
        refNumber,
        transactionId: ledger.nextTransactionId,
        inquiryId,
        product,
        accountNumber,
        amount,
        quote: found.quote,
        createdAt: now,
        callbackUrls: Auth.urlsClaim(claims),
        state: "Pending",
        responseCode: 299,
        token: "",
        fulfilment: [],
        settledAt: undefined,
        debited: effect._tag !== "Fail",
        refunded: false
      }
      switch (effect._tag) {
        case "Fail":
          transaction.state = "Failed"
          transaction.responseCode = effect.code
          transaction.settledAt = now
          break
        case "Succeed":
        case "AnswerDuplicate": {
          const fulfilled = Catalogue.fulfil(product, transaction.transactionId)
          transaction.state = "Succeeded"
          transaction.responseCode = effect._tag === "Succeed" ? effect.code : 0
          transaction.token = fulfilled.token
          transaction.fulfilment = fulfilled.productDetails
          transaction.settledAt = now
          break
        }
        case "Pend":
          break
      }
      if (processes) {
        ledger.nextTransactionId += 1
        found.usedBy = refNumber
        if (transaction.debited) partner.deposit -= amount
        ledger.transactions.set(Ledger.transactionKey(apiKey, refNumber), transaction)
        if (effect._tag === "Pend" && effect.settleTo !== "never")
          scheduleSettlement(transaction, effect.settleTo, now)
      }
      switch (effect._tag) {
        case "Fail":
          return answered(Responses.failure(effect.code), fault)
        case "AnswerDuplicate":
          return answered(Responses.failure(effect.code), fault)
        case "Succeed":
          return answered(
            Responses.envelope(
              effect.code,
              Responses.transactionData(version, transaction, { full: true, stringValues: false })
            ),
            fault
          )
        case "Pend":
          return answered(
            Responses.envelope(
              299,
              Responses.transactionData(version, transaction, { full: false, stringValues: false })
            ),
            fault
          )
      }
    }

    const status = (version: 1 | 2, apiKey: string, claims: Auth.Claims): Processed => {
      const refNumber = Auth.stringClaim(claims, "refnumber")
      if (refNumber === undefined || refNumber === "") return answered(Responses.failure(321))
      const transaction = ledger.transactions.get(Ledger.transactionKey(apiKey, refNumber))
      return answered(
        transaction === undefined ? Responses.notFound(version) : Responses.status(version, transaction)
      )
    }

    const processOperation = (
      operation: Operation,
      version: 1 | 2,
      headers: Readonly<Record<string, string>>,
      body: string,
      now: number,
      commit: boolean
    ): Processed => {
      const authenticated = Auth.authenticate(headers, body, (apiKey) => ledger.partners.get(apiKey)?.secret)
      if (Either.isLeft(authenticated)) return answered(Responses.failure(authenticated.left.code))
      const { apiKey, claims } = authenticated.right
      switch (operation) {
        case "partner/balance":
          return balance(apiKey)
        case "partner/products":
          return productList()
        case "bill/check":
          return inquiry(version, apiKey, claims, now, commit)
        case "bill/payment":
          return payment(version, apiKey, claims, now, commit)
        case "bill/status":
          return status(version, apiKey, claims)
      }
    }

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
      const operation = route[2] as Operation

      // A fault asked for by header or injected rule applies whatever the request says.
      const requested = Fault.fromHeaders(headers)
      const chosen = Option.isSome(requested) ? requested : yield* faults.take("ayoconnect", operation)
      const commit = Option.isNone(chosen) || Fault.processesRequest(chosen.value)
      const processed = processOperation(operation, version, headers, body, receivedAt, commit)
      const plan: Fault.FaultPlan | undefined = Option.isSome(chosen)
        ? chosen.value
        : processed.fault === undefined
          ? undefined
          : { fault: processed.fault, latencyMillis: faultLatency }
      // The code is logged when the upstream acted on the request, even if the client never saw it.
      const responseCode =
        plan === undefined || Fault.processesRequest(plan) ? processed.responseCode : undefined
      yield* record({
        operation,
        status: plan === undefined ? processed.answer.status : Fault.loggedStatus(plan, processed.answer),
        responseCode: responseCode === undefined ? undefined : String(responseCode),
        fault: plan?.fault
      })
      return plan === undefined ? Fault.plain(processed.answer) : yield* Fault.render(plan, processed.answer)
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
      balanceOf: (apiKey) =>
        Effect.sync(() =>
          Option.map(Option.fromNullable(ledger.partners.get(apiKey)), (partner) => partner.deposit)
        ),
      setBalance: (apiKey, deposit) =>
        Effect.sync(() => {
          const partner = ledger.partners.get(apiKey)
          if (partner !== undefined) partner.deposit = deposit
        }),
      transaction: (apiKey, refNumber) =>
        Effect.sync(() =>
          Option.map(
            Option.fromNullable(ledger.transactions.get(Ledger.transactionKey(apiKey, refNumber))),
            view
          )
        ),
      transactions: Effect.sync(() => Array.from(ledger.transactions.values(), view)),
      settle: ({ apiKey, refNumber, responseCode }) =>
        Effect.flatMap(clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            const transaction = ledger.transactions.get(Ledger.transactionKey(apiKey, refNumber))
            return transaction === undefined ? false : settleNow(transaction, responseCode ?? 0, now)
          })
        ),
      callbacks: Effect.sync(() =>
        ledger.deliveries.map(
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
      snapshot: Effect.sync(() => Ledger.snapshot(ledger)),
      restore: (snapshot) =>
        Effect.flatMap(clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            Ledger.restore(ledger, snapshot, Catalogue.find)
            for (const transaction of ledger.transactions.values()) {
              const due = transaction.settlement
              if (transaction.state !== "Pending" || due === undefined) continue
              scheduleSettlement(
                transaction,
                due.responseCode,
                now,
                Duration.millis(Math.max(0, due.at - now))
              )
            }
          })
        )
    } satisfies Service
  })

/**
 * The simulator as a layer (scoped: its background fibers end with it).
 *
 * @since 0.1.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<AyoconnectSimulator, never, RequestLog.RequestLog | Fault.Faults | HttpClient.HttpClient> =>
  Layer.scoped(AyoconnectSimulator, make(options))
