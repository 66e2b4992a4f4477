/**
 * Both simulators behind one loopback HTTP server: Ayoconnect under `/api/…`, NICEPAY under
 * `/nicepay/…`, and a small admin surface under `/_sandbox/…` for tools that run the sandbox in
 * another process (read the request log, inject faults).
 *
 * In-process use (tests, the CLI and the gateway's embedded default):
 *
 * ```ts
 * const sandbox = yield* Sandbox.Sandbox   // with Sandbox.layer() provided
 * sandbox.ayoconnect.baseUrl               // "http://127.0.0.1:54321"
 * sandbox.nicepay.baseUrl                  // "http://127.0.0.1:54321/nicepay"
 * ```
 */
import { createServer } from "node:http"
import {
  type HttpApp,
  type HttpClient,
  HttpMiddleware,
  HttpServer,
  type HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Ayoconnect, Nicepay, Snap } from "@kasir/core"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import * as AyoconnectDemo from "./Ayoconnect/Demo.js"
import * as AyoconnectSimulator from "./Ayoconnect/Simulator.js"
import type * as AyoconnectState from "./Ayoconnect/State.js"
import * as Fault from "./Fault.js"
import * as NicepayDemo from "./Nicepay/Demo.js"
import * as NicepaySimulator from "./Nicepay/Simulator.js"
import * as RequestLog from "./RequestLog.js"

/**
 * The running sandbox: where it listens and the credentials that work against it.
 */
export interface Service {
  /** The server's origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string
  readonly ayoconnect: {
    /** Ayoconnect's base URL (paths start with `/api`). */
    readonly baseUrl: string
    /** The partner registered at start: from options, else the demo partner. */
    readonly partner: { readonly apiKey: string; readonly secret: Redacted.Redacted<string> }
    /** That partner as a client configuration, for `Ayoconnect.layer`. */
    readonly client: Ayoconnect.Config.AyoconnectConfig
    readonly simulator: AyoconnectSimulator.Service
  }
  readonly nicepay: {
    /** NICEPAY's SNAP base URL (`…/nicepay`). */
    readonly baseUrl: string
    /** The demo merchant IONPAYTEST, with NICEPAY's published sandbox secret and key (K1). */
    readonly merchant: {
      readonly clientId: string
      readonly clientSecret: Redacted.Redacted<string>
      readonly privateKey: Redacted.Redacted<string>
    }
    /** The SPKI PEM key the simulator signs notifications with. */
    readonly notificationPublicKey: string
    /** The demo merchant as a client configuration (with the notification key), for `Nicepay.layer`. */
    readonly client: Nicepay.Config.NicepayConfig
    readonly simulator: NicepaySimulator.Service
  }
  readonly requestLog: Context.Tag.Service<RequestLog.RequestLog>
  readonly faults: Context.Tag.Service<Fault.Faults>
  /** Both simulators' state as plain JSON data (`JSON.stringify` it to keep it). */
  readonly snapshot: Effect.Effect<Snapshot>
  /** Replaces both simulators' state with a snapshot's. */
  readonly restore: (snapshot: Snapshot) => Effect.Effect<void>
}

/**
 * The demo credentials every sandbox accepts. None is secret: the Ayoconnect partner is the
 * sandbox's own clearly fake one, the NICEPAY merchant is NICEPAY's published `IONPAYTEST`
 * sandbox set (client secret and private key, from NICEPAY's SDK documentation).
 */
export const demoCredentials = {
  ayoconnect: {
    apiKey: AyoconnectDemo.API_KEY,
    secret: AyoconnectDemo.API_SECRET
  },
  nicepay: {
    clientId: NicepayDemo.CLIENT_ID,
    clientSecret: NicepayDemo.CLIENT_SECRET,
    privateKey: NicepayDemo.PRIVATE_KEY
  }
} as const

