/**
 * `kasir db migrate` and `kasir ledger list|show`: the ledger the gateway and the CLI record money
 * movements in — `KASIR_DATABASE_URL` when set, else the embedded PGlite database under
 * `$KASIR_DATA_DIR/ledger` (default `.kasir/ledger`). The work is in `handlers/Ledger`, loaded
 * when a command runs (it brings the database driver).
 */
import { Args, Command, Options } from "@effect/cli"
import { Effect, Schema } from "effect"
import * as Common from "../Common.js"
import * as Input from "../Input.js"

const handlers = Effect.promise(() => import("../handlers/Ledger.js"))

const where =
  "The ledger is the PostgreSQL server of KASIR_DATABASE_URL when set, else the embedded database in " +
  "$KASIR_DATA_DIR/ledger (default .kasir/ledger in the working directory; one process at a time)."

const migrate = Command.make("migrate", { json: Common.json }, (args) =>
  Effect.flatMap(handlers, (h) => h.migrate(args))
).pipe(
  Command.withDescription(
    "Apply the ledger's migrations and print the schema version. For deploys that migrate before " +
      `starting gateways (the gateway also migrates at start). ${where}`
  )
)

export const db = Command.make("db").pipe(
  Command.withDescription("The ledger's database."),
  Command.withSubcommands([migrate])
)

const provider = Options.choice("provider", ["ayoconnect", "nicepay"]).pipe(
  Options.withDescription("Only this provider's entries."),
  Options.optional
)

const Limit = Schema.Int.pipe(Schema.between(1, 500, { message: () => "a page is 1 to 500 entries" }))

const list = Command.make(
  "list",
  {
    json: Common.json,
    provider,
    state: Options.choice("state", ["sending", "pending", "succeeded", "failed", "unknown"]).pipe(
      Options.withDescription("Only entries in this state."),
      Options.optional
    ),
    limit: Input.wholeNumber("limit", () => Limit, "Entries per page, 1 to 500 (default 50).").pipe(
      Options.withDefault(50)
    ),
    after: Options.text("after").pipe(
      Options.withDescription("The cursor a previous page printed, for the next page."),
      Options.optional
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.list(args))
).pipe(Command.withDescription(`List ledger entries, oldest first. ${where}`))

const show = Command.make(
  "show",
  {
    json: Common.json,
    provider,
    reference: Args.text({ name: "reference" }).pipe(
      Args.withDescription("The payment's refNumber or the payout's partnerReferenceNo.")
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.show(args))
).pipe(Command.withDescription(`Show one ledger entry and every transition it went through. ${where}`))

export const ledger = Command.make("ledger").pipe(
  Command.withDescription("What kasir recorded of every money movement (the gateway's and the CLI's)."),
  Command.withSubcommands([list, show])
)
