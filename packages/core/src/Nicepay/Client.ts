/**
 * The NICEPAY SNAP payout (disbursement) client.
 *
 * Flow: `register` a payout (status `Pending`, NICEPAY returns its id `originalReferenceNo`), then
 * `approve` it (NICEPAY disburses; status `Success`, or `Suspect` then `Success`/`Failed`) or
 * `reject` it; `cancel` stops an approved scheduled payout before it runs. `inquiry` reads the
 * status; notifications announce changes and are confirmed with `inquiry`.
 *
 * Money-moving calls (`register`, `approve`, `cancel`, `reject`) are sent once. When their outcome
 * cannot be known they fail with `OutcomeUnknown`; resolve it with `recover`, never by resending
 * blindly. A registration's `OutcomeUnknown` cannot be resolved by a read (NICEPAY's inquiry needs
 * the payout id the lost answer carried): repeating it is the caller's decision, and a repeat
 * NICEPAY refuses as a duplicate is resolved with `resolveDuplicateRegistration`.
 *
 * All signing goes through the `NicepaySigner` service, so a KMS- or HSM-backed signer can replace
 * the in-memory keys.
 *
 * @since 0.1.0
 */
import type { KeyObject } from "node:crypto"
import type { HttpClient } from "@effect/platform"
import {
  type Config,
  type ConfigError,
  Context,
  Effect,
  Either,
  Layer,
  type Redacted,
  type Schema,
  type Schedule,
  type Scope
} from "effect"
import * as Idempotency from "../Idempotency.js"
import * as Poll from "../Poll.js"
import * as AccessToken from "../Snap/AccessToken.js"
import * as SnapClient from "../Snap/Client.js"
import * as Response from "../Snap/Response.js"
import type * as ResponseCode from "../Snap/ResponseCode.js"
import { InvalidKey, type KeyInput, parsePublicKey } from "../Snap/Signature.js"
import { fromKeys, type Signer } from "../Snap/Signer.js"
import * as Tracing from "../internal/tracing.js"
import * as Transport from "../Transport.js"
import * as Upstream from "../Upstream.js"
import * as NicepayConfig from "./Config.js"
import { PayoutStillPending } from "./Errors.js"
import * as Notification from "./Notification.js"
import * as NicepayResponseCode from "./ResponseCode.js"
import * as Schemas from "./Schemas.js"

/**
 * The signer a NICEPAY client uses. `layer` provides one from in-memory keys; provide your own
 * (same interface as `Snap.Signer`) to sign with a KMS or HSM.
 *
 * @since 0.1.0
 */
export class NicepaySigner extends Context.Tag("@kasir/core/Nicepay/NicepaySigner")<
  NicepaySigner,
  Signer
>() {}

/**
 * The signed paths (after the base URL, which carries the `/nicepay` context).
 *
 * @since 0.1.0
 */
export const paths = {
  accessToken: AccessToken.TOKEN_PATH,
  balance: "/api/v1.0/balance-inquiry",
  registration: "/api/v1.0/transfer/registration",
  approve: "/api/v1.0/transfer/approve",
  inquiry: "/api/v1.0/transfer/inquiry",
  cancel: "/api/v1.0/transfer/cancel",
  reject: "/api/v1.0/transfer/reject"
} as const

/**
 * Failures of every NICEPAY call, reads and money-moving calls alike: the input refused before
 * sending, or the SNAP call's failure (`OutcomeUnknown` only arises where money may have moved).
 *
 * @since 0.1.0
 */
export type CallError = SnapClient.CallError | Schemas.InvalidInput

/**
 * Failures of `approve`, `reject` and `cancel`: a money-moving call's, or `InvalidTransition`
 * when the payout's current status does not allow the transition (a repeat of a transition that
 * already happened succeeds instead).
 *
 * @since 0.1.0
 */
export type TransitionError = CallError | Schemas.InvalidTransition

/**
 * The NICEPAY payout operations for one merchant.
 *
 * @since 0.1.0
 */
