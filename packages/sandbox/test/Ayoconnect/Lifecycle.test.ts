// Time and state: pending settlement, refunds, expiry, duplicates, awaitFinal and callbacks,
// with the simulator on the test's TestClock.
import { createServer, type IncomingMessage, type Server } from "node:http"
import { Ayoconnect as Client, KasirError } from "@kasir/core"
import { Ayoconnect, RequestLog } from "@kasir/sandbox"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Schedule, TestClock } from "effect"
import { account, addressOf, advanceUntilDone, partner, realPause, sandbox } from "./harness.js"

const payFor = (inquiryInput: Client.InquiryInput, refNumber: string, callbackUrls?: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const ayoconnect = yield* Client.Ayoconnect
    const inquiry = yield* ayoconnect.inquiry(inquiryInput)
    return yield* ayoconnect.payment({
      inquiryId: inquiry.inquiryId,
      accountNumber: inquiry.accountNumber,
      productCode: inquiry.productCode,
      amount: inquiry.amount,
      refNumber,
      // The receiver is on loopback: an explicit opt-in, as the library requires for one.
      ...(callbackUrls === undefined ? {} : { callbackUrls, allowPrivateCallbackUrls: true })
    })
  })

describe("Ayoconnect lifecycle: pending settlement", () => {
  it.effect("a pending payment (299) settles to 0 after the configured delay, with its token", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      const outcome = yield* payFor({ accountNumber: "32100123456", productCode: "PLNPRA20" }, "pln-pre-1")
      expect([outcome._tag, outcome.responseCode, outcome.transaction?.token]).toStrictEqual([
        "Pending",
        299,
        ""
      ])
      expect(outcome.message).toStrictEqual({
        ID: "Transaksi sedang dalam proses",
        EN: "Your transaction is processing"
      })
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 22_500))

      const before = yield* ayoconnect.status({ refNumber: "pln-pre-1" })
      expect([before._tag, before.responseCode, before.message.EN]).toStrictEqual([
        "Pending",
        299,
        "Your transaction was being processed"
      ])
      yield* TestClock.adjust("2999 millis")
      expect((yield* ayoconnect.status({ refNumber: "pln-pre-1" }))._tag).toBe("Pending")
      yield* TestClock.adjust("1 millis")
      const after = yield* ayoconnect.status({ refNumber: "pln-pre-1" })
      if (after._tag !== "Succeeded") return expect.unreachable()
      expect(after.responseCode).toBe(0)
      expect(after.transaction.token).toBe("6862-3046-2629-0869-9430")
      expect(after.transaction.productDetails.at(-3)).toStrictEqual({
        key: "Token",
        value: "6862-3046-2629-0869-9430"
      })
      const view = Option.getOrThrow(yield* simulator.transaction(partner.apiKey, "pln-pre-1"))
      expect([view.state, view.settledAt, view.debited, view.refunded]).toStrictEqual([
        "Succeeded",
        3_000,
        true,
        false
      ])
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 22_500))
    }).pipe(Effect.provide(sandbox({ settleAfter: "3 seconds" })))
  )

  it.effect("pending then failed (suffix 9103): refunded exactly once, status carries the typed error", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      const outcome = yield* payFor(
        { accountNumber: account("9103", "08123456"), productCode: "PLSTSEL10" },
        "fail-1"
      )
      expect(outcome._tag).toBe("Pending")
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 10_550))
      yield* TestClock.adjust("5 seconds")
      const status = yield* ayoconnect.status({ refNumber: "fail-1" })
      if (status._tag !== "Failed") return expect.unreachable()
      expect(status.responseCode).toBe(103)
      expect(status.error).toBeInstanceOf(Client.ResponseCode.WrongAccountNumber)
      expect(status.error.kind).toBe("Declined")
      expect(status.message).toStrictEqual({
        ID: "Transaksi Gagal, Nomor yang Anda Masukkan Salah/Expired",
        EN: "Your transaction failed, wrong number"
      })
      expect(status.transaction?.token).toBe("N/A")
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000))
      // Settling again changes nothing: never refunded twice.
      expect(yield* simulator.settle({ apiKey: partner.apiKey, refNumber: "fail-1", to: 100 })).toStrictEqual(
        Option.none()
      )
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000))
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "a restore in the same simulator settles a pending payment once: refunded once, no second debit",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        yield* payFor({ accountNumber: account("9103", "08123456"), productCode: "PLSTSEL10" }, "restored-1")
        expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 10_550))
        // The settlement scheduled before the restore and the one the restore schedules are the same
        // settlement: it happens once.
        yield* simulator.restore(yield* simulator.snapshot)
        yield* TestClock.adjust("5 seconds")
        const view = Option.getOrThrow(yield* simulator.transaction(partner.apiKey, "restored-1"))
        expect([view.state, view.responseCode, view.refunded]).toStrictEqual(["Failed", 103, true])
        expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000))
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect("awaitFinal follows a pending payment to its final state on its schedule", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const log = yield* RequestLog.RequestLog
      yield* payFor({ accountNumber: "081234567890", productCode: "PLSTSEL10" }, "await-1")
      const fiber = yield* Effect.fork(
        ayoconnect.awaitFinal({ refNumber: "await-1" }, Schedule.spaced("2 seconds"))
      )
      const final = yield* advanceUntilDone(fiber, "1 second")
      expect([final._tag, final.responseCode]).toStrictEqual(["Succeeded", 0])
      const polls = (yield* log.entries).filter((entry) => entry.operation === "bill/status")
      // t = 0, 2, 4 pending; t = 6 after settlement at 5.
      expect(polls.map((entry) => [entry.receivedAt, entry.responseCode])).toStrictEqual([
        [0, "299"],
        [2_000, "299"],
        [4_000, "299"],
        [6_000, "0"]
      ])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("awaitFinal gives up with StillPending when the schedule ends (suffix 299 never settles)", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      yield* payFor({ accountNumber: account("299"), productCode: "PLSTSEL10" }, "forever-1")
      const fiber = yield* Effect.fork(
        Effect.flip(
          ayoconnect.awaitFinal(
            { refNumber: "forever-1" },
            Schedule.recurs(3).pipe(Schedule.addDelay(() => "1 second"))
          )
        )
      )
      const error = yield* advanceUntilDone(fiber, "1 second")
      expect(error).toStrictEqual(new Client.StillPending({ refNumber: "forever-1", responseCode: 299 }))
      expect(error.kind).toBe("OutcomeUnknown")
    }).pipe(Effect.provide(sandbox()))
  )
})

