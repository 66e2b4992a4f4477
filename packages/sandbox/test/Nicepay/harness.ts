/**
 * Test harness: the NICEPAY simulator served on a loopback port, and a real NICEPAY client
 * pointed at it over HTTP.
 */
import { createServer } from "node:http"
import { HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { Nicepay as Core, Snap, Timestamp } from "@kasir/core"
import { Fault, Nicepay, RequestLog } from "@kasir/sandbox"
import { Effect, Layer, Redacted } from "effect"

export const { Demo, NicepaySimulator } = Nicepay

/** The simulator, its request log and faults, an HTTP client, all served on 127.0.0.1:0. */
export const SandboxLive = (options?: Nicepay.Options) => {
  const infra = Layer.mergeAll(RequestLog.layer, Fault.layerFaults, NodeHttpClient.layerUndici)
  const simulator = Nicepay.layer(options).pipe(Layer.provideMerge(infra))
  const serve = Layer.unwrapEffect(Effect.map(NicepaySimulator, (sim) => HttpServer.serve(sim.app)))
  return serve.pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provideMerge(simulator)
  )
}

/** `http://127.0.0.1:PORT` of the running sandbox. */
export const origin = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://invalid"
)

/** The NICEPAY base URL of the running sandbox (with the `/nicepay` context). */
export const baseUrl = Effect.map(origin, (o) => `${o}/nicepay`)

export const fastRetries = { retries: 2, baseDelay: "10 millis", maxDelay: "40 millis" } as const

/** The demo merchant's configuration against the running sandbox. */
export const demoConfig = (base: string, notificationPublicKey?: string): Core.Config.NicepayConfig => ({
  baseUrl: base,
  clientId: Demo.CLIENT_ID,
  clientSecret: Redacted.make(Demo.CLIENT_SECRET),
  privateKey: Redacted.make(Demo.PRIVATE_KEY),
  notificationPublicKey,
  retryPolicy: fastRetries,
  timeout: "5 seconds"
})

/** Runs `f` with a NICEPAY client for the demo merchant (plus `overrides`). */
export const withClient = <A, E, R>(
  f: (client: Core.Service) => Effect.Effect<A, E, R>,
  overrides: Partial<Core.Config.NicepayConfig> = {}
) =>
  Effect.gen(function* () {
    const base = yield* baseUrl
    const sim = yield* NicepaySimulator
    const layer = Core.layer({ ...demoConfig(base, sim.notificationPublicKey), ...overrides })
    return yield* Effect.flatMap(Core.NicepayPayout, f).pipe(Effect.provide(layer))
  })

/** The request log's entries for one operation. */
export const logged = (operation?: string) =>
  Effect.flatMap(RequestLog.RequestLog, (log) =>
    Effect.map(log.entries, (entries) =>
      entries.filter(
        (entry) => entry.upstream === "nicepay" && (operation === undefined || entry.operation === operation)
      )
    )
  )

let sequence = 0
/** A payout request for the demo merchant; `account` picks the simulator's scenario. */
export const payout = (
  account = "5345000060",
  overrides: Partial<Core.Schemas.PayoutRequest> = {}
): Core.Schemas.PayoutRequest => ({
  partnerReferenceNo: `ord-${Date.now()}-${++sequence}`,
  beneficiaryAccountNo: account,
  beneficiaryName: "IONPAY NETWORKS",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryPostalCode: "12345",
  beneficiaryBankCode: "BBBA",
  payoutMethod: "overbooking",
  amount: 10_000 as Core.Schemas.PayoutRequest["amount"],
  description: "kasir test payout",
  ...overrides
})

/** A raw token request, signed with `privateKey`, returning status and parsed body. */
export const rawToken = (options: {
  readonly clientId?: string
  readonly privateKey?: string
  readonly timestamp?: string
  readonly body?: string
  readonly headers?: Record<string, string>
}) =>
  Effect.gen(function* () {
    const base = yield* baseUrl
    const clientId = options.clientId ?? Demo.CLIENT_ID
    const timestamp = options.timestamp ?? (yield* Timestamp.now)
    const signature = yield* Snap.Signature.tokenSignature({
      clientId,
      timestamp,
      privateKey: options.privateKey ?? Demo.PRIVATE_KEY
    })
    return yield* send(
      HttpClientRequest.post(`${base}/v1.0/access-token/b2b`).pipe(
        HttpClientRequest.setHeaders({
          "X-TIMESTAMP": timestamp,
          "X-CLIENT-KEY": clientId,
          "X-SIGNATURE": signature,
          ...options.headers
        }),
        HttpClientRequest.bodyText(
          options.body ?? '{"grantType":"client_credentials","additionalInfo":{}}',
          "application/json"
        )
      )
    )
  })

/** Sends a request and returns `{ status, json }`. */
export const send = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text) => ({
          status: response.status,
          text,
          json: (text.startsWith("{") ? JSON.parse(text) : {}) as Record<string, unknown>
        }))
      ),
      Effect.scoped
    )
  )

/** A token for the demo merchant, obtained over HTTP. */
export const demoToken = Effect.map(rawToken({}), (response) => response.json.accessToken as string)

/**
 * A hand-built signed service call: `signedBody` is what gets signed, `sentBody` what is sent
 * (the same by default). Headers can be overridden or removed (value `undefined`).
 */
export const rawService = (options: {
  readonly path: string
  /** The path that is signed; default `path`. */
  readonly signedPath?: string
  readonly signedBody: string
  readonly sentBody?: string
  readonly token: string
  readonly timestamp?: string
  readonly externalId?: string
  readonly headers?: Record<string, string | undefined>
  readonly clientSecret?: string
}) =>
  Effect.gen(function* () {
    const base = yield* baseUrl
    const timestamp = options.timestamp ?? (yield* Timestamp.now)
    const signature = Snap.Signature.serviceSignature({
      method: "POST",
      path: options.signedPath ?? options.path,
      accessToken: options.token,
      body: options.signedBody,
      timestamp,
      clientSecret: options.clientSecret ?? Demo.CLIENT_SECRET
    })
    const headers: Record<string, string | undefined> = {
      Authorization: `Bearer ${options.token}`,
      "X-TIMESTAMP": timestamp,
      "X-SIGNATURE": signature,
      "X-PARTNER-ID": Demo.CLIENT_ID,
      "X-EXTERNAL-ID": options.externalId ?? `${Date.now()}${Math.floor(Math.random() * 1e9)}`,
      "CHANNEL-ID": `${Demo.CLIENT_ID}01`,
      ...options.headers
    }
    const defined = Object.fromEntries(
      Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)
    )
    return yield* send(
      HttpClientRequest.post(`${base}${options.path}`).pipe(
        HttpClientRequest.setHeaders(defined),
        HttpClientRequest.bodyText(options.sentBody ?? options.signedBody, "application/json")
      )
    )
  })
