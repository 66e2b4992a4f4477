/**
 * The simulator's product catalogue and the bills it quotes.
 *
 * One product (or more) per category the upstream documents — Pulsa, Paket Data, PLN prepaid,
 * PLN postpaid, BPJS, games vouchers, e-wallet (open and closed amount), digital vouchers,
 * Google Play, internet & TV — with details shaped like the upstream's samples. Everything a
 * quote contains is derived from the account number, so the same request always gets the same
 * customer, bills and amounts.
 */
import * as Wib from "../internal/wib.js"

/**
 * How a product is priced and what its inquiry needs.
 */
export type Kind =
  | "pulsa"
  | "data"
  | "pln-prepaid"
  | "pln-postpaid"
  | "bpjs"
  | "game"
  | "ewallet-open"
  | "ewallet"
  | "voucher"
  | "google-play"
  | "internet"

/**
 * A product of the catalogue.
 */
export interface Product {
  readonly code: string
  readonly name: string
  readonly description: string
  readonly category: string
  readonly biller: string
  readonly type: "prepaid" | "postpaid"
  readonly kind: Kind
  /** The product price in rupiah; 0 for postpaid and open-amount products (the inquiry prices them). */
  readonly price: number
  readonly adminFee: number
  readonly active: boolean
  /** `pending`: the payment answers 299 and settles later; `instant`: it answers `successCode` at once. */
  readonly settlement: "instant" | "pending"
  readonly successCode: number
  readonly openAmount?: { readonly min: number; readonly max: number } | undefined
}

/**
 * The catalogue.
 */
export const products: ReadonlyArray<Product> = [
  {
    code: "PLSTSEL10",
    name: "Telkomsel Pulsa 10.000",
    description: "Pulsa Telkomsel Rp 10.000",
    category: "Pulsa",
    biller: "Telkomsel",
    type: "prepaid",
    kind: "pulsa",
    price: 10_550,
    adminFee: 0,
    active: true,
    settlement: "pending",
    successCode: 0
  },
  {
    code: "PPLSIND12",
    name: "Indosat Pulsa 12.000 -AR",
    description: "Pulsa Indosat Rp 12.000",
    category: "Pulsa",
    biller: "Indosat",
    type: "prepaid",
    kind: "pulsa",
    price: 12_300,
    adminFee: 0,
    active: true,
    settlement: "pending",
    successCode: 0
  },
  {
    code: "PLSXL5",
    name: "XL Pulsa 5.000",
    description: "Pulsa XL Rp 5.000 (inactive: inquiries answer 311)",
    category: "Pulsa",
    biller: "XL Axiata",
    type: "prepaid",
    kind: "pulsa",
    price: 5_700,
    adminFee: 0,
    active: false,
    settlement: "pending",
    successCode: 0
  },
  {
    code: "PDTSEL5GB",
    name: "Telkomsel Data 5GB 30 Hari",
    description: "Paket data Telkomsel 5GB, 30 hari",
    category: "Paket Data",
    biller: "Telkomsel",
    type: "prepaid",
    kind: "data",
    price: 55_000,
    adminFee: 0,
    active: true,
    settlement: "instant",
    successCode: 4
  },
  {
    code: "PLNPRA20",
    name: "PLN Token 20.000",
    description: "Token listrik PLN prabayar Rp 20.000",
    category: "Listrik",
    biller: "PLN",
    type: "prepaid",
    kind: "pln-prepaid",
    price: 20_000,
    adminFee: 2_500,
    active: true,
    settlement: "pending",
    successCode: 0
  },
  {
    code: "TLSTPOS",
    name: "PLN Postpaid",
    description: "Tagihan listrik PLN pascabayar",
    category: "Listrik",
    biller: "PLN",
    type: "postpaid",
    kind: "pln-postpaid",
    price: 0,
    adminFee: 3_000,
    active: true,
    settlement: "instant",
    successCode: 0
  },
  {
    code: "BPJSKES",
    name: "BPJS Kesehatan",
    description: "Iuran BPJS Kesehatan (month = jumlah bulan)",
    category: "BPJS",
    biller: "BPJS Kesehatan",
    type: "postpaid",
    kind: "bpjs",
    price: 0,
    adminFee: 2_500,
    active: true,
    settlement: "pending",
    successCode: 0
  },
  {
    code: "GMLBB86",
    name: "Mobile Legends 86 Diamonds",
    description: "Voucher game Mobile Legends (zoneId wajib)",
    category: "Voucher Game",
    biller: "Moonton",
    type: "prepaid",
    kind: "game",
    price: 22_000,
    adminFee: 0,
    active: true,
    settlement: "instant",
    successCode: 0
  },
  {
    code: "OVOOPEN",
    name: "OVO Top Up Bebas Nominal",
    description: "Top up OVO, nominal bebas Rp 10.000 - Rp 2.000.000 (amount wajib)",
    category: "eMoney",
    biller: "OVO",
    type: "prepaid",
    kind: "ewallet-open",
    price: 0,
    adminFee: 1_000,
    active: true,
    settlement: "pending",
    successCode: 0,
    openAmount: { min: 10_000, max: 2_000_000 }
  },
  {
    code: "DANA50",
    name: "DANA 50.000",
    description: "Top up DANA Rp 50.000",
    category: "eMoney",
    biller: "DANA",
    type: "prepaid",
    kind: "ewallet",
    price: 50_000,
    adminFee: 1_000,
    active: true,
    settlement: "instant",
    successCode: 0
  },
  {
    code: "PVDGAF50",
    name: "Voucher Alfamart 50.000",
    description: "Voucher belanja Alfamart Rp 50.000",
    category: "Voucher Digital",
    biller: "Alfamart",
    type: "prepaid",
    kind: "voucher",
    price: 50_000,
    adminFee: 1_500,
    active: true,
    settlement: "instant",
    successCode: 0
  },
  {
    code: "PGPLGL20",
    name: "Google Play 20.000",
    description: "Kode voucher Google Play Rp 20.000 (accountNumber: e-mail)",
    category: "Google Play",
    biller: "Google",
    type: "prepaid",
    kind: "google-play",
    price: 20_000,
    adminFee: 0,
    active: true,
    settlement: "instant",
    successCode: 0
  },
  {
    code: "INDIHOME",
    name: "IndiHome",
    description: "Tagihan IndiHome (internet dan TV kabel)",
    category: "Internet dan TV Kabel",
    biller: "Telkom Indonesia",
    type: "postpaid",
    kind: "internet",
    price: 0,
    adminFee: 2_500,
    active: true,
    settlement: "instant",
    successCode: 0
  }
]

