// Bundles the gateway into dist/main.js (and the chunks it imports, in dist/chunks/) straight from
// the TypeScript sources of the gateway, core, the sandbox and the ledger: `pnpm start` on a fresh
// clone needs this one step (about a second) instead of three `tsc -b` builds, and loading a few
// files starts faster than resolving hundreds of modules across node_modules. Type-checking stays
// `tsc -b` (`pnpm check`, `build`), whose output goes to build/ and is never run.
//
// `--bench` also bundles the ledger bench's bench-only entry point (src/bench/Ledger.ts) into
// build/bench/ledger.js, the same way, for `pnpm bench` (the package's `build` passes it); it is
// never part of dist/ or of `pnpm start`.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = (path) => fileURLToPath(new URL(path, import.meta.url))
const outdir = root("../dist")
const { version } = JSON.parse(readFileSync(root("../package.json"), "utf8"))

// @effect/platform's index re-exports HttpApiSwagger, and esbuild puts every module reachable from
// an entry point into that entry point's chunks, tree-shaken or not: the Swagger UI source would
// load at start although only src/DocsPage.ts uses it, and that imports the module by its own path.
// The index's re-export therefore resolves to an empty module.
const swaggerOnlyInDocsPage = {
  name: "swagger-only-in-docs-page",
  setup(build) {
    build.onResolve({ filter: /^\.\/HttpApiSwagger\.js$/ }, (args) =>
      /@effect[\\/]platform[\\/]dist[\\/]esm[\\/]index\.js$/.test(args.importer)
        ? { path: "HttpApiSwagger", namespace: "kasir-unused" }
        : undefined
    )
    build.onLoad({ filter: /.*/, namespace: "kasir-unused" }, () => ({ contents: "export {}", loader: "js" }))
  }
}

const bundle = (entryPoints, outdir) =>
  build({
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    // Code behind a dynamic import() goes into a chunk of its own, loaded when first imported:
    // the Swagger UI page (src/Docs.ts). The code both sides share goes into a common chunk.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    target: "node20",
    sourcemap: "linked",
    // Whitespace only: names and syntax stay as written, so stack traces stay readable (and
    // `--enable-source-maps` maps them back). V8 keeps the bundle's source text in the heap for
    // the process's life: measured, a loaded gateway's large-object space 18 → 10 MB and RSS
    // −11 MB; minifying syntax and names as well saved nothing more.
    minifyWhitespace: true,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
    plugins: [swaggerOnlyInDocsPage],
    write: false,
    define: { KASIR_VERSION: JSON.stringify(version) },
    alias: {
      "@kasir/core": root("../../../packages/core/src/index.ts"),
      "@kasir/sandbox": root("../../../packages/sandbox/src/index.ts"),
      "@kasir/ledger": root("../../../packages/ledger/src/index.ts"),
      "@kasir/telemetry": root("../../../packages/telemetry/src/index.ts")
    },
    // PGlite loads its WebAssembly and data files next to its own modules, and node-postgres has
    // optional native bindings: both stay packages resolved from node_modules at run time.
    external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "pg", "pg-native"],
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __kasirCreateRequire } from "node:module"; const require = __kasirCreateRequire(import.meta.url);'
    }
  }).then((result) => {
    // Each file is replaced atomically, so a gateway being started meanwhile (a test, another
    // terminal) loads either the old bundle or the new one, never half a file.
    // Chunks are written before the entry points that import them. Chunk names carry a content
    // hash, so a new build never overwrites a chunk an older entry point still imports; chunks
    // of earlier builds are removed afterwards (not another bundler's temporary files: tests
    // bundle concurrently).
    const chunks = path.join(outdir, "chunks")
    mkdirSync(chunks, { recursive: true })
    const isChunk = (file) => path.dirname(file.path) === chunks
    const files = [...result.outputFiles].sort((a, b) => Number(isChunk(b)) - Number(isChunk(a)))
    for (const file of files) {
      const temporary = `${file.path}.${process.pid}.tmp`
      writeFileSync(temporary, file.contents)
      renameSync(temporary, file.path)
    }
    const written = new Set(files.map((file) => path.basename(file.path)))
    for (const name of readdirSync(chunks)) {
      if (!written.has(name) && !name.endsWith(".tmp")) rmSync(path.join(chunks, name), { force: true })
    }
    return result
  })

const result = await bundle({ main: root("../src/main.ts") }, outdir)
if (process.argv.includes("--bench"))
  await bundle({ ledger: root("../src/bench/Ledger.ts") }, root("../build/bench"))
mkdirSync(root("../build"), { recursive: true })
writeFileSync(root("../build/bundle-meta.json"), JSON.stringify(result.metafile))
