// The core client against the simulator over loopback HTTP: every operation and category.
import { Ayoconnect as Client, Money, type KasirError } from "@kasir/core"
import { Ayoconnect, RequestLog } from "@kasir/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { partner, sandbox } from "./harness.js"

const paidAt = { key: "Tanggal & Waktu Pembayaran", value: "01 Jan 1970 | 07:00" }

describe("Ayoconnect client ↔ simulator: reads", () => {
  it.effect("balance: the partner's deposit as Rupiah", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const balance = yield* ayoconnect.balance()
      expect(balance).toStrictEqual({
        balance: Money.rupiah(10_000_000),
        currency: "IDR",
        partnerId: partner.apiKey
      })
      expect(Money.format(balance.balance)).toBe("Rp 10.000.000")
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("products: the catalogue, every category present", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const products = yield* ayoconnect.products()
      expect(products.map((product) => product.code)).toStrictEqual(
        Ayoconnect.Catalogue.products.map((product) => product.code)
      )
      expect(new Set(products.map((product) => product.category))).toStrictEqual(
        new Set([
          "Pulsa",
          "Paket Data",
          "Listrik",
          "BPJS",
          "Voucher Game",
          "eMoney",
          "Voucher Digital",
          "Google Play",
          "Internet dan TV Kabel"
        ])
      )
      expect(products.find((product) => product.code === "PLSXL5")?.active).toBe(false)
      expect(products.find((product) => product.code === "PLNPRA20")).toStrictEqual({
        code: "PLNPRA20",
        name: "PLN Token 20.000",
        description: "Token listrik PLN prabayar Rp 20.000",
        logo: "https://sandbox.kasir.invalid/logo/plnpra20.png",
        amount: 20_000,
        adminFee: 2_500,
        biller: "PLN",
        category: "Listrik",
        type: "prepaid",
        active: true
      })
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("the wire: one POST per call, the body is the token's payload, byte for byte", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const log = yield* RequestLog.RequestLog
      yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PLSTSEL10" })
      const [entry] = yield* log.entries
      expect(entry!.path).toBe("/api/v2/bill/check")
      expect(entry!.headers.key).toBe(partner.apiKey)
      expect(entry!.headers.version).toBe("2.0")
      expect(entry!.headers["content-type"]).toBe("application/json")
      expect(entry!.body).toBe(
        `{"partnerId":"${partner.apiKey}","accountNumber":"081234567890","productCode":"PLSTSEL10"}`
      )
      const payload = Buffer.from(entry!.headers.token!.split(".")[1]!, "base64url").toString("utf8")
      expect(payload).toBe(entry!.body)
      expect(entry!.headers.traceparent).toBeUndefined()
      expect(entry!.headers.b3).toBeUndefined()
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("API version 1: /api/v1 paths, VERSION 1.0, and v1's customerDetail spelling decoded", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const log = yield* RequestLog.RequestLog
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "516070377776", productCode: "TLSTPOS" })
      expect(inquiry.customerDetails).toStrictEqual([
        { key: "Nama Pelanggan", value: "AGUS PRASETYO" },
        paidAt,
        { key: "Nomor Pelanggan", value: "516070377776" }
      ])
      const [entry] = yield* log.entries
      expect([entry!.path, entry!.headers.version]).toStrictEqual(["/api/v1/bill/check", "1.0"])
    }).pipe(Effect.provide(sandbox({}, { apiVersion: 1 })))
  )
})

