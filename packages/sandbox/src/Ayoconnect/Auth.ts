/**
 * How the simulator authenticates a request, the way the upstream is documented to: the partner
 * is looked up by `KEY`, the `TOKEN` is an HS256 JWT verified with that partner's secret over the
 * segments as received, its `partnerId` claim must be the `KEY`, and claim names match
 * case-insensitively. The parameters are read from the verified token; a body, when one is sent,
 * must say the same thing.
 */
import { Jwt } from "@kasir/core"
import { Either, type Redacted } from "effect"

/**
 * The token's claims with lower-cased names (`accountnumber`, `refnumber`, …).
 */
export type Claims = ReadonlyMap<string, unknown>

/**
 * Why a request was refused before it was processed: RC 401 (credentials, token, body) or
 * RC 321 (headers the upstream requires are missing).
 */
export interface Refusal {
  readonly code: 401 | 321
  readonly reason: string
}

/**
 * A request that passed authentication.
 */
export interface Authenticated {
  readonly apiKey: string
  readonly claims: Claims
}

const lowerCaseKeys = (object: Readonly<Record<string, unknown>>): Map<string, unknown> =>
  new Map(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]))

// Canonical text of a JSON value with object keys lower-cased and sorted, for comparison.
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .map(([key, inner]) => [key.toLowerCase(), inner] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

/**
 * Authenticates one request. `headers` have lower-cased names; `secretOf` looks a partner's
 * secret up by API key.
 */
export const authenticate = (
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  secretOf: (apiKey: string) => Redacted.Redacted<string> | undefined
): Either.Either<Authenticated, Refusal> => {
  const version = headers.version?.trim()
  if (version === undefined || version === "") {
    return Either.left({ code: 321, reason: "the VERSION header is missing" })
  }
  if (!["1", "1.0", "2", "2.0"].includes(version)) {
    return Either.left({ code: 321, reason: `VERSION ${JSON.stringify(version)} is not 1.0 or 2.0` })
  }
  const apiKey = headers.key?.trim()
  if (apiKey === undefined || apiKey === "")
    return Either.left({ code: 401, reason: "the KEY header is missing" })
  const secret = secretOf(apiKey)
  if (secret === undefined) return Either.left({ code: 401, reason: "unknown KEY" })
  const token = headers.token?.trim()
  if (token === undefined || token === "")
    return Either.left({ code: 401, reason: "the TOKEN header is missing" })
  const verified = Jwt.verify({ token, secret })
  if (Either.isLeft(verified))
    return Either.left({ code: 401, reason: `TOKEN rejected: ${verified.left.reason}` })
  const claims = lowerCaseKeys(verified.right.payload)
  if (claims.get("partnerid") !== apiKey) {
    return Either.left({ code: 401, reason: "the token's partnerId is not the KEY" })
  }
  const trimmed = body.trim()
  if (trimmed !== "" && trimmed !== "{}") {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      return Either.left({ code: 401, reason: "the body is not JSON" })
    }
    if (canonical(parsed) !== canonical(verified.right.payload)) {
      return Either.left({ code: 401, reason: "the body disagrees with the token" })
    }
  }
  return Either.right({ apiKey, claims })
}

/**
 * A string claim; numbers are not accepted where the upstream expects text.
 */
export const stringClaim = (claims: Claims, name: string): string | undefined => {
  const value = claims.get(name)
  return typeof value === "string" ? value : undefined
}

/**
 * An integer claim, as a JSON number or a digit string.
 */
export const intClaim = (claims: Claims, name: string): number | undefined => {
  const value = claims.get(name)
  if (typeof value === "number" && Number.isSafeInteger(value)) return value
  if (typeof value === "string" && /^\d{1,15}$/.test(value)) return Number(value)
  return undefined
}

/**
 * The callback URLs of a payment (`callbackUrls`, any case), keeping only http(s) URLs.
 */
export const urlsClaim = (claims: Claims): ReadonlyArray<string> => {
  const value = claims.get("callbackurls")
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : []
  return list.filter((url): url is string => typeof url === "string" && /^https?:\/\//.test(url))
}
