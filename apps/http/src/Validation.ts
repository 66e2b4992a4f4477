/**
 * Request-validation failures as 400 problems with field paths.
 *
 * HttpApi (platform 0.97) decodes path, query, headers and body itself and fails with its own
 * `HttpApiDecodeError` (`{_tag, issues, message}`); a body that is not JSON even becomes a defect.
 * Neither shape may reach a caller. `HttpApiBuilder.middleware` is the one hook that sits between
 * the router and HttpApi's error encoder, so this middleware turns both into `Problem.BadRequest`
 * there, before anything is encoded; the OpenAPI document is corrected to match in `Api.ts`.
 */
import { HttpApiError, type HttpApp, HttpServerError } from "@effect/platform"
import { Cause, Effect, FiberRef, Option, type Schema, SchemaAST } from "effect"
import * as Body from "./Body.js"
import * as Problem from "./Problem.js"
import * as RequestContext from "./RequestContext.js"
import type { Endpoint } from "./Routes.js"

type Location = "path" | "query" | "header" | "body"

const propertyNames = (schema: Option.Option<Schema.Schema.All>): ReadonlySet<PropertyKey> =>
  Option.match(schema, {
    onNone: () => new Set(),
    onSome: (s) => new Set(SchemaAST.getPropertySignatures(s.ast).map((ps) => ps.name))
  })

// HttpApiDecodeError does not say which part of the request failed; the first path element does,
// because the endpoint's path, query and header schemas name their fields.
const locate = (endpoint: Endpoint | undefined, first: PropertyKey | undefined): Location => {
  if (endpoint === undefined || first === undefined) return endpoint?.method === "GET" ? "query" : "body"
  if (propertyNames(endpoint.pathSchema).has(first)) return "path"
  if (propertyNames(endpoint.urlParamsSchema).has(first)) return "query"
  if (propertyNames(endpoint.headersSchema).has(first)) return "header"
  return endpoint.method === "GET" || endpoint.method === "DELETE" ? "query" : "body"
}

/**
 * `body.amount`, `body.items[0].code`, `path.refNumber`.
 */
export const formatPath = (location: Location, path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    location
  )

const fromDecodeError = (error: HttpApiError.HttpApiDecodeError) =>
  Effect.flatMap(FiberRef.get(RequestContext.current), (state) => {
    const endpoint = state?.route?.endpoint
    const all = error.issues.map(
      (issue) =>
        new Problem.FieldError({
          path: formatPath(locate(endpoint, issue.path[0]), issue.path),
          message: issue.message
        })
    )
    // An optional field is decoded as `X | undefined`, so a bad value reports both members of the
    // union; "Expected undefined" says nothing the caller can act on when the field has a real issue.
    const errors = all.filter(
      (e) =>
        !e.message.startsWith("Expected undefined, actual") ||
        !all.some((other) => other !== e && other.path === e.path)
    )
    const summary = errors.map((e) => `${e.path}: ${e.message}`).join("; ")
    return RequestContext.problem(400, "validation", `The request is invalid — ${summary}`, { errors })
  })

const isDecodeError = (u: unknown): u is HttpApiError.HttpApiDecodeError =>
  u instanceof HttpApiError.HttpApiDecodeError

const isUnreadableBody = (u: unknown): u is HttpServerError.RequestError =>
  HttpServerError.isServerError(u) && u._tag === "RequestError" && u.reason === "Decode"

/**
 * The HttpApi-level middleware: decode failures become 400 problems; everything else passes.
 */
export const middleware = (
  app: HttpApp.Default
): HttpApp.Default<Problem.BadRequest | Problem.PayloadTooLarge> =>
  Effect.catchAllCause(app, (cause): Effect.Effect<never, Problem.BadRequest | Problem.PayloadTooLarge> => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure) && isDecodeError(failure.value)) {
      return Effect.flatMap(fromDecodeError(failure.value), Effect.fail)
    }
    const defect = Cause.dieOption(cause)
    // A body the bounded reader refused (too large, not UTF-8, beyond a JSON shape limit).
    const refused = Option.isSome(defect) ? Body.refusalOf(defect.value) : undefined
    if (refused !== undefined) {
      return refused.status === 413
        ? RequestContext.fail(413, refused.slug, refused.detail)
        : RequestContext.fail(400, refused.slug, refused.detail, {
            errors: [new Problem.FieldError({ path: "body", message: refused.field })]
          })
    }
    if (Option.isSome(defect) && isUnreadableBody(defect.value)) {
      return RequestContext.fail(400, "malformed-body", "The request body is not valid JSON.", {
        errors: [new Problem.FieldError({ path: "body", message: "is not valid JSON" })]
      })
    }
    return Effect.failCause(cause)
  })
