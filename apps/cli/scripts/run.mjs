// `pnpm kasir …` and `pnpm sandbox …` from the repository root: bundle the CLI only when its
// sources (or core's or the sandbox's) are newer than the bundle, then run it in this process.
// Nothing is printed when the bundle is fresh — no build tool banner on stderr — and the bundler
// prints only warnings and errors, on stderr, so stdout stays the command's own output.
//
// pnpm runs scripts in the repository root and passes the directory the user ran the command in
// as INIT_CWD; the CLI runs there, so every relative path (`--out keys`, `--private-key-file`,
// the `.kasir/` data directory) is the user's.
import { execFileSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"

const path = (relative) => fileURLToPath(new URL(relative, import.meta.url))
const bundle = path("../dist/bin.js")

const newest = (entry) => {
  const stat = statSync(entry, { throwIfNoEntry: false })
  if (stat === undefined) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(`${entry}/${name}`))
  return latest
}

const inputs = [
  "../src",
  "../package.json",
  "./bundle.mjs",
  "../../../packages/core/src",
  "../../../packages/sandbox/src"
].map(path)
const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0
if (built === 0 || inputs.some((input) => newest(input) > built)) {
  try {
    execFileSync(process.execPath, [path("./bundle.mjs")], { stdio: ["ignore", 2, 2] })
  } catch {
    // The bundler has said why on stderr.
    console.error("kasir: bundling the CLI failed (see above)")
    process.exit(2)
  }
}

const initCwd = process.env.INIT_CWD
if (initCwd !== undefined && initCwd !== "") process.chdir(initCwd)
await import(pathToFileURL(bundle).href)
