/**
 * HTTP/1.1 over a bare TCP socket, for what fetch cannot show: how many body bytes a client got
 * to send before the gateway answered, whether the gateway closed the connection, and requests
 * that trickle in byte by byte.
 */
import { connect, type Socket } from "node:net"

export interface RawReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Body bytes this client wrote before the first byte of the answer arrived. */
  readonly bodyBytesSent: number
  /** The gateway closed the connection after answering. */
  readonly closed: boolean
}

const parse = (raw: string) => {
  const end = raw.indexOf("\r\n\r\n")
  if (end < 0) return undefined
  const [statusLine, ...lines] = raw.slice(0, end).split("\r\n")
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, body: raw.slice(end + 4) }
}

/**
 * Sends `head` (request line and headers, without the blank line), then up to `bodyBytes` of body
 * in 16 KiB chunks (chunked transfer coding when `chunked`), stopping as soon as an answer starts.
 * Resolves once the answer is complete and the connection is closed, or `settle` milliseconds
 * after a complete answer on a connection the gateway keeps open.
 */
export const exchange = (
  url: string,
  head: ReadonlyArray<string>,
  options: { readonly bodyBytes?: number; readonly chunked?: boolean; readonly settle?: number } = {}
): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) })
    let received = ""
    let answered = false
    let sent = 0
    let settled: ReturnType<typeof setTimeout> | undefined
    const finish = (closed: boolean) => {
      const reply = parse(received)
      if (reply === undefined) return reject(new Error(`no answer (received ${JSON.stringify(received)})`))
      if (settled !== undefined) clearTimeout(settled)
      socket.destroy()
      resolve({ ...reply, bodyBytesSent: sent, closed })
    }
    socket.setEncoding("latin1")
    socket.on("data", (chunk: string) => {
      answered = true
      received += chunk
      const reply = parse(received)
      const length = reply?.headers["content-length"]
      if (
        reply !== undefined &&
        length !== undefined &&
        Buffer.byteLength(reply.body, "latin1") >= Number(length)
      ) {
        settled ??= setTimeout(() => finish(false), options.settle ?? 500)
      }
    })
    socket.on("error", () => {})
    socket.on("close", () => finish(true))
    socket.on("connect", () => {
      socket.write(`${head.join("\r\n")}\r\n\r\n`)
      const total = options.bodyBytes ?? 0
      const chunk = Buffer.alloc(16_384, 0x61)
      const pump = () => {
        while (!answered && sent < total && !socket.destroyed) {
          const size = Math.min(chunk.length, total - sent)
          const piece = chunk.subarray(0, size)
          const framed = options.chunked
            ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
            : piece
          sent += size
          if (!socket.write(framed)) return void socket.once("drain", pump)
        }
        if (!answered && sent >= total && options.chunked && total > 0) socket.write("0\r\n\r\n")
      }
      pump()
    })
  })

/**
 * Opens a connection that sends a request line and then one header line every `every`
 * milliseconds, never finishing its headers (slowloris).
 */
export const trickle = (
  url: string,
  every: number
): { readonly socket: Socket; readonly closed: () => boolean } => {
  const { hostname, port } = new URL(url)
  const socket = connect({ host: hostname, port: Number(port) })
  let closed = false
  let n = 0
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(`X-Trickle-${n++}: ${n}\r\n`)
  }, every)
  socket.on("error", () => {})
  socket.on("close", () => {
    closed = true
    clearInterval(timer)
  })
  socket.on("connect", () => socket.write("GET /health HTTP/1.1\r\nHost: gateway\r\n"))
  return { socket, closed: () => closed }
}

/**
 * Polls `condition` every `interval` ms, at most `attempts` times; true once it holds.
 */
export const eventually = async (
  condition: () => boolean,
  attempts: number,
  interval = 100
): Promise<boolean> => {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return true
    await new Promise((r) => setTimeout(r, interval))
  }
  return condition()
}
