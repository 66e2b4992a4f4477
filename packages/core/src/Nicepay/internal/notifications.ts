/**
 * Inbound notifications: verified with NICEPAY's public key (parsed once, when the client was
 * built), then confirmed by reading the payout, since a notification's body is only a claim.
 * Without a configured key every notification is refused as `NoPublicKey`.
 *
 * @internal
 */
import type { KeyObject } from "node:crypto"
import { Effect, type Duration } from "effect"
import * as NicepayConfig from "../Config.js"
import * as Notification from "../Notification.js"
import * as Schemas from "../Schemas.js"
import type { Context } from "./context.js"
import type { ReadStatus } from "./operations.js"

/** @internal */
export const make = (
  { clientId, fn }: Context,
  traced: boolean,
  notificationKey: KeyObject | undefined,
  tolerance: Duration.DurationInput | undefined,
  readStatus: ReadStatus
) => {
  const noPublicKey = Effect.fail(
    new Notification.InvalidNotification({
      reason: "NoPublicKey",
      detail: "no NICEPAY notification public key is configured (NICEPAY_NOTIFICATION_PUBLIC_KEY)"
    })
  )
  const verifyOptions = (publicKey: KeyObject): Notification.VerifyOptions => ({
    clientId,
    publicKey,
    tolerance: tolerance ?? NicepayConfig.defaultNotificationTolerance
  })
  const verifyNotificationHeaders = (headers: Notification.Received["headers"]) =>
    notificationKey === undefined
      ? noPublicKey
      : Notification.verifyHeaders(headers, verifyOptions(notificationKey))
  const verifyNotification = (received: Notification.Received) =>
    notificationKey === undefined
      ? noPublicKey
      : Notification.verify(received, verifyOptions(notificationKey))

  const confirmNotification = fn("nicepay.confirmNotification")(function* (received: Notification.Received) {
    const notification = yield* verifyNotification(received)
    if (notification.beneficiaryAccountNo === undefined) {
      return yield* new Notification.InvalidNotification({
        reason: "InvalidBody",
        detail: "beneficiaryAccountNo is missing; it is needed to confirm the payout with an inquiry"
      })
    }
    const ref = yield* Schemas.validate(Schemas.InquiryReference, "confirmNotification", {
      partnerReferenceNo: notification.partnerReferenceNo,
      originalReferenceNo: notification.originalReferenceNo,
      beneficiaryAccountNo: notification.beneficiaryAccountNo
    })
    return yield* readStatus(ref)
  })

  return {
    verifyNotificationHeaders: traced
      ? Effect.fn("nicepay.verifyNotificationHeaders")(verifyNotificationHeaders)
      : verifyNotificationHeaders,
    verifyNotification: traced
      ? Effect.fn("nicepay.verifyNotification")(verifyNotification)
      : verifyNotification,
    confirmNotification
  }
}