describe("Ayoconnect client ↔ simulator: inquiry per category", () => {
  it.effect("Pulsa: price only, the prepaid sample's empty customerDetail", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PLSTSEL10" })
      expect(inquiry).toStrictEqual({
        inquiryId: 2_692_552,
        accountNumber: "081234567890",
        customerName: "",
        productName: "Telkomsel Pulsa 10.000",
        productCode: "PLSTSEL10",
        category: "Pulsa",
        amount: 10_550,
        totalAdmin: 0,
        processingFee: 0,
        denom: "",
        validity: "",
        customerDetails: [],
        billDetails: [],
        productDetails: [],
        extraFields: []
      })
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("Paket Data: price and validity", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PDTSEL5GB" })
      expect([inquiry.category, inquiry.amount, inquiry.validity]).toStrictEqual([
        "Paket Data",
        55_000,
        "30 Hari"
      ])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("PLN prepaid: meter, tariff, price plus admin", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "32100123456", productCode: "PLNPRA20" })
      expect(inquiry.amount).toBe(22_500)
      expect(inquiry.totalAdmin).toBe(2_500)
      expect(inquiry.customerName).toBe("DEWI LESTARI")
      expect(inquiry.productDetails).toStrictEqual([
        { key: "No Meter", value: "32100123456" },
        { key: "Tarif/Daya", value: "R1 /1300 VA" }
      ])
      expect(inquiry.billDetails).toStrictEqual([
        {
          billId: "1",
          billInfo: [{ key: "Nominal", value: "20000" }],
          isMandatory: true,
          key: "Harga Produk",
          value: 20_000
        },
        { billId: "0", billInfo: [], isMandatory: true, key: "Biaya Administrasi", value: 2_500 }
      ])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("PLN postpaid: three months of arrears, admin per month, the total is the sum", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "516070377775", productCode: "TLSTPOS" })
      expect(inquiry.customerName).toBe("NUR AINI")
      expect(inquiry.billDetails.map((bill) => [bill.billId, bill.key, bill.value])).toStrictEqual([
        ["1", "Jumlah Tagihan", 38_220],
        ["2", "Jumlah Tagihan", 39_220],
        ["3", "Jumlah Tagihan", 37_220],
        ["0", "Biaya Administrasi", 9_000]
      ])
      expect(inquiry.billDetails[0]!.billInfo).toStrictEqual([
        { key: "Rp Tag PLN", value: "35220" },
        { key: "Denda", value: "3000" },
        { key: "Jatuh Tempo", value: "20101969" },
        { key: "Insentif", value: "D0000000000" },
        { key: "Pemakaian", value: "341 kWh" },
        { key: "Stand Meter", value: "470300-470641" },
        { key: "Bulan", value: "Oct69" }
      ])
      expect([inquiry.amount, inquiry.totalAdmin]).toStrictEqual([123_660, 9_000])
      expect(inquiry.amount).toBe(inquiry.billDetails.reduce((sum, bill) => sum + Number(bill.value), 0))
      expect(inquiry.productDetails[0]).toStrictEqual({ key: "Total LBR Tagihan", value: "3 Bulan" })
      expect(inquiry.extraFields).toStrictEqual([
        { key: "Info", value: "PLN menyatakan struk ini sebagai bukti pembayaran yang sah. Terima kasih." }
      ])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("BPJS: month is required (RC 321 without it) and multiplies the premium", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const missing = yield* Effect.flip(
        ayoconnect.inquiry({ accountNumber: "8888801234567890", productCode: "BPJSKES" })
      )
      expect(missing._tag).toBe("BadRequest")
      expect(missing.kind).toBe("InvalidRequest")
      const inquiry = yield* ayoconnect.inquiry({
        accountNumber: "8888801234567890",
        productCode: "BPJSKES",
        month: 2
      })
      expect([inquiry.category, inquiry.amount, inquiry.totalAdmin]).toStrictEqual(["BPJS", 72_500, 2_500])
      expect(inquiry.billDetails[0]).toStrictEqual({
        billId: "1",
        billInfo: [
          { key: "Jumlah Peserta", value: "1" },
          { key: "Periode", value: "2 Bulan" }
        ],
        isMandatory: true,
        key: "Total Iuran",
        value: 70_000
      })
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("Games voucher: zoneId is required and shows in customerDetails", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const missing = yield* Effect.flip(
        ayoconnect.inquiry({ accountNumber: "12345678", productCode: "GMLBB86" })
      )
      expect(missing._tag).toBe("BadRequest")
      const inquiry = yield* ayoconnect.inquiry({
        accountNumber: "12345678",
        productCode: "GMLBB86",
        zoneId: "2001"
      })
      expect(inquiry.customerDetails).toStrictEqual([
        { key: "User ID", value: "12345678" },
        { key: "Zone ID", value: "2001" },
        { key: "Nickname", value: "Player6189" }
      ])
      expect(inquiry.amount).toBe(22_000)
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "E-wallet open amount: amount required, minimum enforced with RC 313 and data, extra fields kept",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const missing = yield* Effect.flip(
          ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "OVOOPEN" })
        )
        expect(missing._tag).toBe("BadRequest")
        const low = yield* Effect.flip(
          ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "OVOOPEN", amount: 200 })
        )
        expect(low._tag).toBe("InquiryMismatch")
        expect(low._tag === "InquiryMismatch" && low.upstreamMessage.EN).toBe(
          "The inquiry amount must be greater than the minimum plus admin fees"
        )
        expect(low._tag === "InquiryMismatch" && (low.data as { amount: number }).amount).toBe(1_200)
        const inquiry = yield* ayoconnect.inquiry({
          accountNumber: "081234567890",
          productCode: "OVOOPEN",
          amount: 150_000
        })
        expect([inquiry.category, inquiry.amount, inquiry.totalAdmin]).toStrictEqual([
          "eMoney",
          151_000,
          1_000
        ])
        expect(inquiry.requestId).toBe(`REQ${inquiry.inquiryId}`)
        expect(inquiry.refNumber).toBe(String(inquiry.inquiryId * 10 + 7))
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect("E-wallet closed amount, digital voucher, Google Play (e-mail account), internet & TV", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const dana = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "DANA50" })
      const voucher = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PVDGAF50" })
      const play = yield* ayoconnect.inquiry({ accountNumber: "buyer@example.com", productCode: "PGPLGL20" })
      const indihome = yield* ayoconnect.inquiry({ accountNumber: "1234567890123", productCode: "INDIHOME" })
      expect([dana.category, dana.amount]).toStrictEqual(["eMoney", 51_000])
      expect([voucher.category, voucher.amount, voucher.validity]).toStrictEqual([
        "Voucher Digital",
        51_500,
        "30 Hari"
      ])
      expect(voucher.billDetails.map((bill) => bill.key)).toStrictEqual([
        "Harga Produk",
        "Biaya Administrasi"
      ])
      expect([play.category, play.amount, play.customerDetails]).toStrictEqual([
        "Google Play",
        20_000,
        [{ key: "Email", value: "buyer@example.com" }]
      ])
      expect([indihome.category, indihome.amount]).toStrictEqual(["Internet dan TV Kabel", 412_500])
      expect(indihome.billDetails[0]!.billInfo).toStrictEqual([{ key: "Bulan", value: "Dec69" }])
      expect(indihome.productDetails).toStrictEqual([{ key: "Periode", value: "12/1969" }])
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect("natural refusals: unknown product 341, inactive product 311, malformed account 304", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const unknown = yield* Effect.flip(
        ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "NOPE" })
      )
      const inactive = yield* Effect.flip(
        ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PLSXL5" })
      )
      const malformed = yield* Effect.flip(
        ayoconnect.inquiry({ accountNumber: "12ab", productCode: "PLNPRA20" })
      )
      expect([unknown._tag, unknown._tag === "ProductNotFound" && unknown.responseCode]).toStrictEqual([
        "ProductNotFound",
        341
      ])
      expect([inactive._tag, inactive._tag === "ProductUnavailable" && inactive.responseCode]).toStrictEqual([
        "ProductUnavailable",
        311
      ])
      expect([
        malformed._tag,
        malformed._tag === "WrongAccountNumber" && malformed.responseCode
      ]).toStrictEqual(["WrongAccountNumber", 304])
      expect(malformed.kind).toBe("Declined")
    }).pipe(Effect.provide(sandbox()))
  )
})