describe("Ayoconnect lifecycle: every category pays", () => {
  it.effect(
    "one payment per category reaches its final state with a token of its kind, debited exactly",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        const cases: ReadonlyArray<readonly [Client.InquiryInput, "Succeeded" | "Pending", RegExp]> = [
          [{ accountNumber: "081234567890", productCode: "PPLSIND12" }, "Pending", /^19\d{14}$/],
          [{ accountNumber: "081234567890", productCode: "PDTSEL5GB" }, "Succeeded", /^19\d{14}$/],
          [{ accountNumber: "32100123456", productCode: "PLNPRA20" }, "Pending", /^(\d{4}-){4}\d{4}$/],
          [{ accountNumber: "516070377777", productCode: "TLSTPOS" }, "Succeeded", /^\d{16}$/],
          [{ accountNumber: "8888801234567890", productCode: "BPJSKES", month: 3 }, "Pending", /^\d{16}$/],
          [
            { accountNumber: "12345678", productCode: "GMLBB86", zoneId: "2001" },
            "Succeeded",
            /^MLBB\d{12}$/
          ],
          [{ accountNumber: "081234567890", productCode: "OVOOPEN", amount: 25_000 }, "Pending", /^\d{16}$/],
          [{ accountNumber: "081234567890", productCode: "DANA50" }, "Succeeded", /^\d{16}$/],
          [{ accountNumber: "081234567890", productCode: "PVDGAF50" }, "Succeeded", /^AF50\d{12}$/],
          [{ accountNumber: "buyer@example.com", productCode: "PGPLGL20" }, "Succeeded", /^GL20\d{12}$/],
          [{ accountNumber: "1234567890123", productCode: "INDIHOME" }, "Succeeded", /^\d{16}$/]
        ]
        let total = 0
        for (const [index, [input, first, token]] of cases.entries()) {
          const inquiry = yield* ayoconnect.inquiry(input)
          total += inquiry.amount
          const outcome = yield* payFor(input, `cat-${index}`)
          expect([input.productCode, outcome._tag]).toStrictEqual([input.productCode, first])
          expect(outcome.transaction?.amount).toBe(inquiry.amount)
          if (first === "Succeeded") expect(outcome.transaction?.token).toMatch(token)
        }
        yield* TestClock.adjust("5 seconds")
        for (const [index, [input, , token]] of cases.entries()) {
          const status = yield* ayoconnect.status({ refNumber: `cat-${index}` })
          if (status._tag !== "Succeeded") return expect.unreachable()
          expect([input.productCode, status.transaction.token]).toStrictEqual([
            input.productCode,
            expect.stringMatching(token)
          ])
          expect(status.transaction.productCode).toBe(input.productCode)
        }
        expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - total))
      }).pipe(Effect.provide(sandbox()))
  )
})

