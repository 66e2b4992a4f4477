// Reading a response body into the common envelope, without ever throwing.
import { Either, ParseResult } from "effect"
import * as Schemas from "../Schemas.js"
import { decoder } from "./decode.js"

export interface Parsed {
  readonly envelope: Schemas.Envelope
  /** The whole body as parsed JSON, kept for `UnknownResponseCode`. */
  readonly body: unknown
}

export interface Unparseable {
  readonly reason: "MalformedJson" | "MissingResponseCode" | "InvalidBody"
  readonly detail: string
}

const decodeEnvelope = decoder(Schemas.Envelope)

export const parse = (text: string): Either.Either<Parsed, Unparseable> => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return Either.left({ reason: "MalformedJson", detail: "the body is not JSON" })
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Either.left({ reason: "InvalidBody", detail: "the body is not a JSON object" })
  }
  if (!("responseCode" in body) || (body as { readonly responseCode?: unknown }).responseCode === null) {
    return Either.left({ reason: "MissingResponseCode", detail: "the body has no responseCode" })
  }
  return Either.match(decodeEnvelope(body), {
    onLeft: (error) =>
      Either.left<Unparseable>({
        reason: "InvalidBody",
        detail: ParseResult.TreeFormatter.formatErrorSync(error)
      }),
    onRight: (envelope) => Either.right<Parsed>({ envelope, body })
  })
}

/** The start of a body, for diagnosis in errors (never the request, never a header). */
export const excerpt = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text)
