/**
 * SNAP (Standar Nasional Open API Pembayaran): Bank Indonesia's open-API standard, generic over
 * providers.
 *
 * SNAP has no service of its own (each provider's client is built on `Client`), so every module
 * is a namespace: `Snap.Signature.tokenSignature`, `Snap.Signer.fromKeys`, `Snap.AccessToken.request`.
 *
 * @since 0.1.0
 */
/** @since 0.1.0 */
export * as AccessToken from "./AccessToken.js"

/** @since 0.1.0 */
export * as Client from "./Client.js"

/** @since 0.1.0 */
export * as Response from "./Response.js"

/** @since 0.1.0 */
export * as ResponseCode from "./ResponseCode.js"

/** @since 0.1.0 */
export * as Signature from "./Signature.js"

/** @since 0.1.0 */
export * as Signer from "./Signer.js"