/**
 * A product by code (case-sensitive, as the upstream's codes are).
 */
export const find = (code: string): Product | undefined => products.find((product) => product.code === code)

/**
 * `{ key, value }`, the shape of every detail line.
 */
export interface KeyValue {
  readonly key: string
  readonly value: string | number
}

/**
 * A `billDetails` line.
 */
export interface Bill {
  readonly billId: string
  readonly billInfo: ReadonlyArray<KeyValue>
  readonly isMandatory: boolean
  readonly key: string
  readonly value: number
}

/**
 * What an inquiry prices.
 */
export interface Quote {
  readonly amount: number
  readonly totalAdmin: number
  readonly customerName: string
  readonly customerDetails: ReadonlyArray<KeyValue>
  readonly billDetails: ReadonlyArray<Bill>
  readonly productDetails: ReadonlyArray<KeyValue>
  readonly extraFields: ReadonlyArray<KeyValue>
  readonly validity: string
}

/**
 * The inquiry parameters a quote depends on.
 */
export interface QuoteRequest {
  readonly accountNumber: string
  readonly amount?: number | undefined
  readonly zoneId?: string | undefined
  readonly month?: number | undefined
}

/**
 * A quote, or the code the inquiry is refused with (and the data it carries, if any).
 */
export type QuoteResult =
  | { readonly _tag: "Quote"; readonly quote: Quote }
  | {
      readonly _tag: "Refused"
      readonly code: number
      readonly reason: string
      readonly quote?: Quote | undefined
    }

const phone = /^(08|628)\d{7,12}$/
const accountPatterns: Record<Kind, RegExp> = {
  pulsa: phone,
  data: phone,
  "pln-prepaid": /^\d{11,12}$/,
  "pln-postpaid": /^\d{11,12}$/,
  bpjs: /^\d{11,16}$/,
  game: /^\d{4,12}$/,
  "ewallet-open": phone,
  ewallet: phone,
  voucher: phone,
  "google-play": /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/,
  internet: /^\d{10,13}$/
}

