/**
 * Fuzzing every gateway route over HTTP: arbitrary and adversarial input — wrong types, huge
 * strings, unicode, negative, fractional and huge amounts, `__proto__` keys, invalid JSON, bad
 * keys, odd paths — must always get a 4xx problem response; never a 500, never a crash.
 *
 * The gateway is the built `apps/http/dist/main.js` in its own process, with the embedded sandbox
 * behind it. A body that core's own schema accepts is valid input, which may legitimately reach
 * the sandbox (and its fault scenarios): for those only "never a 500" is required.
 */
import { createHash, randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Ayoconnect, Nicepay } from "@kasir/core"
import { Schema } from "effect"
import fc from "fast-check"
import { paths, type Running, start } from "../src/Proc.js"

const API_KEY = `kasir_fuzz_${randomBytes(12).toString("hex")}`
const RUNS = 100
let gateway: Running

beforeAll(async () => {
  gateway = await start({
    name: "gateway",
    script: paths.gateway,
    env: { KASIR_API_KEYS: createHash("sha256").update(API_KEY).digest("hex") },
    readyPath: "/health",
    logFile: path.join(os.tmpdir(), `kasir-fuzz-gateway-${process.pid}.log`)
  })
  // A hang guard, not a speed limit: the process initialises a new embedded ledger first.
}, 240_000)

afterAll(async () => {
  // No crash: still running after everything, then a clean drain on SIGTERM.
  expect(gateway.child.exitCode).toBe(null)
  expect(await gateway.stop()).toBe(0)
  const lines = readFileSync(gateway.logFile, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
  const levels = lines.map((line) => (JSON.parse(line) as { logLevel: string }).logLevel)
  expect(levels.filter((level) => level === "ERROR" || level === "FATAL")).toStrictEqual([])
}, 120_000)

interface Answer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

const send = async (
  method: string,
  pathAndQuery: string,
  options: { readonly body?: string; readonly headers?: Record<string, string>; readonly auth?: boolean } = {}
): Promise<Answer> => {
  const response = await fetch(`${gateway.url}${pathAndQuery}`, {
    method,
    headers: {
      ...(options.auth === false ? {} : { "x-api-key": API_KEY }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: options.body })
  })
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: await response.text()
  }
}

/** A 4xx with an RFC 9457 problem body whose `status` is the HTTP status. */
const expectProblem4xx = (answer: Answer) => {
  expect(answer.status, answer.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
  expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500)
  expect(answer.contentType).toContain("application/problem+json")
  const problem = JSON.parse(answer.body) as { status?: unknown; type?: unknown }
  expect(problem.status).toBe(answer.status)
  expect(String(problem.type)).toMatch(/^urn:kasir:problem:/)
}

/** Valid input may reach the upstream: anything but a 500, and problems are problem+json. */
const expectNo500 = (answer: Answer) => {
  expect(answer.status, answer.body.slice(0, 300)).not.toBe(500)
  if (answer.status >= 400) expect(answer.contentType).toContain("application/problem+json")
}

// ---------------------------------------------------------------------------------------------
// Adversarial values

const hugeString = fc.integer({ min: 10_000, max: 200_000 }).map((n) => "9".repeat(n))
const unicode = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("０８１２３４５６７８９０", "٠٨١٢٣٤٥٦٧٨٩", "🙂🙂🙂", "\u0000\u0001", "a\u202Eb", "\uD800")
)
const badAmount = fc.oneof(
  fc.integer({ max: 0 }),
  fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom(1e21, 1e308, Number.MAX_SAFE_INTEGER + 2, -0.5, 0.1, 10_000.005),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(null, true, [], {})
)
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hugeString,
  unicode,
  badAmount,
  fc.constantFrom({ __proto__: null, polluted: true }, [1, 2, 3])
)

/** Raw JSON texts that put a `__proto__` key (and friends) in the body. */
const protoBody = (valid: Readonly<Record<string, unknown>>) =>
  fc.constantFrom(
    JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"amount":1,"isAdmin":true},'),
    JSON.stringify(valid).replace(/^\{/, '{"constructor":{"prototype":{"x":1}},'),
    `{"__proto__":${JSON.stringify(valid)}}`
  )

