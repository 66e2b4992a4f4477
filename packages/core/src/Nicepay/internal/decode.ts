/**
 * Reading a success answer. A body that does not decode is, for a read, a malformed response;
 * for a money-moving call (`references` given) the upstream acted but we cannot read what it did,
 * so it is `OutcomeUnknown` with the references needed to read the outcome later.
 *
 * @internal
 */
import { Effect, Either, type Schema } from "effect"
import type { OutcomeUnknown } from "../../KasirError.js"
import * as SnapClient from "../../Snap/Client.js"
import * as Response from "../../Snap/Response.js"
import * as Schemas from "../Schemas.js"
import { UPSTREAM } from "./context.js"

/** A success answer whose body is not what NICEPAY documents. @internal */
export const malformed = (accepted: Response.Accepted, operation: string, reason: string) =>
  new Response.MalformedResponse({
    upstream: UPSTREAM,
    operation,
    httpStatus: accepted.httpStatus,
    reason,
    body: Response.maskBody(accepted.body)
  })

/** @internal */
export const decode = <A, I>(
  schema: Schema.Schema<A, I>,
  accepted: Response.Accepted,
  operation: string,
  references?: SnapClient.References
): Effect.Effect<A, Response.MalformedResponse | OutcomeUnknown> =>
  Either.match(Schemas.decodeResponse(schema, accepted.json), {
    onRight: Effect.succeed,
    onLeft: (reason) => {
      const error = malformed(accepted, operation, reason)
      return Effect.fail(
        references === undefined ? error : SnapClient.outcomeUnknown(UPSTREAM, operation, references, error)
      )
    }
  })
