/**
 * What `kasir db migrate` and `kasir ledger list|show` do, loaded only when they run: the ledger's
 * database (`Database.layerConfig`: `KASIR_DATABASE_URL`, else PGlite under `KASIR_DATA_DIR`)
 * opened for one command and closed after it.
 *
 * The read commands never migrate: a database no kasir has migrated yet holds no entries (and is
 * left as it was), one migrated by a newer kasir is refused (`SchemaTooNew`), as at gateway start.
 */
import { KasirError } from "@kasir/core"
import { Database, Errors, Ledger, Migrations } from "@kasir/ledger"
import { Effect, Option } from "effect"
import * as LedgerClient from "../clients/Ledger.js"
import { emit } from "../Report.js"
import * as Views from "../views/Ledger.js"
import type { Run } from "./Handler.js"

// Where the ledger is, for people (shared with the money commands).
const location = LedgerClient.location

// The schema must be one this code reads; 0 (never migrated) means an empty ledger.
const readable = Effect.flatMap(Migrations.version, (version) =>
  version > Migrations.latest
    ? Effect.fail(new Errors.SchemaTooNew({ database: version, code: Migrations.latest }))
    : Effect.succeed(version > 0)
)

export const migrate = (args: { readonly json: boolean }): Run =>
  Effect.gen(function* () {
    const where = yield* location
    const applied = yield* Migrations.run
    const version = yield* Migrations.version
    yield* emit(Views.migrated({ where, version, applied }), args)
  }).pipe(Effect.provide(Database.layerConfig))

export const list = (args: {
  readonly json: boolean
  readonly provider: Option.Option<Ledger.Provider>
  readonly state: Option.Option<Ledger.State>
  readonly limit: number
  readonly after: Option.Option<string>
}): Run =>
  Effect.gen(function* () {
    const where = yield* location
    const page: Ledger.Page = (yield* readable)
      ? yield* Effect.flatMap(Ledger.make(), (ledger) =>
          ledger.list({
            provider: Option.getOrUndefined(args.provider),
            state: Option.getOrUndefined(args.state),
            limit: args.limit,
            after: Option.getOrUndefined(args.after)
          })
        )
      : { entries: [], next: undefined }
    yield* emit(Views.list(page, where), args)
  }).pipe(
    Effect.catchTag("InvalidInput", (error) =>
      Effect.fail(
        new KasirError.InvalidInput({
          provider: "kasir",
          reason: `--${error.field}: ${error.reason}`,
          hint: "Pass the cursor exactly as the previous page printed it, with the same filters."
        })
      )
    ),
    Effect.provide(Database.layerConfig)
  )

export const show = (args: {
  readonly json: boolean
  readonly provider: Option.Option<Ledger.Provider>
  readonly reference: string
}): Run =>
  Effect.gen(function* () {
    const where = yield* location
    const found: ReadonlyArray<Ledger.Entry> = (yield* readable)
      ? yield* Effect.flatMap(Ledger.make(), (ledger) =>
          Effect.map(
            Effect.forEach(
              Option.match(args.provider, {
                onNone: (): ReadonlyArray<Ledger.Provider> => ["ayoconnect", "nicepay"],
                onSome: (provider) => [provider]
              }),
              (provider) => ledger.get(provider, args.reference)
            ),
            (options) => options.flatMap((option) => (Option.isSome(option) ? [option.value] : []))
          )
        )
      : []
    const entry = found[0]
    if (entry === undefined) {
      return yield* new KasirError.InvalidInput({
        provider: "kasir",
        reason: `no ledger entry for reference ${args.reference} in the ${where}`,
        hint: "`kasir ledger list` shows what the ledger holds."
      })
    }
    if (found.length > 1) {
      return yield* new KasirError.InvalidInput({
        provider: "kasir",
        reason: `both an Ayoconnect payment and a NICEPAY payout use reference ${args.reference}`,
        hint: "Name one with --provider ayoconnect or --provider nicepay."
      })
    }
    const history = yield* Effect.flatMap(Ledger.make(), (ledger) => ledger.history(entry.id))
    yield* emit(Views.show(entry, history), args)
  }).pipe(Effect.provide(Database.layerConfig))
