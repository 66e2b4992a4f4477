/**
 * The NICEPAY simulator's state and rules, as synchronous code over explicit time: merchants,
 * access tokens, external ids, balances and the payout state machine. Each request is decided in
 * one synchronous step, so concurrent requests never interleave half-way. The HTTP side, faults,
 * timers and notifications live in `Simulator.ts`.
 *
 * Checks of a service call, in order (the first failure answers):
 *
 * 1. mandatory headers present — `400{svc}02 Invalid Mandatory Field {X-…}`
 * 2. `Authorization: Bearer` token known and unexpired — `401{svc}01 Access Token Invalid`
 * 3. `X-PARTNER-ID` is the token's client — `401{svc}00 Unauthorized. [X-PARTNER-ID]`
 * 4. `X-TIMESTAMP` format — `400{svc}01`; freshness — `401{svc}00 Unauthorized. [X-TIMESTAMP]`
 * 5. HMAC-SHA512 over the raw body bytes as received — `401{svc}00 Unauthorized. [Signature]`
 * 6. optional strict checks: minified body (`400{svc}00`), numeric X-EXTERNAL-ID (`400{svc}01`)
 * 7. `X-EXTERNAL-ID` not used before on the same WIB day — `409{svc}00 Conflict`
 * 8. JSON body — `400{svc}00 Bad Request`; fields — `400{svc}02` missing / `400{svc}01` format
 * 9. the operation itself.
 *
 * @since 0.1.0
 */
import { createHmac, type KeyObject, randomBytes } from "node:crypto"
import { Snap, Timestamp } from "@kasir/core"
import { Effect, Either } from "effect"
import type { Answer } from "../Fault.js"

/**
 * The payout status codes (`latestTransactionStatus`).
 *
 * @since 0.1.0
 */
export type Status = "00" | "03" | "04" | "05" | "08" | "09"

/**
 * `transactionStatusDesc` per status.
 *
 * @since 0.1.0
 */
export const statusDescriptions: Readonly<Record<Status, string>> = {
  "00": "Success",
  "03": "Pending",
  "04": "Canceled",
  "05": "Rejected",
  "08": "Pending (Suspect)",
  "09": "Failed"
}

/**
 * What the end of the beneficiary account number makes happen.
 *
 * | ends with | scenario          | effect                                                                    |
 * |-----------|-------------------|---------------------------------------------------------------------------|
 * | `9911`    | `invalid-account` | registration answers `4040011` Invalid Account                            |
 * | `9914`    | `no-funds`        | registration answers `4030014` Insufficient Funds                         |
 * | `9908`    | `suspect-success` | approve answers status `08`; it settles to `00` after `settleAfter`       |
 * | `9909`    | `suspect-failed`  | approve answers status `08`; it settles to `09` (refunded)                |
 * | `9902`    | `in-progress`     | approve answers `2020000` Request In Progress (status `08`), then `00`    |
 * | `9500`    | `error-500`       | approve is processed (status `00`) but answered `5000000` General Error   |
 * | `9504`    | `timeout-504`     | approve is processed (status `00`) but answered `5040000` Timeout         |
 * | other     | `normal`          | approve answers status `00` at once                                       |
 *
 * @since 0.1.0
 */
export type Scenario =
  | "normal"
  | "invalid-account"
  | "no-funds"
  | "suspect-success"
  | "suspect-failed"
  | "in-progress"
  | "error-500"
  | "timeout-504"

const scenarioSuffixes: ReadonlyArray<readonly [string, Scenario]> = [
  ["9911", "invalid-account"],
  ["9914", "no-funds"],
  ["9908", "suspect-success"],
  ["9909", "suspect-failed"],
  ["9902", "in-progress"],
  ["9500", "error-500"],
  ["9504", "timeout-504"]
]

/**
 * The scenario of a beneficiary account number.
 *
 * @since 0.1.0
 */
