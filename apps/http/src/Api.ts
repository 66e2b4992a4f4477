/**
 * The kasir gateway API: one HttpApi definition from which the server, `/openapi.json` and the
 * Swagger UI at `/docs` are all derived.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { AyoconnectGroup } from "./api/Ayoconnect.js"
import { CallbacksGroup } from "./api/Callbacks.js"
import { EventsGroup } from "./api/Events.js"
import { NicepayGroup } from "./api/Nicepay.js"
import { TransactionsGroup } from "./api/Transactions.js"
import { SystemGroup } from "./api/System.js"
import * as OpenApiProblems from "./OpenApiProblems.js"
import * as Problem from "./Problem.js"
import * as Version from "./Version.js"

export class Api extends HttpApi.make("kasir")
  .add(SystemGroup)
  .add(AyoconnectGroup)
  .add(NicepayGroup)
  .add(CallbacksGroup)
  .add(TransactionsGroup)
  .add(EventsGroup)
  // Any endpoint can fail validation, refuse a body that is too large, or fail unexpectedly.
  .addError(Problem.BadRequest)
  .addError(Problem.PayloadTooLarge)
  .addError(Problem.InternalError)
  .annotate(OpenApi.Title, "kasir gateway")
  .annotate(OpenApi.Version, Version.version)
  .annotate(
    OpenApi.Description,
    "Ayoconnect PPOB bill payments and NICEPAY SNAP payouts over one typed HTTP API. Every error is an RFC 9457 problem (`application/problem+json`)."
  )
  .annotate(OpenApi.Transform, OpenApiProblems.transform) {}