/**
 * The client configurations that work against a sandbox at `url`: the demo partner and merchant,
 * and the notification key when it is known. This is the one mapping from a sandbox to kasir's
 * clients; an embedded sandbox's `client` fields are made by it too.
 */
export const clientConfigs = (
  url: string,
  options: {
    readonly partner?: { readonly apiKey: string; readonly secret: Redacted.Redacted<string> } | undefined
    readonly notificationPublicKey?: string | undefined
  } = {}
): {
  readonly ayoconnect: Ayoconnect.Config.AyoconnectConfig
  readonly nicepay: Nicepay.Config.NicepayConfig
} => {
  const origin = url.replace(/\/+$/, "")
  return {
    ayoconnect: {
      baseUrl: origin,
      apiKey: options.partner?.apiKey ?? AyoconnectDemo.API_KEY,
      apiSecret: options.partner?.secret ?? Redacted.make(AyoconnectDemo.API_SECRET)
    },
    nicepay: {
      baseUrl: `${origin}${NicepaySimulator.PREFIX}`,
      clientId: NicepayDemo.CLIENT_ID,
      clientSecret: Redacted.make(NicepayDemo.CLIENT_SECRET),
      privateKey: Redacted.make(NicepayDemo.PRIVATE_KEY),
      ...(options.notificationPublicKey === undefined
        ? {}
        : { notificationPublicKey: options.notificationPublicKey })
    }
  }
}

/**
 * What a standalone sandbox prints when it starts — the same in every entry point (`kasir
 * sandbox`, `pnpm sandbox`, `kasir-sandbox`): where each upstream answers and the full demo
 * material, so clients in any language can be pointed at it. `also` names extra registrations
 * (from the environment) without printing their secrets.
 */
export const banner = (
  sandbox: Pick<Service, "url"> & {
    readonly ayoconnect: Pick<Service["ayoconnect"], "baseUrl">
    readonly nicepay: Pick<Service["nicepay"], "baseUrl">
  },
  also: { readonly ayoconnectApiKey?: string | undefined; readonly nicepayClientId?: string | undefined } = {}
): string =>
  [
    `kasir sandbox listening on ${sandbox.url}`,
    "",
    `Ayoconnect  ${sandbox.ayoconnect.baseUrl}/api/v2/…`,
    `  demo partner   KEY ${demoCredentials.ayoconnect.apiKey}, JWT secret ${demoCredentials.ayoconnect.secret}`,
    ...(also.ayoconnectApiKey === undefined
      ? []
      : [`  also           KEY ${also.ayoconnectApiKey} (from AYOCONNECT_API_KEY)`]),
    `NICEPAY     ${sandbox.nicepay.baseUrl}/…`,
    `  demo merchant  ${demoCredentials.nicepay.clientId} (NICEPAY's published sandbox set)`,
    `  client secret  ${demoCredentials.nicepay.clientSecret}`,
    ...(also.nicepayClientId === undefined
      ? []
      : [`  also           ${also.nicepayClientId} (from NICEPAY_CLIENT_ID)`]),
    "  private key (PKCS#8, for X-SIGNATURE of the access-token request):",
    ...demoCredentials.nicepay.privateKey
      .trim()
      .split("\n")
      .map((line) => `    ${line}`),
    `Admin       GET ${sandbox.url}/_sandbox/requests, POST ${sandbox.url}/_sandbox/faults`,
    "",
    "These demo credentials are public test material: never use them outside a sandbox."
  ].join("\n")

/**
 * Both simulators' state: pure, serialisable data, so the sandbox can be stopped and started again
 * where it left off (the CLI does this between commands). Credentials are not in it: the partners
 * and merchants are whoever the starter registers; the request log and delivery history are not
 * kept either.
 */
export interface Snapshot {
  readonly version: 1
  readonly ayoconnect: AyoconnectState.Snapshot
  readonly nicepay: NicepaySimulator.Snapshot
}

/**
 * Whether a parsed JSON value is a snapshot this version of the sandbox can restore.
 */
