/**
 * Waiting for a payout's final status: `inquiry` on a poll schedule (the call's, else the
 * client's `awaitSchedule`, else `Poll.defaultSchedule`), until the status is neither `Pending` nor `Suspect`. Transient read failures are
 * retried within the same schedule; when it ends first, `PayoutStillPending`.
 *
 * @internal
 */
import { Effect, type Schedule } from "effect"
import * as Poll from "../../Poll.js"
import * as SnapClient from "../../Snap/Client.js"
import { PayoutStillPending } from "../Errors.js"
import type * as Schemas from "../Schemas.js"
import type { Context } from "./context.js"

/** Whether a payout status is final (neither `Pending` nor `Suspect`). @internal */
export const isSettled = (status: Schemas.TransactionStatus): boolean =>
  status !== "Pending" && status !== "Suspect"

/** @internal */
export const make = <E>(
  { fn }: Context,
  inquiry: (payout: Schemas.InquiryReference) => Effect.Effect<Schemas.PayoutState, E>,
  defaultSchedule: Schedule.Schedule<unknown, unknown> = Poll.defaultSchedule
) =>
  fn("nicepay.awaitFinal")(function* (
    payout: Schemas.InquiryReference,
    schedule?: Schedule.Schedule<unknown, unknown>
  ) {
    const poll = Effect.flatMap(inquiry(payout), (current) =>
      isSettled(current.status)
        ? Effect.succeed(current)
        : Effect.fail(
            new PayoutStillPending({
              partnerReferenceNo: payout.partnerReferenceNo,
              status: current.status
            })
          )
    )
    return yield* Effect.retry(poll, {
      schedule: schedule ?? defaultSchedule,
      while: (error) => error instanceof PayoutStillPending || SnapClient.isTransient(error)
    })
  })
