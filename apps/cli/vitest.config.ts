import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The tests spawn the real `kasir` executable: bundle it from the current sources first.
      // The shared-ledger test runs the CLI and a gateway on one real PostgreSQL server: the
      // ledger package's throwaway cluster (initdb / pg_ctl on a free loopback port), reused.
      globalSetup: ["test/support/globalSetup.ts", "../../packages/ledger/test/postgres.globalSetup.ts"],
      // Each test spawns several `kasir` processes; on a loaded machine one spawn can take seconds.
      // These are hang guards, not speed limits: the assertions are about exit codes and output.
      testTimeout: 240_000,
      hookTimeout: 120_000
    }
  })
)
