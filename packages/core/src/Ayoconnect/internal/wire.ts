// One exchange with Ayoconnect: serialise `{ partnerId, ...parameters }` once, sign those bytes
// (the HS256 `TOKEN`), send those bytes; then read the envelope, never trusting `success`. A read
// is one whole attempt (sign, send, parse) retried on transient failures; a payment is `send`
// once and interpreted by its own module.
import { type HttpClient, HttpClientRequest } from "@effect/platform"
import { type Duration, Effect, Either, ParseResult, type Schema } from "effect"
import * as Upstream from "../../Upstream.js"
import type { ReadError } from "../Client.js"
import type * as AyoconnectConfig from "../Config.js"
import { UnexpectedResponse } from "../Errors.js"
import * as ResponseCode from "../ResponseCode.js"
import type * as Signer from "../Signer.js"
import { decoder } from "./decode.js"
import * as Envelope from "./envelope.js"

export type Operation = "partner/balance" | "partner/products" | "bill/check" | "bill/payment" | "bill/status"

const operationName: Record<Operation, string> = {
  "partner/balance": "balance",
  "partner/products": "products",
  "bill/check": "inquiry",
  "bill/payment": "payment",
  "bill/status": "status"
}

export interface Wire {
  readonly config: AyoconnectConfig.Resolved
  readonly signer: Signer.Signer
  readonly client: HttpClient.HttpClient
  readonly retryRead: <A, R>(effect: Effect.Effect<A, ReadError, R>) => Effect.Effect<A, ReadError, R>
}

export const make = ({ config, signer, client, retryRead }: Wire) => {
  const version = `${config.apiVersion}.0`
  // One attempt: serialise once, sign those bytes, send those bytes.
  const send = (operation: Operation, parameters: Record<string, unknown>, timeout: Duration.Duration) =>
    Effect.gen(function* () {
      const payloadJson = JSON.stringify({ partnerId: config.apiKey, ...parameters })
      const token = yield* signer.sign(payloadJson)
      const request = HttpClientRequest.post(`${config.baseUrl}/api/v${config.apiVersion}/${operation}`).pipe(
        HttpClientRequest.setHeaders({
          KEY: config.apiKey,
          TOKEN: token,
          VERSION: version,
          accept: "application/json"
        }),
        HttpClientRequest.bodyText(payloadJson, "application/json")
      )
      return yield* Upstream.exchange(client, request, {
        upstream: "ayoconnect",
        operation: operationName[operation],
        timeout
      })
    })

  const envelopeOf = (operation: Operation, raw: Upstream.RawResponse) => {
    const name = operationName[operation]
    if (raw.status < 200 || raw.status > 299) {
      return Either.left(
        new UnexpectedResponse({
          operation: name,
          status: raw.status,
          reason: "HttpStatus",
          detail: `HTTP ${raw.status} instead of an API response`,
          excerpt: Envelope.excerpt(raw.body)
        })
      )
    }
    return Either.mapLeft(
      Envelope.parse(raw.body),
      (problem) =>
        new UnexpectedResponse({
          operation: name,
          status: raw.status,
          reason: problem.reason,
          detail: problem.detail,
          excerpt: Envelope.excerpt(raw.body)
        })
    )
  }

  const decodeData = <A, I>(operation: Operation, schema: Schema.Schema<A, I>, parsed: Envelope.Parsed) =>
    Either.mapLeft(
      decoder(schema)(parsed.envelope.data),
      (error) =>
        new UnexpectedResponse({
          operation: operationName[operation],
          status: 200,
          reason: "InvalidBody",
          detail: `RC ${parsed.envelope.responseCode} with data of an unexpected shape: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
          excerpt: Envelope.excerpt(JSON.stringify(parsed.body))
        })
    )

  // A read: one attempt = sign, send, parse; the whole attempt is retried on transient failures.
  const read = <A>(
    operation: Operation,
    parameters: Record<string, unknown>,
    interpret: (parsed: Envelope.Parsed) => Either.Either<A, ReadError>
  ): Effect.Effect<A, ReadError> =>
    send(operation, parameters, config.readTimeout).pipe(
      Effect.flatMap((raw) => envelopeOf(operation, raw)),
      Effect.flatMap(interpret),
      retryRead
    )

  const readSuccess =
    <A, I>(schema: Schema.Schema<A, I>, operation: Operation) =>
    (parsed: Envelope.Parsed) =>
      ResponseCode.isSuccess(parsed.envelope.responseCode)
        ? decodeData(operation, schema, parsed)
        : Either.left(ResponseCode.toError(parsed.envelope, parsed.body))

  return { send, envelopeOf, decodeData, read, readSuccess }
}
