/**
 * Ayoconnect PPOB over HTTP: balance, products, inquiry, payment and payment status.
 *
 * Request bodies are core's own input schemas, so the gateway validates exactly what the client
 * would; responses are core's decoded types.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Ayoconnect } from "@kasir/core"
import { Schema } from "effect"
import { ApiKeyAuth } from "../Authentication.js"
import * as Problem from "../Problem.js"
import { reportAll } from "./Decoding.js"

export const Balance = Schema.typeSchema(Ayoconnect.Schemas.Balance).annotations({
  identifier: "AyoconnectBalance"
})

export class Products extends Schema.Class<Products>("AyoconnectProducts")({
  products: Schema.Array(Schema.typeSchema(Ayoconnect.Schemas.Product))
}) {}

export const InquiryRequest = Ayoconnect.Schemas.InquiryRequest.annotations({
  identifier: "AyoconnectInquiryRequest",
  ...reportAll
})

export const Inquiry = Schema.typeSchema(Ayoconnect.Schemas.Inquiry).annotations({
  identifier: "AyoconnectInquiry"
})

const {
  callbackUrls: _callbackUrls,
  allowPrivateCallbackUrls: _allowPrivateCallbackUrls,
  ...paymentFields
} = Ayoconnect.Schemas.PaymentRequest.fields

/**
 * A payment as callers send it: core's request without `callbackUrls` (refused) and without the
 * opt-in for private callback URLs.
 */
export const PaymentRequest = Schema.Struct({
  ...paymentFields,
  // The gateway is the callback receiver: a caller-chosen URL would receive the settlement with
  // the gateway's callback credentials. Refused, with a reason, rather than silently dropped.
  callbackUrls: Schema.optional(
    Schema.Never.annotations({
      message: () =>
        "is not accepted: the gateway receives Ayoconnect's callbacks itself (at KASIR_PUBLIC_URL/callbacks/ayoconnect)"
    })
  )
}).annotations({
  identifier: "AyoconnectPaymentRequest",
  ...reportAll
})

/**
 * A payment's state as Ayoconnect reports it.
 */
export class Payment extends Schema.Class<Payment>("AyoconnectPayment")({
  refNumber: Schema.String,
  /** `succeeded` (RC 0–99), `pending` (RC 200–299, 102/108), `failed` (refunded). */
  state: Schema.Literal("succeeded", "pending", "failed"),
  /** Ayoconnect's response code. */
  responseCode: Schema.Int,
  /** Ayoconnect's message, Indonesian (`ID`) and English (`EN`). */
  message: Schema.Struct({ ID: Schema.String, EN: Schema.String }),
  /** For `failed`: the meaning of the code, e.g. `WrongAccountNumber`. */
  reason: Schema.optional(Schema.String),
  /** The transaction as Ayoconnect described it (token / serial number once succeeded). */
  transaction: Schema.optional(Schema.typeSchema(Ayoconnect.Schemas.Transaction))
}) {}

/**
 * `?refresh=true`: ask the upstream instead of the ledger, and record its answer.
 */
export const RefreshQuery = Schema.Struct({
  refresh: Schema.optional(Schema.BooleanFromString)
}).annotations(reportAll)

export class AyoconnectGroup extends HttpApiGroup.make("ayoconnect")
  .add(
    HttpApiEndpoint.get("balance", "/balance")
      .addSuccess(Balance)
      .annotate(OpenApi.Summary, "The partner deposit balance")
  )
  .add(
    HttpApiEndpoint.get("products", "/products")
      .addSuccess(Products)
      .annotate(OpenApi.Summary, "The product list")
  )
  .add(
    HttpApiEndpoint.post("inquiry", "/inquiries")
      .setPayload(InquiryRequest)
      .addSuccess(Inquiry)
      .annotate(
        OpenApi.Summary,
        "Bill or price inquiry: what to pay (`inquiryId`, `amount`) for an account and product"
      )
  )
  .add(
    HttpApiEndpoint.post("payment", "/payments")
      .setPayload(PaymentRequest)
      .addSuccess(Payment)
      .addError(Problem.Conflict)
      .annotate(
        OpenApi.Summary,
        "Pay an inquiry, once per refNumber, written ahead in the ledger: a repeat is answered from the ledger (`Idempotent-Replayed: true`), a concurrent one waits or gets 409 `in-progress` with `Retry-After`, a refNumber of a different payment is 409; 503 `ledger-unavailable` when the ledger cannot record it (nothing sent)"
      )
  )
  .add(
    HttpApiEndpoint.get("status", "/payments/:refNumber")
      .setPath(Schema.Struct({ refNumber: Ayoconnect.Schemas.RefNumber }).annotations(reportAll))
      .setUrlParams(RefreshQuery)
      .addSuccess(Payment)
      .annotate(
        OpenApi.Summary,
        "A payment's state from the ledger (202 while its outcome is not known yet); `?refresh=true` asks Ayoconnect and records the answer; a refNumber the ledger does not hold is asked of Ayoconnect"
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
  .prefix("/v1/ayoconnect")
  .annotate(OpenApi.Description, "Ayoconnect PPOB: prepaid products and bill payments") {}
