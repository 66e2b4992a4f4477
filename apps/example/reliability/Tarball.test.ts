/**
 * The library outside the monorepo (issue 16 row 1): `pnpm pack` of @kasir/core,
 * @kasir/ledger (issue 12: library users compose it with core, without the gateway) and
 * @kasir/sandbox, the tarballs installed with npm into an empty project in a temporary directory
 * outside the repository (effect and the platform packages resolved from the registry as any user
 * would), the README's example type-checked there with strict `tsc`, then a program using both
 * packages run there: it pays a bill against @kasir/sandbox with @kasir/core.
 *
 * Needs the packages built (`pnpm test:reliability` builds them) and the npm registry.
 */
import { execFile } from "node:child_process"
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))
const work = mkdtempSync(path.join(tmpdir(), "kasir-tarball-"))
const catalogVersion = (name: string): string => {
  const yaml = readFileSync(path.join(repoRoot, "pnpm-workspace.yaml"), "utf8")
  const line = yaml.split("\n").find((l) => l.trim().replace(/"/g, "").startsWith(`${name}:`))
  return line!.split(":").at(-1)!.trim()
}
const version = (dir: string): string =>
  (JSON.parse(readFileSync(path.join(repoRoot, dir, "package.json"), "utf8")) as { version: string }).version

const run = promisify(execFile)

// Asynchronous on purpose: a synchronous npm install blocks the test worker for minutes, and
// vitest's own messages to it then time out ("Timeout calling onTaskUpdate").
const sh = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> => {
  try {
    const { stdout } = await run(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    return stdout
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw Object.assign(new Error(`${command} ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`), {
      stderr
    })
  }
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

const program = `import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect } from "@kasir/core"
import { Sandbox } from "@kasir/sandbox"
import { Effect, Layer } from "effect"

const client = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Ayoconnect.layer({
      baseUrl: sandbox.ayoconnect.baseUrl,
      apiKey: sandbox.ayoconnect.partner.apiKey,
      apiSecret: sandbox.ayoconnect.partner.secret
    })
  )
)

const pay = Effect.gen(function* () {
  const ayoconnect = yield* Ayoconnect.Ayoconnect
  const bill = yield* ayoconnect.inquiry({ accountNumber: "081298765432", productCode: "DANA50" })
  const paid = yield* ayoconnect.payment({
    inquiryId: bill.inquiryId,
    accountNumber: "081298765432",
    productCode: "DANA50",
    amount: bill.amount,
    refNumber: "tarball-1"
  })
  console.log(\`\${paid._tag} \${paid.refNumber} \${bill.amount}\`)
})

Effect.runPromise(
  pay.pipe(
    Effect.provide(client.pipe(Layer.provideMerge(Sandbox.layer()), Layer.provide(NodeHttpClient.layerUndici)))
  )
)
`

const ledgerProgram = `import { NodeHttpClient } from "@effect/platform-node"
import { Ayoconnect } from "@kasir/core"
import { Ayoconnect as LedgerAyoconnect, Database, Ledger, Migrations } from "@kasir/ledger"
import { Sandbox } from "@kasir/sandbox"
import { Effect, Layer } from "effect"

const client = Layer.unwrapEffect(
  Effect.map(Sandbox.Sandbox, (sandbox) =>
    Ayoconnect.layer({
      baseUrl: sandbox.ayoconnect.baseUrl,
      apiKey: sandbox.ayoconnect.partner.apiKey,
      apiSecret: sandbox.ayoconnect.partner.secret
    })
  )
)

const ledger = Ledger.layer().pipe(Layer.provide(Migrations.layer), Layer.provide(Database.layerPgliteMemory))

const pay = Effect.gen(function* () {
  const ayoconnect = yield* Ayoconnect.Ayoconnect
  const payments = yield* LedgerAyoconnect.AyoconnectPayments
  const bill = yield* ayoconnect.inquiry({ accountNumber: "081298765432", productCode: "DANA50" })
  const input = {
    inquiryId: bill.inquiryId,
    accountNumber: "081298765432",
    productCode: "DANA50",
    amount: bill.amount,
    refNumber: "tarball-ledger-1"
  }
  const first = yield* payments.payment(input)
  console.log(\`\${first._tag} \${first.entry.state} \${first.entry.amount}\`)
  const again = yield* payments.payment(input)
  console.log(\`\${again._tag} \${again.entry.state}\`)
})

Effect.runPromise(
  pay.pipe(
    Effect.provide(
      LedgerAyoconnect.layer().pipe(
        Layer.provideMerge(Layer.merge(client, ledger)),
        Layer.provideMerge(Sandbox.layer()),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
  )
)
`

describe("the packed library in an empty project outside the repository", () => {
  it("installs from the tarballs, type-checks the README example and runs", async () => {
    expect(work.startsWith(repoRoot)).toBe(false)
    const tarballs = path.join(work, "tarballs")
    mkdirSync(tarballs)
    for (const pkg of ["@kasir/core", "@kasir/ledger", "@kasir/sandbox"]) {
      await sh("pnpm", ["--filter", pkg, "pack", "--pack-destination", tarballs], repoRoot)
    }
    const files = readdirSync(tarballs).sort()
    expect(files).toEqual([
      `kasir-core-${version("packages/core")}.tgz`,
      `kasir-ledger-${version("packages/ledger")}.tgz`,
      `kasir-sandbox-${version("packages/sandbox")}.tgz`
    ])

    const project = path.join(work, "project")
    mkdirSync(path.join(project, "src"), { recursive: true })
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify(
        {
          name: "kasir-tarball-check",
          private: true,
          type: "module",
          dependencies: {
            "@kasir/core": `file:${path.join(tarballs, files[0]!)}`,
            "@kasir/ledger": `file:${path.join(tarballs, files[1]!)}`,
            "@kasir/sandbox": `file:${path.join(tarballs, files[2]!)}`,
            "@effect/platform-node": catalogVersion("@effect/platform-node"),
            effect: catalogVersion("effect")
          },
          devDependencies: {
            typescript: catalogVersion("typescript"),
            "@types/node": catalogVersion("@types/node")
          }
        },
        null,
        2
      )
    )
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          skipLibCheck: true, // as the repository does: effect's platform declarations need @types/ws otherwise
          outDir: "dist",
          rootDir: "src"
        },
        include: ["src"]
      })
    )
    copyFileSync(path.join(repoRoot, "apps/example/src/main.ts"), path.join(project, "src/example.ts"))
    writeFileSync(path.join(project, "src/check.ts"), program)
    writeFileSync(path.join(project, "src/ledger.ts"), ledgerProgram)

    await sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel", "error"], project)
    // The published type declarations, effect's included, type-check under strict settings.
    await sh(path.join(project, "node_modules/.bin/tsc"), ["-p", "."], project)

    expect(await sh(process.execPath, ["dist/check.js"], project)).toBe("Succeeded tarball-1 51000\n")
    // @kasir/ledger with @kasir/core, without the gateway: a payment written ahead in an embedded
    // PGlite and recorded; the repeat is answered from the ledger.
    expect(await sh(process.execPath, ["dist/ledger.js"], project)).toBe(
      "Sent succeeded 51000\nReplayed succeeded\n"
    )
    // The README example, installed: without configuration it says so in one line.
    let failure = ""
    try {
      await sh(process.execPath, ["dist/example.js"], project)
    } catch (error) {
      failure = String((error as { stderr: string }).stderr)
    }
    expect(failure).toBe(
      "example: set AYOCONNECT_BASE_URL, AYOCONNECT_API_KEY and AYOCONNECT_API_SECRET (`pnpm sandbox` prints demo values)\n"
    )
  })
})
