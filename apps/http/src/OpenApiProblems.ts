/**
 * Makes the generated OpenAPI document tell the truth about errors.
 *
 * HttpApi 0.97 adds its `HttpApiDecodeError` to every endpoint's 400 response and cannot be told
 * otherwise; the gateway never sends that shape (`Validation.ts` turns it into a problem), so this
 * transform removes it, and declares every response whose schema is a `Problem` class as
 * `application/problem+json`.
 */

type Json = Record<string, unknown>

const DECODE_ERROR_REF = "#/components/schemas/HttpApiDecodeError"

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const withoutDecodeError = (schema: unknown): unknown => {
  if (!isObject(schema)) return schema
  if (schema.$ref === DECODE_ERROR_REF) return undefined
  if (Array.isArray(schema.anyOf)) {
    const rest = schema.anyOf.filter((member) => !(isObject(member) && member.$ref === DECODE_ERROR_REF))
    return rest.length === 1 ? rest[0] : { ...schema, anyOf: rest }
  }
  return schema
}

// The money routes go through the ledger: a replayed answer carries `Idempotent-Replayed`, a 409
// `in-progress` carries `Retry-After`. HttpApi has no way to declare response headers.
const moneyRoutes = [
  "/v1/ayoconnect/payments",
  "/v1/nicepay/payouts",
  "/v1/nicepay/payouts/{referenceNo}/approve",
  "/v1/nicepay/payouts/{referenceNo}/reject",
  "/v1/nicepay/payouts/{referenceNo}/cancel"
]

const replayedHeader = {
  "Idempotent-Replayed": {
    description:
      "`true` when the answer comes from the ledger: an earlier request with this reference was sent, this one sent nothing",
    schema: { type: "string", enum: ["true"] }
  }
}

const documentLedgerHeaders = (paths: Record<string, Record<string, Json>>): void => {
  for (const path of moneyRoutes) {
    const responses = paths[path]?.post?.responses
    if (!isObject(responses)) continue
    for (const [status, response] of Object.entries(responses)) {
      if (!isObject(response)) continue
      if (status === "409") {
        response.headers = {
          ...(isObject(response.headers) ? response.headers : {}),
          "Retry-After": {
            description: "With problem `in-progress`: seconds until the request holding the reference is due",
            schema: { type: "integer", minimum: 1 }
          }
        }
      } else if (status === "200" || status === "202" || status === "422") {
        response.headers = { ...(isObject(response.headers) ? response.headers : {}), ...replayedHeader }
      }
    }
  }
}

const references = (spec: unknown, ref: string): boolean => JSON.stringify(spec).includes(`"${ref}"`)

/**
 * The transform, for `OpenApi.Transform` on the API.
 */
export const transform = (spec: Record<string, unknown>): Record<string, unknown> => {
  const paths = (isObject(spec.paths) ? spec.paths : {}) as Record<string, Record<string, Json>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const responses = operation.responses
      if (!isObject(responses)) continue
      for (const [status, response] of Object.entries(responses)) {
        const code = Number(status)
        if (!isObject(response) || !(code >= 400 || code === 202)) continue
        const content = isObject(response.content) ? Object.values(response.content) : []
        const schema = content.map((media) =>
          isObject(media) ? withoutDecodeError(media.schema) : undefined
        )[0]
        if (schema === undefined) {
          delete responses[status]
          continue
        }
        // Only the problem classes are problems (the NICEPAY notify route answers in SNAP's format).
        if (!/Problem"/.test(JSON.stringify(schema))) continue
        response.content = { "application/problem+json": { schema } }
        if (status === "400")
          response.description = "The request is invalid; `errors` lists the offending fields"
      }
    }
  }
  documentLedgerHeaders(paths)
  const schemas = isObject(spec.components) ? spec.components.schemas : undefined
  if (isObject(schemas)) {
    delete schemas.HttpApiDecodeError
    if (!references(spec, "#/components/schemas/Issue")) delete schemas.Issue
  }
  return spec
}
