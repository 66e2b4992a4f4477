import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Snap } from "@kasir/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { fileURLToPath } from "node:url"
import { baseEnv, kasir, lines } from "./support/kasir.js"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))

let dir: string

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kasir-keys-"))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe("kasir keys generate", () => {
  it("writes a PKCS#8 private key (0600) and an SPKI public key that sign and verify", async () => {
    const out = path.join(dir, "keys")
    const run = await kasir(["keys", "generate", "--out", out])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    const privatePath = path.join(out, "snap-private-key.pem")
    const publicPath = path.join(out, "snap-public-key.pem")
    const output = lines(run.stdout)
    expect(output[0]).toBe("Generated an RSA-2048 key pair for SNAP.")
    expect(output[1]).toBe(`Private key:  ${privatePath} (PKCS#8, mode 0600: keep it, never send it)`)
    expect(output[2]).toBe(`Public key:   ${publicPath} (SPKI)`)
    expect(output[3]).toMatch(/^Fingerprint: {2}SHA256:[A-Za-z0-9+/]{43}$/)
    expect(output.slice(4)).toEqual([
      "",
      `Send NICEPAY the public key file ${publicPath} when registering your client ID for SNAP.`,
      `Then point kasir at the private key: export NICEPAY_PRIVATE_KEY=${privatePath}`
    ])

    expect(statSync(privatePath).mode & 0o777).toBe(0o600)
    expect(statSync(out).mode & 0o777).toBe(0o700)
    const privateKey = readFileSync(privatePath, "utf8")
    const publicKey = readFileSync(publicPath, "utf8")
    expect(privateKey.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true)
    expect(publicKey.startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true)

    const timestamp = "2024-01-01T10:00:00+07:00"
    const verified = await Effect.runPromise(
      Effect.gen(function* () {
        const signature = yield* Snap.Signature.tokenSignature({
          clientId: "IONPAYTEST",
          timestamp,
          privateKey
        })
        const good = yield* Snap.Signature.verifyTokenSignature({
          clientId: "IONPAYTEST",
          timestamp,
          signature,
          publicKey
        })
        const tampered = yield* Snap.Signature.verifyTokenSignature({
          clientId: "IONPAYTEST",
          timestamp: "2024-01-01T10:00:01+07:00",
          signature,
          publicKey
        })
        return { good, tampered }
      })
    )
    expect(verified).toEqual({ good: true, tampered: false })
  })

  it("prints the documented JSON fields with --json", async () => {
    const run = await kasir(["keys", "generate", "--out", dir, "--json"])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe("")
    const document = JSON.parse(run.stdout)
    expect(document).toEqual({
      algorithm: "RSA-2048",
      privateKeyPath: path.join(dir, "snap-private-key.pem"),
      privateKeyFormat: "PKCS#8 PEM",
      publicKeyPath: path.join(dir, "snap-public-key.pem"),
      publicKeyFormat: "SPKI PEM",
      publicKeyFingerprint: expect.stringMatching(/^SHA256:/),
      sendToNicepay: path.join(dir, "snap-public-key.pem"),
      privateKeyEnv: "NICEPAY_PRIVATE_KEY"
    })
  })

  it("refuses to overwrite an existing key and leaves both files untouched", async () => {
    const publicPath = path.join(dir, "snap-public-key.pem")
    writeFileSync(publicPath, "existing")
    const run = await kasir(["keys", "generate", "--out", dir])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe("")
    expect(lines(run.stderr)).toEqual([
      `error: ${publicPath} already exists; kasir never overwrites a key`,
      "Move the existing pair away first, or write the new one elsewhere with --out DIR."
    ])
    expect(readFileSync(publicPath, "utf8")).toBe("existing")
    expect(() => statSync(path.join(dir, "snap-private-key.pem"))).toThrow()
  })

  it("writes into .kasir-keys of the working directory by default", async () => {
    const run = await kasir(["keys", "generate", "--json"], { cwd: dir })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).privateKeyPath).toBe(path.join(dir, ".kasir-keys", "snap-private-key.pem"))
  })
})

describe("kasir keys generate: paths are the user's (issue 16 row 5)", () => {
  it("pnpm -C <repo> kasir … --out rel writes under the directory the user ran it in", async () => {
    const user = path.join(dir, "elsewhere")
    execFileSync("mkdir", ["-p", user])
    const name = `rel-${process.pid}`
    execFileSync("pnpm", ["-C", repoRoot, "-s", "kasir", "keys", "generate", "--out", name], {
      cwd: user,
      env: baseEnv(),
      stdio: "ignore"
    })
    expect(existsSync(path.join(user, name, "snap-private-key.pem"))).toBe(true)
    expect(existsSync(path.join(repoRoot, name))).toBe(false)
  })

  it("refuses a private key inside a git work tree unless the directory is git-ignored: exit 2", async () => {
    execFileSync("git", ["init", "-q", dir])
    const refused = await kasir(["keys", "generate", "--out", "keys"], { cwd: dir })
    expect(refused.code).toBe(2)
    expect(refused.stdout).toBe("")
    expect(lines(refused.stderr)).toEqual([
      `error: refusing to write a private key to ${path.join(dir, "keys")}: it is inside the git work tree ${dir} and not git-ignored`,
      "Add the directory to .gitignore, or choose a directory outside the repository with --out DIR."
    ])
    expect(existsSync(path.join(dir, "keys"))).toBe(false)

    writeFileSync(path.join(dir, ".gitignore"), "keys/\n")
    const allowed = await kasir(["keys", "generate", "--out", "keys"], { cwd: dir })
    expect(allowed.code).toBe(0)
    expect(statSync(path.join(dir, "keys", "snap-private-key.pem")).mode & 0o777).toBe(0o600)
  })
})
