/**
 * Fault injection, shared by both simulators.
 *
 * A fault is chosen per request — by the simulator's own scenarios (e.g. an account-number
 * suffix), by the `X-Sandbox-Fault` request header, or by a rule injected through `Faults` — and
 * decides what the client sees instead of (or after) the normal answer:
 *
 * | fault              | upstream state changed? | what the client sees                          |
 * |--------------------|-------------------------|-----------------------------------------------|
 * | `latency`          | yes                     | the normal answer after `latencyMillis`       |
 * | `html-502`         | no                      | HTTP 502 with an nginx HTML page              |
 * | `reset-before`     | no                      | the connection reset, no response             |
 * | `reset-after`      | yes                     | the connection reset, no response             |
 * | `malformed-json`   | yes                     | HTTP 200, the normal JSON cut in half         |
 * | `no-response-code` | yes                     | HTTP 200, the normal JSON without responseCode|
 * | `stall`            | yes                     | headers and half the body, then nothing       |
 *
 * "State changed" is what makes `reset-after` and friends dangerous for money-moving calls: the
 * upstream acted, the client cannot know.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"

export const Fault = Schema.Literal(
  "latency",
  "html-502",
  "reset-before",
  "reset-after",
  "malformed-json",
  "no-response-code",
  "stall"
)

export type Fault = typeof Fault.Type

/**
 * The request header that selects a fault for one request: `X-Sandbox-Fault: reset-after` or
 * `X-Sandbox-Fault: latency=3000`.
 */
export const FAULT_HEADER = "x-sandbox-fault"

/**
 * A fault with its parameters.
 */
export interface FaultPlan {
  readonly fault: Fault
  /** For `latency`: how long to wait before answering. Default 5,000 ms. */
  readonly latencyMillis?: number | undefined
}

/**
 * Whether the upstream processes the request (changes state) before the fault shows.
 */
export const processesRequest = (plan: FaultPlan): boolean =>
  plan.fault !== "html-502" && plan.fault !== "reset-before"

const isFault = Schema.is(Fault)

/**
 * Reads `X-Sandbox-Fault` (`name` or `latency=MILLIS`). Unknown values are ignored.
 */
export const fromHeaders = (
  headers: Readonly<Record<string, string | undefined>>
): Option.Option<FaultPlan> => {
  const raw = headers[FAULT_HEADER]?.trim()
  if (raw === undefined || raw === "") return Option.none()
  const [name, parameter] = raw.split("=", 2) as [string, string | undefined]
  if (!isFault(name)) return Option.none()
  const millis = parameter === undefined ? undefined : Number(parameter)
  return Option.some({
    fault: name,
    latencyMillis: millis !== undefined && Number.isFinite(millis) && millis >= 0 ? millis : undefined
  })
}

/**
 * A rule that injects a fault into matching requests.
 */
export interface FaultRule extends FaultPlan {
  readonly upstream?: "ayoconnect" | "nicepay" | undefined
  /** The simulator's operation name (as in the request log), e.g. "bill/payment". */
  readonly operation?: string | undefined
  /** How many requests it applies to; default 1. */
  readonly times?: number | undefined
}

/**
 * Programmatic fault injection: tests (and the sandbox's admin route) queue rules; each matching
 * request consumes one use of the oldest matching rule.
 */
export class Faults extends Context.Tag("@kasir/sandbox/Faults")<
  Faults,
  {
    readonly inject: (rule: FaultRule) => Effect.Effect<void>
    readonly take: (
      upstream: "ayoconnect" | "nicepay",
      operation: string
    ) => Effect.Effect<Option.Option<FaultPlan>>
    readonly clear: Effect.Effect<void>
  }
>() {}