export const scenarioOf = (accountNo: string): Scenario =>
  scenarioSuffixes.find(([suffix]) => accountNo.endsWith(suffix))?.[1] ?? "normal"

/**
 * A payout as the simulator holds it.
 *
 * @since 0.1.0
 */
export interface PayoutRecord {
  readonly clientId: string
  readonly partnerReferenceNo: string
  /** The simulator's tXid: clientId + `07` + yyyyMMddHHmmss (WIB) + 4 digits. */
  readonly originalReferenceNo: string
  readonly beneficiaryAccountNo: string
  readonly beneficiaryName: string
  readonly beneficiaryBankCode: string
  readonly beneficiaryCustomerResidence: string
  readonly beneficiaryCustomerType: string | undefined
  readonly payoutMethod: string
  /** Whole rupiah. */
  readonly amount: number
  readonly status: Status
  readonly scenario: Scenario
  /** Epoch millis of the scheduled execution (`reservedDt`/`reservedTm` in the future), if any. */
  readonly scheduledAt: number | undefined
  readonly registeredAt: number
  readonly updatedAt: number
}

/**
 * Work a request leaves for later: a notification to send, a suspect payout to settle.
 *
 * @since 0.1.0
 */
export type FollowUp =
  | { readonly _tag: "Notify"; readonly payout: PayoutRecord }
  | {
      readonly _tag: "Settle"
      readonly clientId: string
      readonly partnerReferenceNo: string
      readonly to: "00" | "09"
    }

/**
 * What the engine decided for one request.
 *
 * @since 0.1.0
 */
export interface Outcome {
  readonly answer: Answer
  readonly responseCode: string
  readonly followUps: ReadonlyArray<FollowUp>
}

/**
 * The engine's knobs.
 *
 * @since 0.1.0
 */
export interface Settings {
  readonly tokenLifetimeSeconds: number
  readonly timestampToleranceMillis: number
  readonly rejectReusedExternalId: boolean
  readonly requireNumericExternalId: boolean
  readonly requireMinifiedBody: boolean
  /** Whether a `4090001` duplicate answer names the existing payout (`originalReferenceNo`). */
  readonly duplicateAnswerIncludesReference: boolean
}

/**
 * A merchant as registered with the simulator.
 *
 * @since 0.1.0
 */
export interface Merchant {
  readonly clientId: string
  readonly clientSecret: string
  readonly publicKey: KeyObject
  readonly notificationUrl: string | undefined
  balance: number
  externalIdDay: string
  readonly externalIds: Set<string>
}

/**
 * The engine's state as plain JSON data: payouts, balances and the tXid sequence. Merchants'
 * credentials and tokens are not part of it (whoever starts the simulator registers merchants;
 * a token is fetched again).
 *
 * @since 0.1.0
 */
export interface EngineSnapshot {
  readonly payouts: ReadonlyArray<PayoutRecord>
  readonly balances: Readonly<Record<string, number>>
  readonly sequence: number
}

/**
 * The operations the simulator recognises, as named in the request log.
 *
 * @since 0.1.0
 */
export type Operation =
  | "access-token"
  | "balance-inquiry"
  | "transfer/registration"
  | "transfer/approve"
  | "transfer/inquiry"
  | "transfer/cancel"
  | "transfer/reject"

const respond = (code: string, message: string, fields: Record<string, unknown> = {}): Outcome => ({
  answer: {
    status: Number(code.slice(0, 3)),
    body: { responseCode: code, responseMessage: message, ...fields }
  },
  responseCode: code,
  followUps: []
})

const amountObject = (amount: number) => ({ value: `${amount}.00`, currency: "IDR" })