export interface Service {
  readonly clientId: string
  /** Service 11: the merchant's available balance. */
  readonly balance: (input?: Schemas.BalanceRequest) => Effect.Effect<Schemas.Balance, CallError>
  /** Registers a payout (status `Pending`). */
  readonly register: (payout: Schemas.PayoutRequest) => Effect.Effect<Schemas.Registered, CallError>
  /**
   * Approves a registered payout: NICEPAY disburses it. Approving a payout already approved
   * (`Success`, `Suspect`, `Failed`) answers its current status with `repeated: true`; reject and
   * cancel likewise for `Rejected` / `Canceled`. Any other status: `InvalidTransition`.
   */
  readonly approve: (
    payout: Schemas.PayoutReference
  ) => Effect.Effect<Schemas.Transitioned | Schemas.InProgress, TransitionError>
  /** Rejects a registered payout that was not approved. */
  readonly reject: (
    payout: Schemas.PayoutReference
  ) => Effect.Effect<Schemas.Transitioned | Schemas.InProgress, TransitionError>
  /** Cancels an approved scheduled payout before it runs. */
  readonly cancel: (
    payout: Schemas.PayoutReference
  ) => Effect.Effect<Schemas.Transitioned | Schemas.InProgress, TransitionError>
  /** The payout's current status. */
  readonly inquiry: (payout: Schemas.InquiryReference) => Effect.Effect<Schemas.PayoutState, CallError>
  /**
   * Polls `inquiry` until the payout is final (not `Pending` or `Suspect`), on `schedule`
   * (default `Poll.defaultSchedule`: every 5 s for up to 5 min); `PayoutStillPending` when the
   * schedule ends first. Transient read failures are retried within the same schedule.
   */
  readonly awaitFinal: (
    payout: Schemas.InquiryReference,
    schedule?: Schedule.Schedule<unknown, unknown>
  ) => Effect.Effect<Schemas.PayoutState, CallError | PayoutStillPending>
  /**
   * A fresh B2B access token and its lifetime (`expiresInSeconds`), outside the client's cache:
   * proves the credentials work. The token is `Redacted`.
   */
  readonly accessToken: () => Effect.Effect<AccessToken.Grant, AccessToken.TokenError>
  /**
   * Status-first recovery from `OutcomeUnknown` of approve, cancel or reject: reads the payout's
   * status instead of resending. A registration's `OutcomeUnknown` has no payout id to read.
   */
  readonly recover: (unknown: SnapClient.OutcomeUnknown) => Effect.Effect<Schemas.PayoutState, CallError>
  /**
   * After `register(payout)` failed with `DuplicatePartnerReference`: reads the payout NICEPAY
   * already holds under that `partnerReferenceNo` with `inquiry`, and returns it when it is the
   * one requested. Nothing is sent again.
   *
   * - The duplicate answer does not name the existing payout (NICEPAY does not document that it
   *   does; the kasir simulator does by default): fails with that `DuplicatePartnerReference` —
   *   read the payout with the `originalReferenceNo` its first registration returned.
   * - The existing payout differs in `amount`, `beneficiaryAccountNo` or `beneficiaryBankCode`
   *   (`Schemas.differingFields`), or the inquiry finds no payout for this beneficiary account:
   *   fails with `Idempotency.ReferenceReused`.
   */
  readonly resolveDuplicateRegistration: (
    payout: Schemas.PayoutRequest,
    duplicate: ResponseCode.DuplicatePartnerReference
  ) => Effect.Effect<
    Schemas.PayoutState,
    CallError | ResponseCode.DuplicatePartnerReference | Idempotency.ReferenceReused
  >
  /**
   * Verifies what a notification carries outside its body (headers, client key, timestamp
   * freshness, signature), so a receiver can refuse it before reading the body.
   */
  readonly verifyNotificationHeaders: (
    headers: Notification.Received["headers"]
  ) => Effect.Effect<
    { readonly clientId: string; readonly timestamp: string },
    Notification.InvalidNotification
  >
  /** Verifies a notification's signature and freshness and reads its (unconfirmed) body. */
  readonly verifyNotification: (
    received: Notification.Received
  ) => Effect.Effect<Notification.Notification, Notification.InvalidNotification>
  /** Verifies a notification, then re-reads the payout with `inquiry` and returns NICEPAY's answer. */
  readonly confirmNotification: (
    received: Notification.Received
  ) => Effect.Effect<Schemas.PayoutState, Notification.InvalidNotification | CallError>
}

