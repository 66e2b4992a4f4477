/**
 * The Ayoconnect PPOB client: one Effect per operation, typed end to end.
 *
 * Every request is serialised once: the JSON text of `{ partnerId, ...parameters }` is signed
 * as the `TOKEN` (HS256) and sent, byte for byte, as the body. Answers are classified by
 * `responseCode`, never by `success`. Reads (balance, products, inquiry, status) are retried on
 * transport failures with bounded, jittered backoff; a payment is sent exactly once, and when
 * its outcome cannot be known it fails with `OutcomeUnknown` — resolve it with `status`
 * or `recoverPayment` on the same refNumber, never by paying again under a new one.
 *
 * All signing goes through the `AyoconnectSigner` service, so a KMS- or HSM-backed signer can
 * replace the in-memory secret: `layer(config)` signs with `config.apiSecret`, `layerWithSigner`
 * uses the signer in context. `layerConfig(config)` takes a `Config` (default `Config.fromEnv`);
 * a retry policy or an `awaitFinal` schedule, which have no environment form, are added with
 * `Config.map(Config.fromEnv, (config) => ({ ...config, retryPolicy }))`.
 */
import { HttpClient } from "@effect/platform"
import {
  type Config,
  Context,
  Data,
  Duration,
  Effect,
  Either,
  Layer,
  type Redacted,
  type Schedule,
  Schema
} from "effect"
import type { ConfigError } from "effect/ConfigError"
import * as Tracing from "../internal/tracing.js"
import * as Idempotency from "../Idempotency.js"
import { type InvalidConfig, InvalidInput, OutcomeUnknown } from "../KasirError.js"
import * as Poll from "../Poll.js"
import * as Transport from "../Transport.js"
import * as Upstream from "../Upstream.js"
import * as Callback from "./Callback.js"
import * as AyoconnectConfig from "./Config.js"
import { type InvalidCallback, StillPending, UnexpectedResponse } from "./Errors.js"
import * as Envelope from "./internal/envelope.js"
import * as Payment from "./internal/payment.js"
import { validate } from "./internal/validate.js"
import * as Wire from "./internal/wire.js"
import * as ResponseCode from "./ResponseCode.js"
import * as Schemas from "./Schemas.js"
import * as Signer from "./Signer.js"
import * as Status from "./Status.js"

/**
 * What a read can fail with: a response code, an answer that is not an API response, the
 * transport, or the signer.
 */
export type ReadError =
  | ResponseCode.ResponseCodeError
  | UnexpectedResponse
  | Upstream.TransportError
  | Signer.SigningFailed

/**
 * What a payment can fail with. `UpstreamUnavailable` only when the request provably never left
 * (connection refused); every unclear case is `OutcomeUnknown`. A response-code error is
 * final only for codes 100–199 (except 102/108), 301–399 and 401; every other code, including
 * 402, 403, 409, 490 and 495, is `OutcomeUnknown` with its `upstreamCode` — resolve it with
 * `status`, whose answer maps those codes to their classes.
 */
export type PaymentError =
  | Exclude<ResponseCode.ResponseCodeError, ResponseCode.DuplicateTransaction>
  | OutcomeUnknown
  | Upstream.UpstreamUnavailable
  | InvalidInput
  | Signer.SigningFailed

/**
 * The inquiry parameters as the caller gives them (validated before sending).
 */
export type InquiryInput = typeof Schemas.InquiryRequest.Encoded

/**
 * The payment parameters as the caller gives them (validated before sending).
 */
export type PaymentInput = typeof Schemas.PaymentRequest.Encoded

/**
 * What `recoverPayment` found: Ayoconnect has no transaction under the refNumber (188), or the
 * transaction's current state.
 *
 * `NotCreated` is only trustworthy some time after the attempt: Ayoconnect asks to wait 150 s
 * after an unclear payment outcome before checking status, because it may not have recorded the
 * refNumber yet. Right after the attempt, treat `NotCreated` as still unknown; only then is
 * resending the same refNumber safe. `Found` is whatever Ayoconnect holds under the refNumber —
 * when the refNumber may have been used before, check it is this payment with
 * `Status.differingFields` (see `Idempotency.ReferenceReused`).
 */
export type Recovery = Data.TaggedEnum<{
  NotCreated: { readonly refNumber: string }
  Found: { readonly status: Status.TransactionStatus }
}>

export const Recovery = Data.taggedEnum<Recovery>()

