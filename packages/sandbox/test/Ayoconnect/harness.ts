// The simulator served on a loopback port, and the core client pointed at it.
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { type HttpClient, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { Ayoconnect as Client, type KasirError, type Upstream } from "@kasir/core"
import { Ayoconnect, Fault, RequestLog } from "@kasir/sandbox"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import type { Duration } from "effect"

export const partner = { apiKey: "TESTKEY00001", secret: "test-secret-0123456789-abcdefghijklmnop" } as const

// A loopback server whose connections are cut at teardown, so a stalled or slow request left
// behind by a client timeout does not hold the test open.
const loopbackServer = Layer.unwrapEffect(
  Effect.sync(() => {
    const server = createServer()
    return Layer.scopedDiscard(
      Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
    ).pipe(Layer.provideMerge(NodeHttpServer.layer(() => server, { port: 0, host: "127.0.0.1" })))
  })
)

export const simulator = (options: Ayoconnect.Options = {}) =>
  Layer.unwrapEffect(Effect.map(Ayoconnect.AyoconnectSimulator, (sim) => HttpServer.serve(sim.app))).pipe(
    Layer.provideMerge(Ayoconnect.layer({ partners: [partner], ...options })),
    Layer.provideMerge(loopbackServer),
    Layer.provideMerge(Layer.mergeAll(RequestLog.layer, Fault.layerFaults, NodeHttpClient.layerUndici))
  )

export const baseUrl = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address
  return address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://invalid"
})

export type ClientOverrides = Partial<Omit<Client.Config.Options, "baseUrl">> & {
  /** Signs with this (provided as the `AyoconnectSigner`) instead of the partner's secret. */
  readonly signer?: Client.Signer.Signer | undefined
}

export const client = (
  overrides: ClientOverrides = {}
): Layer.Layer<Client.Ayoconnect, KasirError.InvalidConfig, HttpClient.HttpClient | HttpServer.HttpServer> =>
  Layer.unwrapEffect(
    Effect.map(baseUrl, (url) => {
      const { signer, ...rest } = overrides
      const options: Client.Options = {
        baseUrl: url,
        apiKey: partner.apiKey,
        retryPolicy: { retries: 2, baseDelay: "10 millis", maxDelay: "50 millis" } as Upstream.RetryPolicy,
        ...rest
      }
      return signer === undefined
        ? Client.layer({ ...options, apiSecret: Redacted.make<string>(partner.secret) })
        : Client.layerWithSigner(options).pipe(Layer.provide(Layer.succeed(Client.AyoconnectSigner, signer)))
    })
  )

/** The whole sandbox plus a client, for one test. */
export const sandbox = (options: Ayoconnect.Options = {}, overrides: ClientOverrides = {}) =>
  client(overrides).pipe(Layer.provideMerge(simulator(options)))

/** Waits on the real clock (for I/O to happen while the TestClock stands still). */
export const realPause = (millis = 25) =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/** Advances the TestClock in steps, letting I/O run in between, until the fiber is done. */
export const advanceUntilDone = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  step: Duration.DurationInput,
  maxSteps = 200
) =>
  Effect.gen(function* () {
    for (let i = 0; i < maxSteps; i++) {
      const done = yield* fiber.poll
      if (done._tag === "Some") break
      yield* TestClock.adjust(step)
      yield* realPause(15)
    }
    return yield* Fiber.join(fiber)
  })

/** An account number with the given scenario suffix. */
export const account = (suffix: string, prefix = "0812345") => `${prefix}${suffix}`

/** Raw POST with the right auth, for the simulator's own tests. */
export const rawPost = (
  url: string,
  options: {
    readonly headers?: Record<string, string>
    readonly body?: string
    readonly method?: string
  } = {}
) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: options.method ?? "POST",
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { body: options.body })
    })
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      text: await response.text()
    }
  })

export const addressOf = (server: import("node:http").Server) => (server.address() as AddressInfo).port