/**
 * @since 0.1.0
 */
export class NicepayPayout extends Context.Tag("@kasir/core/Nicepay/NicepayPayout")<
  NicepayPayout,
  Service
>() {}

/**
 * Client settings other than the keys (which the `NicepaySigner` holds).
 *
 * @since 0.1.0
 */
export type Options = Omit<NicepayConfig.NicepayConfig, "clientId" | "clientSecret" | "privateKey">

const UPSTREAM = "nicepay"

type Accepted = Response.Accepted

// NICEPAY's notification key, parsed once when the client is built: a corrupt key fails startup
// instead of every notification. The error names the variable, never the key material.
const parseNotificationKey = (key: KeyInput): Either.Either<KeyObject, InvalidKey> =>
  Either.mapLeft(
    parsePublicKey(key),
    (error) =>
      new InvalidKey({
        keyType: "public",
        reason: `NICEPAY_NOTIFICATION_PUBLIC_KEY (NICEPAY's notification public key): ${error.reason}`
      })
  )

/**
 * Makes the service over the `NicepaySigner` in context. A configured `notificationPublicKey` is
 * parsed here, once; a malformed one fails with `InvalidKey` (kind `Configuration`).
 *
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<Service, InvalidKey, HttpClient.HttpClient | NicepaySigner | Scope.Scope> =>
  Effect.gen(function* () {
    const notificationKey =
      options.notificationPublicKey === undefined
        ? undefined
        : yield* parseNotificationKey(options.notificationPublicKey)
    const signer = yield* NicepaySigner
    const clientId = signer.clientId
    // Operation spans only when a tracer is configured where the layer is built (decided once).
    const { fn, traced } = yield* Tracing.current
    const snap = yield* SnapClient.make({
      upstream: UPSTREAM,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      signer,
      channelId: options.channelId,
      timeout: options.timeout ?? NicepayConfig.defaultTimeout,
      retryPolicy: options.retryPolicy ?? Upstream.defaultRetryPolicy,
      tokenRefreshMargin: options.tokenRefreshMargin,
      // Response codes mean what NICEPAY's own table says where it differs from ASPI's (404xx13
      // Paid Bill, 404xx18 Account Inactive under HTTP 403); the generic SNAP table stays ASPI's.
      dialect: NicepayResponseCode.dialect
    })

    // A success body that does not decode: for a read that is a malformed response; for a
    // money-moving call the upstream acted but we cannot read what it did.
    const decode = <A, I>(
      schema: Schema.Schema<A, I>,
      accepted: Accepted,
      operation: string,
      references?: SnapClient.References
    ): Effect.Effect<A, Response.MalformedResponse | SnapClient.OutcomeUnknown> =>
      Either.match(Schemas.decodeResponse(schema, accepted.json), {
        onRight: Effect.succeed,
        onLeft: (reason) => {
          const malformed = new Response.MalformedResponse({
            upstream: UPSTREAM,
            operation,
            httpStatus: accepted.httpStatus,
            reason,
            body: Response.maskBody(accepted.body)
          })
          return Effect.fail(
            references === undefined
              ? malformed
              : new SnapClient.OutcomeUnknown({
                  upstream: UPSTREAM,
                  operation,
                  references,
                  reason: malformed.message,
                  causeTag: malformed._tag
                })
          )
        }
      })

    const balance = fn("nicepay.balance")(function* (input?: Schemas.BalanceRequest) {
      const request = yield* Schemas.validate(Schemas.BalanceRequest, "balance", input ?? {})
      const accepted = yield* snap.call({
        operation: "balance-inquiry",
        path: paths.balance,
        body: { accountNo: clientId, additionalInfo: { msId: request.msId ?? "" } },
        safeToRetry: true
      })
      const response = yield* decode(Schemas.BalanceResponse, accepted, "balance-inquiry")
      return yield* Either.match(Schemas.toBalance(clientId, response), {
        onRight: Effect.succeed,
        onLeft: (reason) =>
          Effect.fail(
            new Response.MalformedResponse({
              upstream: UPSTREAM,
              operation: "balance-inquiry",
              httpStatus: accepted.httpStatus,
              reason,
              body: Response.maskBody(accepted.body)
            })
          )
      })
    })

    const sendRegistration = (payout: Schemas.PayoutRequest) =>
      Effect.gen(function* () {
        const references = {
          partnerReferenceNo: payout.partnerReferenceNo,
          beneficiaryAccountNo: payout.beneficiaryAccountNo
        }
        const accepted = yield* snap.call({
          operation: "transfer/registration",
          path: paths.registration,
          body: Schemas.registrationBody(clientId, payout),
          safeToRetry: false,
          references
        })
        const r = yield* decode(Schemas.RegistrationResponse, accepted, "transfer/registration", references)
        return {
          partnerReferenceNo: r.partnerReferenceNo,
          originalReferenceNo: r.originalReferenceNo,
          beneficiaryAccountNo:
            r.beneficiaryaccountNo ?? r.beneficiaryAccountNo ?? payout.beneficiaryAccountNo,
          beneficiaryName: r.beneficiaryName,
          beneficiaryBankCode: r.beneficiaryBankCode,
          payoutMethod: r.payoutMethod,
          amount: r.amount,
          status: "Pending"
        } satisfies Schemas.Registered
      })

    const register = fn("nicepay.register")(function* (payout: Schemas.PayoutRequest) {
      const valid = yield* Schemas.validate(Schemas.PayoutRequest, "register", payout, true)
      return yield* sendRegistration(valid)
    })

    // A repeated transition (a retry after a lost answer, concurrent approves) finds the payout
    // already moved: NICEPAY answers 404xx00 Invalid Transaction Status. The payout is read; in
    // the requested end state the repeat succeeds with that status, as a repeated registration
    // does; anywhere else the transition is impossible (`InvalidTransition`). Nothing is resent.
    const repeatedTransition = (
      operation: "approve" | "reject" | "cancel",
      ref: Schemas.PayoutReference,
      refused: ResponseCode.InvalidTransactionStatus
    ) =>
      Effect.gen(function* () {
        if (ref.beneficiaryAccountNo === undefined) return yield* Effect.fail(refused)
        const state = yield* readStatus({
          partnerReferenceNo: ref.partnerReferenceNo,
          originalReferenceNo: ref.originalReferenceNo,
          beneficiaryAccountNo: ref.beneficiaryAccountNo
        })
        if (!endStates[operation].includes(state.status)) {
          return yield* new Schemas.InvalidTransition({
            operation,
            partnerReferenceNo: state.partnerReferenceNo,
            originalReferenceNo: state.originalReferenceNo,
            status: state.status
          })
        }
        return {
          _tag: "Done",
          partnerReferenceNo: state.partnerReferenceNo,
          originalReferenceNo: state.originalReferenceNo,
          beneficiaryAccountNo: state.beneficiaryAccountNo,
          beneficiaryName: state.beneficiaryName,
          beneficiaryBankCode: state.beneficiaryBankCode,
          amount: state.amount,
          status: state.status,
          repeated: true
        } satisfies Schemas.Transitioned
      })

    const transition = (operation: "approve" | "reject" | "cancel") =>
      fn(`nicepay.${operation}`)(function* (payout: Schemas.PayoutReference) {
        const ref = yield* Schemas.validate(Schemas.PayoutReference, operation, payout)
        const references = {
          partnerReferenceNo: ref.partnerReferenceNo,
          originalReferenceNo: ref.originalReferenceNo,
          ...(ref.beneficiaryAccountNo === undefined
            ? {}
            : { beneficiaryAccountNo: ref.beneficiaryAccountNo })
        }
        const sent = yield* snap
          .call({
            operation: `transfer/${operation}`,
            path: paths[operation],
            body: {
              originalReferenceNo: ref.originalReferenceNo,
              merchantId: clientId,
              originalPartnerReferenceNo: ref.partnerReferenceNo
            },
            safeToRetry: false,
            references
          })
          .pipe(
            Effect.map(Either.right),
            Effect.catchTag("InvalidTransactionStatus", (refused) =>
              Effect.map(repeatedTransition(operation, ref, refused), Either.left)
            )
          )
        // Left: the payout was already in the requested end state.
        if (Either.isLeft(sent)) return sent.left
        const accepted = sent.right
        if (accepted.code.httpStatus === 202) {
          return {
            _tag: "InProgress",
            partnerReferenceNo: ref.partnerReferenceNo,
            originalReferenceNo: ref.originalReferenceNo,
            beneficiaryAccountNo: ref.beneficiaryAccountNo,
            responseMessage: accepted.responseMessage
          } satisfies Schemas.InProgress
        }
        const r = yield* decode(Schemas.PayoutResponse, accepted, `transfer/${operation}`, references)
        return {
          _tag: "Done",
          partnerReferenceNo: r.originalPartnerReferenceNo,
          originalReferenceNo: r.originalReferenceNo,
          beneficiaryAccountNo: r.beneficiaryAccountNo ?? r.beneficiaryaccountNo ?? ref.beneficiaryAccountNo,
          beneficiaryName: r.beneficiaryName,
          beneficiaryBankCode: r.beneficiaryBankCode,
          amount: r.amount,
          status: r.transactionStatus ?? endStates[operation][0]!,
          repeated: false,
          transactionStatus: r.transactionStatus
        } satisfies Schemas.Transitioned
      })

    const readStatus = (ref: Schemas.InquiryReference) =>
      Effect.gen(function* () {
        const accepted = yield* snap.call({
          operation: "transfer/inquiry",
          path: paths.inquiry,
          body: {
            merchantId: clientId,
            originalPartnerReferenceNo: ref.partnerReferenceNo,
            originalReferenceNo: ref.originalReferenceNo,
            beneficiaryAccountNo: ref.beneficiaryAccountNo
          },
          safeToRetry: true
        })
        const r = yield* decode(Schemas.InquiryResponse, accepted, "transfer/inquiry")
        return {
          partnerReferenceNo: r.originalPartnerReferenceNo,
          originalReferenceNo: r.originalReferenceNo,
          beneficiaryAccountNo: r.beneficiaryAccountNo ?? r.beneficiaryaccountNo ?? ref.beneficiaryAccountNo,
          beneficiaryName: r.beneficiaryName,
          beneficiaryBankCode: r.beneficiaryBankCode,
          amount: r.amount,
          status: r.latestTransactionStatus,
          statusDescription: r.transactionStatusDesc,
          transactionDate: r.transactionDate
        } satisfies Schemas.PayoutState
      })

    const inquiry = fn("nicepay.inquiry")(function* (payout: Schemas.InquiryReference) {
      const ref = yield* Schemas.validate(Schemas.InquiryReference, "inquiry", payout)
      return yield* readStatus(ref)
    })

    const awaitFinal = fn("nicepay.awaitFinal")(function* (
      payout: Schemas.InquiryReference,
      schedule?: Schedule.Schedule<unknown, unknown>
    ) {
      const poll = Effect.flatMap(inquiry(payout), (current) =>
        isSettled(current.status)
          ? Effect.succeed(current)
          : Effect.fail(
              new PayoutStillPending({
                partnerReferenceNo: payout.partnerReferenceNo,
                status: current.status
              })
            )
      )
      return yield* Effect.retry(poll, {
        schedule: schedule ?? Poll.defaultSchedule,
        while: (error) => error._tag === "PayoutStillPending" || SnapClient.isTransient(error)
      })
    })

    const recover = fn("nicepay.recover")(function* (unknown: SnapClient.OutcomeUnknown) {
      const { partnerReferenceNo, originalReferenceNo, beneficiaryAccountNo } = unknown.references
      if (originalReferenceNo === undefined || beneficiaryAccountNo === undefined) {
        return yield* new Schemas.InvalidInput({
          operation: "recover",
          field: originalReferenceNo === undefined ? "originalReferenceNo" : "beneficiaryAccountNo",
          reason:
            originalReferenceNo === undefined
              ? "unknown (the registration's answer was lost): no payout id to read; see resolveDuplicateRegistration"
              : "unknown: call inquiry with the payout's beneficiaryAccountNo"
        })
      }
      const ref = yield* Schemas.validate(Schemas.InquiryReference, "recover", {
        partnerReferenceNo,
        originalReferenceNo,
        beneficiaryAccountNo
      })
      return yield* readStatus(ref)
    })

    const resolveDuplicateRegistration = fn("nicepay.resolveDuplicateRegistration")(function* (
      payout: Schemas.PayoutRequest,
      duplicate: ResponseCode.DuplicatePartnerReference
    ) {
      const valid = yield* Schemas.validate(
        Schemas.PayoutRequest,
        "resolveDuplicateRegistration",
        payout,
        true
      )
      const existing = existingReference(duplicate)
      if (existing === undefined) return yield* Effect.fail(duplicate)
      const reused = (fields: ReadonlyArray<string>) =>
        new Idempotency.ReferenceReused({
          upstream: UPSTREAM,
          operation: "transfer/registration",
          referenceField: "partnerReferenceNo",
          reference: valid.partnerReferenceNo,
          fields
        })
      const state = yield* readStatus({
        partnerReferenceNo: valid.partnerReferenceNo,
        originalReferenceNo: existing,
        beneficiaryAccountNo: valid.beneficiaryAccountNo
      }).pipe(
        // NICEPAY holds a payout under this reference but none for this beneficiary account.
        Effect.catchTag("TransactionNotFound", () => Effect.fail(reused(["beneficiaryAccountNo"])))
      )
      const differing = Schemas.differingFields(valid, state)
      if (differing.length > 0) return yield* Effect.fail(reused(differing))
      return state
    })

    const noPublicKey = Effect.fail(
      new Notification.InvalidNotification({
        reason: "NoPublicKey",
        detail: "no NICEPAY notification public key is configured (NICEPAY_NOTIFICATION_PUBLIC_KEY)"
      })
    )
    const verifyOptions = (publicKey: KeyObject): Notification.VerifyOptions => ({
      clientId,
      publicKey,
      tolerance: options.notificationTolerance ?? NicepayConfig.defaultNotificationTolerance
    })
    const verifyNotificationHeaders = (headers: Notification.Received["headers"]) =>
      notificationKey === undefined
        ? noPublicKey
        : Notification.verifyHeaders(headers, verifyOptions(notificationKey))
    const verifyNotification = (received: Notification.Received) =>
      notificationKey === undefined
        ? noPublicKey
        : Notification.verify(received, verifyOptions(notificationKey))

    const confirmNotification = fn("nicepay.confirmNotification")(function* (
      received: Notification.Received
    ) {
      const notification = yield* verifyNotification(received)
      if (notification.beneficiaryAccountNo === undefined) {
        return yield* new Notification.InvalidNotification({
          reason: "InvalidBody",
          detail: "beneficiaryAccountNo is missing; it is needed to confirm the payout with an inquiry"
        })
      }
      const ref = yield* Schemas.validate(Schemas.InquiryReference, "confirmNotification", {
        partnerReferenceNo: notification.partnerReferenceNo,
        originalReferenceNo: notification.originalReferenceNo,
        beneficiaryAccountNo: notification.beneficiaryAccountNo
      })
      return yield* readStatus(ref)
    })

    return {
      clientId,
      balance,
      register,
      approve: transition("approve"),
      reject: transition("reject"),
      cancel: transition("cancel"),
      inquiry,
      awaitFinal,
      accessToken: () => snap.grant,
      recover,
      resolveDuplicateRegistration,
      verifyNotificationHeaders: traced
        ? Effect.fn("nicepay.verifyNotificationHeaders")(verifyNotificationHeaders)
        : verifyNotificationHeaders,
      verifyNotification: traced
        ? Effect.fn("nicepay.verifyNotification")(verifyNotification)
        : verifyNotification,
      confirmNotification
    } satisfies Service
  })

/**
 * Whether a payout status is final: anything but `Pending` (registered, not yet approved or
 * rejected) and `Suspect` (approved, being disbursed, outcome not known yet).
 *
 * @since 0.1.0
 */