describe("Ayoconnect client ↔ simulator: payment", () => {
  it.effect("an instant product succeeds at once (Paket Data answers RC 4) and debits the deposit once", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const simulator = yield* Ayoconnect.AyoconnectSimulator
      const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PDTSEL5GB" })
      const outcome = yield* ayoconnect.payment({
        inquiryId: inquiry.inquiryId,
        accountNumber: inquiry.accountNumber,
        productCode: inquiry.productCode,
        amount: inquiry.amount,
        refNumber: "data-0001"
      })
      expect(outcome._tag).toBe("Succeeded")
      expect(outcome.responseCode).toBe(4)
      expect(outcome.message).toStrictEqual({
        ID: "Transaksi Anda Telah Berhasil",
        EN: "Your transaction was successful"
      })
      expect(outcome.transaction?.token).toBe("1964068991918047")
      expect(outcome.transaction?.transactionId).toBe(112_247)
      expect(outcome.transaction?.productDetails).toStrictEqual([
        { key: "Serial Nomor", value: "1964068991918047" },
        { key: "Nomor Referensi", value: "AYO0000112247" }
      ])
      expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 55_000))
      expect((yield* ayoconnect.balance()).balance).toBe(9_945_000)
      const status = yield* ayoconnect.status({ refNumber: "data-0001" })
      expect(status._tag).toBe("Succeeded")
      // Status bodies send bill values as strings: still Rupiah once decoded.
      expect(status._tag === "Succeeded" && status.transaction.token).toBe("1964068991918047")
    }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "PLN postpaid pays the exact inquiry amount; status returns the bills with string values decoded",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const inquiry = yield* ayoconnect.inquiry({ accountNumber: "516070377775", productCode: "TLSTPOS" })
        const outcome = yield* ayoconnect.payment({
          inquiryId: inquiry.inquiryId,
          accountNumber: inquiry.accountNumber,
          productCode: inquiry.productCode,
          amount: inquiry.amount,
          refNumber: "pln-post-1",
          buyerDetails: { buyerEmail: "buyer@example.com", publicBuyerId: "B-1" }
        })
        expect([outcome._tag, outcome.responseCode, outcome.transaction?.amount]).toStrictEqual([
          "Succeeded",
          0,
          123_660
        ])
        const status = yield* ayoconnect.status({ refNumber: "pln-post-1" })
        if (status._tag !== "Succeeded") return expect.unreachable()
        expect(
          status.transaction.billDetails.map((bill) => [bill.billId, bill.value, bill.isMandatory])
        ).toStrictEqual([
          ["1", 38_220, undefined],
          ["2", 39_220, undefined],
          ["3", 37_220, undefined],
          ["0", 9_000, undefined]
        ])
        expect(status.transaction.customerName).toBe("NUR AINI")
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect(
    "natural payment refusals are not recorded: 313, 114, 185 (unknown or used), 186, 199 (deposit)",
    () =>
      Effect.gen(function* () {
        const ayoconnect = yield* Client.Ayoconnect
        const simulator = yield* Ayoconnect.AyoconnectSimulator
        const inquiry = yield* ayoconnect.inquiry({ accountNumber: "081234567890", productCode: "PLSTSEL10" })
        const base = {
          inquiryId: inquiry.inquiryId,
          accountNumber: inquiry.accountNumber,
          productCode: inquiry.productCode,
          amount: inquiry.amount,
          refNumber: "refused-1"
        }
        const codeOf = (input: Client.PaymentInput) =>
          Effect.map(Effect.flip(ayoconnect.payment(input)), (error) => [
            error._tag,
            "responseCode" in error ? error.responseCode : undefined
          ])
        expect(yield* codeOf({ ...base, accountNumber: "081299999999" })).toStrictEqual([
          "InquiryMismatch",
          313
        ])
        expect(yield* codeOf({ ...base, amount: 10_000 })).toStrictEqual(["AmountMismatch", 114])
        expect(yield* codeOf({ ...base, inquiryId: 1 })).toStrictEqual(["InquiryNotFound", 185])
        expect(yield* codeOf({ ...base, productCode: "NOPE" })).toStrictEqual(["ProductNotFound", 186])
        yield* simulator.setBalance(partner.apiKey, 100)
        const insufficient = yield* Effect.flip(ayoconnect.payment(base))
        expect(insufficient._tag).toBe("GeneralFailure")
        expect(insufficient._tag === "GeneralFailure" && insufficient.upstreamMessage.EN).toBe(
          "Insufficient deposit balance"
        )
        yield* simulator.setBalance(partner.apiKey, 10_000_000)
        // None of the refusals created anything: the same refNumber still works.
        expect((yield* ayoconnect.recoverPayment("refused-1"))._tag).toBe("NotCreated")
        const paid = yield* ayoconnect.payment(base)
        expect(paid._tag).toBe("Pending")
        // The inquiry is used now.
        const reused = yield* Effect.flip(ayoconnect.payment({ ...base, refNumber: "refused-2" }))
        expect(reused._tag).toBe("InquiryNotFound")
        expect(yield* simulator.balance(partner.apiKey)).toStrictEqual(Option.some(10_000_000 - 10_550))
      }).pipe(Effect.provide(sandbox()))
  )

  it.effect("input is validated before anything is sent, naming the field", () =>
    Effect.gen(function* () {
      const ayoconnect = yield* Client.Ayoconnect
      const log = yield* RequestLog.RequestLog
      const good = {
        inquiryId: 1,
        accountNumber: "081234567890",
        productCode: "PLSTSEL10",
        amount: 10_550,
        refNumber: "ok-1"
      }
      const fieldOf = (effect: Effect.Effect<unknown, { readonly _tag: string }>) =>
        Effect.map(Effect.flip(effect), (error) =>
          error._tag === "InvalidInput" ? (error as KasirError.InvalidInput).field : error._tag
        )
      expect(yield* fieldOf(ayoconnect.payment({ ...good, amount: 10.5 }))).toBe("amount")
      expect(yield* fieldOf(ayoconnect.payment({ ...good, amount: -1 }))).toBe("amount")
      expect(yield* fieldOf(ayoconnect.payment({ ...good, refNumber: "has space" }))).toBe("refNumber")
      expect(yield* fieldOf(ayoconnect.payment({ ...good, inquiryId: 0 }))).toBe("inquiryId")
      expect(yield* fieldOf(ayoconnect.payment({ ...good, callbackUrls: ["ftp://x"] }))).toBe(
        "callbackUrls.0"
      )
      // Callback URLs receive the partner's callback credentials: https to public hosts only,
      // unless the caller opts in.
      const refusedUrl = (url: string) =>
        Effect.map(
          Effect.flip(ayoconnect.payment({ ...good, callbackUrls: ["https://hooks.example.com/ok", url] })),
          (e) =>
            e._tag === "InvalidInput"
              ? `${(e as KasirError.InvalidInput).field}: ${(e as KasirError.InvalidInput).reason}`
              : e._tag
        )
      const privateRefusal =
        "callbackUrls.1: points at a loopback, private, link-local or metadata address (set allowPrivateCallbackUrls to allow it)"
      expect(yield* refusedUrl("http://127.0.0.1:18090/hook")).toBe(
        "callbackUrls.1: must be https (set allowPrivateCallbackUrls to allow others)"
      )
      for (const url of [
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1/hook",
        "https://2130706433/hook",
        "https://10.1.2.3/hook",
        "https://172.20.0.1/hook",
        "https://192.168.1.1/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://localhost/hook",
        "https://metadata.google.internal/computeMetadata"
      ]) {
        expect(yield* refusedUrl(url)).toBe(privateRefusal)
      }
      expect(yield* fieldOf(ayoconnect.inquiry({ accountNumber: "", productCode: "PLSTSEL10" }))).toBe(
        "accountNumber"
      )
      expect(
        yield* fieldOf(ayoconnect.inquiry({ accountNumber: "0812", productCode: "PLSTSEL10", month: 0 }))
      ).toBe("month")
      expect(yield* fieldOf(ayoconnect.status({ refNumber: "" }))).toBe("refNumber")
      const error = yield* Effect.flip(ayoconnect.payment({ ...good, amount: 10.5 }))
      expect(error.kind).toBe("InvalidRequest")
      expect(error.message).toBe(
        "ayoconnect.payment: invalid amount: an amount must be whole rupiah, got 10.5"
      )
      expect(yield* log.entries).toStrictEqual([])
    }).pipe(Effect.provide(sandbox()))
  )
})