/**
 * Whether an account number is well-formed for a product (phone numbers for pulsa, data,
 * e-wallets and vouchers; 11–12 digits for PLN; 11–16 for BPJS; 4–12 for games; an e-mail for
 * Google Play; 10–13 digits for internet & TV).
 */
export const isWellFormed = (product: Product, accountNumber: string): boolean =>
  accountPatterns[product.kind].test(accountNumber)

// FNV-1a: a stable number per account, so every detail is deterministic.
const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const names = [
  "INDAH PUTRI",
  "BUDI SANTOSO",
  "SITI RAHAYU",
  "AGUS PRASETYO",
  "DEWI LESTARI",
  "RUDI HARTONO",
  "NUR AINI",
  "EKO WIBOWO"
]

const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/**
 * `03 Aug 2022 | 22:22` in WIB: the format of a receipt's `Tanggal & Waktu Pembayaran` (payment
 * date and time). Not SNAP's `X-TIMESTAMP`, which is core's `Timestamp.formatWib`.
 */
export const formatPaymentDateTime = (epochMillis: number): string => {
  const wib = Wib.fields(epochMillis)
  return `${pad(wib.day)} ${monthNames[wib.month - 1]} ${wib.year} | ${pad(wib.hour)}:${pad(wib.minute)}`
}

// The month `back` months before `epochMillis` (WIB), as { label "Feb16", due "20022016" }.
const billingMonth = (epochMillis: number, back: number) => {
  const wib = Wib.fields(epochMillis)
  const index = wib.year * 12 + wib.month - 1 - back
  const year = Math.floor(index / 12)
  const month = index - year * 12
  return {
    label: `${monthNames[month]}${pad(year % 100)}`,
    due: `20${pad(month + 1)}${year}`,
    period: `${pad(month + 1)}/${year}`
  }
}

const admin = (product: Product, times = 1): Bill => ({
  billId: "0",
  billInfo: [],
  isMandatory: true,
  key: "Biaya Administrasi",
  value: product.adminFee * times
})

const simpleQuote = (
  product: Product,
  price: number,
  details: Omit<Quote, "amount" | "totalAdmin" | "billDetails">,
  billInfo: ReadonlyArray<KeyValue>
): Quote => {
  const bills: Array<Bill> = [{ billId: "1", billInfo, isMandatory: true, key: "Harga Produk", value: price }]
  if (product.adminFee > 0) bills.push(admin(product))
  return { ...details, amount: price + product.adminFee, totalAdmin: product.adminFee, billDetails: bills }
}

/**
 * Prices an inquiry, or says which code refuses it. `now` (epoch millis) dates the bills.
 */
