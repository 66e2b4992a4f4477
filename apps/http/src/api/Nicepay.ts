/**
 * NICEPAY SNAP payouts over HTTP: balance, register, approve, reject, cancel, status.
 *
 * A payout is addressed by NICEPAY's reference (`originalReferenceNo`, returned at registration)
 * in the path; the other references NICEPAY requires travel in the request: `partnerReferenceNo`
 * always, and `beneficiaryAccountNo`, which NICEPAY's status inquiry needs — the gateway uses it to
 * confirm the outcome of an approve, reject or cancel whose answer was lost.
 *
 * Amounts are whole rupiah; enumerations are readable words (`citizen`, `personal`, `online`)
 * that core encodes to NICEPAY's digits.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Money, Nicepay } from "@kasir/core"
import { Schema } from "effect"
import { ApiKeyAuth } from "../Authentication.js"
import * as Problem from "../Problem.js"
import { reportAll } from "./Decoding.js"

const { AccountNo, OriginalReferenceNo, PartnerReferenceNo } = Nicepay.Schemas

/**
 * An amount in whole rupiah.
 */
export const Rupiah = Schema.typeSchema(Money.Rupiah).annotations({ identifier: "Rupiah" })

export class Balance extends Schema.Class<Balance>("NicepayBalance")({
  accountNo: Schema.String,
  availableBalance: Rupiah
}) {}

/**
 * The payout to register, in readable form.
 */
export const PayoutRequest = Schema.typeSchema(Nicepay.Schemas.PayoutRequest).annotations({
  identifier: "NicepayPayoutRequest",
  ...reportAll
})

/**
 * A payout's status: `Success` (approved, being disbursed), `Pending` (waiting for approval),
 * `Canceled`, `Rejected`, `Suspect` (not yet known at the bank), `Failed`.
 */
export const PayoutStatus = Schema.typeSchema(Nicepay.Schemas.TransactionStatus).annotations({
  identifier: "NicepayPayoutStatus"
})

/**
 * A payout as NICEPAY reports it. `status` is on every payout answer: register (`Pending`),
 * approve / reject / cancel (the status after it, also when the payout was already there), status.
 */
export class Payout extends Schema.Class<Payout>("NicepayPayout")({
  partnerReferenceNo: Schema.String,
  /** NICEPAY's payout id (tXid): the `{referenceNo}` of the payout routes. */
  originalReferenceNo: Schema.String,
  beneficiaryAccountNo: Schema.optional(Schema.String),
  beneficiaryName: Schema.optional(Schema.String),
  beneficiaryBankCode: Schema.optional(Schema.String),
  amount: Schema.optional(Rupiah),
  status: PayoutStatus,
  statusDescription: Schema.optional(Schema.String),
  transactionDate: Schema.optional(Schema.String)
}) {}

/**
 * NICEPAY accepted an approve, reject or cancel and is still processing it (`202xx00`): follow
 * the `Location` (status) or wait for the notification.
 */
export class PayoutInProgress extends Schema.Class<PayoutInProgress>("NicepayPayoutInProgress")({
  partnerReferenceNo: Schema.String,
  originalReferenceNo: Schema.String,
  beneficiaryAccountNo: Schema.optional(Schema.String),
  /** NICEPAY's `responseMessage`. */
  message: Schema.String,
  /** Where to poll the payout's status. */
  location: Schema.String
}) {}

/**
 * The references an approve, reject or cancel carries besides the path's `referenceNo`.
 */
export class TransitionRequest extends Schema.Class<TransitionRequest>("NicepayTransitionRequest")(
  {
    partnerReferenceNo: PartnerReferenceNo,
    beneficiaryAccountNo: AccountNo
  },
  reportAll
) {}

export const ReferenceNoPath = Schema.Struct({ referenceNo: OriginalReferenceNo }).annotations(reportAll)

export const StatusQuery = Schema.Struct({
  partnerReferenceNo: PartnerReferenceNo,
  beneficiaryAccountNo: AccountNo,
  /** `true`: ask NICEPAY instead of the ledger, and record its answer. */
  refresh: Schema.optional(Schema.BooleanFromString)
}).annotations(reportAll)

const transition = <const Name extends "approve" | "reject" | "cancel">(name: Name, summary: string) =>
  HttpApiEndpoint.post(name, `/payouts/:referenceNo/${name}`)
    .setPath(ReferenceNoPath)
    .setPayload(TransitionRequest)
    // In-progress first: HttpApi picks the success schema by structure, and every in-progress
    // answer would also pass as a Payout.
    .addSuccess(PayoutInProgress, { status: 202 })
    .addSuccess(Payout)
    // Its current status does not allow the transition (`currentStatus`).
    .addError(Problem.Conflict)
    .annotate(OpenApi.Summary, summary)

export class NicepayGroup extends HttpApiGroup.make("nicepay")
  .add(
    HttpApiEndpoint.get("balance", "/balance")
      .addSuccess(Balance)
      .annotate(OpenApi.Summary, "The merchant's available balance")
  )
  .add(
    HttpApiEndpoint.post("register", "/payouts")
      .setPayload(PayoutRequest)
      .addSuccess(Payout)
      .addError(Problem.Conflict)
      .annotate(
        OpenApi.Summary,
        "Register a payout, once per partnerReferenceNo, written ahead in the ledger: a repeat is answered from the ledger (`Idempotent-Replayed: true`), a concurrent one waits or gets 409 `in-progress` with `Retry-After`, a reference of a different payout is 409; 503 `ledger-unavailable` when the ledger cannot record it (nothing sent)"
      )
  )
  .add(transition("approve", "Approve a registered payout: NICEPAY disburses it"))
  .add(transition("reject", "Reject a registered payout that was not approved"))
  .add(transition("cancel", "Cancel an approved scheduled payout before it runs"))
  .add(
    HttpApiEndpoint.get("status", "/payouts/:referenceNo")
      .setPath(ReferenceNoPath)
      .setUrlParams(StatusQuery)
      .addSuccess(Payout)
      .annotate(
        OpenApi.Summary,
        "A payout's status from the ledger (202 while its outcome is not known yet); `?refresh=true` asks NICEPAY and records the answer; a payout the ledger does not hold is asked of NICEPAY"
      )
  )
  .addError(Problem.Unauthorized)
  .addError(Problem.NotFound)
  .addError(Problem.Declined)
  .addError(Problem.OutcomeUnknown)
  .addError(Problem.BadGateway)
  .addError(Problem.GatewayTimeout)
  .addError(Problem.ServiceUnavailable)
  .middleware(ApiKeyAuth)
  .prefix("/v1/nicepay")
  .annotate(OpenApi.Description, "NICEPAY SNAP payouts (disbursements)") {}
