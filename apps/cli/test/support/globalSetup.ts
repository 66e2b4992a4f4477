/**
 * Bundles `dist/bin.js` from the current sources before any test spawns it, so a test never runs
 * a stale executable. Then migrates one embedded ledger with it (`kasir db migrate`), the template
 * every test's fresh data directory starts from (`support/kasir.ts`): the first open of an empty
 * PGlite directory runs initdb in WebAssembly, seconds and ~800 MB per process, and a test file
 * would otherwise pay that for every money command. The empty-directory path itself stays
 * covered: `Ledger.test.ts`, `SharedLedger.postgres.test.ts` and this setup start from empty
 * directories.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** A data directory whose `ledger/` is an embedded ledger, migrated and empty. */
    readonly ledgerTemplate: string
  }
}

export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/bundle.mjs", import.meta.url))], {
    stdio: "inherit"
  })
  const template = mkdtempSync(path.join(tmpdir(), "kasir-cli-ledger-template-"))
  const env: NodeJS.ProcessEnv = { ...process.env, KASIR_DATA_DIR: template }
  delete env.KASIR_DATABASE_URL
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL("../../dist/bin.js", import.meta.url)), "db", "migrate"],
    {
      env,
      stdio: ["ignore", "ignore", "inherit"]
    }
  )
  project.provide("ledgerTemplate", template)
  return () => rmSync(template, { recursive: true, force: true })
}
