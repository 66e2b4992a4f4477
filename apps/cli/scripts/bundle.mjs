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
// @effect/cli imports the YAML, TOML and INI parsers at the top of its config-file module (about
// 150 KB, a fifth of what `kasir --help` compiled); kasir reads no config files through
// @effect/cli, so the three are replaced by a stub whose `parse` says so. Measured in `pnpm bench`
// (`cli.coldstart.help`).
const noConfigFileParsers = {
  name: "no-config-file-parsers",
  setup(build) {
    build.onResolve({ filter: /^(yaml|toml|ini)$/ }, (args) =>
      /@effect[/+]cli/.test(args.importer) ? { path: args.path, namespace: "kasir-no-parser" } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: "kasir-no-parser" }, (args) => ({
      contents: `export const parse = () => { throw new Error("kasir reads no ${args.path} files") }`,
      loader: "js"
    }))
  }
}

// A subpath of a workspace package (`@kasir/core/Nicepay/Variables`) is bundled from its source
// too, as `alias` below does for the packages' roots: the package's own `exports` entry names the
// built file (`./dist/X.js`), whose source is `src/X.ts`. A subpath the package does not export
// fails the bundle, as it would fail Node's resolution of the installed package.
const exportedSources = (pkg) => {
  const folder = `../../../packages/${pkg}/`
  const { exports } = JSON.parse(readFileSync(root(`${folder}package.json`), "utf8"))
  return new Map(
    Object.entries(exports).map(([subpath, target]) => [
      subpath,
      root(folder + target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"))
    ])
  )
}
const workspaceSubpaths = {
  name: "workspace-subpaths",
  setup(build) {
    const packages = new Map()
    build.onResolve({ filter: /^@kasir\/(core|sandbox|ledger|telemetry)\/./ }, (args) => {
      const [, pkg, subpath] = /^@kasir\/([^/]+)\/(.+)$/.exec(args.path)
      if (!packages.has(pkg)) packages.set(pkg, exportedSources(pkg))
      const source = packages.get(pkg).get(`./${subpath}`)
      return source === undefined
        ? { errors: [{ text: `${args.path} is not in the "exports" of @kasir/${pkg}` }] }
        : { path: source }
    })
  }
}

const result = await build({
  plugins: [noConfigFileParsers, workspaceSubpaths],
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
