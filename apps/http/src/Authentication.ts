/**
 * The two ways in: API keys for `/v1` (callers), HTTP Basic for `/callbacks/ayoconnect`
 * (Ayoconnect, with credentials the operator configured in its dashboard).
 *
 * Both are HttpApi security middlewares, so the OpenAPI document and Swagger UI show them.
 */
import {
  HttpApiMiddleware,
  HttpApiSecurity,
  HttpApp,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { createHash, timingSafeEqual } from "node:crypto"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { ApiKeys } from "./ApiKeys.js"
import * as Problem from "./Problem.js"
import * as RequestContext from "./RequestContext.js"

/**
 * `/v1` security: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 */
export class ApiKeyAuth extends HttpApiMiddleware.Tag<ApiKeyAuth>()("ApiKeyAuth", {
  failure: Problem.Unauthorized,
  security: {
    bearer: HttpApiSecurity.bearer,
    apiKey: HttpApiSecurity.apiKey({ in: "header", key: "X-API-Key" })
  }
}) {}

const challenge = (value: string) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "www-authenticate", value))
  )

const presentedKeys = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
  const authorization = request.headers.authorization
  return {
    bearer: authorization !== undefined && /^bearer\s+\S/i.test(authorization),
    apiKey: (request.headers["x-api-key"] ?? "") !== ""
  }
})

/**
 * Verifies the presented key. Bearer is tried first, then `X-API-Key`; the failure says whether a
 * key was missing or not recognised, never which digest came close.
 */
export const layerApiKeyAuth: Layer.Layer<ApiKeyAuth, never, ApiKeys> = Layer.effect(
  ApiKeyAuth,
  Effect.map(ApiKeys, (keys) => {
    const accept = (key: Redacted.Redacted<string>) =>
      Option.fromNullable(keys.verify(key)).pipe(Option.map(RequestContext.recordCaller))
    // Tried first; on failure HttpApi tries `apiKey`, whose failure is the one the caller sees. So
    // this failure is never shown: one value, built once — every `X-API-Key` request passes here,
    // and building an error per request (stack capture included) was measurable under load.
    const bearerRejected = Effect.fail(Problem.make(401, "invalid-api-key", "The API key is not recognised."))
    return ApiKeyAuth.of({
      bearer: (key) => Option.getOrElse(accept(key), () => bearerRejected),
      apiKey: (key) =>
        Option.getOrElse(accept(key), () =>
          Effect.gen(function* () {
            const presented = yield* presentedKeys
            yield* challenge('Bearer realm="kasir"')
            return yield* presented.bearer || presented.apiKey
              ? RequestContext.fail(401, "invalid-api-key", "The API key is not recognised.")
              : RequestContext.fail(
                  401,
                  "missing-api-key",
                  "An API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`."
                )
          })
        )
    })
  })
)

/**
 * `/callbacks/ayoconnect` security: HTTP Basic.
 */
export class CallbackAuth extends HttpApiMiddleware.Tag<CallbackAuth>()("CallbackAuth", {
  failure: Problem.Unauthorized,
  security: { basic: HttpApiSecurity.basic }
}) {}

/**
 * The Basic credentials Ayoconnect is configured to send; none means every callback is refused.
 */
export class CallbackCredentials extends Context.Tag("@kasir/http/CallbackCredentials")<
  CallbackCredentials,
  Option.Option<{ readonly username: string; readonly password: Redacted.Redacted<string> }>
>() {}

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest()

// Both sides are hashed so the comparison is constant-time whatever the lengths.
const equalSecret = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b))

/**
 * Verifies callback Basic credentials in constant time.
 */
export const layerCallbackAuth: Layer.Layer<CallbackAuth, never, CallbackCredentials> = Layer.effect(
  CallbackAuth,
  Effect.map(CallbackCredentials, (expected) =>
    CallbackAuth.of({
      basic: (credentials) =>
        Effect.gen(function* () {
          if (Option.isSome(expected)) {
            const userOk = equalSecret(credentials.username, expected.value.username)
            const passwordOk = equalSecret(
              Redacted.value(credentials.password),
              Redacted.value(expected.value.password)
            )
            if (userOk && passwordOk) return
          }
          yield* challenge('Basic realm="kasir callbacks"')
          return yield* RequestContext.fail(
            401,
            "invalid-callback-credentials",
            Option.isSome(expected)
              ? "The callback credentials are not recognised."
              : "Callbacks are refused: set KASIR_CALLBACK_USERNAME and KASIR_CALLBACK_PASSWORD."
          )
        })
    })
  )
)
