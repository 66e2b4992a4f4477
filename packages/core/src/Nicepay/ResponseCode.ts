/**
 * NICEPAY's meaning of SNAP response codes where its published table disagrees with the ASPI
 * general table.
 *
 * NICEPAY's own subset (reference nicepay-snap.md §7.4) gives two case codes a meaning other than
 * ASPI's:
 *
 * | code      | ASPI                  | NICEPAY                            | class here       |
 * |-----------|-----------------------|------------------------------------|------------------|
 * | `404xx13` | Invalid Amount        | Paid Bill                          | `PaidBill`       |
 * | `404xx18` | Inconsistent Request  | Account Inactive (under HTTP 403)  | `InactiveAccount`|
 *
 * The NICEPAY client consults this table before the generic one (`Snap.ResponseCode.table`),
 * which stays ASPI's for every other provider. Every other code means what ASPI says.
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import * as SnapResponseCode from "../Snap/ResponseCode.js"

type Constructor = new (fields: SnapResponseCode.ErrorFields) => SnapResponseCode.ResponseCodeError

/**
 * NICEPAY's overrides: `"{http}{case}"` → error class.
 *
 * @since 0.1.0
 */
export const overrides: ReadonlyMap<string, Constructor> = new Map<string, Constructor>([
  ["40413", SnapResponseCode.PaidBill],
  ["40418", SnapResponseCode.InactiveAccount]
])

/**
 * The error for a non-success NICEPAY response code: NICEPAY's meaning when it has its own, else
 * the ASPI class (`Snap.ResponseCode.toError`).
 *
 * @since 0.1.0
 */
export const toError = (
  code: SnapResponseCode.ResponseCode,
  responseMessage: string,
  body: string
): SnapResponseCode.ResponseCodeError => {
  const Override = overrides.get(`${code.httpStatus}${code.caseCode}`)
  return Override === undefined
    ? SnapResponseCode.toError(code, responseMessage, body)
    : new Override({ responseCode: code.code, serviceCode: code.serviceCode, responseMessage, body })
}

const documentedClasses: ReadonlyArray<Constructor> = [...SnapResponseCode.table.values()]

/**
 * Re-reads an error the generic SNAP client produced with NICEPAY's table: a response-code error
 * whose code NICEPAY defines differently becomes NICEPAY's class (same code, message and body);
 * every other error is returned as it is.
 *
 * @since 0.1.0
 */
export const refine = <E>(error: E): E | SnapResponseCode.PaidBill | SnapResponseCode.InactiveAccount => {
  if (typeof error !== "object" || error === null) return error
  if (!documentedClasses.some((Class) => error instanceof Class)) return error
  const fields = error as unknown as SnapResponseCode.ErrorFields
  const parsed = SnapResponseCode.parse(fields.responseCode)
  if (Either.isLeft(parsed)) return error
  const Override = overrides.get(`${parsed.right.httpStatus}${parsed.right.caseCode}`)
  if (Override === undefined || error instanceof Override) return error
  return new Override({
    responseCode: fields.responseCode,
    serviceCode: fields.serviceCode,
    responseMessage: fields.responseMessage,
    body: fields.body
  }) as SnapResponseCode.PaidBill | SnapResponseCode.InactiveAccount
}