describe("Ayoconnect lifecycle: inquiries and duplicates", () => {
  it.effect("an inquiry expires after its TTL (312); a fresh inquiry pays under the same refNumber", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "DANA50" })
      yield* TestClock.adjust("15 minutes")
      const expired = yield* Effect.flip(
        ayoconnect.payment({
          inquiryId: inquiry.inquiryId,
          accountNumber: inquiry.accountNumber,
          productCode: inquiry.productCode,
          amount: inquiry.amount,
          refNumber: "late-1"
        })
      )
      expect(expired._tag).toBe("InquiryExpired")
      expect(expired._tag === "InquiryExpired" && expired.responseCode).toBe(312)
      const paid = yield* payFor({ accountNumber: "081234567890", productCode: "DANA50" }, "late-1")
      expect([paid._tag, paid.responseCode]).toStrictEqual(["Succeeded", 0])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("a reused refNumber is answered 102 without a second debit: OutcomeUnknown, then status", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      const log = yield* RequestLog.RequestLog
      yield* payFor({ accountNumber: "081234567890", productCode: "PVDGAF50" }, "dup-1")
      const again = yield* Effect.flip(
        payFor({ accountNumber: "081234567890", productCode: "PVDGAF50" }, "dup-1")
      )
      expect(again).toStrictEqual(
        new KasirError.OutcomeUnknown({
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: "dup-1",
          references: { refNumber: "dup-1" },
          reason: "duplicate transaction",
          causeTag: "DuplicateTransaction",
          upstreamCode: "102"
        })
      )
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 51_500))
      const payments = (yield* log.entries).filter((entry) => entry.operation === "bill/payment")
      expect(payments.map((entry) => entry.responseCode)).toStrictEqual(["0", "102"])
      const recovered = yield* ayoconnect.recoverPayment("dup-1")
      if (recovered._tag !== "Found") return expect.unreachable()
      expect([recovered.status._tag, recovered.status.responseCode]).toStrictEqual(["Succeeded", 0])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("suffix 108: processed but answered duplicate; status shows it succeeded", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const error = yield* Effect.flip(
        payFor({ accountNumber: account("108"), productCode: "DANA50" }, "d108")
      )
      expect(error).toStrictEqual(
        new KasirError.OutcomeUnknown({
          provider: "ayoconnect",
          operation: "payment",
          referenceField: "refNumber",
          reference: "d108",
          references: { refNumber: "d108" },
          reason: "duplicate transaction",
          causeTag: "DuplicateTransaction",
          upstreamCode: "108"
        })
      )
      const status = yield* ayoconnect.status({ refNumber: "d108" })
      expect([status._tag, status.responseCode]).toStrictEqual(["Succeeded", 0])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("status of an unknown refNumber: TransactionNotFound (188); recoverPayment says NotCreated", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const error = yield* Effect.flip(ayoconnect.status({ refNumber: "never-sent" }))
      expect(error._tag).toBe("TransactionNotFound")
      expect(error._tag === "TransactionNotFound" && error.upstreamMessage).toStrictEqual({
        ID: "transaksi tidak tersedia",
        EN: "transaction is not available"
      })
      expect(yield* ayoconnect.recoverPayment("never-sent")).toStrictEqual(
        Client.Recovery.NotCreated({ refNumber: "never-sent" })
      )
    }).pipe(Effect.provide(sandbox()))
  )
})

// A partner's callback endpoint: answers the scripted statuses in turn (then 200), records bodies.
let receiver: Server
let receiverUrl = ""
const received: Array<{
  readonly path: string
  readonly body: string
  readonly contentType: string | undefined
  readonly authorization: string | undefined
}> = []
let script: Array<number> = []

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
  })

beforeAll(async () => {
  receiver = createServer(async (request, response) => {
    received.push({
      path: request.url ?? "",
      body: await readBody(request),
      contentType: request.headers["content-type"],
      authorization: request.headers.authorization
    })
    response.writeHead(script.shift() ?? 200).end("ok")
  })
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
  receiverUrl = `http://127.0.0.1:${addressOf(receiver)}`
})