export const quote = (product: Product, request: QuoteRequest, now: number): QuoteResult => {
  const account = request.accountNumber
  const h = hash(account)
  const name = names[h % names.length]!
  const paidAt = { key: "Tanggal & Waktu Pembayaran", value: formatPaymentDateTime(now) }
  switch (product.kind) {
    case "pulsa":
    case "data":
      // The upstream's prepaid samples carry empty detail lists.
      return {
        _tag: "Quote",
        quote: {
          amount: product.price,
          totalAdmin: 0,
          customerName: "",
          customerDetails: [],
          billDetails: [],
          productDetails: [],
          extraFields: [],
          validity: product.kind === "data" ? "30 Hari" : ""
        }
      }
    case "pln-prepaid":
      return {
        _tag: "Quote",
        quote: simpleQuote(
          product,
          product.price,
          {
            customerName: name,
            customerDetails: [
              { key: "Nama Pelanggan", value: name },
              paidAt,
              { key: "No Meter", value: account }
            ],
            productDetails: [
              { key: "No Meter", value: account },
              { key: "Tarif/Daya", value: h % 2 === 0 ? "R1 /1300 VA" : "R1 /900 VA" }
            ],
            extraFields: [],
            validity: ""
          },
          [{ key: "Nominal", value: String(product.price) }]
        )
      }
    case "pln-postpaid": {
      const months = 1 + (h % 3)
      const base = 19_220 + (h % 50) * 1_000
      const bills: Array<Bill> = []
      const labels: Array<string> = []
      for (let i = 0; i < months; i++) {
        const month = billingMonth(now, months - i)
        const late = i < months - 1 ? 3_000 : 0
        const usage = 300 + ((h >>> (i + 2)) % 200)
        const standStart = 470_300 + i * 400
        labels.push(month.label)
        bills.push({
          billId: String(i + 1),
          billInfo: [
            { key: "Rp Tag PLN", value: String(base + i * 1_000) },
            { key: "Denda", value: String(late) },
            { key: "Jatuh Tempo", value: month.due },
            { key: "Insentif", value: "D0000000000" },
            { key: "Pemakaian", value: `${usage} kWh` },
            { key: "Stand Meter", value: `${standStart}-${standStart + usage}` },
            { key: "Bulan", value: month.label }
          ],
          isMandatory: true,
          key: "Jumlah Tagihan",
          value: base + i * 1_000 + late
        })
      }
      bills.push(admin(product, months))
      const amount = bills.reduce((sum, bill) => sum + bill.value, 0)
      return {
        _tag: "Quote",
        quote: {
          amount,
          totalAdmin: product.adminFee * months,
          customerName: name,
          customerDetails: [
            { key: "Nama Pelanggan", value: name },
            paidAt,
            { key: "Nomor Pelanggan", value: account }
          ],
          billDetails: bills,
          productDetails: [
            { key: "Total LBR Tagihan", value: `${months} Bulan` },
            { key: "Total Tarif/Daya", value: "R1/000000900" },
            { key: "BL/TH", value: labels.join(",") },
            { key: "Total Pemakaian", value: `${months * 350} kWh` }
          ],
          extraFields: [
            {
              key: "Info",
              value: "PLN menyatakan struk ini sebagai bukti pembayaran yang sah. Terima kasih."
            }
          ],
          validity: ""
        }
      }
    }
    case "bpjs": {
      if (request.month === undefined)
        return { _tag: "Refused", code: 321, reason: "month is required for BPJS" }
      if (request.month < 1 || request.month > 12) {
        return { _tag: "Refused", code: 321, reason: "month must be between 1 and 12" }
      }
      const members = 1 + (h % 4)
      const premium = 35_000 * members * request.month
      return {
        _tag: "Quote",
        quote: {
          amount: premium + product.adminFee,
          totalAdmin: product.adminFee,
          customerName: name,
          customerDetails: [
            { key: "Nama Pelanggan", value: name },
            paidAt,
            { key: "No. VA Keluarga", value: account }
          ],
          billDetails: [
            {
              billId: "1",
              billInfo: [
                { key: "Jumlah Peserta", value: String(members) },
                { key: "Periode", value: `${request.month} Bulan` }
              ],
              isMandatory: true,
              key: "Total Iuran",
              value: premium
            },
            admin(product)
          ],
          productDetails: [
            { key: "No. VA Keluarga", value: account },
            { key: "Periode", value: `${request.month} Bulan` },
            { key: "Jumlah Peserta", value: `${members} Orang` }
          ],
          extraFields: [],
          validity: ""
        }
      }
    }
    case "game": {
      if (request.zoneId === undefined || request.zoneId === "") {
        return { _tag: "Refused", code: 321, reason: "zoneId is required for games vouchers" }
      }
      if (!/^\d{1,6}$/.test(request.zoneId)) {
        return { _tag: "Refused", code: 304, reason: "zoneId must be 1 to 6 digits" }
      }
      const nickname = `Player${h % 10_000}`
      return {
        _tag: "Quote",
        quote: simpleQuote(
          product,
          product.price,
          {
            customerName: nickname,
            customerDetails: [
              { key: "User ID", value: account },
              { key: "Zone ID", value: request.zoneId },
              { key: "Nickname", value: nickname }
            ],
            productDetails: [{ key: "Item", value: "86 Diamonds" }],
            extraFields: [],
            validity: ""
          },
          [{ key: "Item", value: "86 Diamonds" }]
        )
      }
    }
    case "ewallet-open": {
      const range = product.openAmount!
      if (request.amount === undefined) {
        return { _tag: "Refused", code: 321, reason: "amount is required for open-amount products" }
      }
      const details = {
        customerName: name,
        customerDetails: [
          { key: "Nama", value: name },
          { key: "Nomor HP", value: account }
        ],
        productDetails: [{ key: "Catatan", value: "Saldo masuk dipotong biaya admin Rp 1.000" }],
        extraFields: [],
        validity: ""
      }
      const priced = simpleQuote(product, request.amount, details, [
        { key: "Nominal", value: String(request.amount) }
      ])
      if (request.amount < range.min) {
        // As in the upstream's sample: 313 with the data of the refused quote.
        return {
          _tag: "Refused",
          code: 313,
          reason: "The inquiry amount must be greater than the minimum plus admin fees",
          quote: priced
        }
      }
      if (request.amount > range.max)
        return { _tag: "Refused", code: 315, reason: "amount exceeds the maximum" }
      return { _tag: "Quote", quote: priced }
    }
    case "ewallet":
    case "voucher":
      return {
        _tag: "Quote",
        quote: simpleQuote(
          product,
          product.price,
          {
            customerName: product.kind === "ewallet" ? name : "N/A",
            customerDetails: [
              { key: "Nama", value: product.kind === "ewallet" ? name : "N/A" },
              { key: "Nomor HP", value: account }
            ],
            productDetails: [],
            extraFields: [],
            validity: product.kind === "voucher" ? "30 Hari" : ""
          },
          [{ key: "Nominal", value: String(product.price) }]
        )
      }
    case "google-play":
      return {
        _tag: "Quote",
        quote: simpleQuote(
          product,
          product.price,
          {
            customerName: "N/A",
            customerDetails: [{ key: "Email", value: account }],
            productDetails: [],
            extraFields: [],
            validity: ""
          },
          [{ key: "Nominal", value: String(product.price) }]
        )
      }
    case "internet": {
      const month = billingMonth(now, 1)
      const bill = 350_000 + (h % 10) * 10_000
      return {
        _tag: "Quote",
        quote: {
          amount: bill + product.adminFee,
          totalAdmin: product.adminFee,
          customerName: name,
          customerDetails: [
            { key: "Nama Pelanggan", value: name },
            paidAt,
            { key: "Nomor Pelanggan", value: account }
          ],
          billDetails: [
            {
              billId: "1",
              billInfo: [{ key: "Bulan", value: month.label }],
              isMandatory: true,
              key: "Jumlah Tagihan",
              value: bill
            },
            admin(product)
          ],
          productDetails: [{ key: "Periode", value: month.period }],
          extraFields: [],
          validity: ""
        }
      }
    }
  }
}

