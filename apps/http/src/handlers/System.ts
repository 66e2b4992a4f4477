import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { Api } from "../Api.js"
import { Health, Readiness } from "../api/System.js"
import { InFlight } from "../Drain.js"
import { GatewayScrape } from "../Metrics.js"
import { ProviderModes } from "../ProviderModes.js"
import * as RequestContext from "../RequestContext.js"

export const layer = HttpApiBuilder.group(Api, "system", (handlers) =>
  Effect.gen(function* () {
    const inFlight = yield* InFlight
    const modes = yield* ProviderModes
    const scrape = yield* GatewayScrape
    return handlers
      .handle("health", () => Effect.succeed(new Health({ status: "ok" })))
      .handle("ready", () =>
        Effect.flatMap(inFlight.draining, (draining) =>
          draining
            ? RequestContext.fail(
                503,
                "shutting-down",
                "The gateway is shutting down and no longer accepts work."
              )
            : Effect.succeed(new Readiness({ status: "ready", providers: modes }))
        )
      )
      .handle("metrics", () =>
        Option.isSome(scrape)
          ? scrape.value
          : RequestContext.fail(404, "not-found", "Metrics are not served on this port.")
      )
  })
)