/**
 * How long after a payment could last have been sent Ayoconnect's "no transaction under this
 * refNumber" (RC 188) is conclusive: Ayoconnect asks to wait 150 s after an unclear payment
 * outcome before trusting its status, because it may not have recorded the refNumber yet.
 */
export const notCreatedConclusiveAfter: Duration.Duration = Duration.seconds(150)

/**
 * Whether `NotCreated` (RC 188) proves nothing was charged, `elapsed` after the payment could last
 * have been sent (`notCreatedConclusiveAfter`).
 */
export const isNotCreatedConclusive = (elapsed: Duration.DurationInput): boolean =>
  Duration.greaterThanOrEqualTo(Duration.decode(elapsed), notCreatedConclusiveAfter)

/**
 * The signer an Ayoconnect client uses. `layer` provides one from the in-memory secret; provide
 * your own (`Signer.Signer`) to sign with a KMS or HSM.
 */
export class AyoconnectSigner extends Context.Tag("@kasir/core/Ayoconnect/AyoconnectSigner")<
  AyoconnectSigner,
  Signer.Signer
>() {}

/**
 * The client's operations.
 */
export interface Service {
  /** `POST /api/v2/partner/balance`: the partner's deposit. */
  readonly balance: () => Effect.Effect<Schemas.Balance, ReadError>
  /** `POST /api/v2/partner/products`: the product list. */
  readonly products: () => Effect.Effect<ReadonlyArray<Schemas.Product>, ReadError>
  /** `POST /api/v2/bill/check`: the bill or price to pay (RC 300). */
  readonly inquiry: (input: InquiryInput) => Effect.Effect<Schemas.Inquiry, ReadError | InvalidInput>
  /** `POST /api/v2/bill/payment`: pays an inquiry, once. */
  readonly payment: (input: PaymentInput) => Effect.Effect<Status.PaymentOutcome, PaymentError>
  /** `POST /api/v2/bill/status`: the transaction's state (the truth, unlike callbacks). */
  readonly status: (input: {
    readonly refNumber: string
  }) => Effect.Effect<Status.TransactionStatus, ReadError | InvalidInput>
  /** Polls `status` on a schedule until the transaction is final. */
  readonly awaitFinal: (
    input: { readonly refNumber: string },
    schedule?: Schedule.Schedule<unknown, unknown>
  ) => Effect.Effect<Status.FinalStatus, ReadError | InvalidInput | StillPending>
  /**
   * After `OutcomeUnknown`: looks the refNumber up before anything is resent. `NotCreated`
   * is only conclusive ~150 s after the attempt (see `Recovery`).
   */
  readonly recoverPayment: (refNumber: string) => Effect.Effect<Recovery, ReadError | InvalidInput>
  /**
   * Right after `payment` failed with `OutcomeUnknown`: resolves it by one status read,
   * never a resend. Ayoconnect's transaction under the refNumber is returned when it is this
   * payment (`Failed` included: the caller reports its error); a different payment under the
   * refNumber is `Idempotency.ReferenceReused`; no transaction yet (RC 188) stays
   * `OutcomeUnknown` (it is not conclusive before `notCreatedConclusiveAfter`); a status
   * that cannot be read leaves the original `OutcomeUnknown`.
   */
  readonly resolvePaymentOutcome: (
    input: PaymentInput,
    unknown: OutcomeUnknown
  ) => Effect.Effect<Status.TransactionStatus, OutcomeUnknown | Idempotency.ReferenceReused>
  /** Decodes a callback body into the state it claims (unverified: a hint). */
  readonly decodeCallback: (
    rawBody: string | Uint8Array
  ) => Effect.Effect<Status.TransactionStatus, InvalidCallback>
  /** Decodes a callback and returns the upstream's own answer for its refNumber (via `status`). */
  readonly confirmCallback: (
    rawBody: string | Uint8Array
  ) => Effect.Effect<Status.TransactionStatus, InvalidCallback | ReadError | InvalidInput>
  /**
   * `confirmCallback`, also returning what the callback claimed (to log a claim that disagrees
   * with the upstream's own answer; only `confirmed` is to be believed).
   */
  readonly confirmCallbackClaim: (rawBody: string | Uint8Array) => Effect.Effect<
    {
      readonly claimed: Status.TransactionStatus
      readonly confirmed: Status.TransactionStatus
    },
    InvalidCallback | ReadError | InvalidInput
  >
}

/**
 * The Ayoconnect client service.
 */
export class Ayoconnect extends Context.Tag("@kasir/core/Ayoconnect")<Ayoconnect, Service>() {}

