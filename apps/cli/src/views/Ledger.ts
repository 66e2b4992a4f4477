/**
 * How ledger entries read: a table and a detail view for people, the ledger's own JSON shape
 * (`Ledger.toJson`: amounts as decimal strings, times ISO 8601) for `--json`.
 */
import { Money } from "@kasir/core"
import { Ledger } from "@kasir/ledger"
import { DateTime } from "effect"
import type { Report } from "../Report.js"
import * as Table from "../Table.js"

const rp = (amount: bigint): string =>
  amount <= BigInt(Number.MAX_SAFE_INTEGER) ? Money.format(Number(amount) as Money.Rupiah) : `Rp ${amount}`

const iso = (at: DateTime.DateTime): string => DateTime.formatIso(at)

const entryJson = (entry: Ledger.Entry) => {
  const { upstream, ...rest } = Ledger.toJson(entry)
  // No null for known fields: an absent code or message is left out.
  return {
    ...rest,
    upstream: Object.fromEntries(Object.entries(upstream).filter(([, value]) => value !== null))
  }
}

export const migrated = (result: {
  readonly where: string
  readonly version: number
  readonly applied: ReadonlyArray<readonly [id: number, name: string]>
}): Report => ({
  json: {
    database: result.where,
    schemaVersion: result.version,
    applied: result.applied.map(([id, name]) => ({ id, name }))
  },
  text:
    result.applied.length === 0
      ? `The ledger in the ${result.where} is up to date: schema version ${result.version}.`
      : [
          `Migrated the ledger in the ${result.where} to schema version ${result.version}.`,
          ...result.applied.map(([id, name]) => `  applied ${id} ${name}`)
        ].join("\n")
})

export const list = (page: Ledger.Page, where: string): Report => ({
  json: {
    entries: page.entries.map(entryJson),
    ...(page.next === undefined ? {} : { next: page.next })
  },
  text:
    page.entries.length === 0
      ? `No ledger entries in the ${where}.`
      : [
          Table.table(
            [
              { header: "Created" },
              { header: "Provider" },
              { header: "Reference" },
              { header: "State" },
              { header: "Amount", align: "right" },
              { header: "Code" }
            ],
            page.entries.map((entry) => [
              iso(entry.createdAt),
              entry.provider,
              entry.reference,
              entry.state,
              rp(entry.amount),
              entry.upstreamCode ?? ""
            ])
          ),
          ...(page.next === undefined
            ? []
            : ["", `More: kasir ledger list --after ${page.next} (same filters)`])
        ].join("\n")
})

export const show = (entry: Ledger.Entry, history: ReadonlyArray<Ledger.HistoryRecord>): Report => ({
  json: {
    ...entryJson(entry),
    history: history.map((h) => ({
      at: iso(h.at),
      ...(h.from === undefined ? {} : { from: h.from }),
      to: h.to,
      source: h.source,
      ...(h.code === undefined ? {} : { code: h.code })
    }))
  },
  text: [
    Table.fields([
      ["Reference", entry.reference],
      ["Provider", `${entry.provider} ${entry.operation}`],
      ["State", entry.state],
      ["Amount", rp(entry.amount)],
      ...Object.entries(entry.fingerprint.fields).map(([name, value]) => [name, value] as const),
      ["Upstream code", entry.upstreamCode],
      ["Upstream message", entry.upstreamMessage],
      ...Object.entries(entry.upstreamIds).map(([name, value]) => [name, value] as const),
      ["Created", iso(entry.createdAt)],
      ["Updated", iso(entry.updatedAt)],
      ["Entry", entry.id]
    ]),
    "",
    Table.table(
      [{ header: "At" }, { header: "From" }, { header: "To" }, { header: "Source" }, { header: "Code" }],
      history.map((h) => [iso(h.at), h.from ?? "", h.to, h.source, h.code ?? ""])
    )
  ].join("\n")
})
