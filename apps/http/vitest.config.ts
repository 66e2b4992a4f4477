import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// The concurrency test runs two gateways on a real PostgreSQL server: the ledger package's
// throwaway cluster (initdb / pg_ctl on a free loopback port), reused, not copied.
export default mergeConfig(
  shared,
  defineConfig({ test: { globalSetup: ["../../packages/ledger/test/postgres.globalSetup.ts"] } })
)