/**
 * How `awaitFinal` polls by default: every 5 seconds, for up to 5 minutes.
 */
export const defaultAwaitSchedule: Schedule.Schedule<unknown, unknown> = Poll.defaultSchedule

/**
 * Whether a read failure is worth another attempt: transport trouble, or an HTTP error status a
 * proxy answers while the API is unreachable (408, 429, 5xx).
 */
export const isTransientReadError = (error: unknown): boolean =>
  Upstream.isTransportError(error) ||
  (Schema.is(UnexpectedResponse)(error) &&
    error.reason === "HttpStatus" &&
    (error.status >= 500 || error.status === 408 || error.status === 429))

/**
 * Client settings other than the secret (which the `AyoconnectSigner` holds).
 */
export type Options = AyoconnectConfig.Options

/**
 * Makes the service over the `AyoconnectSigner` in context. Fails with `InvalidConfig` for
 * unusable options, before any request.
 */
export const make = (
  options: Options
): Effect.Effect<Service, InvalidConfig, HttpClient.HttpClient | AyoconnectSigner> =>
  Effect.gen(function* () {
    const config = yield* AyoconnectConfig.resolve(options)
    const signer = yield* AyoconnectSigner
    const client = Upstream.prepareClient(yield* HttpClient.HttpClient)
    const retryPolicy = config.retryPolicy ?? Upstream.defaultRetryPolicy
    const awaitSchedule = options.awaitSchedule ?? defaultAwaitSchedule
    const retryRead = Upstream.retryReads<ReadError>(retryPolicy, isTransientReadError)
    // Operation spans only when a tracer is configured where the layer is built (decided once).
    const operations = yield* Tracing.current
    const { fn, annotate } = operations
    const wire = Wire.make({ config, signer, client, retryRead })
    const { read, readSuccess, decodeData } = wire
    const payment = Payment.make(config, operations, wire)
    const balance = fn("ayoconnect.balance")(function* () {
      return yield* read("partner/balance", {}, readSuccess(Schemas.Balance, "partner/balance"))
    })

    const products = fn("ayoconnect.products")(function* () {
      return yield* read("partner/products", {}, readSuccess(Schemas.Products, "partner/products"))
    })

    const inquiry = fn("ayoconnect.inquiry")(function* (input: InquiryInput) {
      const request = yield* validate("inquiry", Schemas.InquiryRequest, input)
      yield* annotate({ "ayoconnect.productCode": request.productCode })
      return yield* read(
        "bill/check",
        {
          accountNumber: request.accountNumber,
          productCode: request.productCode,
          amount: request.amount,
          zoneId: request.zoneId,
          month: request.month
        },
        (parsed) =>
          parsed.envelope.responseCode === ResponseCode.INQUIRY_OK
            ? decodeData("bill/check", Schemas.Inquiry, parsed)
            : Either.left(ResponseCode.toError(parsed.envelope, parsed.body))
      )
    })

    const status = fn("ayoconnect.status")(function* (input: { readonly refNumber: string }) {
      const refNumber = yield* validate("status", Schemas.RefNumber, input.refNumber).pipe(
        Effect.mapError((error) => new InvalidInput({ ...error, field: "refNumber" }))
      )
      yield* annotate({ "ayoconnect.refNumber": refNumber })
      return yield* read("bill/status", { refNumber }, (parsed) =>
        Either.mapLeft(Status.classify(parsed.envelope, parsed.body, refNumber), (problem) =>
          problem._tag === "Error"
            ? problem.error
            : new UnexpectedResponse({
                operation: "status",
                status: 200,
                reason: "InvalidBody",
                detail: problem.detail,
                excerpt: Envelope.excerpt(JSON.stringify(parsed.body))
              })
        )
      )
    })

    const awaitFinal = fn("ayoconnect.awaitFinal")(function* (
      input: { readonly refNumber: string },
      schedule?: Schedule.Schedule<unknown, unknown>
    ) {
      const poll = Effect.flatMap(status(input), (current) =>
        Status.isFinal(current)
          ? Effect.succeed(current)
          : Effect.fail(
              new StillPending({ refNumber: current.refNumber, responseCode: current.responseCode })
            )
      )
      return yield* Effect.retry(poll, {
        schedule: schedule ?? awaitSchedule,
        while: (error) => error._tag === "StillPending" || isTransientReadError(error)
      })
    })

    const recoverPayment = fn("ayoconnect.recoverPayment")(function* (refNumber: string) {
      return yield* status({ refNumber }).pipe(
        Effect.map((found) => Recovery.Found({ status: found })),
        Effect.catchTag("TransactionNotFound", () => Effect.succeed(Recovery.NotCreated({ refNumber })))
      )
    })

    const resolvePaymentOutcome = fn("ayoconnect.resolvePaymentOutcome")(function* (
      input: PaymentInput,
      unknown: OutcomeUnknown
    ) {
      const recovery = yield* Effect.either(recoverPayment(input.refNumber))
      if (Either.isLeft(recovery)) return yield* Effect.fail(unknown)
      if (recovery.right._tag === "NotCreated") {
        return yield* Effect.fail(
          new OutcomeUnknown({
            ...unknown,
            reason: `${unknown.reason}; Ayoconnect has no transaction under this refNumber yet, which right after an unclear outcome does not mean nothing was charged: Ayoconnect may not have recorded it yet and asks to wait ${Duration.toSeconds(notCreatedConclusiveAfter)} s before trusting its status`
          })
        )
      }
      const status = recovery.right.status
      const differing = Status.differingFields(input, status)
      if (differing.length > 0) {
        return yield* Effect.fail(
          new Idempotency.ReferenceReused({
            upstream: "ayoconnect",
            operation: "payment",
            referenceField: "refNumber",
            reference: input.refNumber,
            fields: differing
          })
        )
      }
      return status
    })

    const decodeCallback = fn("ayoconnect.decodeCallback")(function* (rawBody: string | Uint8Array) {
      return yield* Callback.decode(rawBody)
    })

    const confirmCallbackClaim = fn("ayoconnect.confirmCallback")(function* (rawBody: string | Uint8Array) {
      const claimed = yield* Callback.decode(rawBody)
      const confirmed = yield* status({ refNumber: claimed.refNumber })
      return { claimed, confirmed }
    })

    const confirmCallback = (rawBody: string | Uint8Array) =>
      Effect.map(confirmCallbackClaim(rawBody), ({ confirmed }) => confirmed)

    return {
      balance,
      products,
      inquiry,
      payment,
      status,
      awaitFinal,
      recoverPayment,
      resolvePaymentOutcome,
      decodeCallback,
      confirmCallback,
      confirmCallbackClaim
    } satisfies Service
  })

