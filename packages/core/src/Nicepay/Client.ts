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
 * the in-memory keys: `layer(config)` signs with the config's keys, `layerWithSigner` uses the
 * signer in context. `layerConfig(config)` takes a `Config` (default `Config.fromEnv`); a retry
 * policy or an `awaitFinal` schedule, which have no environment form, are added with
 * `Config.map(Config.fromEnv, (config) => ({ ...config, retryPolicy }))`.
 */
import type { HttpClient } from "@effect/platform"
import {
  type Config,
  type ConfigError,
  Context,
  Effect,
  Layer,
  type Redacted,
  type Schedule,
  type Scope
} from "effect"
import type * as Idempotency from "../Idempotency.js"
import type * as KasirError from "../KasirError.js"
import type * as AccessToken from "../Snap/AccessToken.js"
import * as SnapClient from "../Snap/Client.js"
import type * as ResponseCode from "../Snap/ResponseCode.js"
import type { InvalidKey, KeyInput } from "../Snap/Signature.js"
import { fromKeys, type Signer } from "../Snap/Signer.js"
import * as Tracing from "../internal/tracing.js"
import * as Transport from "../Transport.js"
import * as Upstream from "../Upstream.js"
import * as NicepayConfig from "./Config.js"
import type { PayoutStillPending } from "./Errors.js"
import * as AwaitFinal from "./internal/awaitFinal.js"
import * as Internal from "./internal/context.js"
import { parseNotificationKey } from "./internal/keys.js"
import * as Notifications from "./internal/notifications.js"
import * as Operations from "./internal/operations.js"
import * as Recovery from "./internal/recovery.js"
import * as Transitions from "./internal/transitions.js"
import type * as Notification from "./Notification.js"
import * as NicepayResponseCode from "./ResponseCode.js"
import type * as Schemas from "./Schemas.js"

/**
 * The signer a NICEPAY client uses. `layer` provides one from in-memory keys; provide your own
 * (same interface as `Snap.Signer.Signer`) to sign with a KMS or HSM.
 */
export class NicepaySigner extends Context.Tag("@kasir/core/Nicepay/NicepaySigner")<
  NicepaySigner,
  Signer
>() {}

/**
 * The signed paths (after the base URL, which carries the `/nicepay` context).
 */
export const paths = Internal.paths

/**
 * Failures of every NICEPAY call, reads and money-moving calls alike: the input refused before
 * sending, or the SNAP call's failure (`OutcomeUnknown` only arises where money may have moved).
 */
export type CallError = SnapClient.CallError | KasirError.InvalidInput

/**
 * Failures of `approve`, `reject` and `cancel`: a money-moving call's, or `InvalidTransition`
 * when the payout's current status does not allow the transition (a repeat of a transition that
 * already happened succeeds instead).
 */
export type TransitionError = CallError | Schemas.InvalidTransition

/**
 * The NICEPAY payout operations for one merchant.
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
   * (default the `awaitSchedule` option, else `Poll.defaultSchedule`: every 5 s for up to 5 min); `PayoutStillPending` when the
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
  readonly recover: (unknown: KasirError.OutcomeUnknown) => Effect.Effect<Schemas.PayoutState, CallError>
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

export class NicepayPayout extends Context.Tag("@kasir/core/Nicepay/NicepayPayout")<
  NicepayPayout,
  Service
>() {}

/**
 * Client settings other than the keys (which the `NicepaySigner` holds).
 */
export type Options = NicepayConfig.Options

/**
 * Makes the service over the `NicepaySigner` in context. A configured `notificationPublicKey` is
 * parsed here, once; a malformed one fails with `InvalidKey` (kind `Configuration`). Each concept
 * is its own module under `internal/`: decoding, the plain operations, the transitions, recovery
 * and duplicate resolution, notifications and `awaitFinal`.
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
      upstream: Internal.UPSTREAM,
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
    const context: Internal.Context = { snap, clientId, fn }
    const operations = Operations.make(context)
    const transition = Transitions.make(context, operations.readStatus)
    return {
      clientId,
      balance: operations.balance,
      register: operations.register,
      approve: transition("approve"),
      reject: transition("reject"),
      cancel: transition("cancel"),
      inquiry: operations.inquiry,
      awaitFinal: AwaitFinal.make(context, operations.inquiry, options.awaitSchedule),
      accessToken: () => snap.grant,
      ...Recovery.make(context, operations.readStatus),
      ...Notifications.make(
        context,
        traced,
        notificationKey,
        options.notificationTolerance,
        operations.readStatus
      )
    } satisfies Service
  })

/**
 * Whether a payout status is final: anything but `Pending` (registered, not yet approved or
 * rejected) and `Suspect` (approved, being disbursed, outcome not known yet).
 */
export const isSettled: (status: Schemas.TransactionStatus) => boolean = AwaitFinal.isSettled

/**
 * A signer over in-memory keys, as a layer.
 */
export const signerLayer = (keys: {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly privateKey: KeyInput
}): Layer.Layer<NicepaySigner, InvalidKey> => Layer.effect(NicepaySigner, fromKeys(keys))

/**
 * The client over the `NicepaySigner` in context (bring your own signer). A malformed
 * `notificationPublicKey` fails the layer with `InvalidKey`.
 */
export const layerWithSigner = (
  options: Options
): Layer.Layer<NicepayPayout, InvalidKey, HttpClient.HttpClient | NicepaySigner> =>
  Layer.scoped(NicepayPayout, make(options))

/**
 * The client from a configuration with in-memory keys. A malformed key (the private key or the
 * notification public key) fails the layer with `InvalidKey`.
 */
export const layer = (
  config: NicepayConfig.NicepayConfig
): Layer.Layer<NicepayPayout, InvalidKey, HttpClient.HttpClient> =>
  layerWithSigner(config).pipe(Layer.provide(signerLayer(config)))

/**
 * The client from a `Config` (default `Config.fromEnv`); key variables may name files. The retry
 * policy and the `awaitFinal` schedule have no environment form: add them with `Config.map`. It sends
 * through the `HttpClient` in context when there is one, else through its own lean transport
 * (`Transport.make`, closed with the layer).
 */
export const layerConfig = (
  config: Config.Config<NicepayConfig.NicepayConfig> = NicepayConfig.fromEnv
): Layer.Layer<NicepayPayout, ConfigError.ConfigError | KasirError.InvalidConfig | InvalidKey> =>
  Layer.unwrapEffect(
    Effect.map(Effect.flatMap(config, NicepayConfig.resolveKeyFiles), (resolved) => layer(resolved))
  ).pipe(Layer.provide(Transport.layerFromContextOrMake))