/** Text that is not JSON at all, or not quite. */
const invalidJson = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s)
      return false
    } catch {
      return true
    }
  }),
  fc.constantFrom("{", '{"amount":', "[1,2", "{'a':1}", "NaN", "\u0000", '{"a":1}}', "")
)

/** A valid body with one field replaced, removed, or an extra field added. */
const mutated = (valid: Readonly<Record<string, unknown>>) => {
  const keys = Object.keys(valid)
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), value: anyValue })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc
      .constantFrom(...keys)
      .map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc
      .record({ key: fc.string({ maxLength: 20 }), value: anyValue })
      .map(({ key, value }) => ({ ...valid, [key]: value }))
  )
}

/** Every way a body can be wrong, as the text sent. */
const bodies = (valid: Readonly<Record<string, unknown>>) =>
  fc.oneof(
    mutated(valid).map((body) => JSON.stringify(body)),
    fc.jsonValue({ maxDepth: 4 }).map((body) => JSON.stringify(body)),
    protoBody(valid),
    invalidJson
  )

const acceptedBy =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (text: string): boolean => {
    try {
      return Schema.is(Schema.typeSchema(schema))(Schema.decodeUnknownSync(schema)(JSON.parse(text)))
    } catch {
      return false
    }
  }

const validInquiry = { accountNumber: "081234567890", productCode: "PPLSIND12" }
const validPayment = { ...validInquiry, inquiryId: 2692552, amount: 12300, refNumber: "fuzz-ref-1" }
const validPayout = {
  partnerReferenceNo: "fuzz-order-1",
  beneficiaryAccountNo: "5345000060",
  beneficiaryName: "Budi Santoso",
  beneficiaryPhone: "081211111111",
  beneficiaryCustomerResidence: "citizen",
  beneficiaryCustomerType: "personal",
  beneficiaryBankCode: "BMRI",
  payoutMethod: "online",
  amount: 150000
}
const validReference = { partnerReferenceNo: "fuzz-order-1", beneficiaryAccountNo: "5345000060" }
const TransitionBody = Schema.Struct({
  partnerReferenceNo: Nicepay.Schemas.PartnerReferenceNo,
  beneficiaryAccountNo: Nicepay.Schemas.AccountNo
})

const bodyRoutes = [
  {
    path: "/v1/ayoconnect/inquiries",
    valid: validInquiry,
    accepts: acceptedBy(Ayoconnect.Schemas.InquiryRequest)
  },
  {
    path: "/v1/ayoconnect/payments",
    valid: validPayment,
    accepts: acceptedBy(Ayoconnect.Schemas.PaymentRequest)
  },
  // The gateway takes payouts in readable form: the type side of core's schema.
  {
    path: "/v1/nicepay/payouts",
    valid: validPayout,
    accepts: acceptedBy(Schema.typeSchema(Nicepay.Schemas.PayoutRequest))
  },
  ...(["approve", "reject", "cancel"] as const).map((operation) => ({
    path: `/v1/nicepay/payouts/TXID0000000001/${operation}`,
    valid: validReference,
    accepts: acceptedBy(TransitionBody)
  }))
]

// Lone surrogates cannot be percent-encoded (URIError): they are sent as U+FFFD, as browsers do.
const encode = (text: string): string => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, "\uFFFD"))

const segment = fc.oneof(
  unicode,
  fc.string({ maxLength: 60 }),
  hugeString.map((s) => s.slice(0, 3_000))
)

