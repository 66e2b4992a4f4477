/**
 * What a failure means to the caller, across every upstream.
 *
 * Every kasir error (`KasirError.isKasirError`) has a `kind` with one of these values, so the
 * apps map errors to exit codes and HTTP statuses without knowing every class:
 *
 * | kind             | meaning                                                | CLI exit | HTTP |
 * |------------------|--------------------------------------------------------|----------|------|
 * | `Declined`       | the upstream answered and refused or failed the call   | 1        | 422  |
 * | `InvalidRequest` | the input is wrong; fix it and try again               | 2        | 400  |
 * | `Configuration`  | credentials, keys or settings are missing or malformed | 2        | 500  |
 * | `Unauthorized`   | the upstream rejected our credentials or signature     | 1        | 502  |
 * | `OutcomeUnknown` | a money-moving call may or may not have happened       | 3        | 202  |
 * | `Unavailable`    | the upstream could not be reached or answered garbage  | 3        | 502  |
 * | `Timeout`        | no complete answer within the deadline                 | 3        | 504  |
 */
import * as KasirError from "./KasirError.js"

export type ErrorKind =
  | "Declined"
  | "InvalidRequest"
  | "Configuration"
  | "Unauthorized"
  | "OutcomeUnknown"
  | "Unavailable"
  | "Timeout"

/**
 * The kind of a failure, or `undefined` for values that are not kasir errors (`isKasirError`).
 */
export const kindOf = (error: unknown): ErrorKind | undefined =>
  KasirError.isKasirError(error) ? error.kind : undefined
