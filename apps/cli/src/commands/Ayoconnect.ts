/**
 * `kasir ayoconnect …`: Ayoconnect PPOB — balance, products, inquiry, payment, status and waiting
 * for a pending payment to settle. Arguments are checked here, with @kasir/core's own schemas;
 * the work is in `handlers/Ayoconnect`, loaded when a command runs.
 */
import { Command, Options } from "@effect/cli"
import type { Money } from "@kasir/core"
import { Effect } from "effect"
import * as Common from "../Common.js"
import * as Config from "../config/Ayoconnect.js"
import * as Input from "../Input.js"
import * as Settings from "../Settings.js"

const handlers = Effect.promise(() => import("../handlers/Ayoconnect.js"))

const connection = {
  json: Common.json,
  sandbox: Common.sandbox,
  sandboxUrl: Common.sandboxUrl,
  config: Config.options
}

const product = Input.text(
  "product",
  (core) => core.Ayoconnect.Schemas.InquiryRequest.fields.productCode,
  "Product code from `kasir ayoconnect products`, e.g. PLTK11."
)

const account = Input.text(
  "account",
  (core) => core.Ayoconnect.Schemas.InquiryRequest.fields.accountNumber,
  "Customer number: phone number, PLN meter or customer ID, BPJS number…"
)

const ref = Input.text(
  "ref",
  (core) => core.Ayoconnect.Schemas.RefNumber,
  "Your unique reference for the payment (refNumber): the idempotency key and the key of status lookups."
)

const payAmount: Options.Options<Money.Rupiah> = Input.amount(
  "The amount to pay in whole rupiah: the inquiry's amount, unchanged."
)

const balance = Command.make("balance", connection, (args) =>
  Effect.flatMap(handlers, (h) => h.balance(args))
).pipe(Command.withDescription("Show the partner deposit balance."))

const products = Command.make("products", connection, (args) =>
  Effect.flatMap(handlers, (h) => h.products(args))
).pipe(Command.withDescription("List the products (codes, prices, admin fees) the partner can sell."))

const inquiry = Command.make(
  "inquiry",
  {
    ...connection,
    product,
    account,
    amount: Input.amount("Amount in whole rupiah, for open-denomination products (e-wallet top-ups).").pipe(
      Options.optional
    ),
    zoneId: Options.text("zone-id").pipe(
      Options.withDescription("Game zone ID (game vouchers)."),
      Options.optional
    ),
    month: Input.wholeNumber(
      "month",
      (core) => core.Ayoconnect.Schemas.InquiryRequest.fields.month.from,
      "Number of months to pay (BPJS), 1 to 24."
    ).pipe(Options.optional)
  },
  (args) => Effect.flatMap(handlers, (h) => h.inquiry(args))
).pipe(
  Command.withDescription(
    "Ask what a customer owes (bills) or what a product costs; prints the inquiry ID and the amount to pay."
  )
)

const pay = Command.make(
  "pay",
  {
    ...connection,
    product,
    account,
    inquiryId: Input.wholeNumber(
      "inquiry-id",
      (core) => core.Ayoconnect.Schemas.PaymentRequest.fields.inquiryId,
      "The inquiry ID from `kasir ayoconnect inquiry`."
    ),
    amount: payAmount,
    ref,
    callbackUrl: Options.text("callback-url").pipe(
      Options.withDescription("URL Ayoconnect posts the final result to (optional)."),
      Options.optional
    )
  },
  (args) => Effect.flatMap(handlers, (h) => h.pay(args))
).pipe(
  Command.withDescription(
    "Pay an inquiry, exactly once. Prints the result: succeeded, or pending (then use `wait`). If the " +
      "outcome cannot be known it exits 3: check `status` with the same --ref, never pay again under a new one."
  )
)

const status = Command.make("status", { ...connection, ref }, (args) =>
  Effect.flatMap(handlers, (h) => h.status(args))
).pipe(
  Command.withDescription(
    "Look a payment up by its reference: succeeded, pending, or failed (exit 1). This is the truth; callbacks are hints."
  )
)

const wait = Command.make(
  "wait",
  {
    ...connection,
    ref,
    timeout: Input.duration("timeout", "How long to wait for a final state (default 5m).").pipe(
      Options.optional
    ),
    interval: Input.duration("interval", "Time between status lookups (default 5s).").pipe(Options.optional)
  },
  (args) => Effect.flatMap(handlers, (h) => h.wait(args))
).pipe(
  Command.withDescription(
    "Poll a payment's status until it succeeds (exit 0) or fails (exit 1); still pending when the wait " +
      "ends exits 3. Shows progress on a terminal, nothing extra when piped."
  )
)

export const command = Command.make("ayoconnect").pipe(
  Command.withDescription(
    `Ayoconnect PPOB: bills and prepaid products. Configuration: ${Settings.describe(Config.settings)}; ` +
      "without credentials the embedded simulator is used."
  ),
  Command.withSubcommands([balance, products, inquiry, pay, status, wait])
)
