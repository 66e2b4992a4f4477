/**
 * The bilingual `message` the simulator answers with, per response code. Texts seen in the
 * upstream's samples are used as they appear; the others are written in the same style.
 */

export interface Message {
  readonly ID: string
  readonly EN: string
}

const success: Message = { ID: "Transaksi Anda Telah Berhasil", EN: "Your transaction was successful" }

const table: Readonly<Record<number, Message>> = {
  0: success,
  1: success,
  2: success,
  3: success,
  4: success,
  99: success,
  100: { ID: "Transaksi Gagal, Gangguan Operator", EN: "Transaction Failed, Operator Issue" },
  101: { ID: "Transaksi Gagal, Gangguan Koneksi", EN: "Transaction Failed, Connectivity Issue" },
  102: { ID: "Transaksi Duplikat", EN: "Duplicate transaction" },
  103: {
    ID: "Transaksi Gagal, Nomor yang Anda Masukkan Salah/Expired",
    EN: "Your transaction failed, wrong number"
  },
  104: {
    ID: "Transaksi Gagal, Nominal Transaksi Tidak Valid",
    EN: "Transaction Failed, Invalid Transaction Amount"
  },
  105: {
    ID: "Transaksi Gagal, Pengguna Diblokir oleh Biller",
    EN: "Transaction Failed, User Blocked by Biller"
  },
  106: {
    ID: "Transaksi Gagal, Tagihan Melebihi Batas Maksimum",
    EN: "Transaction Failed, Bill Exceeds Maximum Limit"
  },
  107: {
    ID: "Transaksi Gagal, Pengguna Diblokir oleh Biller",
    EN: "Transaction Failed, User Blocked by Biller"
  },
  108: { ID: "Transaksi Duplikat", EN: "Duplicate transaction" },
  109: { ID: "Transaksi Gagal, Sedang Cut-Off", EN: "Transaction Failed, Cut-Off Time" },
  110: { ID: "Transaksi Gagal, Produk Tidak Tersedia", EN: "Transaction Failed, Product Not Available" },
  111: { ID: "Transaksi Gagal, Melebihi Batas Maksimum", EN: "Transaction Failed, Exceeds Maximum Limit" },
  112: { ID: "IDPEL Diblokir", EN: "Blocked IDPEL" },
  114: {
    ID: "Transaksi Gagal, Nominal Pembayaran Tidak Sesuai",
    EN: "Transaction Failed, Payment Amount Not Matched"
  },
  180: { ID: "Transaksi Gagal, Kesalahan Sistem", EN: "Transaction Failed, System Error" },
  181: { ID: "Layanan Inkuiri Sedang Gangguan", EN: "Inquiry service is down" },
  183: { ID: "Nomor Referensi Tidak Tersedia", EN: "refNumber not available" },
  184: { ID: "Produk Sedang Offline", EN: "Product is offline" },
  185: { ID: "Inkuiri Tidak Tersedia", EN: "Inquiry not available" },
  186: { ID: "Produk Tidak Ditemukan", EN: "Product not found" },
  188: { ID: "transaksi tidak tersedia", EN: "transaction is not available" },
  198: { ID: "Transaksi Gagal Secara Manual", EN: "Transaction Manually Failed" },
  199: { ID: "Transaksi Gagal", EN: "Transaction Failed, General Error" },
  299: { ID: "Transaksi sedang dalam proses", EN: "Your transaction is processing" },
  300: { ID: "Inkuiri berhasil", EN: "Inquiry is successful" },
  301: { ID: "Tagihan Lebih dari 3 Bulan", EN: "Bill more than 3 months" },
  302: { ID: "Inkuiri Gagal, Tagihan Sudah Dibayar", EN: "inquiry Failed, Bill Already Paid" },
  303: { ID: "Tagihan Tidak Tersedia", EN: "Bill not available" },
  304: { ID: "Nomor Pelanggan Salah", EN: "Check your number and try again" },
  305: { ID: "Gangguan Sistem Penyedia", EN: "Provider system problem" },
  306: { ID: "Nomor Pelanggan Salah", EN: "Check your number and try again" },
  307: { ID: "Nomor Pelanggan Salah", EN: "Check your number and try again" },
  308: { ID: "Nomor Pelanggan Salah", EN: "Check your number and try again" },
  309: { ID: "Inkuiri Gagal, Tagihan Sudah Dibayar", EN: "inquiry Failed, Bill Already Paid" },
  310: { ID: "Sedang Cut-Off", EN: "Cut-off time" },
  311: { ID: "Produk Sedang Tidak Tersedia", EN: "Product currently unavailable" },
  312: { ID: "Inkuiri Kedaluwarsa", EN: "Inquiry expired" },
  313: { ID: "Detail Inkuiri dan Pembayaran Tidak Sesuai", EN: "Inquiry and payment details not matching" },
  314: { ID: "Tagihan Wajib Harus Dibayar Terlebih Dahulu", EN: "Mandatory bill must be paid first" },
  315: { ID: "Tagihan/Denda Melebihi Batas Maksimum", EN: "Bill/fine exceeds maximum limit" },
  316: { ID: "Switch Inkuiri Tidak Tersedia", EN: "Inquiry switch not present" },
  317: { ID: "Vendor Inkuiri Tidak Aktif", EN: "Inactive inquiry vendor" },
  318: { ID: "Kategori Tidak Valid atau Tidak Aktif", EN: "Invalid or inactive category" },
  319: { ID: "Server Tidak Valid", EN: "Invalid server" },
  320: { ID: "Harus Dibayar di Loket Penyedia", EN: "Must be paid at provider counter" },
  321: { ID: "Permintaan Tidak Valid", EN: "Bad request" },
  322: { ID: "Tipe Produk Tidak Valid", EN: "Invalid product type" },
  323: { ID: "Daftar Server Tidak Tersedia", EN: "No server list available" },
  324: {
    ID: "Angsuran Terakhir, Silakan ke Kantor Cabang",
    EN: "Last installment, please visit the branch office"
  },
  330: { ID: "Transaksi Berulang dalam 30 Menit", EN: "Transaction repeated within 30 minutes" },
  341: { ID: "Produk Tidak Ditemukan", EN: "Product not found" },
  364: { ID: "Kesalahan dari Operator", EN: "Error from operator" },
  399: { ID: "Inkuiri Gagal", EN: "Inquiry is failed" },
  401: { ID: "Akses Tidak Sah", EN: "Unauthorised access" },
  402: { ID: "Pembayaran Dibatalkan oleh Pengguna", EN: "Payment cancelled by user" },
  403: { ID: "Nominal Transfer Tidak Sesuai", EN: "Transfer amount not matching" },
  409: { ID: "Inkuiri Sudah Kedaluwarsa", EN: "Inquiry is expired" },
  490: { ID: "Pembayaran Dibatalkan oleh Sistem", EN: "Payment cancelled by system" },
  495: { ID: "Pembayaran Kedaluwarsa oleh Sistem", EN: "Payment expired by system" }
}

/**
 * The message for a code (a generic one for codes outside the table).
 */
export const forCode = (code: number): Message =>
  table[code] ?? { ID: "Transaksi Gagal", EN: "Transaction failed" }

/**
 * The status answer's wording while a transaction is processing.
 */
export const statusPending: Message = {
  ID: "Transaksi Anda Sedang Diproses",
  EN: "Your transaction was being processed"
}

/**
 * The balance and product-list answers' wording.
 */
export const ok: Message = { ID: "sukses", EN: "success" }

/**
 * Every code the simulator can answer with.
 */
export const codes: ReadonlyArray<number> = Object.keys(table).map(Number)
