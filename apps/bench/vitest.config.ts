import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// `pnpm test`: the fast reliability checks (fault matrix of core, fuzzing of the gateway). The hook
// timeout is a hang guard: starting the gateway process opens a new embedded ledger.
export default mergeConfig(shared, defineConfig({ test: { hookTimeout: 240_000 } }))
