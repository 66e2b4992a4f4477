import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The tests spawn the real `kasir` executable: bundle it from the current sources first.
      globalSetup: ["test/support/globalSetup.ts"],
      // Each test spawns several `kasir` processes; on a loaded machine one spawn can take seconds.
      // These are hang guards, not speed limits: the assertions are about exit codes and output.
      testTimeout: 240_000,
      hookTimeout: 120_000
    }
  })
)