/**
 * A signer over the in-memory secret, as a layer. A blank secret fails with `InvalidConfig`.
 */
export const signerLayer = (secrets: {
  readonly apiSecret: Redacted.Redacted<string>
}): Layer.Layer<AyoconnectSigner, InvalidConfig> =>
  Layer.effect(
    AyoconnectSigner,
    Effect.map(AyoconnectConfig.resolveSecret(secrets.apiSecret), Signer.fromSecret)
  )

/**
 * The client over the `AyoconnectSigner` in context (bring your own signer). Unusable options
 * fail the layer with `InvalidConfig`.
 */
export const layerWithSigner = (
  options: Options
): Layer.Layer<Ayoconnect, InvalidConfig, HttpClient.HttpClient | AyoconnectSigner> =>
  Layer.effect(Ayoconnect, make(options))

/**
 * The client from a configuration, signing with its in-memory secret. Unusable settings (the
 * secret included) fail the layer with `InvalidConfig`.
 */
export const layer = (
  config: AyoconnectConfig.AyoconnectConfig
): Layer.Layer<Ayoconnect, InvalidConfig, HttpClient.HttpClient> =>
  layerWithSigner(config).pipe(Layer.provide(signerLayer(config)))

/**
 * The client from a `Config` (default `Config.fromEnv`: `AYOCONNECT_BASE_URL`,
 * `AYOCONNECT_API_KEY`, `AYOCONNECT_API_SECRET`, optional `AYOCONNECT_API_VERSION` (default 2),
 * `AYOCONNECT_READ_TIMEOUT` (30 seconds), `AYOCONNECT_PAYMENT_TIMEOUT` (10 seconds)). The retry
 * policy and the `awaitFinal` schedule have no environment form: add them with `Config.map`. It
 * sends through the `HttpClient` in context when there is one, else through its own lean
 * transport (`Transport.make`, closed with the layer).
 */
export const layerConfig = (
  config: Config.Config<AyoconnectConfig.AyoconnectConfig> = AyoconnectConfig.fromEnv
): Layer.Layer<Ayoconnect, ConfigError | InvalidConfig> =>
  Layer.unwrapEffect(Effect.map(config, (resolved) => layer(resolved))).pipe(
    Layer.provide(Transport.layerFromContextOrMake)
  )
