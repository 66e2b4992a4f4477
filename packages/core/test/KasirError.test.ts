// One error vocabulary: every kasir error is recognised by its type id and exposes the same typed
// fields, whichever provider or module it comes from.
import { Ayoconnect, ErrorKind, Idempotency, KasirError, Nicepay, Snap, Upstream } from "@kasir/core"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"

const snapCode = (text: string) => Either.getOrThrow(Snap.ResponseCode.parse(text))

describe("KasirError", () => {
  it("the guard recognises kasir errors of every provider and nothing else", () => {
    const errors: ReadonlyArray<unknown> = [
      Ayoconnect.ResponseCode.toError(
        { responseCode: 188, message: { ID: "Transaksi tidak ada", EN: "Transaction not available" } },
        {}
      ),
      Snap.ResponseCode.toError(snapCode("4030014"), "Insufficient Funds", "{}"),
      Snap.ResponseCode.toError(snapCode("4039999"), "Odd", "{}"),
      new Ayoconnect.InvalidInput({ operation: "payment", field: "refNumber", detail: "empty" }),
      new Nicepay.Schemas.InvalidInput({ operation: "register", field: "amount", reason: "negative" }),
      new Upstream.UpstreamTimeout({ upstream: "nicepay", operation: "balance", timeoutMillis: 300 }),
      new Idempotency.ReferenceReused({
        upstream: "ayoconnect",
        operation: "payment",
        referenceField: "refNumber",
        reference: "r-1",
        fields: ["amount"]
      })
    ]
    expect(errors.map(KasirError.isKasirError)).toStrictEqual(errors.map(() => true))
    expect(
      [new Error("x"), { kind: "Declined", _tag: "Lookalike" }, null, "Declined"].map(KasirError.isKasirError)
    ).toStrictEqual([false, false, false, false])
    // kindOf reads the typed field, so a lookalike object has no kind.
    expect(ErrorKind.kindOf({ kind: "Declined" })).toBeUndefined()
  })

  it("upstream answers expose the code and messages as the same typed fields", () => {
    const ayo = Ayoconnect.ResponseCode.toError(
      { responseCode: 188, message: { ID: "Transaksi tidak ada", EN: "Transaction not available" } },
      {}
    )
    const snap = Snap.ResponseCode.toError(snapCode("4030014"), "Insufficient Funds", "{}")
    const unknown = Snap.ResponseCode.toError(snapCode("4039999"), "Odd", "{}")
    const fields = (error: KasirError.KasirError) => [
      error._tag,
      error.kind,
      error.provider,
      error.upstreamCode,
      error.upstreamMessages
    ]
    expect([ayo, snap, unknown].map(fields)).toStrictEqual([
      [
        "TransactionNotFound",
        "Declined",
        "ayoconnect",
        "188",
        { ID: "Transaksi tidak ada", EN: "Transaction not available" }
      ],
      ["InsufficientFunds", "Declined", "snap", "4030014", { message: "Insufficient Funds" }],
      ["UnknownSnapResponse", "Declined", "snap", "4039999", { message: "Odd" }]
    ])
    expect([ayo.meaning, snap.meaning, unknown.meaning]).toStrictEqual([
      "transaction not available",
      "Insufficient Funds",
      "undocumented response code"
    ])
  })

  it("errors the upstream did not answer have no upstream code; operation is typed where known", () => {
    const input = new Nicepay.Schemas.InvalidInput({
      operation: "register",
      field: "amount",
      reason: "negative"
    })
    const timeout = new Upstream.UpstreamTimeout({
      upstream: "nicepay",
      operation: "balance",
      timeoutMillis: 300
    })
    expect(
      [input, timeout].map((error: KasirError.KasirError) => [
        error.provider,
        error.operation,
        error.upstreamCode,
        error.kind
      ])
    ).toStrictEqual([
      ["nicepay", "register", undefined, "InvalidRequest"],
      ["nicepay", "balance", undefined, "Timeout"]
    ])
  })
})
