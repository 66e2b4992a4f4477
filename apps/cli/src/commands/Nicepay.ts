/**
 * `kasir nicepay …`: NICEPAY SNAP payouts — access token, balance, and the payout lifecycle
 * (register → approve, or reject; cancel a scheduled one; status). Arguments are checked here,
 * with @kasir/core's own schemas; the work is in `handlers/Nicepay`, loaded when a command runs.
 */
import { Command, Options } from "@effect/cli"
import type { Money } from "@kasir/core"
import { Effect } from "effect"
import * as Common from "../Common.js"
import * as Config from "../config/Nicepay.js"
import * as Input from "../Input.js"
import * as Settings from "../Settings.js"

const handlers = Effect.promise(() => import("../handlers/Nicepay.js"))

const connection = {
  json: Common.json,
  sandbox: Common.sandbox,
  sandboxUrl: Common.sandboxUrl,
  config: Config.options
}

const ref = Input.text(
  "ref",
  (core) => core.Nicepay.Schemas.PartnerReferenceNo,
  "Your unique payout reference (partnerReferenceNo): the payout's idempotency key."
)

const id = Input.text(
  "id",
  (core) => core.Nicepay.Schemas.OriginalReferenceNo,
  "NICEPAY's payout ID (originalReferenceNo / tXid), printed by `payout register`."
)

const account = Input.text(
  "account",
  (core) => core.Nicepay.Schemas.AccountNo,
  "Beneficiary account number (digits)."
)

const amount: Options.Options<Money.Rupiah> = Input.amount("Amount in whole rupiah, e.g. 10000.")

const token = Command.make("token", connection, (args) =>
  Effect.flatMap(handlers, (h) => h.token(args))
).pipe(
  Command.withDescription(
    "Request a B2B access token: checks the client ID, private key and base URL. The token itself is never printed."
  )
)

const balance = Command.make(
  "balance",
  {
    ...connection,
    msId: Options.text("ms-id").pipe(
      Options.withDescription("Seller ID (msId), for marketplaces."),
      Options.optional
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.balance(args))
).pipe(Command.withDescription("Show the merchant's available payout balance."))

const register = Command.make(
  "register",
  {
    ...connection,
    ref,
    account,
    name: Options.text("name").pipe(Options.withDescription("Beneficiary name as the bank knows it.")),
    phone: Options.text("phone").pipe(
      Options.withDescription("Beneficiary phone number, e.g. 081211111111.")
    ),
    bank: Input.text(
      "bank",
      (core) => core.Nicepay.Schemas.BankCode,
      "NICEPAY bank code, e.g. CENA (BCA), BMRI (Mandiri), BRIN (BRI)."
    ),
    amount,
    method: Options.choice("method", ["online", "overbooking", "skn", "rtgs", "cashout"]).pipe(
      Options.withDescription("Payout method (default online)."),
      Options.withDefault("online" as const)
    ),
    residence: Options.choice("residence", ["citizen", "foreigner"]).pipe(
      Options.withDescription("Beneficiary residence (default citizen)."),
      Options.withDefault("citizen" as const)
    ),
    customerType: Options.choice("customer-type", ["personal", "company", "government"]).pipe(
      Options.withDescription("Beneficiary type (default personal)."),
      Options.withDefault("personal" as const)
    ),
    description: Options.text("description").pipe(
      Options.withDescription("Payout description."),
      Options.optional
    ),
    reservedDate: Options.text("reserved-date").pipe(
      Options.withDescription(
        "Schedule the payout for this date, YYYYMMDD (with --reserved-time); omit to pay at once."
      ),
      Options.optional
    ),
    reservedTime: Options.text("reserved-time").pipe(
      Options.withDescription("Scheduled time HHmmss in WIB (with --reserved-date)."),
      Options.optional
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.register(args))
).pipe(
  Command.withDescription(
    "Register a payout (status Pending until approved). Sent once: if the outcome is unknown it exits 3; " +
      "look it up before registering again, and always reuse the same --ref."
  )
)

const transition = (operation: "approve" | "reject" | "cancel", description: string) =>
  Command.make(operation, { ...connection, ref, id, account: account.pipe(Options.optional) }, (args) =>
    Effect.flatMap(handlers, (h) => h.transition(operation, args))
  ).pipe(Command.withDescription(description))

const status = Command.make(
  "status",
  {
    ...connection,
    ref,
    id,
    account,
    wait: Options.boolean("wait").pipe(
      Options.withDescription(
        "Poll until the payout leaves Pending/Suspect; progress shows on a terminal only."
      )
    ),
    timeout: Input.duration("timeout", "With --wait: how long to wait (default 5m).").pipe(Options.optional),
    interval: Input.duration("interval", "With --wait: time between lookups (default 5s).").pipe(
      Options.optional
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.status(args))
).pipe(
  Command.withDescription(
    "Look a payout up (inquiry): Pending, Success, Canceled, Rejected, Suspect or Failed (exit 1). " +
      "With --wait, poll until it leaves Pending/Suspect; still unsettled when the wait ends exits 3."
  )
)

const payout = Command.make("payout").pipe(
  Command.withDescription(
    "The payout lifecycle: register → approve (or reject); cancel a scheduled payout; status."
  ),
  Command.withSubcommands([
    register,
    transition(
      "approve",
      "Approve a registered payout: NICEPAY disburses it. Sent once; an unknown outcome exits 3."
    ),
    status,
    transition("cancel", "Cancel an approved, scheduled payout before it runs."),
    transition("reject", "Reject a registered payout that was not approved.")
  ])
)

export const command = Command.make("nicepay").pipe(
  Command.withDescription(
    `NICEPAY SNAP payouts (disbursements). Configuration: ${Settings.describe(Config.settings)}; ` +
      "without credentials the embedded simulator is used."
  ),
  Command.withSubcommands([token, balance, payout])
)
