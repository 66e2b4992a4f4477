/**
 * Swagger UI at `/docs`, loaded on the page's first request.
 *
 * `@effect/platform`'s page embeds Swagger UI's script and stylesheet, about 1.9 MB of source.
 * Mounted at start (`HttpApiSwagger.layer`), that source, its string literals and the rendered
 * page stay in the heap for the gateway's life whether or not anyone opens it: measured, 11–13 MB
 * of a loaded gateway's RSS. Here only the route is registered at start; the page module
 * (`DocsPage`, its own chunk in the bundle) is imported when the route is first hit, then kept.
 */
import { HttpApi, HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"

export const layer = (path: `/${string}`) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const api = yield* HttpApi.Api
      const page = yield* Effect.cached(
        Effect.flatMap(
          Effect.promise(() => import("./DocsPage.js")),
          (module) => module.make(path, api)
        )
      )
      yield* router.get(path, Effect.flatten(page))
    })
  )
