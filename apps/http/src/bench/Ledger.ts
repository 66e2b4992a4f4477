/**
 * The ledger bench's two gateways, from one entry point so both sides run the same build of the
 * same code: `node build/bench/ledger.js` (bundled by `scripts/bundle.mjs --bench`) is the gateway exactly as `main.ts` composes it (the
 * ledger from `KASIR_DATABASE_URL`); with `--without-ledger` it is the same HttpApi, edge, auth,
 * validation, logging and core clients, but the money routes call core's client directly — no
 * write-ahead, no record, no idempotency — which is the cost the bench isolates.
 *
 * Bench-only, and deliberately not a mode of the gateway: `main.ts` never composes it and no
 * variable reaches it (kasir must never move money without a record). The ledger's read services
 * stay on an in-memory PGlite here so the read routes still build; the measured route (a payout
 * registration) does not touch them.
 */
import type { HttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Ayoconnect, Nicepay, Transport } from "@kasir/core"
import {
  Database,
  Delivery,
  Ledger,
  Ayoconnect as LedgerAyoconnect,
  Nicepay as LedgerNicepay,
  Migrations
} from "@kasir/ledger"
import { Effect, Layer, Logger } from "effect"
import * as Gateway from "../Gateway.js"
import * as GatewayLedger from "../Ledger.js"

// The gateway's handlers ignore the entry of a `Sent` answer (they answer from `status` /
// `result`); nothing was recorded, so there is none.
const unrecorded = undefined as unknown as Ledger.Entry

const direct: Layer.Layer<
  GatewayLedger.Services,
  GatewayLedger.LedgerStartError,
  Ayoconnect.Ayoconnect | Nicepay.NicepayPayout | HttpClient.HttpClient
> = Layer.mergeAll(
  // No endpoints are configured in the bench: the service exists for the event routes only.
  Delivery.layer(),
  // No ledger, no entries to count.
  Layer.succeed(GatewayLedger.EntryCounts, { refresh: Effect.void }),
  Layer.effect(
    LedgerAyoconnect.AyoconnectPayments,
    Effect.map(Ayoconnect.Ayoconnect, (client) => ({
      payment: (input) =>
        Effect.map(
          client.payment(input),
          (status) => new LedgerAyoconnect.Sent({ entry: unrecorded, status })
        ),
      refresh: (refNumber) =>
        Effect.map(client.status({ refNumber }), (status) => ({ status, entry: undefined }))
    }))
  ),
  Layer.effect(
    LedgerNicepay.NicepayPayouts,
    Effect.map(Nicepay.NicepayPayout, (client) => {
      const sent = (result: LedgerNicepay.PayoutResult) =>
        new LedgerNicepay.Sent({ entry: unrecorded, result })
      return {
        register: (payout) => Effect.map(client.register(payout), sent),
        approve: (ref) => Effect.map(client.approve(ref), sent),
        reject: (ref) => Effect.map(client.reject(ref), sent),
        cancel: (ref) => Effect.map(client.cancel(ref), sent),
        refresh: (ref) => Effect.map(client.inquiry(ref), (state) => ({ state, entry: undefined }))
      }
    })
  )
).pipe(
  Layer.provideMerge(Ledger.layer()),
  Layer.provide(Migrations.layer),
  Layer.provide(Database.layerPgliteMemory)
)

const withoutLedger = process.argv.includes("--without-ledger")

const gateway = Gateway.layer(withoutLedger ? { ledger: direct } : {}).pipe(Layer.provide(Transport.layer))

NodeRuntime.runMain(
  Layer.launch(gateway).pipe(
    Effect.tapErrorCause((cause) => Effect.logError("ledger bench gateway failed to start", cause)),
    Effect.provide(Logger.json)
  ),
  { disableErrorReporting: true, disablePrettyLogger: true }
)
