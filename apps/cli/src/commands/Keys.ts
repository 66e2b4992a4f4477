/**
 * `kasir keys generate`: an RSA-2048 key pair for SNAP onboarding. The merchant keeps the private
 * key (it signs every access-token request) and sends the public key to NICEPAY.
 */
import * as KasirError from "@kasir/core/KasirError"
import { variables } from "@kasir/core/Nicepay/Variables"
import { execFile } from "node:child_process"
import { createHash, createPublicKey, generateKeyPair } from "node:crypto"
import { Command, Options } from "@effect/cli"
import { FileSystem, Path } from "@effect/platform"
import { Effect } from "effect"
import * as Common from "../Common.js"
import { emit } from "../Report.js"
import * as Table from "../Table.js"

/**
 * The file names written into the output directory.
 */
export const fileNames = { privateKey: "snap-private-key.pem", publicKey: "snap-public-key.pem" } as const

/**
 * The environment variable that points kasir at the private key (its value may be a file path).
 */
export const privateKeyEnv = variables.privateKey

interface Pair {
  readonly privateKeyPem: string
  readonly publicKeyPem: string
}

const generatePair = Effect.async<Pair>((resume) => {
  generateKeyPair(
    "rsa",
    {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" }
    },
    (error, publicKeyPem, privateKeyPem) => {
      // Generation only fails on invalid parameters, which are constants here.
      resume(error === null ? Effect.succeed({ privateKeyPem, publicKeyPem }) : Effect.die(error))
    }
  )
})

/**
 * `SHA256:<base64>` of the public key's DER encoding, for checking the key NICEPAY registered.
 */
export const fingerprint = (publicKeyPem: string): string =>
  `SHA256:${createHash("sha256")
    .update(createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }))
    .digest("base64")
    .replace(/=+$/, "")}`

const cannot = (what: string, path: string, reason: string) =>
  new KasirError.InvalidConfig({
    provider: "kasir",
    reason: `cannot ${what} ${path}: ${reason}`,
    hint: "Choose another directory with --out DIR."
  })

// `git <args>` in a directory: its trimmed stdout, or undefined when it fails (not a work tree,
// not ignored, or no git at all).
const git = (cwd: string, args: ReadonlyArray<string>) =>
  Effect.async<string | undefined>((resume) => {
    execFile("git", ["-C", cwd, ...args], { timeout: 10_000 }, (error, stdout) => {
      resume(Effect.succeed(error === null ? stdout.trim() : undefined))
    })
  })

/**
 * Refuses a private key inside a git work tree unless git ignores it there: a key committed by
 * accident is a key published. Outside any work tree (or without git) anything goes.
 */
export const checkNotTracked = (privatePath: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    // The nearest directory that exists: git needs one to start from.
    let existing = path.dirname(privatePath)
    while (!(yield* fs.exists(existing).pipe(Effect.orElseSucceed(() => false)))) {
      const parent = path.dirname(existing)
      if (parent === existing) break
      existing = parent
    }
    const top = yield* git(existing, ["rev-parse", "--show-toplevel"])
    if (top === undefined || top === "") return
    if ((yield* git(existing, ["check-ignore", "-q", "--no-index", privatePath])) !== undefined) return
    return yield* new KasirError.InvalidConfig({
      provider: "kasir",
      reason: `refusing to write a private key to ${path.dirname(privatePath)}: it is inside the git work tree ${top} and not git-ignored`,
      hint: "Add the directory to .gitignore, or choose a directory outside the repository with --out DIR."
    })
  })

/**
 * Generates the pair and writes it, refusing to overwrite: both paths are checked first and each
 * file is created exclusively, so a concurrent writer cannot be clobbered either.
 */
export const generate = (directory: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const dir = path.resolve(directory)
    const privatePath = path.join(dir, fileNames.privateKey)
    const publicPath = path.join(dir, fileNames.publicKey)
    yield* checkNotTracked(privatePath)
    for (const file of [privatePath, publicPath]) {
      if (yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false))) {
        return yield* new KasirError.InvalidConfig({
          provider: "kasir",
          reason: `${file} already exists; kasir never overwrites a key`,
          hint: "Move the existing pair away first, or write the new one elsewhere with --out DIR."
        })
      }
    }
    yield* fs
      .makeDirectory(dir, { recursive: true, mode: 0o700 })
      .pipe(Effect.mapError((error) => cannot("create directory", dir, error.message)))
    const pair = yield* generatePair
    yield* fs
      .writeFileString(privatePath, pair.privateKeyPem, { flag: "wx", mode: 0o600 })
      .pipe(Effect.mapError((error) => cannot("write", privatePath, error.message)))
    yield* fs.writeFileString(publicPath, pair.publicKeyPem, { flag: "wx", mode: 0o644 }).pipe(
      Effect.mapError((error) => cannot("write", publicPath, error.message)),
      // Never leave half a pair behind.
      Effect.tapError(() => Effect.ignore(fs.remove(privatePath)))
    )
    return { privatePath, publicPath, fingerprint: fingerprint(pair.publicKeyPem) }
  })

const out = Options.directory("out").pipe(
  Options.withDescription("Directory to write the key pair into; created (mode 0700) when missing."),
  Options.withDefault(".kasir-keys")
)

export const generateCommand = Command.make("generate", { out, json: Common.json }, ({ json, out }) =>
  Effect.flatMap(generate(out), (written) =>
    emit(
      {
        json: {
          algorithm: "RSA-2048",
          privateKeyPath: written.privatePath,
          privateKeyFormat: "PKCS#8 PEM",
          publicKeyPath: written.publicPath,
          publicKeyFormat: "SPKI PEM",
          publicKeyFingerprint: written.fingerprint,
          sendToNicepay: written.publicPath,
          privateKeyEnv
        },
        text: [
          "Generated an RSA-2048 key pair for SNAP.",
          Table.fields([
            ["Private key", `${written.privatePath} (PKCS#8, mode 0600: keep it, never send it)`],
            ["Public key", `${written.publicPath} (SPKI)`],
            ["Fingerprint", written.fingerprint]
          ]),
          "",
          `Send NICEPAY the public key file ${written.publicPath} when registering your client ID for SNAP.`,
          `Then point kasir at the private key: export ${privateKeyEnv}=${written.privatePath}`
        ].join("\n")
      },
      { json }
    )
  )
).pipe(
  Command.withDescription(
    "Generate an RSA-2048 key pair for SNAP onboarding: a PKCS#8 private key (mode 0600) that signs " +
      "access-token requests, and the SPKI public key to send NICEPAY. Refuses to overwrite existing files."
  )
)

export const command = Command.make("keys").pipe(
  Command.withDescription("Manage the RSA keys SNAP (NICEPAY) uses to authenticate the merchant."),
  Command.withSubcommands([generateCommand])
)
