/**
 * The gateway's version, derived from `package.json` (which changesets maintain) rather than
 * written down a second time: stamped in by the bundler (`scripts/bundle.mjs`), read from the
 * package manifest when the sources run directly (tests).
 */
import { readFileSync } from "node:fs"

// Replaced by the bundler with package.json's version.
declare const KASIR_VERSION: string | undefined

/**
 * The version in the OpenAPI document.
 */
export const version: string =
  typeof KASIR_VERSION === "string"
    ? KASIR_VERSION
    : (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
        .version
