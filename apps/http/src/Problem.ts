/**
 * The gateway's one error shape: RFC 9457 problem details (`application/problem+json`).
 *
 * Every failure a caller can see — a request that does not validate, a missing API key, an
 * upstream decline, an upstream outage — is one of the classes below. They differ only in their
 * HTTP status, so the OpenAPI document lists one schema per status and the wire shape is the same
 * everywhere: `type`, `title`, `status`, `detail`, `instance`, plus kasir's extension members.
 */
import { HttpApiSchema, HttpServerResponse } from "@effect/platform"
import { Schema } from "effect"

/**
 * The media type of every problem body.
 */
export const contentType = "application/problem+json"

/**
 * One field of a request that failed validation.
 */
export class FieldError extends Schema.Class<FieldError>("FieldError")({
  /** Where the offending value is: `body.amount`, `path.refNumber`, `query.page`, `header.x-api-key`. */
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * What the upstream itself said, when it answered.
 */
export class UpstreamDetail extends Schema.Class<UpstreamDetail>("UpstreamDetail")({
  /** `ayoconnect` or `nicepay`. */
  provider: Schema.String,
  /** The upstream operation, e.g. `ayoconnect.payment`. */
  operation: Schema.optional(Schema.String),
  /** The upstream's own response code (Ayoconnect numeric RC, SNAP 7-digit code), as a string. */
  code: Schema.optional(Schema.String),
  /** The upstream's message in English (Ayoconnect `message.EN`, SNAP `responseMessage`). */
  message: Schema.optional(Schema.String),
  /** The upstream's message in Indonesian (Ayoconnect `message.ID`). */
  messageId: Schema.optional(Schema.String)
}) {}

// `status` is a literal per class: the classes are otherwise identical, and HttpApi picks the
// response schema (and so the HTTP status) by structure, not by class.
const fields = <S extends number>(status: S) => ({
  /** A URI naming the problem type, e.g. `urn:kasir:problem:declined`. */
  type: Schema.String,
  /** A short summary of the problem type; the same for every occurrence. */
  title: Schema.String,
  /** The HTTP status of this response. */
  status: Schema.Literal(status),
  /** What went wrong this time, and how to fix it. */
  detail: Schema.String,
  /** The request path this problem is about. */
  instance: Schema.optional(Schema.String),
  /** The `X-Request-Id` of the request, for support. */
  requestId: Schema.optional(Schema.String),
  /** The kasir error kind (`Declined`, `Timeout`, …) when the problem came from an upstream call. */
  kind: Schema.optional(Schema.String),
  /** The upstream's answer, when it gave one. */
  upstream: Schema.optional(UpstreamDetail),
  /**
   * For validation failures: every offending field. For a reused idempotency key: every field that
   * differs from the payment already made under it.
   */
  errors: Schema.optional(Schema.Array(FieldError)),
  /** For outcome-unknown answers: where to poll for the result (also in the `Location` header). */
  location: Schema.optional(Schema.String),
  /** For a payout transition its status does not allow (409 `invalid-transition`): that status. */
  currentStatus: Schema.optional(Schema.String)
})

/**
 * The plain data of a problem, whatever its status.
 */
export type Fields = Omit<Schema.Struct.Type<ReturnType<typeof fields<number>>>, "status"> & {
  readonly status: number
}

const annotate = <A>(status: number, description: string): Schema.Annotations.Schema<A> =>
  Object.assign(HttpApiSchema.annotations<A>({ status, description }), {
    [HttpApiSchema.AnnotationEncoding]: { kind: "Json", contentType } satisfies HttpApiSchema.Encoding
  })

/**
 * 400: the request does not validate, or the upstream rejected it as malformed.
 */
export class BadRequest extends Schema.Class<BadRequest>("BadRequestProblem")(
  fields(400),
  annotate(400, "The request is invalid; `errors` lists the offending fields")
) {}

/**
 * 401: no API key, or one that is not configured.
 */
export class Unauthorized extends Schema.Class<Unauthorized>("UnauthorizedProblem")(
  fields(401),
  annotate(401, "Missing or unrecognised credentials")
) {}

/**
 * 404: no such route, or no such payment/payout at the upstream.
 */
export class NotFound extends Schema.Class<NotFound>("NotFoundProblem")(
  fields(404),
  annotate(404, "Not found")
) {}

/**
 * 409: the idempotency key (`refNumber`, `partnerReferenceNo`) already belongs to a different
 * payment, or to one the gateway cannot identify; nothing was sent again. Also: a payout
 * transition its current status (`currentStatus`) does not allow.
 */
export class Conflict extends Schema.Class<Conflict>("ConflictProblem")(
  fields(409),
  annotate(409, "The reference already belongs to a different payment; `errors` lists what differs")
) {}

/**
 * 413: the request body is larger than `KASIR_MAX_BODY_BYTES`; it was not read past the limit.
 */
export class PayloadTooLarge extends Schema.Class<PayloadTooLarge>("PayloadTooLargeProblem")(
  fields(413),
  annotate(413, "The request body exceeds the gateway's limit (`KASIR_MAX_BODY_BYTES`)")
) {}

/**
 * 422: the upstream answered and declined or failed the call; `upstream` carries its code and messages.
 */
export class Declined extends Schema.Class<Declined>("DeclinedProblem")(
  fields(422),
  annotate(422, "The upstream declined the request")
) {}

/**
 * 500: the gateway is misconfigured (credentials, keys) or hit a bug.
 */
export class InternalError extends Schema.Class<InternalError>("InternalErrorProblem")(
  fields(500),
  annotate(500, "The gateway is misconfigured or failed unexpectedly")
) {}

/**
 * 502: the upstream could not be reached, answered garbage, or refused our credentials.
 */
export class BadGateway extends Schema.Class<BadGateway>("BadGatewayProblem")(
  fields(502),
  annotate(502, "The upstream is unavailable or rejected the gateway's credentials")
) {}

/**
 * 503: the gateway is not ready (shutting down, or a provider is not configured).
 */
export class ServiceUnavailable extends Schema.Class<ServiceUnavailable>("ServiceUnavailableProblem")(
  fields(503),
  annotate(503, "The gateway is not ready")
) {}

/**
 * 504: the upstream gave no complete answer within the deadline.
 */
export class GatewayTimeout extends Schema.Class<GatewayTimeout>("GatewayTimeoutProblem")(
  fields(504),
  annotate(504, "The upstream did not answer in time")
) {}

/**
 * 202: a money-moving call may or may not have happened, and its status could not be read yet.
 * Nothing will be sent again by itself; poll `location` (also the `Location` header).
 */
export class OutcomeUnknown extends Schema.Class<OutcomeUnknown>("OutcomeUnknownProblem")(
  fields(202),
  annotate(202, "Accepted, outcome not known yet: poll the `Location` URL")
) {}

/**
 * Any problem.
 */
export type Problem =
  | BadRequest
  | Unauthorized
  | NotFound
  | Conflict
  | PayloadTooLarge
  | Declined
  | InternalError
  | BadGateway
  | ServiceUnavailable
  | GatewayTimeout
  | OutcomeUnknown

const classes = {
  400: BadRequest,
  401: Unauthorized,
  404: NotFound,
  409: Conflict,
  413: PayloadTooLarge,
  422: Declined,
  500: InternalError,
  502: BadGateway,
  503: ServiceUnavailable,
  504: GatewayTimeout,
  202: OutcomeUnknown
} as const

/**
 * Whether a value is one of the problem classes.
 */
export const isProblem = (u: unknown): u is Problem =>
  Object.values(classes).some((Class) => u instanceof Class)

/**
 * The statuses a problem can have.
 */
export type Status = keyof typeof classes

const titles: Record<Status, string> = {
  400: "Invalid request",
  401: "Unauthorized",
  404: "Not found",
  409: "Conflict with the current state",
  413: "Body too large",
  422: "Declined by the upstream",
  500: "Internal error",
  502: "Upstream unavailable",
  503: "Not ready",
  504: "Upstream timeout",
  202: "Outcome unknown"
}

/**
 * Builds a problem of the given status. `slug` names the problem type (`urn:kasir:problem:<slug>`).
 */
export const make = <S extends Status>(
  status: S,
  slug: string,
  detail: string,
  extra?: Omit<Partial<Fields>, "type" | "status" | "detail">
): InstanceType<(typeof classes)[S]> => {
  const Class = classes[status] as unknown as new (
    fields: Fields,
    options: { readonly disableValidation: boolean }
  ) => InstanceType<(typeof classes)[S]>
  // The fields are typed and built here; re-validating them against the class schema on every 4xx
  // answer was a measurable part of a rejected request's CPU. The schema still encodes the answer.
  return new Class(
    { type: `urn:kasir:problem:${slug}`, title: titles[status], status, detail, ...extra },
    { disableValidation: true }
  )
}

/**
 * Renders a problem outside the HttpApi (unknown routes, defects caught at the edge).
 */
export const toResponse = (problem: Problem): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(
    Object.fromEntries(Object.entries(problem).filter(([, value]) => value !== undefined)),
    { status: problem.status, contentType }
  )