afterAll(async () => {
  receiver.closeAllConnections()
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

beforeEach(() => {
  received.length = 0
  script = []
})

// Waits (real time) until the simulator has seen `count` answers to its callback attempts.
const waitForAttempts = (count: number) =>
  Effect.gen(function* () {
    const simulator = yield* Ayoconnect.AyoconnectSimulator
    for (let i = 0; i < 200; i++) {
      const attempts = (yield* simulator.callbacks).reduce(
        (sum, delivery) => sum + delivery.attempts.length,
        0
      )
      if (attempts >= count) break
      yield* realPause(10)
    }
    // Let the delivery fiber register its next wait before the clock moves.
    yield* realPause(10)
  })

describe.sequential("Ayoconnect lifecycle: callbacks", () => {
  it.effect(
    "posts the status-shaped result to callbackUrls, retries until 200, and confirmCallback re-reads status",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        script = [500, 404]
        yield* payFor({ accountNumber: "081234567890", productCode: "PLSTSEL10" }, "cb-1", [
          `${receiverUrl}/hook/a`
        ])
        yield* TestClock.adjust("5 seconds")
        yield* waitForAttempts(1)
        expect(received.length).toBe(1)
        yield* TestClock.adjust("4 seconds")
        yield* realPause(30)
        expect(received.length).toBe(1)
        yield* TestClock.adjust("1 second")
        yield* waitForAttempts(2)
        expect(received.length).toBe(2)
        yield* TestClock.adjust("10 seconds")
        yield* waitForAttempts(3)
        expect(received.map((callback) => callback.path)).toStrictEqual(["/hook/a", "/hook/a", "/hook/a"])
        expect(received[0]!.contentType).toBe("application/json")
        expect(yield* simulator.callbacks).toStrictEqual([
          {
            refNumber: "cb-1",
            url: `${receiverUrl}/hook/a`,
            responseCode: 0,
            attempts: [500, 404, 200],
            delivered: true
          }
        ])

        const body = received[2]!.body
        const claimed = yield* ayoconnect.decodeCallback(body)
        const confirmed = yield* ayoconnect.confirmCallback(new TextEncoder().encode(body))
        const status = yield* ayoconnect.status({ refNumber: "cb-1" })
        expect(claimed._tag).toBe("Succeeded")
        expect(confirmed).toStrictEqual(status)
        expect(claimed).toStrictEqual(status)
        expect(JSON.parse(body).data.productDetails[0].key).toBe("Serial Nomor")
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "stops after the bounded retries; a failed settlement is called back too; the partner default URL is used",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        yield* simulator.registerPartner({ ...partner, callbackUrl: `${receiverUrl}/default` })
        script = [503, 503, 503, 503, 503]
        yield* payFor({ accountNumber: account("9100", "08123456"), productCode: "PLSTSEL10" }, "cb-2")
        const steps = ["5 seconds", "1 second", "2 seconds"] as const
        for (const [index, step] of steps.entries()) {
          yield* TestClock.adjust(step)
          yield* waitForAttempts(index + 1)
        }
        yield* TestClock.adjust("1 hour")
        yield* realPause(40)
        const deliveries = yield* simulator.callbacks
        expect(deliveries).toStrictEqual([
          {
            refNumber: "cb-2",
            url: `${receiverUrl}/default`,
            responseCode: 100,
            attempts: [503, 503, 503],
            delivered: false
          }
        ])
        const claimed = yield* ayoconnect.decodeCallback(received[0]!.body)
        if (claimed._tag !== "Failed") return expect.unreachable()
        expect(claimed.error._tag).toBe("OperatorError")
      }).pipe(Effect.provide(sandbox({ callbackRetryDelays: ["1 second", "2 seconds"] })))
  )

  it.effect("the partner's callback credentials go with every callback as HTTP Basic", () =>
    Effect.gen(function* () {
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      yield* simulator.registerPartner({
        ...partner,
        callbackUrl: `${receiverUrl}/basic`,
        callbackCredentials: { username: "ayo-callbacks", password: "s3cret:with-colon" }
      })
      yield* payFor({ accountNumber: "081234567890", productCode: "PLSTSEL10" }, "cb-basic-1")
      yield* TestClock.adjust("5 seconds")
      yield* waitForAttempts(1)
      expect(received.map((callback) => [callback.path, callback.authorization])).toStrictEqual([
        ["/basic", `Basic ${Buffer.from("ayo-callbacks:s3cret:with-colon").toString("base64")}`]
      ])
      // The password stays out of the deliveries the simulator reports.
      expect(JSON.stringify(yield* simulator.callbacks)).not.toContain("s3cret")
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("a forged callback is only a hint: confirmCallback returns what status says", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      yield* payFor({ accountNumber: account("299"), productCode: "PLSTSEL10" }, "forged-1")
      const forged = JSON.stringify({
        responseCode: 0,
        success: true,
        message: { ID: "Transaksi Anda Telah Berhasil", EN: "Your transaction was successful" },
        data: { refNumber: "forged-1", transactionId: 1, accountNumber: "x", amount: 1, token: "FAKE" }
      })
      expect((yield* ayoconnect.decodeCallback(forged))._tag).toBe("Succeeded")
      const confirmed = yield* ayoconnect.confirmCallback(forged)
      expect([confirmed._tag, confirmed.responseCode]).toStrictEqual(["Pending", 299])
      const invalid = yield* Effect.flip(ayoconnect.decodeCallback("<html>"))
      expect(invalid).toStrictEqual(new Client.InvalidCallback({ detail: "the body is not JSON" }))
      expect(Either.isLeft(Client.Callback.decode(JSON.stringify({ responseCode: 188, data: {} })))).toBe(
        true
      )
    }).pipe(Effect.provide(sandbox()))
  )
})