const header = (headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined =>
  headers[name.toLowerCase()]

// ---- field rules ----------------------------------------------------------------------------

type Check = (value: unknown) => boolean
const str =
  (max: number, pattern?: RegExp): Check =>
  (value) =>
    typeof value === "string" && value.length <= max && (pattern === undefined || pattern.test(value))
const oneOf =
  (...values: ReadonlyArray<string>): Check =>
  (value) =>
    typeof value === "string" && values.includes(value)

interface Rule {
  readonly field: string
  readonly required: boolean
  readonly check: Check
}

const getPath = (body: Record<string, unknown>, field: string): unknown =>
  field
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      body
    )

const isMissing = (value: unknown) => value === undefined || value === null || value === ""

const checkFields = (
  svc: string,
  body: Record<string, unknown>,
  rules: ReadonlyArray<Rule>
): Outcome | undefined => {
  for (const rule of rules) {
    const value = getPath(body, rule.field)
    if (isMissing(value)) {
      if (rule.required) return respond(`400${svc}02`, `Invalid Mandatory Field {${rule.field}}`)
      continue
    }
    if (!rule.check(value)) return respond(`400${svc}01`, `Invalid Field Format {${rule.field}}`)
  }
  return undefined
}

const amountRules = (field: string): ReadonlyArray<Rule> => [
  { field, required: true, check: (v) => typeof v === "object" && v !== null && !Array.isArray(v) },
  { field: `${field}.value`, required: true, check: str(16, /^(0|[1-9][0-9]{0,12})\.[0-9]{2}$/) },
  { field: `${field}.currency`, required: true, check: oneOf("IDR") }
]

const registrationRules: ReadonlyArray<Rule> = [
  { field: "partnerReferenceNo", required: true, check: str(40) },
  { field: "merchantId", required: true, check: str(20) },
  { field: "msId", required: false, check: str(20) },
  { field: "beneficiaryAccountNo", required: true, check: str(25, /^[0-9]+$/) },
  { field: "beneficiaryName", required: true, check: str(100) },
  { field: "beneficiaryPhone", required: true, check: str(20, /^\+?[0-9]+$/) },
  { field: "beneficiaryCustomerResidence", required: true, check: oneOf("1", "2") },
  { field: "beneficiaryCustomerType", required: false, check: oneOf("1", "2", "3") },
  { field: "beneficiaryPostalCode", required: false, check: str(10, /^[0-9]+$/) },
  { field: "beneficiaryBankCode", required: true, check: str(8, /^[A-Za-z0-9]+$/) },
  { field: "payoutMethod", required: true, check: oneOf("0", "1", "2", "3", "4") },
  ...amountRules("amount"),
  { field: "reservedDt", required: false, check: str(8, /^[0-9]{8}$/) },
  { field: "reservedTm", required: false, check: str(6, /^[0-9]{6}$/) },
  { field: "description", required: false, check: str(255) },
  { field: "deliveryName", required: false, check: str(100) },
  { field: "deliveryId", required: false, check: str(50) }
]

const referenceRules: ReadonlyArray<Rule> = [
  { field: "originalReferenceNo", required: true, check: str(40) },
  { field: "originalPartnerReferenceNo", required: true, check: str(40) },
  { field: "merchantId", required: true, check: str(20) }
]

const inquiryRules: ReadonlyArray<Rule> = [
  ...referenceRules,
  { field: "beneficiaryAccountNo", required: true, check: str(25) }
]

const mandatoryServiceHeaders = [
  "Authorization",
  "X-TIMESTAMP",
  "X-SIGNATURE",
  "X-PARTNER-ID",
  "X-EXTERNAL-ID"
]

