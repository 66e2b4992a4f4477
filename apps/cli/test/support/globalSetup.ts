/**
 * Bundles `dist/bin.js` from the current sources before any test spawns it, so a test never runs
 * a stale executable.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/bundle.mjs", import.meta.url))], {
    stdio: "inherit"
  })
}
