/**
 * `GET /v1/transactions`: a page of the ledger.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Ledger } from "@kasir/ledger"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { LedgerEntry, TransactionPage } from "../api/Transactions.js"
import * as RequestContext from "../RequestContext.js"

/**
 * An entry as the API shows it.
 */
export const toLedgerEntry = (entry: Ledger.Entry): LedgerEntry => new LedgerEntry(Ledger.toJson(entry))

export const layer = HttpApiBuilder.group(Api, "transactions", (handlers) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger.Ledger
    return handlers.handle("list", ({ urlParams }) =>
      ledger
        .list({
          provider: urlParams.provider,
          state: urlParams.state,
          from: urlParams.from,
          to: urlParams.to,
          after: urlParams.cursor,
          limit: urlParams.limit
        })
        .pipe(
          Effect.map(
            (page) =>
              new TransactionPage({
                entries: page.entries.map(toLedgerEntry),
                ...(page.next === undefined ? {} : { next: page.next })
              })
          ),
          Effect.catchTags({
            InvalidInput: (invalid) =>
              RequestContext.fail(400, "invalid-request", invalid.message, {
                kind: invalid.kind
              }),
            LedgerUnavailable: (error) =>
              Effect.zipRight(
                Effect.logWarning("ledger unavailable").pipe(
                  Effect.annotateLogs({ ledgerOperation: error.operation })
                ),
                RequestContext.fail(
                  503,
                  "ledger-unavailable",
                  "The ledger (kasir's durable record of money movements) is unavailable; retry later.",
                  { kind: error.kind }
                )
              )
          })
        )
    )
  })
)
