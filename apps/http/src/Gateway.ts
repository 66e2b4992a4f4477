/**
 * The whole gateway as one layer: configuration, provider clients (or the embedded sandbox), API
 * keys, the HttpApi with its docs, the Node server and the graceful drain.
 *
 * Layer order matters for shutdown: the drain layer is built last so that it is released first,
 * while the server still serves and the clients and sandbox are still up.
 */
import {
  HttpApiBuilder,
  type HttpClient,
  HttpMiddleware,
  HttpServer,
  type HttpServerError
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { randomBytes } from "node:crypto"
import { createServer, type Server } from "node:http"
import { Tracing } from "@kasir/core"
import { ConfigError, Deferred, Duration, Effect, Layer, Option, Redacted } from "effect"
import * as AccessLog from "./AccessLog.js"
import { Api } from "./Api.js"
import * as ApiKeys from "./ApiKeys.js"
import { CallbackCredentials, layerApiKeyAuth, layerCallbackAuth } from "./Authentication.js"
import * as Body from "./Body.js"
import * as Docs from "./Docs.js"
import * as Drain from "./Drain.js"
import * as Edge from "./Edge.js"
import * as GatewayConfig from "./GatewayConfig.js"
import * as Metrics from "./Metrics.js"
import * as AyoconnectHandlers from "./handlers/Ayoconnect.js"
import * as CallbackHandlers from "./handlers/Callbacks.js"
import * as EventHandlers from "./handlers/Events.js"
import * as NicepayHandlers from "./handlers/Nicepay.js"
import * as SystemHandlers from "./handlers/System.js"
import * as TransactionHandlers from "./handlers/Transactions.js"
import * as Ledger from "./Ledger.js"
import * as Providers from "./Providers.js"
import * as Routes from "./Routes.js"
import * as Validation from "./Validation.js"

/**
 * Overrides of `PORT` / `HOST` (tests listen on port 0 on loopback).
 */
export interface Options {
  readonly port?: number | undefined
  readonly host?: string | undefined
  /** Where the ledger lives; default `Database.layerConfig` (`KASIR_DATABASE_URL` / `KASIR_DATA_DIR`). */
  readonly database?: Parameters<typeof Ledger.layer>[0] | undefined
  /**
   * Where the access log line goes when `KASIR_ACCESS_LOG` is on; default the Effect logger
   * (`AccessLog.logger`). The gateway process writes it straight to stdout (`AccessLog.stdout`).
   */
  readonly accessLog?: AccessLog.Sink | undefined
  /**
   * The ledger's services as a whole, replacing `Ledger.layer(database)`: only for the ledger
   * bench's baseline composition (`bench/WithoutLedger.ts`); no configuration reaches it.
   */
  readonly ledger?: ReturnType<typeof Ledger.layer> | undefined
}

/**
 * The API keys to accept: the configured digests; or, when none are configured and every
 * provider is sandboxed, a development key generated now and printed once. Real credentials
 * without `KASIR_API_KEYS` refuse to start: a printed key must never open a real upstream.
 */
export const apiKeys = (
  digests: ReadonlyArray<Buffer>,
  modes: { readonly ayoconnect: string; readonly nicepay: string }
): Effect.Effect<ReadonlyArray<Buffer>, ConfigError.ConfigError> => {
  if (digests.length > 0) return Effect.succeed(digests)
  if (modes.ayoconnect === "upstream" || modes.nicepay === "upstream") {
    return Effect.fail(
      ConfigError.MissingData(
        ["KASIR_API_KEYS"],
        "KASIR_API_KEYS is required when a provider has real credentials: set it to the SHA-256 hex digests of the keys callers will use"
      )
    )
  }
  const key = ApiKeys.generateDevelopmentKey()
  return Effect.as(
    Effect.logWarning(
      `development API key (embedded sandbox only; set KASIR_API_KEYS for real use): ${key}`
    ).pipe(Effect.annotateLogs({ developmentApiKey: key })),
    [Buffer.from(ApiKeys.digestHex(key), "hex")]
  )
}

/**
 * The Basic credentials `/callbacks/ayoconnect` accepts: the configured ones; or, when Ayoconnect
 * is the embedded sandbox and none are configured, a pair generated now and given only to the
 * sandbox, so its callbacks reach the gateway. With real credentials and none configured, every
 * callback is refused.
 */
export const callbackCredentials = (
  configured: GatewayConfig.GatewayConfig["callbackCredentials"],
  modes: { readonly ayoconnect: string }
): GatewayConfig.GatewayConfig["callbackCredentials"] =>
  Option.isSome(configured) || modes.ayoconnect === "upstream"
    ? configured
    : Option.some({
        username: "kasir-sandbox",
        password: Redacted.make(randomBytes(24).toString("base64url"))
      })

// Where the embedded sandbox reaches this gateway: its own TCP address, or loopback when it
// listens on every interface.
const loopbackUrl = (address: HttpServer.TcpAddress): string => {
  const wildcard: Record<string, string> = { "": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1" }
  const host = wildcard[address.hostname] ?? address.hostname
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
}

/**
 * The Node server with the configured timeouts and connection cap. Node checks the header and
 * request timeouts every `connectionsCheckingInterval` (30 s by default): checking every second
 * (or more often, for short timeouts) makes the timeouts hold to within about a second.
 */
export const makeServer = (config: GatewayConfig.GatewayConfig): Server => {
  const headersTimeout = Duration.toMillis(config.headersTimeout)
  const server = createServer({
    headersTimeout,
    requestTimeout: Duration.toMillis(config.requestTimeout),
    keepAliveTimeout: Duration.toMillis(config.keepAliveTimeout),
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2)))
  })
  server.maxConnections = config.maxConnections
  return server
}

