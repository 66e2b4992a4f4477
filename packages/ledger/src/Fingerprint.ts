/**
 * Fingerprints: what makes two requests under one reference the *same* payment.
 *
 * A reference (`refNumber`, `partnerReferenceNo`) is an idempotency key; a repeat is only a replay
 * when the fields that define the payment match (account, product, amount; beneficiary account,
 * bank, amount). The ledger stores both a hash of those fields (compared first) and the fields
 * themselves as `jsonb`, so a mismatch can *name* what differs — the same contract as core's
 * `Idempotency.ReferenceReused`, which `toReferenceReused` builds. The fields hold only what
 * defines the payment: never a secret, token or signature.
 *
 * Canonical form: field names sorted, every value a string (bigints in decimal), serialised once
 * as JSON of `[name, value]` pairs and hashed with SHA-256. Normalising a value (upper-casing a
 * product or bank code that the upstream compares case-insensitively) is the caller's job, before
 * `make`, because only the caller knows the upstream's rule.
 */
import { createHash } from "node:crypto"
import { Idempotency } from "@kasir/core"

/**
 * The canonical defining fields of a payment and their hash.
 */
export interface Fingerprint {
  /** SHA-256 (hex) of the canonical fields. */
  readonly hash: string
  /** The canonical fields: sorted names, string values. */
  readonly fields: Readonly<Record<string, string>>
}

/**
 * The fingerprint of a payment's defining fields.
 */
export const make = (fields: Readonly<Record<string, string | bigint>>): Fingerprint => {
  const names = Object.keys(fields).sort()
  const canonical: Record<string, string> = {}
  for (const name of names) canonical[name] = String(fields[name])
  const hash = createHash("sha256")
    .update(JSON.stringify(names.map((name) => [name, canonical[name]])))
    .digest("hex")
  return { hash, fields: canonical }
}

/**
 * The names of the fields whose values differ between two fingerprints (a field present in only
 * one of them differs too), sorted. Empty when they describe the same payment.
 */
export const differingFields = (a: Fingerprint, b: Fingerprint): ReadonlyArray<string> => {
  if (a.hash === b.hash) return []
  const names = new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])
  return [...names].filter((name) => a.fields[name] !== b.fields[name]).sort()
}

/**
 * Core's error for a reused reference, naming the differing fields (never their values).
 */
export const toReferenceReused = (options: {
  readonly upstream: string
  readonly operation: string
  readonly referenceField: string
  readonly reference: string
  readonly fields: ReadonlyArray<string>
}): Idempotency.ReferenceReused =>
  new Idempotency.ReferenceReused({ ...options, fields: [...options.fields] })
