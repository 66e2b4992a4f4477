// The CLI describes failures from the typed fields every kasir error shares (`KasirError`), not by
// probing objects: the same lines and the same `--json` document for Ayoconnect and SNAP answers.
import { Ayoconnect, ErrorKind, KasirError, Snap } from "@kasir/core"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as Failure from "../src/Failure.js"

const ayoconnect188 = Ayoconnect.ResponseCode.toError(
  { responseCode: 188, message: { ID: "Transaksi tidak ada", EN: "Transaction not available" } },
  {}
)
const snap = Snap.ResponseCode.toError(
  Either.getOrThrow(Snap.ResponseCode.parse("4030014")),
  "Insufficient Funds",
  "{}"
)

describe("Failure", () => {
  it("an Ayoconnect answer: the message, then the code and both messages", () => {
    const described = Failure.describeError(ayoconnect188, [], ErrorKind.kindOf)
    expect(described).toStrictEqual({
      exitCode: 1,
      lines: [
        "error: Ayoconnect answered 188 (transaction not available): Transaction not available",
        'upstream code 188 · ID: "Transaksi tidak ada" · EN: "Transaction not available"'
      ]
    })
  })

  it("the --json document carries the upstream code as text for both providers", () => {
    const documents = [ayoconnect188, snap].map((error) =>
      Failure.errorDocument(error, Failure.describeError(error, [], ErrorKind.kindOf), ErrorKind.kindOf)
    )
    expect(documents.map((document) => document.error)).toStrictEqual([
      {
        kind: "Declined",
        message: "Ayoconnect answered 188 (transaction not available): Transaction not available",
        detail: 'upstream code 188 · ID: "Transaksi tidak ada" · EN: "Transaction not available"',
        upstreamCode: "188",
        upstreamMessages: { ID: "Transaksi tidak ada", EN: "Transaction not available" }
      },
      {
        kind: "Declined",
        message: "SNAP 4030014: Insufficient Funds",
        upstreamCode: "4030014",
        upstreamMessages: { message: "Insufficient Funds" }
      }
    ])
  })

  it("an object that only looks like a kasir error is a defect", () => {
    const described = Failure.describeError({ kind: "Declined", message: "lookalike" }, [], ErrorKind.kindOf)
    expect(described.exitCode).toBe(3)
    expect(described.lines[0]).toBe("error: internal error: lookalike")
  })

  it("input and configuration errors are core's shared classes: exit 2, the reason, then the hint", () => {
    const cases = [
      new KasirError.InvalidInput({
        provider: "kasir",
        reason: "--after: is not a cursor",
        hint: "Pass it as printed."
      }),
      new KasirError.InvalidConfig({
        provider: "kasir",
        reason: "the key file is missing",
        hint: "Run kasir keys."
      }),
      new KasirError.InvalidConfig({
        provider: "nicepay",
        setting: "NICEPAY_PRIVATE_KEY",
        reason: "unreadable"
      })
    ]
    expect(cases.map((error) => Failure.describeError(error, [], ErrorKind.kindOf))).toStrictEqual([
      { exitCode: 2, lines: ["error: --after: is not a cursor", "Pass it as printed."] },
      { exitCode: 2, lines: ["error: the key file is missing", "Run kasir keys."] },
      { exitCode: 2, lines: ["error: NICEPAY_PRIVATE_KEY: unreadable"] }
    ])
  })
})
