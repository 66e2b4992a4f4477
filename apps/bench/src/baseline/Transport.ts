/**
 * How the baseline clients put a signed POST on the wire. The default is undici with a keep-alive
 * Agent — the hand-written baseline. The benches swap in @effect/platform's HttpClient to measure
 * the floor every client built on it pays, with the baseline's own signing and parsing unchanged.
 */
import { Agent, request } from "undici"

export interface Transport {
  /** POSTs `body` as `application/json` and resolves with the response body's text. */
  readonly post: (url: string, headers: Readonly<Record<string, string>>, body: string) => Promise<string>
  readonly close: () => Promise<void>
}

export const undiciTransport = (): Transport => {
  // The same dispatcher kasir gets from NodeHttpClient.layerUndici: a default keep-alive Agent.
  const dispatcher = new Agent()
  return {
    post: async (url, headers, body) => {
      const response = await request(url, {
        method: "POST",
        dispatcher,
        headers: { "content-type": "application/json", ...headers },
        body
      })
      return response.body.text()
    },
    close: () => dispatcher.close()
  }
}
