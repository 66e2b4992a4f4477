/**
 * Ayoconnect's callbacks: a POST of the status-shaped JSON to the partner's `callbackUrls`.
 *
 * Callbacks carry no signature, so anyone who knows the URL can send one. Decode them only as a
 * hint ("look at this refNumber") and confirm with `status` — the client's `confirmCallback` does
 * exactly that. Answer HTTP 200 once handled; anything else makes Ayoconnect retry, so handling
 * must be idempotent by `refNumber`.
 */
import { Either } from "effect"
import { InvalidCallback } from "./Errors.js"
import * as Envelope from "./internal/envelope.js"
import * as Status from "./Status.js"

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Decodes a callback body (the raw bytes or text as received) into the state it claims.
 * Unverified: treat the result as a hint.
 */
export const decode = (
  rawBody: string | Uint8Array
): Either.Either<Status.TransactionStatus, InvalidCallback> => {
  let text: string
  try {
    text = typeof rawBody === "string" ? rawBody : utf8.decode(rawBody)
  } catch {
    return Either.left(new InvalidCallback({ detail: "the body is not UTF-8" }))
  }
  const parsed = Envelope.parse(text)
  if (Either.isLeft(parsed)) return Either.left(new InvalidCallback({ detail: parsed.left.detail }))
  const { envelope, body } = parsed.right
  const classified = Status.classify(envelope, body, "")
  if (Either.isLeft(classified)) {
    const problem = classified.left
    return Either.left(
      new InvalidCallback({
        detail:
          problem._tag === "InvalidData"
            ? problem.detail
            : `response code ${envelope.responseCode} is not a transaction result`
      })
    )
  }
  if (classified.right.refNumber === "") {
    return Either.left(new InvalidCallback({ detail: "the callback names no refNumber" }))
  }
  return Either.right(classified.right)
}
