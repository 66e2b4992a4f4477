import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// `pnpm test:reliability`: the slow install-from-tarball test (packing, an npm install from the
// registry, a type-check and a run in an empty project outside the repository).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ["reliability/**/*.test.ts"],
      // The budget is explicit: packing, installing and type-checking may take minutes on a
      // loaded machine; the test bounds its work by steps, not by speed.
      testTimeout: 600_000,
      hookTimeout: 600_000
    }
  })
)
