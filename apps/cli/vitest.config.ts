import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The tests spawn the real `kasir` executable: bundle it from the current sources first.
      globalSetup: ["test/support/globalSetup.ts"]
    }
  })
)