/**
 * The token a successful transaction reports (PLN token, serial number, voucher code or biller
 * reference), and the product details that come with it.
 */
export const fulfil = (
  product: Product,
  transactionId: number
): { readonly token: string; readonly productDetails: ReadonlyArray<KeyValue> } => {
  const digits = (length: number) => {
    let out = ""
    let seed = hash(`${product.code}:${transactionId}`)
    while (out.length < length) {
      seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0
      out += String(seed % 10)
    }
    return out
  }
  const reference = { key: "Nomor Referensi", value: `AYO${String(transactionId).padStart(10, "0")}` }
  switch (product.kind) {
    case "pulsa":
    case "data": {
      const serial = `19${digits(14)}`
      return { token: serial, productDetails: [{ key: "Serial Nomor", value: serial }, reference] }
    }
    case "pln-prepaid": {
      const token = (digits(20).match(/.{4}/g) ?? []).join("-")
      return {
        token,
        productDetails: [{ key: "Token", value: token }, { key: "Jumlah KWH", value: "13,5" }, reference]
      }
    }
    case "voucher":
    case "google-play": {
      const code = `${product.code.slice(-4)}${digits(12)}`
      return { token: code, productDetails: [{ key: "Kode Voucher", value: code }, reference] }
    }
    case "game":
      return { token: `MLBB${digits(12)}`, productDetails: [reference] }
    case "pln-postpaid":
    case "bpjs":
    case "internet":
    case "ewallet":
    case "ewallet-open":
      return { token: digits(16), productDetails: [reference] }
  }
}
