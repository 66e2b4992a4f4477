import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

// Tests import workspace packages from their sources, so `pnpm test` never runs against a stale build.
const config: ViteUserConfig = {
  resolve: {
    alias: {
      "@kasir/core": path.join(root, "packages/core/src/index.ts"),
      "@kasir/sandbox": path.join(root, "packages/sandbox/src/index.ts")
    }
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
}

export default config