export const isSettled = (status: Schemas.TransactionStatus): boolean =>
  status !== "Pending" && status !== "Suspect"

// Where each transition leaves a payout; the first is what a success answer without a
// `transactionStatus` means. An approved payout may be `Suspect` (being disbursed, unknown yet) or
// end `Failed` (approved, the disbursement failed): either way the approval itself is done.
const endStates: Record<"approve" | "reject" | "cancel", ReadonlyArray<Schemas.TransactionStatus>> = {
  approve: ["Success", "Suspect", "Failed"],
  reject: ["Rejected"],
  cancel: ["Canceled"]
}

// A duplicate answer may name the existing payout: the kasir simulator's does by default;
// NICEPAY documents no body for `4090001`, so a client cannot count on it.
const existingReference = (duplicate: ResponseCode.DuplicatePartnerReference): string | undefined => {
  try {
    const body = JSON.parse(duplicate.body) as { readonly originalReferenceNo?: unknown }
    return typeof body.originalReferenceNo === "string" &&
      /^[A-Za-z0-9]{1,40}$/.test(body.originalReferenceNo)
      ? body.originalReferenceNo
      : undefined
  } catch {
    return undefined
  }
}

/**
 * A signer over in-memory keys, as a layer.
 *
 * @since 0.1.0
 */
