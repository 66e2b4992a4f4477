import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// PGlite takes seconds to start (up to ~20 s on a loaded 2-core machine), so hooks get more time.
// The real-server run gets its own throwaway PostgreSQL cluster (test/postgres.globalSetup.ts).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      globalSetup: ["test/postgres.globalSetup.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000
    }
  })
)
