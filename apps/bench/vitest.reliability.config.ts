import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// `pnpm test:reliability`: everything in `pnpm test` plus the slow parts (soak, CLI fuzzing).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ["test/**/*.test.ts", "reliability/**/*.test.ts"],
      testTimeout: 180_000,
      hookTimeout: 240_000,
      // Soak and fuzz spawn processes and load the machine: one file at a time.
      fileParallelism: false
    }
  })
)
