/**
 * Which callback URLs a payment may name. Ayoconnect POSTs the settlement to every URL in
 * `callbackUrls` with the partner's callback credentials, so a caller-chosen URL is a way to send
 * those credentials — and the settlement — anywhere Ayoconnect (or, in the embedded sandbox, the
 * gateway's host) can reach. By default only https URLs to public hosts are allowed; loopback,
 * private (RFC 1918, unique-local), link-local, CGNAT, unspecified and cloud-metadata addresses
 * are refused. `allowPrivateCallbackUrls` opts out, for a caller that chose the URL itself (a
 * local development receiver).
 *
 * Host names are judged as written: a public name that resolves to a private address (DNS
 * rebinding) is not detected here; Ayoconnect resolves it, not kasir.
 */

const ipv4 = (host: string): ReadonlyArray<number> | undefined => {
  const parts = host.split(".")
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined
  const octets = parts.map(Number)
  return octets.every((o) => o <= 255) ? octets : undefined
}

const privateIpv4 = ([a, b]: ReadonlyArray<number>): boolean =>
  a === 0 || // "this network"
  a === 10 ||
  a === 127 ||
  (a === 100 && b! >= 64 && b! <= 127) || // CGNAT
  (a === 169 && b === 254) || // link-local, cloud metadata (169.254.169.254)
  (a === 172 && b! >= 16 && b! <= 31) ||
  (a === 192 && b === 168)

const privateIpv6 = (host: string): boolean => {
  const h = host.toLowerCase()
  if (h === "::" || h === "::1") return true
  // IPv4-mapped (::ffff:127.0.0.1; the URL parser writes it as ::ffff:7f00:1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h)
  if (mapped !== null) {
    const hi = Number.parseInt(mapped[1]!, 16)
    const lo = Number.parseInt(mapped[2]!, 16)
    return privateIpv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])
  }
  return /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h) // unique-local, link-local
}

const metadataNames = new Set(["metadata.google.internal", "metadata", "instance-data"])

/**
 * Why `url` may not receive callbacks, or `undefined` when it may.
 *
 * @internal
 */
export const refusal = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return "is not a URL"
  }
  if (parsed.protocol !== "https:") return "must be https (set allowPrivateCallbackUrls to allow others)"
  // The WHATWG parser normalises hosts: `2130706433` and `0x7f.1` become 127.0.0.1, IPv6 is bracketed.
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "")
  const v4 = ipv4(host)
  const isPrivate =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    metadataNames.has(host) ||
    (v4 !== undefined && privateIpv4(v4)) ||
    (host.startsWith("[") && privateIpv6(host.slice(1, -1)))
  return isPrivate
    ? "points at a loopback, private, link-local or metadata address (set allowPrivateCallbackUrls to allow it)"
    : undefined
}