export const makeFaults: Effect.Effect<Context.Tag.Service<Faults>> = Effect.sync(() => {
  const rules: Array<{ rule: FaultRule; remaining: number }> = []
  return {
    inject: (rule) =>
      Effect.sync(() => {
        rules.push({ rule, remaining: Math.max(1, rule.times ?? 1) })
      }),
    take: (upstream, operation) =>
      Effect.sync(() => {
        const index = rules.findIndex(
          ({ rule }) =>
            (rule.upstream === undefined || rule.upstream === upstream) &&
            (rule.operation === undefined || rule.operation === operation)
        )
        if (index === -1) return Option.none()
        const entry = rules[index]!
        entry.remaining -= 1
        if (entry.remaining <= 0) rules.splice(index, 1)
        return Option.some({ fault: entry.rule.fault, latencyMillis: entry.rule.latencyMillis })
      }),
    clear: Effect.sync(() => {
      rules.length = 0
    })
  }
})

export const layerFaults: Layer.Layer<Faults> = Layer.effect(Faults, makeFaults)

/**
 * The HTML page a reverse proxy shows when the application behind it is down.
 */
export const badGatewayHtml =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

/**
 * The longest a `stall` keeps a connection open before closing it.
 */
export const STALL_LIMIT = Duration.seconds(120)

/**
 * The normal answer a simulator computed.
 */
export interface Answer {
  readonly status: number
  /** A JSON value (serialised here) or an exact body string. */
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

const serialise = (answer: Answer): string =>
  typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body)

/**
 * The HTTP status that will be logged for a fault (0 when the client gets no response).
 */
export const loggedStatus = (plan: FaultPlan, answer: Answer): number => {
  switch (plan.fault) {
    case "html-502":
      return 502
    case "reset-before":
    case "reset-after":
    case "stall":
      return 0
    case "malformed-json":
    case "no-response-code":
      return 200
    case "latency":
      return answer.status
  }
}

const destroySocket = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
  Effect.sync(() => NodeHttpServerRequest.toIncomingMessage(request).socket.destroy())
)

/**
 * Turns a normal answer into the response the fault calls for. `reset-*` and `stall` never
 * complete normally: the handler fiber is interrupted when the connection closes.
 */
export const render = (
  plan: FaultPlan,
  answer: Answer
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> => {
  const headers = answer.headers ?? {}
  switch (plan.fault) {
    case "latency":
      return Effect.as(Effect.sleep(Duration.millis(plan.latencyMillis ?? 5_000)), plain(answer))
    case "html-502":
      return Effect.succeed(
        HttpServerResponse.text(badGatewayHtml, { status: 502, contentType: "text/html", headers })
      )
    case "reset-before":
    case "reset-after":
      return Effect.zipRight(destroySocket, Effect.never)
    case "malformed-json": {
      const text = serialise(answer)
      return Effect.succeed(
        HttpServerResponse.text(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
          status: 200,
          contentType: "application/json",
          headers
        })
      )
    }
    case "no-response-code": {
      const body =
        typeof answer.body === "object" && answer.body !== null && !Array.isArray(answer.body)
          ? Object.fromEntries(Object.entries(answer.body).filter(([key]) => key !== "responseCode"))
          : {}
      return Effect.succeed(
        HttpServerResponse.text(JSON.stringify(body), {
          status: 200,
          contentType: "application/json",
          headers
        })
      )
    }
    case "stall":
      return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const response = NodeHttpServerRequest.toServerResponse(request)
        const text = serialise(answer)
        return Effect.sync(() => {
          response.writeHead(answer.status, { ...headers, "content-type": "application/json" })
          response.write(text.slice(0, Math.floor(text.length / 2)))
        }).pipe(
          Effect.zipRight(Effect.sleep(STALL_LIMIT)),
          Effect.zipRight(destroySocket),
          Effect.zipRight(Effect.never)
        )
      })
  }
}

/**
 * The normal answer as a JSON response.
 */
export const plain = (answer: Answer): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(serialise(answer), {
    status: answer.status,
    contentType: "application/json",
    headers: answer.headers ?? {}
  })
