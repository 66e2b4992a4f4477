/**
 * The route table of an HttpApi, for labelling requests in logs and problems before (or without)
 * the router having matched them — a request rejected for its API key or its body still logs the
 * route it was aimed at.
 */
import { HttpApi } from "@effect/platform"

/**
 * An endpoint as `HttpApi.reflect` reports it.
 */
export type Endpoint = Parameters<Parameters<typeof HttpApi.reflect>[1]["onEndpoint"]>[0]["endpoint"]

export interface Route {
  readonly method: string
  /** The template, e.g. `/v1/ayoconnect/payments/:refNumber`. */
  readonly path: string
  /** The HttpApi endpoint, for routes that are one. */
  readonly endpoint: Endpoint | undefined
}

export interface RouteTable {
  readonly match: (method: string, pathname: string) => Route | undefined
}

const escapeRegExp = (segment: string) => segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const toPattern = (template: string): RegExp =>
  new RegExp(
    `^${template
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : escapeRegExp(segment)))
      .join("/")}/?$`
  )

/**
 * The path parameters of `pathname` under `template` (`/payments/:refNumber` and
 * `/payments/r-1` give `{ refNumber: "r-1" }`); empty when the path does not fit the template.
 */
export const params = (template: string, pathname: string): Record<string, string> => {
  const names = template.split("/")
  const values = pathname.replace(/\/$/, "").split("/")
  const found: Record<string, string> = {}
  if (names.length !== values.length) return found
  names.forEach((name, index) => {
    if (!name.startsWith(":")) return
    const raw = values[index]!
    try {
      found[name.slice(1)] = decodeURIComponent(raw)
    } catch {
      found[name.slice(1)] = raw
    }
  })
  return found
}

/**
 * Builds the table from the API's endpoints plus extra fixed routes (docs, OpenAPI).
 */
export const fromApi = (
  api: HttpApi.HttpApi.Any,
  extra: ReadonlyArray<{ readonly method: string; readonly path: string }> = []
): RouteTable => {
  const entries: Array<{ readonly route: Route; readonly pattern: RegExp }> = []
  HttpApi.reflect(api as HttpApi.HttpApi.AnyWithProps, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      entries.push({
        route: { method: endpoint.method, path: endpoint.path, endpoint },
        pattern: toPattern(endpoint.path)
      })
    }
  })
  for (const { method, path } of extra) {
    entries.push({ route: { method, path, endpoint: undefined }, pattern: toPattern(path) })
  }
  return {
    match: (method, pathname) =>
      entries.find(({ route, pattern }) => route.method === method && pattern.test(pathname))?.route
  }
}
