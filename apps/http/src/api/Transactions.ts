/**
 * The ledger over HTTP: `GET /v1/transactions` lists the money movements kasir recorded, for
 * reconciliation — filtered by provider, state and creation time, oldest first, in pages linked
 * by an opaque cursor.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ApiKeyAuth } from "../Authentication.js"
import * as Problem from "../Problem.js"
import { reportAll } from "./Decoding.js"

export const LedgerState = Schema.Literal("sending", "pending", "succeeded", "failed", "unknown").annotations(
  {
    identifier: "LedgerState",
    description:
      "`sending`: written ahead, on its way (or its answer is being recorded); `pending`: accepted, not settled; `unknown`: the answer was lost, recovery reads the status; `succeeded` / `failed`: final"
  }
)

/**
 * One money movement as the ledger records it.
 */
export class LedgerEntry extends Schema.Class<LedgerEntry>("LedgerEntry")({
  id: Schema.String,
  provider: Schema.Literal("ayoconnect", "nicepay"),
  /** `payment` (Ayoconnect) or `payout` (NICEPAY). */
  operation: Schema.Literal("payment", "payout"),
  /** The caller's reference: `refNumber` / `partnerReferenceNo`. */
  reference: Schema.String,
  /** The fields that define the payment (its fingerprint), besides `amount`. */
  fields: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** Exact rupiah, as a decimal string. */
  amount: Schema.String,
  state: LedgerState,
  /** What the upstream last said: its code, message and ids (e.g. `transactionId`, `originalReferenceNo`). */
  upstream: Schema.Struct({
    code: Schema.NullOr(Schema.String),
    message: Schema.NullOr(Schema.String),
    ids: Schema.Record({ key: Schema.String, value: Schema.String })
  }),
  createdAt: Schema.String,
  updatedAt: Schema.String
}) {}

export class TransactionPage extends Schema.Class<TransactionPage>("TransactionPage")({
  entries: Schema.Array(LedgerEntry),
  /** The `cursor` of the next page (same filters); absent on the last page. */
  next: Schema.optional(Schema.String)
}) {}

export const TransactionQuery = Schema.Struct({
  provider: Schema.optional(Schema.Literal("ayoconnect", "nicepay")),
  state: Schema.optional(LedgerState),
  /** Created at or after this instant (ISO 8601). */
  from: Schema.optional(Schema.DateTimeUtc),
  /** Created before this instant (ISO 8601). */
  to: Schema.optional(Schema.DateTimeUtc),
  /** The `next` of the previous page. */
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  /** 1–500, default 50. */
  limit: Schema.optional(
    Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500, { message: () => "must be 1 to 500" }))
  )
}).annotations(reportAll)

export class TransactionsGroup extends HttpApiGroup.make("transactions")
  .add(
    HttpApiEndpoint.get("list", "/transactions")
      .setUrlParams(TransactionQuery)
      .addSuccess(TransactionPage)
      .addError(Problem.ServiceUnavailable)
      .annotate(
        OpenApi.Summary,
        "The ledger's money movements, oldest first: filter by provider, state, created from/to; page with `cursor`"
      )
  )
  .addError(Problem.Unauthorized)
  .middleware(ApiKeyAuth)
  .prefix("/v1")
  .annotate(OpenApi.Description, "The ledger: kasir's durable record of every money movement") {}
