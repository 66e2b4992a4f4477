/**
 * The fault matrix: every fault the simulators inject × every @kasir/core operation. Each call
 * must end in its documented typed error within its deadline, and the simulator's request log
 * must show how many attempts were made: reads retry transient faults (1 + 2 attempts here),
 * money-moving calls are sent exactly once, whatever happens.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, layer } from "@effect/vitest"
import { Ayoconnect, Nicepay, Transport } from "@kasir/core"
import { Fault, RequestLog, Sandbox } from "@kasir/sandbox"
import { Effect, Layer, Schedule } from "effect"

const TIMEOUT_MILLIS = 300
const LATENCY_MILLIS = 1_000
const retry = { retries: 2, baseDelay: "10 millis", maxDelay: "40 millis" } as const

const faults = Fault.Fault.literals

const clientsWith = (timeoutMillis: number) =>
  Layer.unwrapEffect(
    Effect.map(Sandbox.Sandbox, (sandbox) =>
      Layer.mergeAll(
        Ayoconnect.layer({
          baseUrl: sandbox.ayoconnect.baseUrl,
          apiKey: sandbox.ayoconnect.partner.apiKey,
          apiSecret: sandbox.ayoconnect.partner.secret,
          readTimeout: `${timeoutMillis} millis`,
          paymentTimeout: `${timeoutMillis} millis`,
          retryPolicy: retry,
          awaitSchedule: Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(2)))
        }),
        Nicepay.layer({
          baseUrl: sandbox.nicepay.baseUrl,
          ...sandbox.nicepay.merchant,
          timeout: `${timeoutMillis} millis`,
          retryPolicy: retry
        })
      )
    )
  )

const Clients = clientsWith(TIMEOUT_MILLIS)

// Only the latency and stall faults are about the per-attempt deadline. The others (a reset, a
// 502 page, a malformed body) must end in their own error whatever the machine's load, so their
// calls run on clients whose deadline is a hang guard: at 300 ms a loaded machine can time an
// attempt out before the simulator's reset arrives.
const aboutTheDeadline = (fault: Fault.Fault): boolean => fault === "latency" || fault === "stall"

// Setup (registering the payout a case then approves, say) is not under test: it runs on clients
// with a generous deadline, so a loaded machine cannot fail a case before its fault is injected.
const SetupClients = clientsWith(30_000).pipe(Layer.provide(NodeHttpClient.layerUndici))

// The clients over the given transport; the sandbox (its callbacks) over layerUndici. The matrix
// runs over both: kasir's lean transport (the default) and @effect/platform's layerUndici.
const transports = [
  ["Transport.layer", Transport.layer],
  ["layerUndici", NodeHttpClient.layerUndici]
] as const

const liveWith = (transport: (typeof transports)[number][1]) =>
  Clients.pipe(
    Layer.provide(transport),
    Layer.provideMerge(Sandbox.layer()),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )

type Upstream = "ayoconnect" | "nicepay"

/** What a case expects: the error's tag (and cause tag for OutcomeUnknown) and the attempt count. */
interface Expected {
  readonly tag: string
  readonly detail?: string
  readonly attempts: number
}

// Transient for reads: the exchange failed or a proxy answered 5xx. A 200 that is not an API
// response is not transient (another attempt would get the same answer).
const readExpectation = (upstream: Upstream, fault: Fault.Fault): Expected => {
  switch (fault) {
    case "latency":
    case "stall":
      return { tag: "UpstreamTimeout", attempts: 3 }
    case "reset-before":
    case "reset-after":
      return { tag: "UpstreamUnavailable", attempts: 3 }
    case "html-502":
      return upstream === "ayoconnect"
        ? { tag: "UnexpectedResponse", detail: "HttpStatus", attempts: 3 }
        : { tag: "MalformedResponse", detail: "502", attempts: 3 }
    case "malformed-json":
      return upstream === "ayoconnect"
        ? { tag: "UnexpectedResponse", detail: "MalformedJson", attempts: 1 }
        : { tag: "MalformedResponse", detail: "200", attempts: 1 }
    case "no-response-code":
      return upstream === "ayoconnect"
        ? { tag: "UnexpectedResponse", detail: "MissingResponseCode", attempts: 1 }
        : { tag: "MalformedResponse", detail: "200", attempts: 1 }
  }
}

// A money-moving call is sent once whatever the fault; its outcome is unknown, caused by the
// exchange's own error (the upstream's unexpected-body error for a 200 that is not an answer).
const moneyExpectation = (upstream: Upstream, fault: Fault.Fault): Expected => ({
  tag: "OutcomeUnknown",
  detail: aboutTheDeadline(fault)
    ? "UpstreamTimeout"
    : fault === "reset-before" || fault === "reset-after"
      ? "UpstreamUnavailable"
      : upstream === "ayoconnect"
        ? "UnexpectedResponse"
        : "MalformedResponse",
  attempts: 1
})