describe("gateway fuzzing", () => {
  for (const route of bodyRoutes) {
    it(`POST ${route.path}: bad bodies get a 4xx problem`, async () => {
      let strict = 0
      await fc.assert(
        fc.asyncProperty(bodies(route.valid), async (body) => {
          const answer = await send("POST", route.path, { body })
          if (route.accepts(body)) expectNo500(answer)
          else {
            strict++
            expectProblem4xx(answer)
          }
        }),
        { numRuns: RUNS }
      )
      // The property must have exercised invalid input, not only lucky valid bodies.
      expect(strict).toBeGreaterThan(RUNS / 2)
    })
  }

  it("every /v1 route refuses a missing or wrong API key with 401", async () => {
    const routes: ReadonlyArray<readonly [string, string]> = [
      ["GET", "/v1/ayoconnect/balance"],
      ["GET", "/v1/ayoconnect/products"],
      ["POST", "/v1/ayoconnect/inquiries"],
      ["POST", "/v1/ayoconnect/payments"],
      ["GET", "/v1/ayoconnect/payments/abc"],
      ["GET", "/v1/nicepay/balance"],
      ["POST", "/v1/nicepay/payouts"],
      ["POST", "/v1/nicepay/payouts/X/approve"],
      ["POST", "/v1/nicepay/payouts/X/reject"],
      ["POST", "/v1/nicepay/payouts/X/cancel"],
      ["GET", "/v1/nicepay/payouts/X?partnerReferenceNo=a&beneficiaryAccountNo=1"]
    ]
    const headers = fc.oneof(
      fc.constant({}),
      fc.string({ maxLength: 80 }).map((key) => ({ "x-api-key": key.replace(/[^\x21-\x7e]/g, "x") })),
      fc
        .string({ maxLength: 80 })
        .map((key) => ({ authorization: `Bearer ${key.replace(/[^\x21-\x7e]/g, "x")}` })),
      fc.constantFrom(
        { authorization: "Basic Zm9vOmJhcg==" },
        { authorization: "Bearer" },
        { "x-api-key": "" }
      )
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), headers, async ([method, route], h) => {
        const answer = await send(method, route, {
          auth: false,
          headers: h,
          ...(method === "POST" ? { body: JSON.stringify(validInquiry) } : {})
        })
        expectProblem4xx(answer)
        expect(answer.status).toBe(401)
      }),
      { numRuns: RUNS * 2 }
    )
  })

  it("GET /v1/ayoconnect/payments/{refNumber}: any path segment gets a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(segment, async (ref) => {
        expectProblem4xx(await send("GET", `/v1/ayoconnect/payments/${encode(ref)}`))
      }),
      { numRuns: RUNS }
    )
  })

  it("GET /v1/nicepay/payouts/{referenceNo}: any path and query gets a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.dictionary(
          fc.constantFrom("partnerReferenceNo", "beneficiaryAccountNo", "__proto__", "x"),
          fc.oneof(unicode, fc.string({ maxLength: 60 }))
        ),
        async (ref, query) => {
          const search = new URLSearchParams(query as Record<string, string>).toString()
          expectProblem4xx(await send("GET", `/v1/nicepay/payouts/${encode(ref)}?${search}`))
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("unknown paths and wrong methods get a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
        fc.oneof(
          segment.map((s) => `/${encode(s)}`),
          fc.constantFrom(
            "/v1",
            "/v1/",
            "/v1/nicepay",
            "/v1/ayoconnect/balance/extra",
            "/v1/nicepay/payouts//approve",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/v1/ayoconnect/%2E%2E%2Fnicepay/balance"
          )
        ),
        async (method, route) => {
          const answer = await send(method, route, method === "GET" ? {} : { body: "{}" })
          expectProblem4xx(answer)
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("POST /callbacks/ayoconnect without valid Basic credentials gets a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies({ refNumber: "fuzz-ref-1", responseCode: 0 }),
        fc.oneof(
          fc.constant({}),
          fc.string({ maxLength: 40 }).map((s) => ({
            authorization: `Basic ${Buffer.from(s).toString("base64")}`
          }))
        ),
        async (body, headers) => {
          expectProblem4xx(await send("POST", "/callbacks/ayoconnect", { auth: false, body, headers }))
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("POST /api/v1.0/transfer/notify with forged or missing signatures is refused with a 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies({ originalReferenceNo: "TXID1", originalPartnerReferenceNo: "fuzz-order-1" }),
        fc.record({
          "x-timestamp": fc.oneof(fc.string({ maxLength: 40 }), fc.constant("2024-03-05T17:37:16+07:00")),
          "x-signature": fc.base64String({ maxLength: 200 }),
          "x-client-key": fc.oneof(fc.constant("IONPAYTEST"), fc.string({ maxLength: 20 }))
        }),
        async (body, headers) => {
          const safe = Object.fromEntries(
            Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, "x")])
          )
          const answer = await send("POST", "/api/v1.0/transfer/notify", { auth: false, body, headers: safe })
          expect(answer.status, answer.body.slice(0, 300)).toBeGreaterThanOrEqual(400)
          expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500)
        }
      ),
      { numRuns: RUNS }
    )
  })
})
