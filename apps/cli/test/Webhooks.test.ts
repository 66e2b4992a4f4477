/**
 * `kasir webhooks listen` as a user runs it (the real executable): it prints the URL and secret,
 * accepts deliveries signed with that secret (here by the `standardwebhooks` reference library)
 * and prints each event, flags a redelivered id as a duplicate, and refuses a bad signature with
 * 400 and a line on stderr.
 */
import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { Webhook as Reference } from "standardwebhooks"
import { baseEnv, bin, kasir } from "./support/kasir.js"

const start = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [bin, "webhooks", "listen", "--port", "0", ...args], {
    env: baseEnv(),
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
  // Waits (bounded by count) until stdout holds `n` lines.
  const lines = async (n: number) => {
    for (let i = 0; i < 600 && stdout.split("\n").length - 1 < n; i++)
      await new Promise((r) => setTimeout(r, 50))
    return stdout.split("\n").slice(0, -1)
  }
  return { child, lines, stderr: () => stderr, exited }
}

const event = {
  id: "evt_6f1c4f5e-8a47-4c1e-9a36-0e1d1c1b2a3f",
  type: "ayoconnect.payment.succeeded",
  timestamp: "2026-12-02T03:00:00.000Z",
  data: { entry: { reference: "order-1", state: "succeeded", amount: "51000" } }
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } })

describe("kasir webhooks listen", () => {
  it("is in the command tree with its own help", async () => {
    const root = await kasir(["--help"])
    expect(root.stdout).toMatch(/^ {2}webhooks /m)
    const help = await kasir(["webhooks", "listen", "--help"])
    expect(help.code).toBe(0)
    expect(help.stderr).toBe("")
    expect(help.stdout).toContain("kasir webhooks listen")
    expect(help.stdout).toContain("--secret")
  })

  it("prints the URL and secret, verifies and prints each event, refuses bad signatures", async () => {
    const listener = start(["--json"])
    try {
      const [first] = await listener.lines(1)
      const setup = JSON.parse(first!)
      expect(setup.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/webhooks$/)
      expect(setup.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(setup.env).toEqual({ KASIR_WEBHOOK_URL: setup.url, KASIR_WEBHOOK_SECRET: setup.secret })

      const body = JSON.stringify(event)
      const signer = new Reference(setup.secret)
      const signed = (id: string) => ({
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": signer.sign(id, new Date(Math.floor(Date.now() / 1000) * 1000), body)
      })
      expect((await post(setup.url, body, signed(event.id))).status).toBe(204)
      expect((await post(setup.url, body, signed(event.id))).status).toBe(204)
      const lines = await listener.lines(3)
      expect(lines.slice(1).map((line) => JSON.parse(line))).toEqual([
        { webhookId: event.id, duplicate: false, event },
        { webhookId: event.id, duplicate: true, event }
      ])

      // Tampered body, wrong secret, stale timestamp, no headers: 400, said on stderr, not printed.
      const tampered = await post(setup.url, body.replace("51000", "51001"), signed(event.id))
      expect(tampered.status).toBe(400)
      expect(await tampered.text()).toBe(
        "webhook refused (bad-signature): no signature matches the body with any configured secret\n"
      )
      const other = new Reference(`whsec_${Buffer.alloc(32, 1).toString("base64")}`)
      const now = Math.floor(Date.now() / 1000)
      const wrong = await post(setup.url, body, {
        "webhook-id": event.id,
        "webhook-timestamp": String(now),
        "webhook-signature": other.sign(event.id, new Date(now * 1000), body)
      })
      expect(wrong.status).toBe(400)
      const staleAt = now - 600
      const stale = await post(setup.url, body, {
        "webhook-id": event.id,
        "webhook-timestamp": String(staleAt),
        "webhook-signature": signer.sign(event.id, new Date(staleAt * 1000), body)
      })
      expect(stale.status).toBe(400)
      expect(await stale.text()).toMatch(/^webhook refused \(stale-timestamp\)/)
      expect((await post(setup.url, body, {})).status).toBe(400)
      expect((await fetch(setup.url.replace("/webhooks", "/other"), { method: "POST" })).status).toBe(404)
      expect(
        listener
          .stderr()
          .split("\n")
          .filter((l) => l.startsWith("refused a delivery (400)"))
      ).toHaveLength(4)
      expect(await listener.lines(3)).toHaveLength(3)
    } finally {
      listener.child.kill("SIGINT")
      await listener.exited
    }
  })

  it("takes --secret, prints readable lines, and refuses a malformed secret in one line", async () => {
    const secret = `whsec_${Buffer.alloc(32, 4).toString("base64")}`
    const listener = start(["--secret", secret])
    try {
      const lines = await listener.lines(4)
      expect(lines[0]).toMatch(/^Listening for kasir webhooks on http:\/\/127\.0\.0\.1:[0-9]+\/webhooks$/)
      expect(lines[4] ?? (await listener.lines(5))[4]).toBe(`  KASIR_WEBHOOK_SECRET='${secret}' \\`)
      const url = lines[0]!.replace("Listening for kasir webhooks on ", "")
      const body = JSON.stringify(event)
      const now = Math.floor(Date.now() / 1000)
      const response = await post(url, body, {
        "webhook-id": event.id,
        "webhook-timestamp": String(now),
        "webhook-signature": new Reference(secret).sign(event.id, new Date(now * 1000), body)
      })
      expect(response.status).toBe(204)
      const printed = await listener.lines(9)
      expect(printed[8]).toBe(
        `2026-12-02T03:00:00.000Z  ayoconnect.payment.succeeded  ${event.id}  order-1 succeeded 51000 IDR`
      )
    } finally {
      listener.child.kill("SIGINT")
      await listener.exited
    }

    const bad = start(["--secret", "sk_live_not_a_whsec"])
    const code = await bad.exited
    expect(code).toBe(2)
    expect(bad.stderr()).not.toContain("sk_live_not_a_whsec")
    expect(bad.stderr()).toContain("--secret: secret 1 of 1: a secret must start with whsec_")
  })
})