const detailOf = (error: unknown): string | undefined => {
  const e = error as { _tag?: string; reason?: unknown; httpStatus?: unknown; causeTag?: unknown }
  if (e._tag === "UnexpectedResponse") return String(e.reason)
  if (e._tag === "MalformedResponse") return String(e.httpStatus)
  if (e._tag === "OutcomeUnknown") return String(e.causeTag)
  return undefined
}

const inject = (upstream: Upstream, operation: string, fault: Fault.Fault) =>
  Effect.flatMap(Fault.Faults, (f) =>
    f.inject({ upstream, operation, fault, latencyMillis: LATENCY_MILLIS, times: 10 })
  )

const reset = Effect.gen(function* () {
  yield* Effect.flatMap(Fault.Faults, (f) => f.clear)
  yield* Effect.flatMap(RequestLog.RequestLog, (log) => log.clear)
})

const attemptsOf = (upstream: Upstream, operation: string) =>
  Effect.map(
    Effect.flatMap(RequestLog.RequestLog, (log) => log.entries),
    (entries) => entries.filter((e) => e.upstream === upstream && e.operation === operation).length
  )

/**
 * Runs `call` with `fault` injected into `operation` (after `setup`, which runs fault-free), and
 * checks the typed error and the number of attempts the simulator saw.
 */
const check = <S, E, R>(options: {
  readonly upstream: Upstream
  readonly operation: string
  readonly fault: Fault.Fault
  readonly setup: Effect.Effect<S, unknown, R>
  readonly call: (state: S) => Effect.Effect<unknown, E, R>
  readonly expected: Expected
  /** The clients the call runs on when the fault is not about the deadline (`aboutTheDeadline`). */
  readonly guarded: Layer.Layer<Ayoconnect.Ayoconnect | Nicepay.NicepayPayout, unknown, Sandbox.Sandbox>
}) =>
  Effect.gen(function* () {
    yield* reset
    const state = yield* Effect.provide(options.setup, SetupClients)
    yield* Effect.flatMap(RequestLog.RequestLog, (log) => log.clear)
    yield* inject(options.upstream, options.operation, options.fault)
    const call: Effect.Effect<unknown, unknown, R | Sandbox.Sandbox> = aboutTheDeadline(options.fault)
      ? options.call(state)
      : Effect.provide(options.call(state), options.guarded)
    const error = yield* Effect.flip(call)
    const { expected } = options
    expect({ tag: (error as { _tag?: string })._tag, detail: detailOf(error) }).toStrictEqual({
      tag: expected.tag,
      detail: expected.detail
    })
    expect(yield* attemptsOf(options.upstream, options.operation)).toBe(expected.attempts)
    // No wall-clock bound: the typed error (a stall's names the per-attempt timeout) and the number
    // of attempts are the behaviour; how long a loaded machine took is not.
    yield* reset
  })

