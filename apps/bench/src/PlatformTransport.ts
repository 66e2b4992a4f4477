/**
 * The baseline's transport replaced by an `HttpClient` (trace propagation off as in kasir), one
 * `runPromise` per request. A client that keeps the baseline's hand-written signing and parsing
 * but sends through that client costs this much; the difference to the baseline is the floor of
 * any kasir-like client on it. Two floors: @effect/platform's `NodeHttpClient.layerUndici`, and
 * kasir's lean `Transport.layer`.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Transport as KasirTransport } from "@kasir/core"
import { Effect, type Layer, ManagedRuntime } from "effect"
import type { Transport } from "./baseline/Transport.js"

export const platformTransport = (
  layer: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici
): Transport => {
  const runtime = ManagedRuntime.make(layer)
  const client = runtime.runSync(
    Effect.map(HttpClient.HttpClient, (c) => HttpClient.withTracerPropagation(c, false))
  )
  return {
    post: (url, headers, body) =>
      runtime.runPromise(
        client
          .execute(
            HttpClientRequest.post(url).pipe(
              HttpClientRequest.setHeaders(headers),
              HttpClientRequest.bodyText(body, "application/json")
            )
          )
          .pipe(Effect.flatMap((response) => response.text))
      ),
    close: () => runtime.dispose()
  }
}

/** The same over kasir's lean transport. */
export const leanTransport = (): Transport => platformTransport(KasirTransport.layer)
