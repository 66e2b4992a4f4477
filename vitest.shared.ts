import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

// Tests import workspace packages from their sources, so `pnpm test` never runs against a stale
// build: each entry of a package's `exports` ("." and its subpaths, e.g. `./Nicepay/Variables`)
// maps to the source file its `dist/X.js` is built from. Exact matches, so a subpath never
// resolves through the root's alias.
const sources = (name: string, folder: string) => {
  const manifest = JSON.parse(readFileSync(path.join(root, folder, "package.json"), "utf8")) as {
    readonly exports: Record<string, { readonly default: string }>
  }
  return Object.entries(manifest.exports).map(([subpath, target]) => ({
    find: new RegExp(`^${(subpath === "." ? name : `${name}/${subpath.slice(2)}`).replaceAll("/", "\\/")}$`),
    replacement: path.join(
      root,
      folder,
      target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")
    )
  }))
}

const config: ViteUserConfig = {
  resolve: {
    alias: [...sources("@kasir/core", "packages/core"), ...sources("@kasir/sandbox", "packages/sandbox")]
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
}

export default config