// "yyyyMMdd" + "HHmmss" in WIB → epoch millis (invalid → undefined).
const wibInstant = (date: string, time: string): number | undefined => {
  const parsed = Timestamp.parse(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}+07:00`
  )
  return Either.isRight(parsed) ? parsed.right : undefined
}

/**
 * The simulator's state and rules.
 *
 * @since 0.1.0
 */
export class Engine {
  private readonly merchants = new Map<string, Merchant>()
  private readonly tokens = new Map<string, { readonly clientId: string; readonly expiresAt: number }>()
  private readonly payouts = new Map<string, PayoutRecord>()
  private readonly tokenKey = randomBytes(32)
  private sequence = 0

  constructor(readonly settings: Settings) {}

  /** Registers (or replaces) a merchant. */
  registerMerchant(merchant: {
    readonly clientId: string
    readonly clientSecret: string
    readonly publicKey: KeyObject
    readonly notificationUrl?: string | undefined
    readonly balance: number
  }): void {
    this.merchants.set(merchant.clientId, {
      ...merchant,
      notificationUrl: merchant.notificationUrl,
      externalIdDay: "",
      externalIds: new Set()
    })
  }

  merchant(clientId: string): Merchant | undefined {
    return this.merchants.get(clientId)
  }

  payout(clientId: string, partnerReferenceNo: string): PayoutRecord | undefined {
    return this.payouts.get(`${clientId}\u0000${partnerReferenceNo}`)
  }

  allPayouts(clientId?: string): ReadonlyArray<PayoutRecord> {
    return [...this.payouts.values()].filter((p) => clientId === undefined || p.clientId === clientId)
  }

  /** The state as plain data. */
  snapshot(): EngineSnapshot {
    return {
      payouts: [...this.payouts.values()],
      balances: Object.fromEntries([...this.merchants.values()].map((m) => [m.clientId, m.balance])),
      sequence: this.sequence
    }
  }

  /** Replaces payouts and the sequence with a snapshot's, and the balances of known merchants. */
  restore(snapshot: EngineSnapshot): void {
    this.payouts.clear()
    for (const payout of snapshot.payouts) this.save({ ...payout })
    for (const [clientId, balance] of Object.entries(snapshot.balances)) {
      const merchant = this.merchants.get(clientId)
      if (merchant !== undefined) merchant.balance = balance
    }
    this.sequence = snapshot.sequence
  }

  /** Forgets every token (of one merchant, or all); returns how many. */
  revokeTokens(clientId?: string): number {
    let count = 0
    for (const [token, entry] of this.tokens) {
      if (clientId === undefined || entry.clientId === clientId) {
        this.tokens.delete(token)
        count += 1
      }
    }
    return count
  }

  private save(record: PayoutRecord): PayoutRecord {
    this.payouts.set(`${record.clientId}\u0000${record.partnerReferenceNo}`, record)
    return record
  }

  private nextTxid(clientId: string, now: number): string {
    const digits = Timestamp.formatWib(now)
      .replace(/[^0-9]/g, "")
      .slice(0, 14)
    this.sequence = (this.sequence + 1) % 10_000
    return `${clientId}07${digits}${String(this.sequence).padStart(4, "0")}`
  }

  private mintToken(clientId: string, now: number): string {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64")
    const head = b64({ typ: "JWT", alg: "HS256" })
    const payload = b64({
      sub: clientId,
      iss: "NICEPAY",
      name: clientId,
      exp: new Date(now + this.settings.tokenLifetimeSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      jti: randomBytes(8).toString("hex")
    })
    const mac = createHmac("sha256", this.tokenKey).update(`${head}.${payload}`).digest("base64")
    return `${head}.${payload}.${mac}`
  }

  // ---- access token ------------------------------------------------------------------------

  /** `POST /v1.0/access-token/b2b`. */
  token(headers: Readonly<Record<string, string | undefined>>, raw: string, now: number): Outcome {
    for (const name of ["X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"]) {
      if (isMissing(header(headers, name))) return respond("4007302", `Invalid Mandatory Field {${name}}`)
    }
    const timestamp = header(headers, "X-TIMESTAMP")!
    const clientId = header(headers, "X-CLIENT-KEY")!
    const instant = Timestamp.parse(timestamp)
    if (Either.isLeft(instant)) return respond("4007301", "Invalid Field Format {X-TIMESTAMP}")
    if (Math.abs(now - instant.right) > this.settings.timestampToleranceMillis) {
      return respond("4017300", "Unauthorized. [X-TIMESTAMP]")
    }
    const merchant = this.merchants.get(clientId)
    if (merchant === undefined) return respond("4017300", "Unauthorized. [Unknown client]")
    // The key is a parsed KeyObject: verification is synchronous and cannot fail with InvalidKey.
    const valid = Effect.runSync(
      Snap.verifyTokenSignature({
        clientId,
        timestamp,
        signature: header(headers, "X-SIGNATURE")!,
        publicKey: merchant.publicKey
      }).pipe(Effect.orElseSucceed(() => false))
    )
    if (!valid) {
      return respond("4017300", "Unauthorized. [Signature]")
    }
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      return respond("4007300", "Bad Request")
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return respond("4007300", "Bad Request")
    const grantType = (body as Record<string, unknown>).grantType
    if (isMissing(grantType)) return respond("4007302", "Invalid Mandatory Field {grantType}")
    if (grantType !== "client_credentials") return respond("4007301", "Invalid Field Format {grantType}")
    const accessToken = this.mintToken(clientId, now)
    this.tokens.set(accessToken, { clientId, expiresAt: now + this.settings.tokenLifetimeSeconds * 1000 })
    return respond("2007300", "Successful", {
      accessToken,
      tokenType: "Bearer",
      expiresIn: String(this.settings.tokenLifetimeSeconds)
    })
  }

  // ---- service calls -----------------------------------------------------------------------

  /** A signed service call; `signedPath` is the path after `/nicepay`. */
  service(
    operation: Exclude<Operation, "access-token">,
    signedPath: string,
    headers: Readonly<Record<string, string | undefined>>,
    rawBytes: Uint8Array,
    now: number
  ): Outcome {
    const svc = operation === "balance-inquiry" ? "11" : "00"
    for (const name of mandatoryServiceHeaders) {
      if (isMissing(header(headers, name))) return respond(`400${svc}02`, `Invalid Mandatory Field {${name}}`)
    }
    // NICEPAY's own SDKs send CHANNEL-ID in many forms (even empty); only its presence is checked.
    if (header(headers, "CHANNEL-ID") === undefined) {
      return respond(`400${svc}02`, "Invalid Mandatory Field {CHANNEL-ID}")
    }
    const authorization = header(headers, "Authorization")!
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization.trim())
    const token = bearer === null ? undefined : this.tokens.get(bearer[1]!)
    if (bearer === null || token === undefined || now >= token.expiresAt) {
      return respond(`401${svc}01`, "Access Token Invalid")
    }
    const merchant = this.merchants.get(token.clientId)
    if (merchant === undefined || header(headers, "X-PARTNER-ID") !== token.clientId) {
      return respond(`401${svc}00`, "Unauthorized. [X-PARTNER-ID]")
    }
    const timestamp = header(headers, "X-TIMESTAMP")!
    const instant = Timestamp.parse(timestamp)
    if (Either.isLeft(instant)) return respond(`400${svc}01`, "Invalid Field Format {X-TIMESTAMP}")
    if (Math.abs(now - instant.right) > this.settings.timestampToleranceMillis) {
      return respond(`401${svc}00`, "Unauthorized. [X-TIMESTAMP]")
    }
    const signatureValid = Snap.verifyServiceSignature({
      method: "POST",
      path: signedPath,
      accessToken: bearer[1]!,
      body: rawBytes,
      timestamp,
      clientSecret: merchant.clientSecret,
      signature: header(headers, "X-SIGNATURE")!
    })
    if (!signatureValid) return respond(`401${svc}00`, "Unauthorized. [Signature]")
    const raw = Buffer.from(rawBytes).toString("utf8")
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      return respond(`400${svc}00`, "Bad Request")
    }
    if (this.settings.requireMinifiedBody && raw !== JSON.stringify(body)) {
      return respond(`400${svc}00`, "Bad Request. [body is not minified JSON]")
    }
    const externalId = header(headers, "X-EXTERNAL-ID")!
    if (
      externalId.length > 40 ||
      (this.settings.requireNumericExternalId && !/^[0-9]{1,36}$/.test(externalId))
    ) {
      return respond(`400${svc}01`, "Invalid Field Format {X-EXTERNAL-ID}")
    }
    if (this.settings.rejectReusedExternalId) {
      const day = Timestamp.formatWib(now).slice(0, 10)
      if (merchant.externalIdDay !== day) {
        merchant.externalIdDay = day
        merchant.externalIds.clear()
      }
      if (merchant.externalIds.has(externalId)) return respond(`409${svc}00`, "Conflict")
      merchant.externalIds.add(externalId)
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return respond(`400${svc}00`, "Bad Request")
    const fields = body as Record<string, unknown>
    switch (operation) {
      case "balance-inquiry":
        return this.balance(merchant, signedPath, fields)
      case "transfer/registration":
        return this.register(merchant, fields, now)
      case "transfer/inquiry":
        return this.inquiry(merchant, fields)
      case "transfer/approve":
        return this.approve(merchant, fields, now)
      case "transfer/reject":
        return this.reject(merchant, fields, now)
      case "transfer/cancel":
        return this.cancel(merchant, fields, now)
    }
  }

  private balance(merchant: Merchant, signedPath: string, body: Record<string, unknown>): Outcome {
    const legacy = signedPath.includes("/transfer/")
    // The 2023 samples on the legacy path send `merchantId` instead of `accountNo`.
    const accountField = legacy && body.accountNo === undefined ? "merchantId" : "accountNo"
    const invalid = checkFields("11", body, [
      { field: accountField, required: true, check: str(20) },
      { field: "additionalInfo", required: false, check: (v) => typeof v === "object" && !Array.isArray(v) },
      { field: "additionalInfo.msId", required: false, check: str(20) }
    ])
    if (invalid !== undefined) return invalid
    if (body[accountField] !== merchant.clientId)
      return respond("4001101", `Invalid Field Format {${accountField}}`)
    const available = amountObject(merchant.balance)
    return legacy
      ? respond("2001100", "Successful", { accountNo: merchant.clientId, availableBalance: available })
      : respond("2001100", "Successful", {
          accountNo: merchant.clientId,
          accountInfos: [{ availableBalance: available }]
        })
  }

  private register(merchant: Merchant, body: Record<string, unknown>, now: number): Outcome {
    const invalid = checkFields("00", body, registrationRules)
    if (invalid !== undefined) return invalid
    if (body.merchantId !== merchant.clientId) return respond("4000001", "Invalid Field Format {merchantId}")
    const partnerReferenceNo = body.partnerReferenceNo as string
    const existing = this.payout(merchant.clientId, partnerReferenceNo)
    if (existing !== undefined) {
      // NICEPAY documents no body for this answer; naming the existing payout is the simulator's
      // choice (`duplicateAnswerIncludesReference`), which lets a client read it.
      return respond(
        "4090001",
        "Duplicate partnerReferenceNo",
        this.settings.duplicateAnswerIncludesReference
          ? { partnerReferenceNo, originalReferenceNo: existing.originalReferenceNo }
          : { partnerReferenceNo }
      )
    }
    const accountNo = body.beneficiaryAccountNo as string
    const scenario = scenarioOf(accountNo)
    if (scenario === "invalid-account") return respond("4040011", "Invalid Account")
    const amount = Number((body.amount as { value: string }).value.split(".")[0])
    if ((body.amount as { value: string }).value.endsWith(".00") === false) {
      return respond("4000001", "Invalid Field Format {amount.value}")
    }
    if (amount <= 0) return respond("4000001", "Invalid Field Format {amount.value}")
    if (scenario === "no-funds" || amount > merchant.balance) return respond("4030014", "Insufficient Funds")
    const reservedDt = typeof body.reservedDt === "string" ? body.reservedDt : ""
    const reservedTm = typeof body.reservedTm === "string" ? body.reservedTm : ""
    let scheduledAt: number | undefined
    if (reservedDt !== "" || reservedTm !== "") {
      const instant = wibInstant(reservedDt, reservedTm === "" ? "000000" : reservedTm)
      if (instant === undefined) return respond("4000001", "Invalid Field Format {reservedDt}")
      scheduledAt = instant > now ? instant : undefined
    }
    const record = this.save({
      clientId: merchant.clientId,
      partnerReferenceNo,
      originalReferenceNo: this.nextTxid(merchant.clientId, now),
      beneficiaryAccountNo: accountNo,
      beneficiaryName: body.beneficiaryName as string,
      beneficiaryBankCode: body.beneficiaryBankCode as string,
      beneficiaryCustomerResidence: body.beneficiaryCustomerResidence as string,
      beneficiaryCustomerType:
        typeof body.beneficiaryCustomerType === "string" ? body.beneficiaryCustomerType : undefined,
      payoutMethod: body.payoutMethod as string,
      amount,
      status: "03",
      scenario,
      scheduledAt,
      registeredAt: now,
      updatedAt: now
    })
    // NICEPAY spells the account field `beneficiaryaccountNo` in this response only.
    return respond("2000000", "Successful", {
      partnerReferenceNo,
      originalReferenceNo: record.originalReferenceNo,
      beneficiaryaccountNo: record.beneficiaryAccountNo,
      beneficiaryName: record.beneficiaryName,
      beneficiaryBankCode: record.beneficiaryBankCode,
      payoutMethod: record.payoutMethod,
      amount: amountObject(record.amount)
    })
  }

  private find(
    merchant: Merchant,
    body: Record<string, unknown>,
    rules: ReadonlyArray<Rule>
  ): Either.Either<PayoutRecord, Outcome> {
    const invalid = checkFields("00", body, rules)
    if (invalid !== undefined) return Either.left(invalid)
    if (body.merchantId !== merchant.clientId) {
      return Either.left(respond("4000001", "Invalid Field Format {merchantId}"))
    }
    const record = this.payout(merchant.clientId, body.originalPartnerReferenceNo as string)
    if (
      record === undefined ||
      record.originalReferenceNo !== body.originalReferenceNo ||
      (rules === inquiryRules && record.beneficiaryAccountNo !== body.beneficiaryAccountNo)
    ) {
      return Either.left(respond("4040001", "Transaction Not Found"))
    }
    return Either.right(record)
  }

  private payoutFields(record: PayoutRecord): Record<string, unknown> {
    return {
      originalPartnerReferenceNo: record.partnerReferenceNo,
      originalReferenceNo: record.originalReferenceNo,
      beneficiaryAccountNo: record.beneficiaryAccountNo,
      beneficiaryName: record.beneficiaryName,
      beneficiaryBankCode: record.beneficiaryBankCode,
      amount: amountObject(record.amount)
    }
  }

  /** The body of an inquiry answer and of a notification. */
  statusFields(record: PayoutRecord): Record<string, unknown> {
    return {
      merchantId: record.clientId,
      ...this.payoutFields(record),
      beneficiaryCustomerResidence: record.beneficiaryCustomerResidence,
      ...(record.beneficiaryCustomerType === undefined
        ? {}
        : { beneficiaryCustomerType: record.beneficiaryCustomerType }),
      latestTransactionStatus: record.status,
      transactionStatusDesc: statusDescriptions[record.status],
      transactionDate: Timestamp.formatWib(record.updatedAt)
    }
  }

  private inquiry(merchant: Merchant, body: Record<string, unknown>): Outcome {
    return Either.match(this.find(merchant, body, inquiryRules), {
      onLeft: (outcome) => outcome,
      onRight: (record) => respond("2000000", "Successful", this.statusFields(record))
    })
  }

  private transition(record: PayoutRecord, status: Status, now: number): PayoutRecord {
    return this.save({ ...record, status, updatedAt: now })
  }

  private approve(merchant: Merchant, body: Record<string, unknown>, now: number): Outcome {
    const found = this.find(merchant, body, referenceRules)
    if (Either.isLeft(found)) return found.left
    const record = found.right
    if (record.status !== "03") return respond("4040000", "Invalid Transaction Status")
    if (record.amount > merchant.balance) return respond("4030014", "Insufficient Funds")
    merchant.balance -= record.amount
    const settleLater = (to: "00" | "09"): FollowUp => ({
      _tag: "Settle",
      clientId: record.clientId,
      partnerReferenceNo: record.partnerReferenceNo,
      to
    })
    switch (record.scenario) {
      case "suspect-success":
      case "suspect-failed": {
        const suspect = this.transition(record, "08", now)
        return {
          ...respond("2000000", "Successful", { ...this.payoutFields(suspect), transactionStatus: "08" }),
          followUps: [settleLater(record.scenario === "suspect-success" ? "00" : "09")]
        }
      }
      case "in-progress": {
        this.transition(record, "08", now)
        return {
          ...respond("2020000", "Request In Progress", {
            originalPartnerReferenceNo: record.partnerReferenceNo,
            originalReferenceNo: record.originalReferenceNo
          }),
          followUps: [settleLater("00")]
        }
      }
      default: {
        const approved = this.transition(record, "00", now)
        const notify: FollowUp = { _tag: "Notify", payout: approved }
        if (record.scenario === "error-500")
          return { ...respond("5000000", "General Error"), followUps: [notify] }
        if (record.scenario === "timeout-504")
          return { ...respond("5040000", "Timeout"), followUps: [notify] }
        return {
          ...respond("2000000", "Successful", { ...this.payoutFields(approved), transactionStatus: "00" }),
          followUps: [notify]
        }
      }
    }
  }

  private reject(merchant: Merchant, body: Record<string, unknown>, now: number): Outcome {
    const found = this.find(merchant, body, referenceRules)
    if (Either.isLeft(found)) return found.left
    if (found.right.status !== "03") return respond("4040000", "Invalid Transaction Status")
    const rejected = this.transition(found.right, "05", now)
    return {
      ...respond("2000000", "Successful", this.payoutFields(rejected)),
      followUps: [{ _tag: "Notify", payout: rejected }]
    }
  }

  private cancel(merchant: Merchant, body: Record<string, unknown>, now: number): Outcome {
    const found = this.find(merchant, body, referenceRules)
    if (Either.isLeft(found)) return found.left
    const record = found.right
    if (record.status !== "00") return respond("4040000", "Invalid Transaction Status")
    if (record.scheduledAt === undefined || now >= record.scheduledAt) {
      return respond("4050001", "Requested Operation Is Not Allowed")
    }
    merchant.balance += record.amount
    const canceled = this.transition(record, "04", now)
    return {
      ...respond("2000000", "Successful", this.payoutFields(canceled)),
      followUps: [{ _tag: "Notify", payout: canceled }]
    }
  }

  /**
   * Resolves a suspect (`08`) payout to success or failure (refunding on failure). Returns the
   * payout, unchanged when it was not suspect.
   */
  settle(
    clientId: string,
    partnerReferenceNo: string,
    to: "00" | "09",
    now: number
  ): PayoutRecord | undefined {
    const record = this.payout(clientId, partnerReferenceNo)
    if (record === undefined || record.status !== "08") return record
    const merchant = this.merchants.get(clientId)
    if (to === "09" && merchant !== undefined) merchant.balance += record.amount
    return this.transition(record, to, now)
  }
}
