/**
 * The Swagger UI page itself, imported by `Docs` on the first request to `/docs`: the page that
 * `HttpApiSwagger.layer` mounts, built on a router of its own and served from there.
 */
// The module itself, not the package's index: the Swagger UI source then stays in this chunk.
import { HttpApi, HttpApiBuilder } from "@effect/platform"
import * as HttpApiSwagger from "@effect/platform/HttpApiSwagger"
import type { Context } from "effect"
import { Effect, Layer } from "effect"

export const make = (path: `/${string}`, api: Context.Tag.Service<HttpApi.Api>) =>
  Effect.provide(
    HttpApiBuilder.Router.router,
    HttpApiSwagger.layer({ path }).pipe(
      Layer.provideMerge(HttpApiBuilder.Router.Live),
      Layer.provide(Layer.succeed(HttpApi.Api, api))
    )
  )
