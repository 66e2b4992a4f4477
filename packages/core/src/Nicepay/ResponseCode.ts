/**
 * NICEPAY's meaning of SNAP response codes where its published table disagrees with the ASPI
 * general table.
 *
 * NICEPAY's own subset (reference nicepay-snap.md §7.4) gives two case codes a meaning other than
 * ASPI's, and answers one of them under an HTTP status its first three digits do not say:
 *
 * | code      | ASPI                  | NICEPAY                            | class here       |
 * |-----------|-----------------------|------------------------------------|------------------|
 * | `404xx13` | Invalid Amount        | Paid Bill                          | `PaidBill`       |
 * | `404xx18` | Inconsistent Request  | Account Inactive (under HTTP 403)  | `InactiveAccount`|
 *
 * These are data — a `Snap.ResponseCode.Dialect` — handed to the SNAP client the NICEPAY client is
 * built on, so every answer (the token exchange included) is decoded with NICEPAY's table in the
 * first place. The generic table stays ASPI's for every other provider; every other code means
 * what ASPI says.
 */
import * as SnapResponseCode from "../Snap/ResponseCode.js"

/**
 * NICEPAY's overrides and status quirks.
 */
export const dialect: SnapResponseCode.Dialect = {
  overrides: new Map<string, SnapResponseCode.DocumentedClass>([
    ["40413", SnapResponseCode.PaidBill],
    ["40418", SnapResponseCode.InactiveAccount]
  ]),
  statusQuirks: [{ httpStatus: 403, codeStatusAndCase: "40418" }]
}

/**
 * NICEPAY's overrides: `"{http}{case}"` → error class.
 */
export const overrides: ReadonlyMap<string, SnapResponseCode.DocumentedClass> = dialect.overrides

/**
 * The error for a non-success NICEPAY response code: NICEPAY's meaning when it has its own, else
 * the ASPI class (`Snap.ResponseCode.toError` with NICEPAY's dialect).
 */
export const toError = (
  code: SnapResponseCode.ResponseCode,
  responseMessage: string,
  body: string
): SnapResponseCode.ResponseCodeError => SnapResponseCode.toError(code, responseMessage, body, dialect)
