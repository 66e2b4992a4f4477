import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { layer as gateway, send } from "./support/Harness.js"

// Issue 16 row 7: a body with five problems reported only the first one.
layer(gateway(), { timeout: 60_000, excludeTestServices: true })("validation", (it) => {
  it.effect("a payment body with five problems names all five field paths", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/ayoconnect/payments", { body: { inquiryId: "x", amount: -1 } })
      expect(reply.status).toBe(400)
      expect(reply.json.type).toBe("urn:kasir:problem:validation")
      expect(reply.json.errors.map((e: { path: string }) => e.path)).toEqual([
        "body.inquiryId",
        "body.accountNumber",
        "body.productCode",
        "body.amount",
        "body.refNumber"
      ])
      for (const path of ["body.inquiryId", "body.accountNumber", "body.amount", "body.refNumber"]) {
        expect(reply.json.detail).toContain(path)
      }
    })
  )

  it.effect("a payout body with several problems names each of them", () =>
    Effect.gen(function* () {
      const reply = yield* send("/v1/nicepay/payouts", {
        body: { partnerReferenceNo: "", amount: "ten", beneficiaryAccountNo: 5 }
      })
      expect(reply.status).toBe(400)
      const paths: Array<string> = reply.json.errors.map((e: { path: string }) => e.path)
      expect(paths).toContain("body.partnerReferenceNo")
      expect(paths).toContain("body.amount")
      expect(paths).toContain("body.beneficiaryAccountNo")
      expect(new Set(paths).size).toBe(paths.length)
    })
  )
})