export const isSnapshot = (value: unknown): value is Snapshot => {
  if (typeof value !== "object" || value === null) return false
  const { version, ayoconnect, nicepay } = value as Record<string, unknown>
  const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null
  return (
    version === 1 &&
    isRecord(ayoconnect) &&
    Array.isArray(ayoconnect.inquiries) &&
    Array.isArray(ayoconnect.transactions) &&
    isRecord(nicepay) &&
    Array.isArray(nicepay.payouts) &&
    Array.isArray(nicepay.settlements)
  )
}

export class Sandbox extends Context.Tag("@kasir/sandbox/Sandbox")<Sandbox, Service>() {}

export interface Options {
  /** The port to listen on; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** The interface to listen on; default 127.0.0.1 (never exposed beyond this machine by default). */
  readonly host?: string | undefined
  /** Ayoconnect partners to register besides the demo partner; the first becomes `ayoconnect.partner`. */
  readonly ayoconnectPartners?: ReadonlyArray<AyoconnectSimulator.PartnerRegistration> | undefined
  /** NICEPAY merchants to register besides IONPAYTEST. */
  readonly nicepayMerchants?: ReadonlyArray<NicepaySimulator.MerchantRegistration> | undefined
  readonly ayoconnect?: AyoconnectSimulator.Options | undefined
  readonly nicepay?: NicepaySimulator.Options | undefined
}

const notFound = (path: string) =>
  HttpServerResponse.unsafeJson(
    { error: "not found", path, hint: "Ayoconnect is served under /api/v1|v2/…, NICEPAY under /nicepay/…" },
    { status: 404 }
  )

const FaultRuleBody = Schema.Struct({
  fault: Fault.Fault,
  upstream: Schema.optional(Schema.Literal("ayoconnect", "nicepay")),
  operation: Schema.optional(Schema.String),
  latencyMillis: Schema.optional(Schema.NonNegativeInt),
  times: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
})

// The admin surface: read the request log, queue and clear faults. Loopback-only by default.
const adminApp = (
  path: string,
  log: Context.Tag.Service<RequestLog.RequestLog>,
  faults: Context.Tag.Service<Fault.Faults>
): HttpApp.Default<never, never> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (path === "/_sandbox/requests" && request.method === "GET") {
      return HttpServerResponse.unsafeJson(yield* log.entries)
    }
    if (path === "/_sandbox/requests" && request.method === "DELETE") {
      yield* log.clear
      return HttpServerResponse.empty({ status: 204 })
    }
    if (path === "/_sandbox/faults" && request.method === "POST") {
      const rule = yield* HttpServerRequest.schemaBodyJson(FaultRuleBody).pipe(Effect.option)
      if (Option.isNone(rule)) {
        return HttpServerResponse.unsafeJson(
          {
            error: "expected {fault, upstream?, operation?, latencyMillis?, times?}",
            faults: Fault.Fault.literals
          },
          { status: 400 }
        )
      }
      yield* faults.inject(rule.value)
      return HttpServerResponse.empty({ status: 204 })
    }
    if (path === "/_sandbox/faults" && request.method === "DELETE") {
      yield* faults.clear
      return HttpServerResponse.empty({ status: 204 })
    }
    return notFound(path)
  })

/**
 * One app for both upstreams, routed by path prefix.
 */
export const makeApp = (options: {
  readonly ayoconnect: AyoconnectSimulator.Service
  readonly nicepay: NicepaySimulator.Service
  readonly requestLog: Context.Tag.Service<RequestLog.RequestLog>
  readonly faults: Context.Tag.Service<Fault.Faults>
}): HttpApp.Default<never, never> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const path = request.url.split("?", 1)[0] ?? "/"
    if (path === NicepaySimulator.PREFIX || path.startsWith(`${NicepaySimulator.PREFIX}/`))
      return options.nicepay.app
    if (path.startsWith("/api/")) return options.ayoconnect.app
    if (path.startsWith("/_sandbox/")) return adminApp(path, options.requestLog, options.faults)
    return Effect.succeed(notFound(path))
  })

