/**
 * `kasir db migrate` and `kasir ledger list|show` on an embedded ledger (PGlite in a temporary
 * `KASIR_DATA_DIR`), run as the real executable. Entries are written with `@kasir/ledger` itself
 * between the commands (the embedded ledger is one process at a time), as a gateway would.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Database, Ledger, Migrations } from "@kasir/ledger"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { kasir } from "./support/kasir.js"

const dataDir = mkdtempSync(path.join(tmpdir(), "kasir-ledger-cli-"))
const env = { KASIR_DATA_DIR: dataDir }
// PGlite initialises a new data directory in seconds; a loaded machine is slower, never wrong.
const slow = { env, timeoutMillis: 120_000 }

describe("kasir db / kasir ledger", () => {
  it("migrates once, lists and shows what the ledger recorded, and names a reference it lacks", async () => {
    const first = await kasir(["db", "migrate", "--json"], slow)
    expect(first.stderr).toBe("")
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual({
      database: `embedded PGlite in ${path.join(dataDir, "ledger")}`,
      schemaVersion: 2,
      applied: [
        { id: 1, name: "ledger" },
        { id: 2, name: "webhooks" }
      ]
    })
    const again = await kasir(["db", "migrate"], slow)
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(
      `The ledger in the embedded PGlite in ${path.join(dataDir, "ledger")} is up to date: schema version 2.\n`
    )

    const empty = await kasir(["ledger", "list", "--json"], slow)
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout)).toEqual({ entries: [] })

    await Effect.gen(function* () {
      const ledger = yield* Ledger.Ledger
      for (const [reference, account] of [
        ["cli-ledger-1", "081234560001"],
        ["cli-ledger-2", "081234560002"]
      ] as const) {
        const begun = yield* ledger.begin({
          provider: "ayoconnect",
          operation: "payment",
          reference,
          fields: { accountNumber: account, productCode: "PPLSIND12" },
          amount: 12_500n
        })
        if (begun._tag !== "Claimed") throw new Error(begun._tag)
        yield* ledger.record(begun.entry.id, {
          to: "succeeded",
          source: "answer",
          upstream: { code: "0", ids: { transactionId: "7001" } }
        })
      }
    }).pipe(
      Effect.provide(
        Ledger.layer().pipe(Layer.provide(Migrations.layer), Layer.provide(Database.layerPglite({ dataDir })))
      ),
      Effect.runPromise
    )

    const page = await kasir(["ledger", "list", "--json", "--provider", "ayoconnect", "--limit", "1"], slow)
    expect(page.code).toBe(0)
    const listed = JSON.parse(page.stdout)
    expect(
      listed.entries.map((e: { reference: string; state: string; amount: string }) => [
        e.reference,
        e.state,
        e.amount
      ])
    ).toEqual([["cli-ledger-1", "succeeded", "12500"]])
    expect(typeof listed.next).toBe("string")
    const next = await kasir(
      ["ledger", "list", "--json", "--provider", "ayoconnect", "--limit", "1", "--after", listed.next],
      slow
    )
    expect(JSON.parse(next.stdout).entries.map((e: { reference: string }) => e.reference)).toEqual([
      "cli-ledger-2"
    ])
    const none = await kasir(["ledger", "list", "--json", "--provider", "nicepay"], slow)
    expect(JSON.parse(none.stdout)).toEqual({ entries: [] })

    const shown = await kasir(["ledger", "show", "cli-ledger-2", "--json"], slow)
    expect(shown.code).toBe(0)
    const entry = JSON.parse(shown.stdout)
    expect(entry).toMatchObject({
      provider: "ayoconnect",
      operation: "payment",
      reference: "cli-ledger-2",
      fields: { accountNumber: "081234560002", productCode: "PPLSIND12" },
      amount: "12500",
      state: "succeeded",
      upstream: { code: "0", ids: { transactionId: "7001" } }
    })
    expect(
      entry.history.map((h: { from?: string; to: string; source: string }) => [
        h.from ?? null,
        h.to,
        h.source
      ])
    ).toEqual([
      [null, "sending", "request"],
      ["sending", "succeeded", "answer"]
    ])
    const text = await kasir(["ledger", "show", "cli-ledger-2"], slow)
    expect(text.stdout).toContain("State:")
    expect(text.stdout).toMatch(/^\S+ +sending +succeeded +answer +0$/m)

    const missing = await kasir(["ledger", "show", "cli-ledger-404"], slow)
    expect(missing.code).toBe(2)
    expect(missing.stdout).toBe("")
    expect(missing.stderr).toContain("no ledger entry for reference cli-ledger-404")
  }, 600_000)
})
