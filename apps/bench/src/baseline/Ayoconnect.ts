/**
 * The baseline Ayoconnect client: a hand-written integration without Effect. undici with
 * keep-alive; the body JSON serialised once, signed as an HS256 JWT with node:crypto and sent byte
 * for byte; success decided from `responseCode`.
 */
import { createHmac } from "node:crypto"
import { type Transport, undiciTransport } from "./Transport.js"

export interface AyoconnectOptions {
  readonly baseUrl: string
  readonly apiKey: string
  readonly secret: string
  /** Default: undici with a keep-alive Agent. */
  readonly transport?: Transport
}

export interface Inquiry {
  readonly inquiryId: number
  readonly amount: number
}

export interface AyoconnectBaseline {
  readonly inquiry: (input: {
    readonly accountNumber: string
    readonly productCode: string
  }) => Promise<Inquiry>
  readonly close: () => Promise<void>
}

const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url")

export const makeAyoconnect = (options: AyoconnectOptions): AyoconnectBaseline => {
  const transport = options.transport ?? undiciTransport()
  const secret = Buffer.from(options.secret, "utf8")

  const jwt = (payloadJson: string): string => {
    const input = `${HEADER}.${Buffer.from(payloadJson, "utf8").toString("base64url")}`
    return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`
  }

  const inquiry = async (input: { readonly accountNumber: string; readonly productCode: string }) => {
    const body = JSON.stringify({
      partnerId: options.apiKey,
      accountNumber: input.accountNumber,
      productCode: input.productCode
    })
    const text = await transport.post(
      `${options.baseUrl}/api/v2/bill/check`,
      { accept: "application/json", KEY: options.apiKey, TOKEN: jwt(body), VERSION: "2.0" },
      body
    )
    const json = JSON.parse(text) as {
      responseCode?: unknown
      data?: { inquiryId?: unknown; amount?: unknown }
    }
    if (json.responseCode !== 300) throw new Error(`inquiry failed: ${String(json.responseCode)}`)
    const { inquiryId, amount } = json.data ?? {}
    if (typeof inquiryId !== "number" || !Number.isSafeInteger(Number(amount))) {
      throw new Error("inquiry answer without inquiryId / amount")
    }
    return { inquiryId, amount: Number(amount) }
  }

  return { inquiry, close: () => transport.close() }
}