const extraRoutes = [
  { method: "GET", path: "/openapi.json" },
  { method: "GET", path: "/docs" }
]

/**
 * Why the gateway can fail to start.
 */
export type GatewayError =
  | ConfigError.ConfigError
  | Providers.ProviderError
  | HttpServerError.ServeError
  | Ledger.LedgerStartError
  | Metrics.MetricsServerError

/**
 * The gateway. Requires an `HttpClient` for the upstreams (the lean `Transport.layer` in main).
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpServer.HttpServer, GatewayError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const config = yield* GatewayConfig.config
      const traced = yield* Tracing.configured
      const modes = yield* Providers.modes
      const digests = yield* apiKeys(config.apiKeyDigests, modes)
      const inbound: Providers.Inbound = {
        baseUrl: yield* Deferred.make<string>(),
        callbackCredentials: callbackCredentials(config.callbackCredentials, modes)
      }
      const server = makeServer(config)
      const routes = Routes.fromApi(Api, extraRoutes)

      const handlers = Layer.mergeAll(
        SystemHandlers.layer,
        AyoconnectHandlers.layer,
        NicepayHandlers.layer,
        CallbackHandlers.layer,
        TransactionHandlers.layer,
        EventHandlers.layer
      ).pipe(
        Layer.provide(layerApiKeyAuth),
        Layer.provide(layerCallbackAuth),
        Layer.provide(ApiKeys.layer(digests)),
        Layer.provide(Layer.succeed(CallbackCredentials, inbound.callbackCredentials)),
        Layer.provide(
          Layer.succeed(
            AyoconnectHandlers.CallbackTarget,
            Option.map(config.publicUrl, (url) => `${url}/callbacks/ayoconnect`)
          )
        ),
        Layer.provide(Metrics.layer(config.host))
      )

      // Like HttpApiBuilder.serve, but the edge middleware wraps the HttpApi app itself: a middleware
      // given to `serve` runs around an app whose response is already written.
      const served = Layer.unwrapEffect(
        Effect.map(HttpApiBuilder.httpApp, (app) =>
          HttpServer.serve(
            Edge.middleware(
              routes,
              {
                maxBytes: config.maxBodyBytes,
                maxDepth: Body.defaultMaxDepth,
                maxElements: Body.defaultMaxElements
              },
              { accessLog: config.accessLog ? (options.accessLog ?? AccessLog.logger) : false, traced }
            )(app)
          )
        )
      ).pipe(
        Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer]),
        Layer.provide(Docs.layer("/docs")),
        Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
        Layer.provide(HttpApiBuilder.middleware(Api, Validation.middleware)),
        Layer.provide(HttpApiBuilder.api(Api)),
        Layer.provide(handlers),
        HttpServer.withLogAddress,
        // The server span is the edge's (only when a tracer is configured, decided once, here):
        // `@effect/platform`'s copies every request header onto the span.
        (served) => HttpMiddleware.withTracerDisabledWhen(served, () => true)
      )

      const listening = NodeHttpServer.layer(() => server, {
        port: options.port ?? config.port,
        host: options.host ?? config.host
      })

      const listeningAt = Layer.effectDiscard(
        Effect.flatMap(HttpServer.HttpServer, (running) =>
          // A Unix socket has no URL to call back: the wiring then simply never happens.
          running.address._tag === "TcpAddress"
            ? Deferred.succeed(inbound.baseUrl, loopbackUrl(running.address))
            : Effect.void
        )
      )

      return Drain.layerGracefulShutdown({ server, timeout: config.shutdownTimeout }).pipe(
        Layer.provide(Layer.merge(served, listeningAt)),
        Layer.provideMerge(listening),
        // The ledger is migrated and open before the server listens, and closed after it stopped.
        Layer.provide(options.ledger ?? Ledger.layer(options.database)),
        Layer.provide(Providers.layer(modes, inbound)),
        Layer.provide(Drain.layerInFlight)
      )
    })
  )
