// A throwaway PostgreSQL server: the test harness's (postgres.globalSetup.ts) and the ledger
// bench's (apps/bench), one implementation. Plain JavaScript so the bench's compiled code can load
// it at run time without building the test tree.
//
// Finds the server binaries (`pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin),
// creates a cluster in a temporary directory (`initdb`, as the `postgres` user when running as
// root — initdb refuses root), starts it on a free loopback port with a socket in that directory
// (`pg_ctl … -w start`), and returns its URL and a `stop` that stops it (`-m fast`) and deletes
// the directory. Without PostgreSQL it throws with install instructions (never skipped).
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

const findBinaries = () => {
  const candidates = []
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim())
  } catch {
    // no pg_config on PATH
  }
  const root = "/usr/lib/postgresql"
  if (Fs.existsSync(root)) {
    for (const version of Fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(Path.join(root, version, "bin"))
    }
  }
  return candidates.find(
    (dir) => Fs.existsSync(Path.join(dir, "initdb")) && Fs.existsSync(Path.join(dir, "pg_ctl"))
  )
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()))
    })
  })

/** @returns {Promise<{ readonly url: string, readonly stop: () => void }>} */
export const startCluster = async () => {
  const bin = findBinaries()
  if (bin === undefined) {
    const how =
      "the ledger's contract suite needs a PostgreSQL server (initdb and pg_ctl): install it with `apt-get install -y postgresql` (Debian/Ubuntu) or put its bin directory on PATH (pg_config --bindir)"
    throw new Error(
      process.env.CI ? `CI: PostgreSQL is not installed; .ci/run should have installed it. ${how}` : how
    )
  }
  const asRoot = process.getuid?.() === 0
  const run = (tool, args) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", Path.join(bin, tool), ...args], { stdio: "pipe" })
      : execFileSync(Path.join(bin, tool), args, { stdio: "pipe" })

  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "kasir-ledger-pg-"))
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir])
  const data = Path.join(dir, "data")
  Fs.mkdirSync(data, { mode: 0o700 })
  if (asRoot) execFileSync("chown", ["postgres:postgres", data])
  const port = await freePort()
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
    run("pg_ctl", [
      "-D",
      data,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off`,
      "-l",
      Path.join(dir, "log"),
      "-w",
      "start"
    ])
  } catch (error) {
    const log = Fs.existsSync(Path.join(dir, "log")) ? Fs.readFileSync(Path.join(dir, "log"), "utf8") : ""
    Fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not start a throwaway PostgreSQL from ${bin}: ${error.message}\n${log}`)
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