let sequence = 0
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(++sequence).toString(36)}`

const inquiryInput = { accountNumber: "081234567890", productCode: "PPLSIND12" }
const payoutInput = (
  overrides: Partial<Nicepay.Schemas.PayoutRequest> = {}
): Nicepay.Schemas.PayoutRequest => ({
  partnerReferenceNo: unique("fault-"),
  beneficiaryAccountNo: "5345000060",
  beneficiaryName: "Budi Santoso",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryPostalCode: "12345",
  beneficiaryBankCode: "BBBA",
  payoutMethod: "overbooking",
  amount: 10_000 as Nicepay.Schemas.PayoutRequest["amount"],
  description: "kasir fault matrix",
  ...overrides
})

const none = Effect.void
const ayo = Ayoconnect.Ayoconnect
const nicepay = Nicepay.NicepayPayout

for (const [label, transport] of transports) {
  const Live = liveWith(transport)
  const guarded = clientsWith(30_000).pipe(Layer.provide(transport))

  describe(`every fault × every Ayoconnect operation (${label})`, () => {
    layer(Live, { timeout: 120_000, excludeTestServices: true })((it) => {
      // awaitFinal polls `status` on its schedule (3 polls here) and keeps polling through transient
      // errors, each poll being a read with its own retries: 3 × 3 attempts.
      const polls = (name: string, expected: Expected): Expected =>
        name === "awaitFinal" && expected.attempts > 1
          ? { ...expected, attempts: expected.attempts * 3 }
          : expected
      const reads: ReadonlyArray<
        readonly [string, string, Effect.Effect<unknown, unknown, Ayoconnect.Ayoconnect>]
      > = [
        ["balance", "partner/balance", Effect.flatMap(ayo, (c) => c.balance())],
        ["products", "partner/products", Effect.flatMap(ayo, (c) => c.products())],
        ["inquiry", "bill/check", Effect.flatMap(ayo, (c) => c.inquiry(inquiryInput))],
        ["status", "bill/status", Effect.flatMap(ayo, (c) => c.status({ refNumber: "never-paid-1" }))],
        ["recoverPayment", "bill/status", Effect.flatMap(ayo, (c) => c.recoverPayment("never-paid-2"))],
        ["awaitFinal", "bill/status", Effect.flatMap(ayo, (c) => c.awaitFinal({ refNumber: "never-paid-3" }))]
      ]
      for (const fault of faults) {
        for (const [name, operation, call] of reads) {
          it.effect(`${name} + ${fault}`, () =>
            check({
              guarded,
              upstream: "ayoconnect",
              operation,
              fault,
              setup: none,
              call: () => call,
              expected: polls(name, readExpectation("ayoconnect", fault))
            })
          )
        }
        it.effect(`payment + ${fault}: OutcomeUnknown, sent once`, () =>
          check({
            guarded,
            upstream: "ayoconnect",
            operation: "bill/payment",
            fault,
            setup: Effect.flatMap(ayo, (c) => c.inquiry(inquiryInput)),
            call: (inquiry: Ayoconnect.Schemas.Inquiry) =>
              Effect.flatMap(ayo, (c) =>
                c.payment({
                  ...inquiryInput,
                  inquiryId: inquiry.inquiryId,
                  amount: inquiry.amount,
                  refNumber: unique("pay")
                } as Ayoconnect.PaymentInput)
              ),
            expected: moneyExpectation("ayoconnect", fault)
          })
        )
      }
    })
  })

  describe(`every fault × every NICEPAY operation (${label})`, () => {
    layer(Live, { timeout: 120_000, excludeTestServices: true })((it) => {
      const register = (overrides?: Partial<Nicepay.Schemas.PayoutRequest>) =>
        Effect.flatMap(nicepay, (c) => c.register(payoutInput(overrides)))
      const reference = (r: Nicepay.Schemas.Registered) => ({
        partnerReferenceNo: r.partnerReferenceNo,
        originalReferenceNo: r.originalReferenceNo,
        beneficiaryAccountNo: r.beneficiaryAccountNo
      })
      // Money moves, and how a payout is brought to the state the call needs.
      const moneyMoving = [
        { name: "register", operation: "transfer/registration", setup: Effect.succeed(payoutInput()) },
        { name: "approve", operation: "transfer/approve", setup: register() },
        { name: "reject", operation: "transfer/reject", setup: register() },
        {
          name: "cancel",
          operation: "transfer/cancel",
          setup: Effect.tap(register({ reservedDt: "20991231", reservedTm: "235959" }), (r) =>
            Effect.flatMap(nicepay, (c) => c.approve(reference(r)))
          )
        }
      ] as const

      for (const fault of faults) {
        it.effect(`balance + ${fault}`, () =>
          check({
            guarded,
            upstream: "nicepay",
            operation: "balance-inquiry",
            fault,
            setup: none,
            call: () => Effect.flatMap(nicepay, (c) => c.balance()),
            expected: readExpectation("nicepay", fault)
          })
        )
        it.effect(`inquiry + ${fault}`, () =>
          check({
            guarded,
            upstream: "nicepay",
            operation: "transfer/inquiry",
            fault,
            setup: register(),
            call: (r) => Effect.flatMap(nicepay, (c) => c.inquiry(reference(r))),
            expected: readExpectation("nicepay", fault)
          })
        )
        for (const { name, operation, setup } of moneyMoving) {
          it.effect(`${name} + ${fault}: OutcomeUnknown, sent once`, () =>
            check({
              guarded,
              upstream: "nicepay",
              operation,
              fault,
              setup: setup as Effect.Effect<
                Nicepay.Schemas.PayoutRequest | Nicepay.Schemas.Registered,
                unknown,
                never
              >,
              call: (state) =>
                Effect.flatMap(
                  nicepay,
                  (c): Effect.Effect<unknown, Nicepay.TransitionError> =>
                    name === "register"
                      ? c.register(state as Nicepay.Schemas.PayoutRequest)
                      : c[name](reference(state as Nicepay.Schemas.Registered))
                ),
              expected: moneyExpectation("nicepay", fault)
            })
          )
        }
      }

      it.effect(
        "a cold token cache under every fault: the token request is a read (3 attempts, not 3 × 3)",
        () =>
          Effect.gen(function* () {
            const sandbox = yield* Sandbox.Sandbox
            for (const fault of faults) {
              // A fresh client opens a new connection and signs a new token request: on a loaded
              // machine that alone can outlast 300 ms, and a timed-out attempt is retried. Only the
              // latency and stall faults are about the deadline; the others get a hang guard.
              const deadline = aboutTheDeadline(fault) ? TIMEOUT_MILLIS : 30_000
              const fresh = Nicepay.layer({
                baseUrl: sandbox.nicepay.baseUrl,
                ...sandbox.nicepay.merchant,
                timeout: `${deadline} millis`,
                retryPolicy: retry
              })
              yield* check({
                guarded,
                upstream: "nicepay",
                operation: "access-token",
                fault,
                setup: none,
                call: () => Effect.flatMap(nicepay, (c) => c.balance()).pipe(Effect.provide(fresh)),
                expected: readExpectation("nicepay", fault)
              })
            }
          })
      )
    })
  })
}
