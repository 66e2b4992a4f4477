/**
 * The gateway's own settings (the providers' settings are core's `AYOCONNECT_*` / `NICEPAY_*`).
 *
 * | variable                   | default      | meaning                                                   |
 * |----------------------------|--------------|-----------------------------------------------------------|
 * | `PORT`                     | `8080`       | listening port (`0`: any free port)                       |
 * | `HOST`                     | `0.0.0.0`    | listening address                                         |
 * | `KASIR_API_KEYS`           | (none)       | accepted API keys, as comma-separated SHA-256 hex digests |
 * | `KASIR_CALLBACK_USERNAME`  | (none)       | HTTP Basic user Ayoconnect sends callbacks with           |
 * | `KASIR_CALLBACK_PASSWORD`  | (none)       | its password                                              |
 * | `KASIR_SHUTDOWN_TIMEOUT`   | `10 seconds` | how long in-flight requests may take to finish on SIGTERM |
 * | `KASIR_LOG_LEVEL`          | `Info`       | minimum log level                                         |
 * | `KASIR_PUBLIC_URL`         | (none)       | the gateway's public base URL: payments name              |
 * |                            |              | `<it>/callbacks/ayoconnect` as their callback URL         |
 * | `KASIR_MAX_BODY_BYTES`     | `65536`      | largest request body accepted on any route (else 413)     |
 * | `KASIR_HEADERS_TIMEOUT`    | `5 seconds`  | a request's headers must arrive within this               |
 * | `KASIR_REQUEST_TIMEOUT`    | `30 seconds` | a whole request (headers and body) must arrive within this |
 * | `KASIR_KEEP_ALIVE_TIMEOUT` | `5 seconds`  | an idle keep-alive connection is closed after this        |
 * | `KASIR_MAX_CONNECTIONS`    | `1024`       | connections beyond this are refused (closed at once)      |
 * | `KASIR_ACCESS_LOG`         | `true`       | one access log line per request (`false` / `off`: none)   |
 *
 * The body limit fits every documented request and notification (all under 2 KiB) many times
 * over; JSON bodies are also bounded in shape (depth 32, 1,000 elements per array or object; see
 * `Body`). The timeouts bound what a slow or hostile client can hold: headers take milliseconds on
 * any real network, so 5 seconds only cuts off trickling (slowloris) clients; 30 seconds for a
 * whole body of at most 64 KiB is a generous floor of about 2 KiB/s. They bound receiving a
 * request only — an upstream call may take longer to answer (`KASIR_SHUTDOWN_TIMEOUT`).
 *
 * `KASIR_SHUTDOWN_TIMEOUT` keeps its 10-second default, but in production it should exceed the
 * longest money-moving timeout (Ayoconnect payment 10 s by default, NICEPAY 30 s): a request still
 * running at the deadline is abandoned — logged as a WARN line with its request id, route,
 * operations and references — and a money call cut off that way has an outcome unknown to its
 * caller, to be resolved by status.
 */
import { Config, ConfigError, Duration, Either, LogLevel, Option, type Redacted } from "effect"
import * as ApiKeys from "./ApiKeys.js"

export interface GatewayConfig {
  readonly port: number
  readonly host: string
  /** Digests from `KASIR_API_KEYS`; empty when unset. */
  readonly apiKeyDigests: ReadonlyArray<Buffer>
  readonly callbackCredentials: Option.Option<{
    readonly username: string
    readonly password: Redacted.Redacted<string>
  }>
  readonly shutdownTimeout: Duration.Duration
  readonly logLevel: LogLevel.LogLevel
  /** `KASIR_PUBLIC_URL` without a trailing slash. */
  readonly publicUrl: Option.Option<string>
  readonly maxBodyBytes: number
  readonly headersTimeout: Duration.Duration
  readonly requestTimeout: Duration.Duration
  readonly keepAliveTimeout: Duration.Duration
  readonly maxConnections: number
  /** `KASIR_ACCESS_LOG`: write the access log line of each request. */
  readonly accessLog: boolean
}

