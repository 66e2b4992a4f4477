/**
 * Core errors → problems, generically: the status comes from the error's `kind`, the upstream
 * detail from the fields every kasir error shares (`KasirError`: `upstreamCode` and
 * `upstreamMessages`, Ayoconnect's `{ID, EN}` pair or SNAP's single message). The gateway never
 * needs to know every error class, and reads no field a kasir error does not declare.
 *
 * | kind             | status | problem type           |
 * |------------------|--------|------------------------|
 * | `InvalidRequest` | 400    | `invalid-request`      |
 * | `Declined`       | 422    | `declined` (404 `not-found` for unknown transactions) |
 * | `OutcomeUnknown` | 202    | `outcome-unknown`      |
 * | `Unauthorized`   | 502    | `upstream-unauthorized`|
 * | `Unavailable`    | 502    | `upstream-unavailable` |
 * | `Timeout`        | 504    | `upstream-timeout`     |
 * | `Configuration`  | 500    | `configuration`        |
 * | (not a kasir error) | 500 | `internal`            |
 *
 * Raw upstream bodies and excerpts that errors carry for diagnosis are not copied into problems.
 *
 * A reused idempotency key (core's `Idempotency.ReferenceReused`) is not one of these: the routes
 * that take a key answer it with `referenceReused` (409 `idempotency-key-reused`).
 */
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { type Idempotency, KasirError } from "@kasir/core"
import { Effect } from "effect"
import * as Problem from "./Problem.js"
import * as RequestContext from "./RequestContext.js"

/**
 * The problems an upstream call can end in.
 */
export type UpstreamProblem =
  | Problem.BadRequest
  | Problem.NotFound
  | Problem.Declined
  | Problem.InternalError
  | Problem.BadGateway
  | Problem.GatewayTimeout
  | Problem.OutcomeUnknown

/**
 * The error tags that mean "no such transaction" (Ayoconnect RC 188 and SNAP `404xx01` are both
 * `TransactionNotFound`).
 */
export const notFoundTags: ReadonlySet<string> = new Set(["TransactionNotFound"])

const text = (value: string | undefined): string | undefined => (value === "" ? undefined : value)

/**
 * What the upstream said, from the error's `upstreamCode` and `upstreamMessages`.
 */
export const upstreamDetail = (
  provider: string,
  operation: string,
  error: unknown
): Problem.UpstreamDetail => {
  const known = KasirError.isKasirError(error) ? error : undefined
  const messages = known?.upstreamMessages
  const code = text(known?.upstreamCode)
  const message = text(
    messages === undefined ? undefined : "message" in messages ? messages.message : messages.EN
  )
  const messageId = text(messages !== undefined && "ID" in messages ? messages.ID : undefined)
  return new Problem.UpstreamDetail({
    provider,
    operation,
    ...(code === undefined ? {} : { code }),
    ...(message === undefined ? {} : { message }),
    ...(messageId === undefined ? {} : { messageId })
  })
}

const errorMessage = (error: unknown): string =>
  KasirError.isKasirError(error) && error.message !== ""
    ? error.message
    : error instanceof Error && error.message !== ""
      ? error.message
      : "unknown error"

/**
 * The problem for a failed upstream call. `location` is where to poll when the outcome is unknown;
 * `detail` replaces the error's own message.
 */
