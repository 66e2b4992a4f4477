/**
 * SNAP (Standar Nasional Open API Pembayaran): Bank Indonesia's open-API standard, generic over
 * providers.
 *
 * @since 0.1.0
 */
export * from "./Signature.js"
export * from "./Signer.js"
