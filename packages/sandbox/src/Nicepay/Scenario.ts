/**
 * Deterministic scenarios, chosen by the end of the beneficiary account number.
 *
 * | ends with | scenario          | effect                                                                    |
 * |-----------|-------------------|---------------------------------------------------------------------------|
 * | `9911`    | `invalid-account` | registration answers `4040011` Invalid Account                            |
 * | `9914`    | `no-funds`        | registration answers `4030014` Insufficient Funds                         |
 * | `9908`    | `suspect-success` | approve answers status `08`; it settles to `00` after `settleAfter`       |
 * | `9909`    | `suspect-failed`  | approve answers status `08`; it settles to `09` (refunded)                |
 * | `9902`    | `in-progress`     | approve answers `2020000` Request In Progress (status `08`), then `00`    |
 * | `9500`    | `error-500`       | approve is processed (status `00`) but answered `5000000` General Error   |
 * | `9504`    | `timeout-504`     | approve is processed (status `00`) but answered `5040000` Timeout         |
 * | other     | `normal`          | approve answers status `00` at once                                       |
 *
 * The same layout as `Ayoconnect.Scenario`: a classifier, the suffixes, and `table`.
 */

/**
 * A payout's scenario.
 */
export type Scenario =
  | "normal"
  | "invalid-account"
  | "no-funds"
  | "suspect-success"
  | "suspect-failed"
  | "in-progress"
  | "error-500"
  | "timeout-504"

/**
 * The account-number suffix that selects each scenario.
 */
export const suffix: Readonly<Record<Exclude<Scenario, "normal">, string>> = {
  "invalid-account": "9911",
  "no-funds": "9914",
  "suspect-success": "9908",
  "suspect-failed": "9909",
  "in-progress": "9902",
  "error-500": "9500",
  "timeout-504": "9504"
}

const suffixes = Object.entries(suffix) as ReadonlyArray<readonly [Exclude<Scenario, "normal">, string]>

/**
 * The scenario of a beneficiary account number.
 */
export const forPayout = (beneficiaryAccountNo: string): Scenario =>
  suffixes.find(([, end]) => beneficiaryAccountNo.endsWith(end))?.[0] ?? "normal"

/**
 * One documented scenario: the account-number suffix that selects it and what it does. The same
 * shape as `Ayoconnect.Scenario.Entry`.
 */
export interface Entry {
  readonly suffix: string
  readonly effect: string
}

/**
 * Every scenario, by suffix (what the README's table lists); any other account number is
 * `normal`.
 */
export const table: ReadonlyArray<Entry> = [
  { suffix: suffix["invalid-account"], effect: "transfer/registration answers 4040011 Invalid Account" },
  { suffix: suffix["no-funds"], effect: "transfer/registration answers 4030014 Insufficient Funds" },
  { suffix: suffix["suspect-success"], effect: "transfer/approve answers status 08, then settles to 00" },
  {
    suffix: suffix["suspect-failed"],
    effect: "transfer/approve answers status 08, then settles to 09 (refunded)"
  },
  {
    suffix: suffix["in-progress"],
    effect: "transfer/approve answers 2020000 (status 08), then settles to 00"
  },
  { suffix: suffix["error-500"], effect: "transfer/approve is processed (00) but answered 5000000" },
  { suffix: suffix["timeout-504"], effect: "transfer/approve is processed (00) but answered 5040000" }
]