export const toProblem = (
  error: unknown,
  options: {
    readonly provider: string
    readonly operation: string
    readonly location?: string | undefined
    readonly detail?: string | undefined
  }
): Effect.Effect<UpstreamProblem> => {
  // Already answered (a nested call mapped it): keep it as it is.
  if (Problem.isProblem(error)) return Effect.succeed(error as UpstreamProblem)
  const known = KasirError.isKasirError(error) ? error : undefined
  const kind = known?.kind
  const upstream = upstreamDetail(options.provider, options.operation, error)
  const detail = options.detail ?? errorMessage(error)
  const extra = { kind: kind ?? "Unknown", upstream }
  switch (kind) {
    case "InvalidRequest":
      return RequestContext.problem(400, "invalid-request", detail, extra)
    case "Declined": {
      return known !== undefined && notFoundTags.has(known._tag)
        ? RequestContext.problem(404, "not-found", detail, extra)
        : RequestContext.problem(422, "declined", detail, extra)
    }
    case "OutcomeUnknown": {
      const location = options.location
      const problem = RequestContext.problem(
        202,
        "outcome-unknown",
        location === undefined
          ? `${detail}. Nothing will be resent; repeat the same request (idempotent by its reference) to learn the outcome.`
          : `${detail}. Nothing will be resent; poll the Location URL for the result.`,
        { ...extra, ...(location === undefined ? {} : { location }) }
      )
      return location === undefined
        ? problem
        : Effect.zipRight(
            HttpApp.appendPreResponseHandler((_request, response) =>
              Effect.succeed(HttpServerResponse.setHeader(response, "location", location))
            ),
            problem
          )
    }
    case "Unauthorized":
      return RequestContext.problem(
        502,
        "upstream-unauthorized",
        `${detail}. The upstream rejected the gateway's credentials or signature: check the ${options.provider} configuration.`,
        extra
      )
    case "Unavailable":
      return RequestContext.problem(502, "upstream-unavailable", detail, extra)
    case "Timeout":
      return RequestContext.problem(504, "upstream-timeout", detail, extra)
    case "Configuration":
      return RequestContext.problem(500, "configuration", detail, extra)
    case undefined:
      return Effect.zipRight(
        Effect.logError("unexpected upstream failure").pipe(
          Effect.annotateLogs({ error: detail.slice(0, 500) })
        ),
        RequestContext.problem(
          500,
          "internal",
          "The gateway failed unexpectedly; the request id identifies it in the logs."
        )
      )
  }
}

/**
 * Runs one upstream call for the current request: records the operation for the access log and
 * turns any failure into its problem. Failures that already are problems pass through unchanged.
 */
export const call =
  (options: {
    readonly provider: string
    readonly operation: string
    readonly location?: string | undefined
  }) =>
  <A, E, R>(
    self: Effect.Effect<A, E, R>
  ): Effect.Effect<A, UpstreamProblem | Extract<E, Problem.Problem>, R> =>
    Effect.zipRight(
      RequestContext.recordOperation(options.operation),
      Effect.catchAll(
        self,
        (error): Effect.Effect<never, UpstreamProblem | Extract<E, Problem.Problem>> =>
          Problem.isProblem(error)
            ? Effect.fail(error as Extract<E, Problem.Problem>)
            : Effect.flatMap(toProblem(error, options), Effect.fail)
      )
    )

/**
 * The answer to a reused idempotency key: 409 `idempotency-key-reused`, `errors` naming the
 * request fields that differ from the payment the upstream already holds under the key (names
 * only, never values).
 */
export const referenceReused = (
  error: Idempotency.ReferenceReused,
  options: { readonly provider: string; readonly operation: string }
): Effect.Effect<never, Problem.Conflict> =>
  RequestContext.fail(
    409,
    "idempotency-key-reused",
    `${error.referenceField} ${error.reference} already belongs to a different payment: ${error.fields.join(", ")} ${error.fields.length === 1 ? "differs" : "differ"}. The upstream refuses a second payment under the same ${error.referenceField}, so this request was not carried out and nothing was sent again. Use a new ${error.referenceField} for a new payment.`,
    {
      kind: error.kind,
      upstream: new Problem.UpstreamDetail({ provider: options.provider, operation: options.operation }),
      errors: error.fields.map(
        (name) =>
          new Problem.FieldError({
            path: `body.${name}`,
            message: `differs from the payment already made with ${error.referenceField} ${error.reference}`
          })
      )
    }
  )
