/**
 * The baseline's transport replaced by @effect/platform's HttpClient (NodeHttpClient.layerUndici,
 * trace propagation off as in kasir), one `runPromise` per request. A client that keeps the
 * baseline's hand-written signing and parsing but sends through the platform costs this much; the
 * difference to the baseline is the floor of any kasir-like client on @effect/platform.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, ManagedRuntime } from "effect"
import type { Transport } from "./baseline/Transport.js"

export const platformTransport = (): Transport => {
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
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
