/**
 * A throwaway PostgreSQL server for the contract suite's real-server run (and the other suites
 * that reuse this setup): `support/cluster.mjs` starts it — initdb / pg_ctl on a free loopback
 * port, as the `postgres` user when running as root — this hands the tests its URL through
 * vitest's `provide`, and stops it and deletes its directory at teardown. Without PostgreSQL the
 * run fails — loudly under CI (where `.ci/run` installs Debian's `postgresql`), with install
 * instructions locally — and is never skipped.
 */
import type { TestProject } from "vitest/node"
import { startCluster } from "./support/cluster.mjs"

declare module "vitest" {
  export interface ProvidedContext {
    readonly postgresUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster()
  project.provide("postgresUrl", cluster.url)
  return cluster.stop
}
