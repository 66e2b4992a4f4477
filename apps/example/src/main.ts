import { NodeRuntime } from "@effect/platform-node"
import { Ayoconnect, ErrorKind, Transport } from "@kasir/core"
import { ConfigError, Console, Effect } from "effect"

// Usage: node dist/main.js [accountNumber] [refNumber], with AYOCONNECT_BASE_URL,
// AYOCONNECT_API_KEY and AYOCONNECT_API_SECRET set (`pnpm sandbox` prints demo values).
const accountNumber = process.argv[2] ?? "512345678901"
const refNumber = process.argv[3] ?? `order-${process.pid}-${Date.now()}` // yours: the idempotency key

const payBill = Effect.gen(function* () {
  const ayoconnect = yield* Ayoconnect.Ayoconnect
  const bill = yield* ayoconnect.inquiry({ accountNumber, productCode: "TLSTPOS" })
  const outcome = yield* ayoconnect.payment({
    inquiryId: bill.inquiryId,
    accountNumber,
    productCode: "TLSTPOS",
    amount: bill.amount,
    refNumber
  })
  // Succeeded (RC 0–99) or Pending (RC 200–299); declines are typed errors, never a `success` flag.
  return outcome._tag === "Pending" ? yield* ayoconnect.awaitFinal({ refNumber: outcome.refNumber }) : outcome
}).pipe(
  // A lost answer is never resent: look the refNumber up first.
  Effect.catchTag("OutcomeUnknown", (unknown) =>
    Effect.flatMap(Ayoconnect.Ayoconnect, (ayoconnect) => ayoconnect.recoverPayment(unknown.reference))
  )
)

const program = payBill.pipe(
  Effect.flatMap((result) => Console.log(`${result._tag}: ${JSON.stringify(result)}`)),
  Effect.provide(Ayoconnect.layerConfig()), // reads the AYOCONNECT_* variables
  Effect.provide(Transport.layer),
  // One line on stderr and a non-zero exit, never a stack trace.
  Effect.catchAll((error) =>
    Effect.zipRight(
      Console.error(
        ConfigError.isConfigError(error)
          ? "example: set AYOCONNECT_BASE_URL, AYOCONNECT_API_KEY and AYOCONNECT_API_SECRET (`pnpm sandbox` prints demo values)"
          : `example: ${ErrorKind.kindOf(error) ?? "failed"}: ${error.message}`
      ),
      Effect.sync(() => {
        process.exitCode = ConfigError.isConfigError(error) ? 2 : 1
      })
    )
  )
)

NodeRuntime.runMain(program)