const make = (options: Options) =>
  Effect.gen(function* () {
    const ayoconnect = yield* AyoconnectSimulator.AyoconnectSimulator
    const nicepay = yield* NicepaySimulator.NicepaySimulator
    const requestLog = yield* RequestLog.RequestLog
    const faults = yield* Fault.Faults

    const partners = [
      ...(options.ayoconnectPartners ?? []),
      { apiKey: AyoconnectDemo.API_KEY, secret: AyoconnectDemo.API_SECRET }
    ]
    yield* Effect.forEach(partners, ayoconnect.registerPartner, { discard: true })
    yield* Effect.forEach(options.nicepayMerchants ?? [], nicepay.registerMerchant, { discard: true })

    // No server spans for the simulators: they would copy the signed headers kasir sends
    // (X-SIGNATURE, X-CLIENT-KEY) into the trace of a gateway or CLI that embeds the sandbox.
    yield* HttpServer.serveEffect(makeApp({ ayoconnect, nicepay, requestLog, faults })).pipe(
      Effect.locally(HttpMiddleware.currentTracerDisabledWhen, () => true)
    )
    const address = (yield* HttpServer.HttpServer).address
    const url =
      address._tag === "TcpAddress"
        ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
        : `http://unix:${address.path}`
    const first = partners[0]!
    const partner = {
      apiKey: first.apiKey,
      secret: typeof first.secret === "string" ? Redacted.make(first.secret) : first.secret
    }
    const clients = clientConfigs(url, { partner, notificationPublicKey: nicepay.notificationPublicKey })
    return Sandbox.of({
      url,
      ayoconnect: {
        baseUrl: url,
        partner,
        client: clients.ayoconnect,
        simulator: ayoconnect
      },
      nicepay: {
        baseUrl: `${url}${NicepaySimulator.PREFIX}`,
        merchant: {
          clientId: NicepayDemo.CLIENT_ID,
          clientSecret: Redacted.make(NicepayDemo.CLIENT_SECRET),
          privateKey: Redacted.make(NicepayDemo.PRIVATE_KEY)
        },
        notificationPublicKey: nicepay.notificationPublicKey,
        client: clients.nicepay,
        simulator: nicepay
      },
      requestLog,
      faults,
      snapshot: Effect.map(
        Effect.zip(ayoconnect.snapshot, nicepay.snapshot),
        ([ayoconnectState, nicepayState]): Snapshot => ({
          version: 1,
          ayoconnect: ayoconnectState,
          nicepay: nicepayState
        })
      ),
      restore: (snapshot) =>
        Effect.zipRight(ayoconnect.restore(snapshot.ayoconnect), nicepay.restore(snapshot.nicepay))
    })
  })

/**
 * The whole sandbox as a layer: starts the server (closed with the layer's scope) and provides
 * `Sandbox`, both simulators, the request log and the fault queue. Needs an `HttpClient` for
 * callbacks and notifications. Fails with `InvalidKey` when a merchant's public key is malformed.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  | Sandbox
  | AyoconnectSimulator.AyoconnectSimulator
  | NicepaySimulator.NicepaySimulator
  | RequestLog.RequestLog
  | Fault.Faults,
  HttpServerError.ServeError | Snap.Signature.InvalidKey,
  HttpClient.HttpClient
> => {
  const shared = Layer.merge(RequestLog.layer, Fault.layerFaults)
  const simulators = Layer.merge(
    AyoconnectSimulator.layer(options.ayoconnect),
    NicepaySimulator.layer(options.nicepay)
  ).pipe(Layer.provideMerge(shared))
  const server = NodeHttpServer.layer(createServer, {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1"
  })
  return Layer.scoped(Sandbox, make(options)).pipe(Layer.provide(server), Layer.provideMerge(simulators))
}
