/**
 * A real gateway on a random loopback port, in front of the real simulators (the combined
 * sandbox, on its own port), configured the way an operator would: through
 * environment variables, here a ConfigProvider. Requests go over HTTP with fetch.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Transport } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { generateKeyPairSync, type KeyObject } from "node:crypto"
import { ConfigProvider, Context, Effect, HashMap, Layer, Logger, Redacted, type Tracer } from "effect"
import * as ApiKeys from "../../src/ApiKeys.js"
import * as Gateway from "../../src/Gateway.js"
import { Database } from "@kasir/ledger"

/** The API key callers use in tests. */
export const API_KEY = "kasir_test_key_2f9c1e7a"
export const CALLBACK_USER = "ayoconnect"
export const CALLBACK_PASSWORD = "callback-secret-for-tests"

/**
 * A valid NICEPAY payout registration body for `POST /v1/nicepay/payouts`.
 */
export const payoutRequest = (partnerReferenceNo: string, beneficiaryAccountNo = "5345000060") => ({
  partnerReferenceNo,
  beneficiaryAccountNo,
  beneficiaryName: "Budi Santoso",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryBankCode: "BMRI",
  payoutMethod: "online",
  amount: 150_000
})

export interface LogLine {
  readonly level: string
  readonly message: string
  readonly annotations: Readonly<Record<string, unknown>>
}

export interface Harness {
  readonly url: string
  readonly sandbox: Sandbox.Service
  readonly logs: Array<LogLine>
  /** Signs NICEPAY notifications (its public half is NICEPAY_NOTIFICATION_PUBLIC_KEY). */
  readonly notificationKey: KeyObject
  readonly env: ReadonlyMap<string, string>
}

export class TestGateway extends Context.Tag("test/TestGateway")<TestGateway, Harness>() {}

const capture = (logs: Array<LogLine>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message, annotations }) => {
      logs.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message.map(String).join(" ") : String(message),
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    })
  )

/**
 * Env for a gateway whose providers point at `sandbox` with real credentials.
 */
export const envFor = (sandbox: Sandbox.Service, notificationPublicKey: string): Map<string, string> =>
  new Map([
    ["KASIR_API_KEYS", ApiKeys.digestHex(API_KEY)],
    ["KASIR_CALLBACK_USERNAME", CALLBACK_USER],
    ["KASIR_CALLBACK_PASSWORD", CALLBACK_PASSWORD],
    ["AYOCONNECT_BASE_URL", sandbox.ayoconnect.baseUrl],
    ["AYOCONNECT_API_KEY", sandbox.ayoconnect.partner.apiKey],
    ["AYOCONNECT_API_SECRET", Redacted.value(sandbox.ayoconnect.partner.secret)],
    ["AYOCONNECT_READ_TIMEOUT", "1 second"],
    ["NICEPAY_BASE_URL", sandbox.nicepay.baseUrl],
    ["NICEPAY_CLIENT_ID", sandbox.nicepay.merchant.clientId],
    ["NICEPAY_CLIENT_SECRET", Redacted.value(sandbox.nicepay.merchant.clientSecret)],
    ["NICEPAY_PRIVATE_KEY", Redacted.value(sandbox.nicepay.merchant.privateKey)],
    ["NICEPAY_NOTIFICATION_PUBLIC_KEY", notificationPublicKey]
  ])

/**
 * The gateway and its sandbox. `overrides` change or (with `undefined`) remove variables;
 * `sandboxOptions` configure the simulators.
 */
export const layer = (
  overrides: Readonly<Record<string, string | undefined>> = {},
  sandboxOptions: Sandbox.Options = {},
  /** The ledger's database: in-memory PGlite unless given (e.g. `Database.layerConfig` for env). */
  database: Gateway.Options["database"] = Database.layerPgliteMemory,
  /** A tracer to build the gateway under (as `Telemetry.layer` installs one); none by default. */
  tracer?: Tracer.Tracer
) =>
  Layer.scoped(
    TestGateway,
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.Sandbox
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const env = envFor(sandbox, publicKey.export({ type: "spki", format: "pem" }).toString())
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) env.delete(name)
        else env.set(name, value)
      }
      const logs: Array<LogLine> = []
      const context = yield* Layer.build(
        Gateway.layer({ port: 0, host: "127.0.0.1", database }).pipe(
          // The gateway's upstream transport as shipped (main.ts).
          Layer.provide(Transport.layer),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(env))),
          Layer.provide(capture(logs)),
          Layer.provide(tracer === undefined ? Layer.empty : Layer.setTracer(tracer))
        )
      )
      const address = Context.get(context, HttpServer.HttpServer).address as HttpServer.TcpAddress
      return {
        url: `http://127.0.0.1:${address.port}`,
        sandbox,
        logs,
        notificationKey: privateKey,
        env
      } satisfies Harness
    })
  ).pipe(Layer.provide(Sandbox.layer(sandboxOptions)), Layer.provide(NodeHttpClient.layerUndici))

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  readonly json: any
}

/**
 * One HTTP request to the gateway.
 */
export const send = (
  path: string,
  options: {
    readonly method?: string
    readonly headers?: Record<string, string>
    readonly body?: unknown
    readonly rawBody?: string
    readonly apiKey?: string | false
  } = {}
): Effect.Effect<Reply, never, TestGateway> =>
  Effect.flatMap(TestGateway, (gateway) =>
    Effect.promise(async () => {
      const headers: Record<string, string> = { ...options.headers }
      if (options.apiKey !== false) headers["x-api-key"] ??= options.apiKey ?? API_KEY
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
      if (body !== undefined) headers["content-type"] ??= "application/json"
      const response = await fetch(`${gateway.url}${path}`, {
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        ...(body === undefined ? {} : { body })
      })
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    })
  )
