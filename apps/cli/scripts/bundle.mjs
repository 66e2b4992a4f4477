// Bundles the CLI into ES modules under dist/: loading a few files is several times faster than
// resolving hundreds of modules across node_modules, which dominates `kasir --help`. The command
// tree is in dist/bin.js; each command's work (clients, simulators, the HTTP stack) is a chunk
// loaded only when that command runs. Workspace packages are bundled from their sources, so the
// bundle never depends on their builds.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = (path) => fileURLToPath(new URL(path, import.meta.url))
const outdir = root("../dist")
const { version } = JSON.parse(readFileSync(root("../package.json"), "utf8"))

rmSync(outdir, { recursive: true, force: true })
const result = await build({
  entryPoints: { bin: root("../src/bin.ts") },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
  define: { KASIR_VERSION: JSON.stringify(version) },
  // PGlite loads its WebAssembly and data files next to its own module, and pg requires an
  // optional native binding: both are loaded from node_modules, not bundled.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "pg", "pg-native"],
  alias: {
    "@kasir/core": root("../../../packages/core/src/index.ts"),
    "@kasir/sandbox": root("../../../packages/sandbox/src/index.ts"),
    "@kasir/ledger": root("../../../packages/ledger/src/index.ts"),
    "@kasir/telemetry": root("../../../packages/telemetry/src/index.ts")
  },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __kasirCreateRequire } from "node:module"; const require = __kasirCreateRequire(import.meta.url);'
  }
})
mkdirSync(root("../build"), { recursive: true })
writeFileSync(root("../build/bundle-meta.json"), JSON.stringify(result.metafile))
