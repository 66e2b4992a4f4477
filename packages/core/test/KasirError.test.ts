// One error vocabulary: every kasir error is recognised by its type id and exposes the same typed
// fields, whichever provider or module it comes from.
import { Ayoconnect, ErrorKind, Idempotency, KasirError, Nicepay, Snap, Upstream } from "@kasir/core"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Layer, Redacted } from "effect"
import { describe, expect, it } from "@effect/vitest"

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
      new KasirError.InvalidInput({
        provider: "ayoconnect",
        operation: "payment",
        field: "refNumber",
        reason: "empty"
      }),
      new KasirError.InvalidInput({
        provider: "nicepay",
        operation: "register",
        field: "amount",
        reason: "negative"
      }),
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
    const input = new KasirError.InvalidInput({
      provider: "nicepay",
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

  // One InvalidInput, one InvalidConfig, one OutcomeUnknown: each provider's failures are the same
  // class with the same fields, so a caller catches each tag once and reads the same fields.
  it.effect("bad input and bad configuration are one class each, whichever provider", () =>
    Effect.gen(function* () {
      const { beneficiaryName: _, ...missing } = {
        beneficiaryName: "x",
        partnerReferenceNo: "p-1"
      }
      const nicepayInput = yield* Effect.flip(
        Nicepay.Schemas.validate(Nicepay.Schemas.PayoutRequest, "register", missing, true)
      )
      expect(nicepayInput).toBeInstanceOf(KasirError.InvalidInput)
      expect([nicepayInput.provider, nicepayInput.operation, nicepayInput.kind]).toStrictEqual([
        "nicepay",
        "register",
        "InvalidRequest"
      ])
      const ayoconnectConfig = yield* Effect.flip(
        Layer.build(
          Ayoconnect.layer({
            baseUrl: "ftp://example.com",
            apiKey: "key",
            apiSecret: Redacted.make("secret")
          })
        ).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.scoped)
      )
      const nicepayConfig = yield* Effect.flip(
        Nicepay.Config.resolveKey("NICEPAY_PRIVATE_KEY", Redacted.make("/no/such/key.pem"))
      )
      for (const error of [ayoconnectConfig, nicepayConfig])
        expect(error).toBeInstanceOf(KasirError.InvalidConfig)
      expect(
        [ayoconnectConfig, nicepayConfig].map((error) => [
          error.provider,
          error.setting,
          error.kind,
          error.message
        ])
      ).toStrictEqual([
        ["ayoconnect", "baseUrl", "Configuration", "baseUrl: must be http(s), got ftp:"],
        [
          "nicepay",
          "NICEPAY_PRIVATE_KEY",
          "Configuration",
          "NICEPAY_PRIVATE_KEY: neither PEM / base64 key text nor the path of an existing file"
        ]
      ])
    })
  )

  it("the shared classes say the same thing the same way", () => {
    const messages = [
      new KasirError.InvalidInput({
        provider: "ayoconnect",
        operation: "payment",
        field: "amount",
        reason: "negative"
      }),
      new KasirError.InvalidInput({
        provider: "kasir",
        operation: "ledger",
        field: "limit",
        reason: "too big"
      }),
      new KasirError.InvalidInput({ provider: "kasir", reason: "--amount is required", hint: "see --help" }),
      new KasirError.InvalidConfig({
        provider: "kasir",
        setting: "KASIR_DATA_DIR",
        reason: "could not be read"
      }),
      new KasirError.InvalidConfig({ provider: "kasir", reason: "credentials incomplete" }),
      new KasirError.OutcomeUnknown({
        provider: "nicepay",
        operation: "transfer/approve",
        referenceField: "partnerReferenceNo",
        reference: "p-1",
        references: {
          partnerReferenceNo: "p-1",
          originalReferenceNo: "o-1",
          beneficiaryAccountNo: "5345000060"
        },
        reason: "no complete response within 300 ms",
        causeTag: "UpstreamTimeout"
      })
    ].map((error) => [error._tag, error.kind, error.message])
    expect(messages).toStrictEqual([
      ["InvalidInput", "InvalidRequest", "ayoconnect.payment: invalid amount: negative"],
      ["InvalidInput", "InvalidRequest", "ledger: invalid limit: too big"],
      ["InvalidInput", "InvalidRequest", "--amount is required"],
      ["InvalidConfig", "Configuration", "KASIR_DATA_DIR: could not be read"],
      ["InvalidConfig", "Configuration", "credentials incomplete"],
      [
        "OutcomeUnknown",
        "OutcomeUnknown",
        "nicepay.transfer/approve: outcome unknown for partnerReferenceNo p-1, originalReferenceNo o-1 (no complete response within 300 ms); look it up before retrying"
      ]
    ])
  })
})
