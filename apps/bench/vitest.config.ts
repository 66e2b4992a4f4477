import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// `pnpm test`: the fast reliability checks (fault matrix of core, fuzzing of the gateway).
export default mergeConfig(shared, defineConfig({}))