export const signerLayer = (keys: {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly privateKey: KeyInput
}): Layer.Layer<NicepaySigner, InvalidKey> => Layer.effect(NicepaySigner, fromKeys(keys))

/**
 * The client over the `NicepaySigner` in context (bring your own signer). A malformed
 * `notificationPublicKey` fails the layer with `InvalidKey`.
 *
 * @since 0.1.0
 */
export const layerWithSigner = (
  options: Options
): Layer.Layer<NicepayPayout, InvalidKey, HttpClient.HttpClient | NicepaySigner> =>
  Layer.scoped(NicepayPayout, make(options))

/**
 * The client from a configuration with in-memory keys. A malformed key (the private key or the
 * notification public key) fails the layer with `InvalidKey`.
 *
 * @since 0.1.0
 */
export const layer = (
  config: NicepayConfig.NicepayConfig
): Layer.Layer<NicepayPayout, InvalidKey, HttpClient.HttpClient> =>
  layerWithSigner(config).pipe(Layer.provide(signerLayer(config)))

/**
 * The client from the environment (see `Config.fromEnv`); key variables may name files. It sends
 * through the `HttpClient` in context when there is one, else through its own lean transport
 * (`Transport.make`, closed with the layer).
 *
 * @since 0.1.0
 */
export const layerConfig = (
  config: Config.Config<NicepayConfig.NicepayConfig> = NicepayConfig.fromEnv
): Layer.Layer<NicepayPayout, ConfigError.ConfigError | NicepayConfig.InvalidConfig | InvalidKey> =>
  Layer.unwrapEffect(
    Effect.map(Effect.flatMap(config, NicepayConfig.resolveKeyFiles), (resolved) => layer(resolved))
  ).pipe(Layer.provide(Transport.layerFromContextOrMake))
