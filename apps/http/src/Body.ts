/**
 * Reading request bodies: bounded while streaming, linear in their size, strictly UTF-8, and
 * shape-checked before `JSON.parse`.
 *
 * @effect/platform-node reads a body whole before any limit applies to it here, and its
 * `arrayBuffer` re-concatenates the whole buffer on every chunk (quadratic: a 40 MB body cost 13 s
 * of CPU); its `text` replaces invalid UTF-8 with U+FFFD. So the gateway puts this reader under
 * the request every route sees (`bounded`, installed by the edge middleware): HttpApi's payload
 * decoding, the raw callback and notification handlers all read through it.
 *
 * - A declared `Content-Length` above the limit is refused before a byte is read; a streamed
 *   (chunked) body is refused as soon as it crosses the limit. Nothing beyond the limit is kept;
 *   the rest is discarded up to `lingerBytes`, then the connection is cut.
 * - Chunks are kept in a list and joined once: linear in the size.
 * - Text is decoded with a fatal `TextDecoder`: invalid UTF-8 is refused, never replaced.
 * - JSON is scanned once (linear, no recursion) for its nesting depth and the element count of
 *   each array and object before it is parsed: a 100,000-deep body never reaches a recursive
 *   decoder.
 *
 * Refusals are `BodyRefused` values; `Validation` turns them into 413 / 400 problems and the
 * notify route into SNAP answers.
 */
import { HttpServerError, type HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import type { IncomingMessage } from "node:http"
import { Data, Effect } from "effect"

/**
 * The limits on one request body.
 */
export interface Limits {
  /** Bytes; `KASIR_MAX_BODY_BYTES`. */
  readonly maxBytes: number
  /** Nesting depth of arrays and objects. */
  readonly maxDepth: number
  /** Elements of any one array, members of any one object. */
  readonly maxElements: number
}

/**
 * The documented requests and notifications are all under 2 KiB: 64 KiB leaves room for every
 * optional field while keeping a hostile body's cost negligible.
 */
export const defaultMaxBytes = 65_536

/**
 * The deepest documented body nests 3 levels (a notification's `amount`, Ayoconnect's
 * `customerDetails` entries); 32 is far beyond that and far below any stack limit.
 */
export const defaultMaxDepth = 32

/**
 * No documented array or object has more than a few dozen entries.
 */
export const defaultMaxElements = 1_000

/**
 * Why a body was refused. `status` is 413 (too large) or 400 (not UTF-8, not JSON, beyond a shape
 * limit); `slug` names the problem type.
 */
export class BodyRefused extends Data.TaggedError("BodyRefused")<{
  readonly status: 400 | 413
  readonly slug: string
  readonly detail: string
  /** What is wrong with `body`, for a problem's `errors` entry. */
  readonly field: string
}> {}

export const isBodyRefused = (u: unknown): u is BodyRefused => u instanceof BodyRefused

const tooLarge = (limits: Limits) =>
  new BodyRefused({
    status: 413,
    slug: "body-too-large",
    detail: `The request body exceeds the limit of ${limits.maxBytes} bytes (KASIR_MAX_BODY_BYTES).`,
    field: `is larger than ${limits.maxBytes} bytes`
  })

const unreadable = new BodyRefused({
  status: 400,
  slug: "malformed-body",
  detail: "The request body could not be read completely.",
  field: "could not be read completely"
})

/**
 * How much of a refused or unread body is still read — and thrown away — after the answer, before
 * the connection is cut. Closing a socket with unread data makes the kernel send a reset, which
 * can destroy the answer before the client reads it; so a client that stops sending gets its 413
 * or 401, and one that keeps sending is cut off after this many bytes (or by
 * `KASIR_REQUEST_TIMEOUT`). Discarding is linear and keeps nothing.
 */
export const lingerBytes = 1_048_576

/**
 * Discards the rest of a body the gateway will not read, up to `lingerBytes`, then destroys the
 * connection.
 */
const lingering = new WeakSet<IncomingMessage>()

export const linger = (source: IncomingMessage): void => {
  if (source.complete || source.destroyed || lingering.has(source)) return
  lingering.add(source)
  let discarded = 0
  const discard = (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > lingerBytes) {
      source.off("data", discard)
      source.socket?.destroy()
    }
  }
  source.on("data", discard)
  source.resume()
}

/**
 * Reads the body of a Node request, refusing it once it crosses `limits.maxBytes`. On refusal
 * nothing read is kept and the rest `linger`s, so the 413 can still be written and read.
 */
export const readBytes = (source: IncomingMessage, limits: Limits): Effect.Effect<Uint8Array, BodyRefused> =>
  Effect.async<Uint8Array, BodyRefused>((resume) => {
    const declared = source.headers["content-length"]
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes) {
      resume(Effect.fail(tooLarge(limits)))
      return
    }
    if (source.readableEnded) {
      resume(Effect.succeed(new Uint8Array(0)))
      return
    }
    const chunks: Array<Buffer> = []
    let bytes = 0
    const cleanup = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
      source.off("close", onClose)
    }
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes > limits.maxBytes) {
        cleanup()
        chunks.length = 0
        linger(source)
        resume(Effect.fail(tooLarge(limits)))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resume(Effect.succeed(Buffer.concat(chunks, bytes)))
    }
    const onError = () => {
      cleanup()
      resume(Effect.fail(unreadable))
    }
    // The client went away before the end of the body.
    const onClose = () => {
      if (source.complete) return
      cleanup()
      resume(Effect.fail(unreadable))
    }
    source.on("data", onData)
    source.once("end", onEnd)
    source.once("error", onError)
    source.once("close", onClose)
    return Effect.sync(cleanup)
  })

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Decodes UTF-8 strictly: invalid bytes (`0xFF 0xFE`, say) are refused, never replaced by U+FFFD.
 */
