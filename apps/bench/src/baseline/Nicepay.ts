/**
 * The baseline NICEPAY SNAP client: what a careful hand-written integration does, without Effect.
 * undici with keep-alive, node:crypto for the RSA token signature and the HMAC-SHA512 service
 * signature over the exact body bytes, an `X-TIMESTAMP` in +07:00, a fresh numeric
 * `X-EXTERNAL-ID`, the response code checked and the amount read without floating point.
 *
 * Its token cache is the usual check-then-fetch (no single flight), as in the SDKs kasir is
 * compared with; once warm it costs one map read per call, like kasir's.
 */
import { createHash, createHmac, createPrivateKey, type KeyObject, randomInt, sign } from "node:crypto"
import { type Transport, undiciTransport } from "./Transport.js"

const WIB_OFFSET_MILLIS = 7 * 60 * 60 * 1000
const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** `YYYY-MM-DDTHH:mm:ss+07:00` of an instant. */
export const wibTimestamp = (epochMillis: number): string => {
  const d = new Date(epochMillis + WIB_OFFSET_MILLIS)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+07:00`
  )
}

let sequence = 0
/** A numeric external id unique in this process: millis + sequence + random digits. */
export const externalId = (): string =>
  `${Date.now()}${pad(++sequence % 1_000_000, 6)}${pad(randomInt(0, 1_000_000_000), 9)}`

export interface NicepayOptions {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly privateKeyPem: string
  /** Default: undici with a keep-alive Agent. */
  readonly transport?: Transport
}

export interface NicepayBaseline {
  readonly balance: () => Promise<{ readonly accountNo: string; readonly availableBalance: number }>
  /** How many token requests this client has made. */
  readonly tokenRequests: () => number
  readonly close: () => Promise<void>
}

/** "10000.00" → 10000 (whole rupiah), without floating point. */
const rupiah = (value: string): number => {
  const match = /^(\d+)\.00$/.exec(value)
  if (match === null) throw new Error(`unexpected amount ${value}`)
  return Number(match[1])
}

export const makeNicepay = (options: NicepayOptions): NicepayBaseline => {
  const transport = options.transport ?? undiciTransport()
  const privateKey: KeyObject = createPrivateKey(options.privateKeyPem)
  const secret = Buffer.from(options.clientSecret, "utf8")
  const channelId = `${options.clientId}01`
  let token: { readonly value: string; readonly refreshAt: number } | undefined
  let tokenCount = 0

  const fetchToken = async (): Promise<string> => {
    tokenCount++
    const timestamp = wibTimestamp(Date.now())
    const signature = sign("sha256", Buffer.from(`${options.clientId}|${timestamp}`), privateKey).toString(
      "base64"
    )
    const text = await transport.post(
      `${options.baseUrl}/v1.0/access-token/b2b`,
      { "x-timestamp": timestamp, "x-client-key": options.clientId, "x-signature": signature },
      '{"grantType":"client_credentials","additionalInfo":{}}'
    )
    const json = JSON.parse(text) as Record<string, string>
    if (json.responseCode !== "2007300" || typeof json.accessToken !== "string") {
      throw new Error(`token request failed: ${json.responseCode}`)
    }
    const lifetime = Number(json.expiresIn) * 1000
    token = { value: json.accessToken, refreshAt: Date.now() + lifetime - Math.min(60_000, lifetime / 2) }
    return json.accessToken
  }

  const accessToken = async (): Promise<string> =>
    token !== undefined && Date.now() < token.refreshAt ? token.value : fetchToken()

  const call = async (path: string, body: string): Promise<Record<string, unknown>> => {
    const bearer = await accessToken()
    const timestamp = wibTimestamp(Date.now())
    const bodyHash = createHash("sha256").update(body).digest("hex")
    const signature = createHmac("sha512", secret)
      .update(`POST:${path}:${bearer}:${bodyHash}:${timestamp}`)
      .digest("base64")
    const text = await transport.post(
      `${options.baseUrl}${path}`,
      {
        authorization: `Bearer ${bearer}`,
        "x-timestamp": timestamp,
        "x-signature": signature,
        "x-partner-id": options.clientId,
        "x-external-id": externalId(),
        "channel-id": channelId
      },
      body
    )
    return JSON.parse(text) as Record<string, unknown>
  }

  const balance = async () => {
    const body = JSON.stringify({ accountNo: options.clientId, additionalInfo: { msId: "" } })
    const json = await call("/api/v1.0/balance-inquiry", body)
    if (json.responseCode !== "2001100") throw new Error(`balance failed: ${String(json.responseCode)}`)
    const info = (json.accountInfos as ReadonlyArray<{ availableBalance: { value: string } }>)[0]!
    return { accountNo: String(json.accountNo), availableBalance: rupiah(info.availableBalance.value) }
  }

  return { balance, tokenRequests: () => tokenCount, close: () => transport.close() }
}