const positiveInteger = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: "expected a whole number greater than 0", validation: (n) => n > 0 }),
    Config.withDefault(fallback)
  )

const positiveDuration = (name: string, fallback: Duration.Duration) =>
  Config.duration(name).pipe(
    Config.validate({
      message: "expected a duration of at least 1 millisecond, e.g. `5 seconds`",
      validation: (d) => Duration.toMillis(d) >= 1 && Duration.isFinite(d)
    }),
    Config.withDefault(fallback)
  )

const apiKeyDigests = Config.string("KASIR_API_KEYS").pipe(
  Config.withDefault(""),
  Config.mapOrFail((raw) =>
    Either.mapLeft(ApiKeys.parseDigests(raw), (message) =>
      ConfigError.InvalidData(["KASIR_API_KEYS"], message)
    )
  )
)

const callbackCredentials = Config.all({
  username: Config.option(Config.nonEmptyString("KASIR_CALLBACK_USERNAME")),
  password: Config.option(Config.redacted("KASIR_CALLBACK_PASSWORD"))
}).pipe(
  Config.mapOrFail(({ username, password }) => {
    if (Option.isSome(username) && Option.isSome(password)) {
      return Either.right(Option.some({ username: username.value, password: password.value }))
    }
    if (Option.isNone(username) && Option.isNone(password)) return Either.right(Option.none())
    return Either.left(
      ConfigError.InvalidData(
        [Option.isNone(username) ? "KASIR_CALLBACK_USERNAME" : "KASIR_CALLBACK_PASSWORD"],
        "set both KASIR_CALLBACK_USERNAME and KASIR_CALLBACK_PASSWORD, or neither"
      )
    )
  })
)

export const config: Config.Config<GatewayConfig> = Config.all({
  port: Config.integer("PORT").pipe(
    Config.validate({
      message: "expected a port number from 0 (any free port) to 65535",
      validation: (port) => port >= 0 && port <= 65535
    }),
    Config.withDefault(8080)
  ),
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  apiKeyDigests,
  callbackCredentials,
  shutdownTimeout: Config.duration("KASIR_SHUTDOWN_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10))),
  logLevel: Config.logLevel("KASIR_LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
  publicUrl: Config.option(
    Config.string("KASIR_PUBLIC_URL").pipe(
      Config.validate({
        message: "expected the gateway's public base URL, e.g. https://pay.example.com",
        validation: (url) => {
          try {
            const parsed = new URL(url)
            return (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.search === ""
          } catch {
            return false
          }
        }
      }),
      Config.map((url) => url.replace(/\/+$/, ""))
    )
  ),
  maxBodyBytes: positiveInteger("KASIR_MAX_BODY_BYTES", 65_536),
  headersTimeout: positiveDuration("KASIR_HEADERS_TIMEOUT", Duration.seconds(5)),
  requestTimeout: positiveDuration("KASIR_REQUEST_TIMEOUT", Duration.seconds(30)),
  keepAliveTimeout: positiveDuration("KASIR_KEEP_ALIVE_TIMEOUT", Duration.seconds(5)),
  maxConnections: positiveInteger("KASIR_MAX_CONNECTIONS", 1024),
  accessLog: Config.boolean("KASIR_ACCESS_LOG").pipe(Config.withDefault(true))
}).pipe(
  Config.mapOrFail((config) =>
    // Node requires it: the headers are part of the request.
    Duration.greaterThan(config.headersTimeout, config.requestTimeout)
      ? Either.left(
          ConfigError.InvalidData(
            ["KASIR_HEADERS_TIMEOUT"],
            "KASIR_HEADERS_TIMEOUT must not exceed KASIR_REQUEST_TIMEOUT"
          )
        )
      : Either.right(config)
  )
)