export const decodeUtf8 = (bytes: Uint8Array): Effect.Effect<string, BodyRefused> =>
  Effect.try({
    try: () => strictUtf8.decode(bytes),
    catch: () =>
      new BodyRefused({
        status: 400,
        slug: "invalid-utf8",
        detail: "The request body is not valid UTF-8.",
        field: "is not valid UTF-8"
      })
  })

/**
 * The first shape limit `text` (JSON) exceeds, or `undefined`. One pass, no recursion; strings
 * (and their escapes) are skipped, so brackets inside them do not count.
 */
export const exceededLimit = (text: string, limits: Limits): string | undefined => {
  // counts[d]: separators seen in the container open at depth d (elements = separators + 1).
  const counts = new Int32Array(limits.maxDepth + 1)
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c /* \ */) i++
      else if (c === 0x22 /* " */) inString = false
      continue
    }
    switch (c) {
      case 0x22:
        inString = true
        break
      case 0x7b /* { */:
      case 0x5b /* [ */:
        depth++
        if (depth > limits.maxDepth) {
          return `nesting deeper than ${limits.maxDepth} levels (the maximum JSON depth)`
        }
        counts[depth] = 0
        break
      case 0x7d /* } */:
      case 0x5d /* ] */:
        if (depth > 0) depth--
        break
      case 0x2c /* , */:
        if (depth > 0 && ++counts[depth]! >= limits.maxElements) {
          return `more than ${limits.maxElements} elements in one array or object (the maximum JSON element count)`
        }
        break
    }
  }
  return undefined
}

/**
 * Parses a JSON body: shape limits first, then `JSON.parse`. An empty body is `null`, as
 * @effect/platform has it.
 */
export const parseJson = (text: string, limits: Limits): Effect.Effect<unknown, BodyRefused> => {
  if (text === "") return Effect.succeed(null)
  const exceeded = exceededLimit(text, limits)
  if (exceeded !== undefined) {
    return Effect.fail(
      new BodyRefused({
        status: 400,
        slug: "body-shape",
        detail: `The JSON body has ${exceeded}.`,
        field: `has ${exceeded}`
      })
    )
  }
  return Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: () =>
      new BodyRefused({
        status: 400,
        slug: "malformed-body",
        detail: "The request body is not valid JSON.",
        field: "is not valid JSON"
      })
  })
}

/**
 * The `BodyRefused` behind a request error from a `bounded` request, if that is what it is.
 */
export const refusalOf = (u: unknown): BodyRefused | undefined =>
  HttpServerError.isServerError(u) && u._tag === "RequestError" && isBodyRefused(u.cause)
    ? u.cause
    : undefined

/**
 * The request with its body accessors (`arrayBuffer`, `text`, `json`, `urlParamsBody`) replaced by
 * bounded, strict, cached ones; they fail with a `RequestError` (reason `Decode`) whose `cause` is
 * the `BodyRefused` (`refusalOf`). Everything else is the original request.
 */
export const bounded = (
  request: HttpServerRequest.HttpServerRequest,
  limits: Limits
): HttpServerRequest.HttpServerRequest => {
  const source = NodeHttpServerRequest.toIncomingMessage(request)
  const asRequestError = (cause: BodyRefused) =>
    new HttpServerError.RequestError({ request, reason: "Decode", cause })
  // Memoized on first use, not here: most requests (every GET) never read a body, and making a
  // memo (`Effect.cached`, run once) costs a fiber each.
  let bytesOnce: Effect.Effect<Uint8Array, HttpServerError.RequestError> | undefined
  let textOnce: Effect.Effect<string, HttpServerError.RequestError> | undefined
  const bytes = Effect.suspend(
    () =>
      (bytesOnce ??= Effect.runSync(
        Effect.cached(Effect.mapError(readBytes(source, limits), asRequestError))
      ))
  )
  const text = Effect.suspend(
    () =>
      (textOnce ??= Effect.runSync(
        Effect.cached(Effect.flatMap(bytes, (b) => Effect.mapError(decodeUtf8(b), asRequestError)))
      ))
  )
  const json = Effect.flatMap(text, (body) => Effect.mapError(parseJson(body, limits), asRequestError))
  const urlParamsBody = Effect.map(text, (body) => [...new URLSearchParams(body)] as Array<[string, string]>)
  return Object.create(request, {
    arrayBuffer: {
      get: () =>
        Effect.map(bytes, (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
    },
    text: { get: () => text },
    json: { get: () => json },
    urlParamsBody: { get: () => urlParamsBody }
  }) as HttpServerRequest.HttpServerRequest
}
