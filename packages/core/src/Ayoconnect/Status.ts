/**
 * The state of a transaction, as payment, status and callbacks report it, and how a response
 * envelope is classified into it — by `responseCode`, never by `success`.
 */
import { Data, Either, Option, ParseResult } from "effect"
import * as ResponseCode from "./ResponseCode.js"
import { decoder } from "./internal/decode.js"
import * as Schemas from "./Schemas.js"

/**
 * A transaction's state:
 * - `Succeeded` — RC 0–99; `transaction.token` holds the PLN token / serial number.
 * - `Pending` — RC 200–299 (and, from status, 102/108): the result comes later.
 * - `Failed` — a failure code (100–199 and the documented 3xx/4xx payment failures); the
 *   partner balance was refunded. `error` is the typed error of the code.
 */
export type TransactionStatus = Data.TaggedEnum<{
  Succeeded: {
    readonly refNumber: string
    readonly responseCode: number
    readonly message: Schemas.Message
    readonly transaction: Schemas.Transaction
  }
  Pending: {
    readonly refNumber: string
    readonly responseCode: number
    readonly message: Schemas.Message
    readonly transaction: Schemas.Transaction | undefined
  }
  Failed: {
    readonly refNumber: string
    readonly responseCode: number
    readonly message: Schemas.Message
    readonly transaction: Schemas.Transaction | undefined
    readonly error: ResponseCode.ResponseCodeError
  }
}>

/**
 * Constructors and matchers of `TransactionStatus`.
 */
export const TransactionStatus = Data.taggedEnum<TransactionStatus>()

export type Succeeded = Data.TaggedEnum.Value<TransactionStatus, "Succeeded">

export type Pending = Data.TaggedEnum.Value<TransactionStatus, "Pending">

export type Failed = Data.TaggedEnum.Value<TransactionStatus, "Failed">

/**
 * What a payment call reports when it did not fail: done, or still processing.
 */
export type PaymentOutcome = Succeeded | Pending

/**
 * A final state: succeeded or failed.
 */
export type FinalStatus = Succeeded | Failed

export const isFinal = (status: TransactionStatus): status is FinalStatus => status._tag !== "Pending"

/**
 * Why a body could not be classified into a transaction state.
 */
export type NotAStatus =
  | { readonly _tag: "Error"; readonly error: ResponseCode.ResponseCodeError }
  | { readonly _tag: "InvalidData"; readonly detail: string }

const decodeTransaction = decoder(Schemas.Transaction)

/**
 * The transaction in `data`, when `data` holds one (it is `{}` on many failures).
 */
export const transactionOf = (data: unknown): Option.Option<Schemas.Transaction> =>
  Option.getRight(decodeTransaction(data))

/**
 * Classifies a status-shaped envelope (status response, callback). `refNumber` is the one asked
 * about, used when `data` does not carry it.
 */
export const classify = (
  envelope: Schemas.Envelope,
  raw: unknown,
  refNumber: string
): Either.Either<TransactionStatus, NotAStatus> => {
  const code = envelope.responseCode
  const message = envelope.message
  if (ResponseCode.isSuccess(code)) {
    const decoded = decodeTransaction(envelope.data)
    if (Either.isLeft(decoded)) {
      return Either.left({
        _tag: "InvalidData",
        detail: `a successful transaction (RC ${code}) without a readable transaction: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`
      })
    }
    const transaction = decoded.right
    return Either.right(
      TransactionStatus.Succeeded({
        refNumber: transaction.refNumber === "" ? refNumber : transaction.refNumber,
        responseCode: code,
        message,
        transaction
      })
    )
  }
  const transaction = Option.getOrUndefined(transactionOf(envelope.data))
  const ref = transaction === undefined || transaction.refNumber === "" ? refNumber : transaction.refNumber
  if (ResponseCode.isPending(code) || ResponseCode.isDuplicate(code)) {
    return Either.right(
      TransactionStatus.Pending({ refNumber: ref, responseCode: code, message, transaction })
    )
  }
  const error = ResponseCode.toError(envelope, raw)
  if (code === ResponseCode.TRANSACTION_NOT_FOUND || error._tag === "UnauthorisedAccess") {
    return Either.left({ _tag: "Error", error })
  }
  const failure = (code >= 100 && code <= 199) || ResponseCode.documented.has(code)
  return failure
    ? Either.right(
        TransactionStatus.Failed({ refNumber: ref, responseCode: code, message, transaction, error })
      )
    : Either.left({ _tag: "Error", error })
}

/**
 * The payment fields a repeat of a refNumber must match.
 */
export type PaymentKeyField = "accountNumber" | "productCode" | "amount"

/**
 * Which fields of a payment request differ from the transaction Ayoconnect holds under the same
 * refNumber — non-empty means the refNumber was reused for a different payment, and `status` is
 * not that payment's result (see `Idempotency.ReferenceReused`).
 *
 * Only what the record carries is compared: a record without a transaction (`data: {}` on many
 * failures), an empty `accountNumber` / `productCode` or a zero `amount` is not evidence either
 * way. `productCode` is compared without regard to case. `amount` matches the record's amount
 * with or without its `totalAdmin` and `processingFee`: the inquiry's `amount` (what is paid)
 * includes them, and Ayoconnect does not document which of the two a transaction reports.
 */
export const differingFields = (
  request: { readonly accountNumber: string; readonly productCode: string; readonly amount: number },
  status: TransactionStatus
): ReadonlyArray<PaymentKeyField> => {
  const transaction = status.transaction
  if (transaction === undefined) return []
  const differing: Array<PaymentKeyField> = []
  if (transaction.accountNumber !== "" && transaction.accountNumber !== request.accountNumber) {
    differing.push("accountNumber")
  }
  if (
    transaction.productCode !== "" &&
    transaction.productCode.toUpperCase() !== request.productCode.toUpperCase()
  ) {
    differing.push("productCode")
  }
  const withFees = transaction.amount + transaction.totalAdmin + transaction.processingFee
  if (transaction.amount > 0 && request.amount !== transaction.amount && request.amount !== withFees) {
    differing.push("amount")
  }
  return differing
}
