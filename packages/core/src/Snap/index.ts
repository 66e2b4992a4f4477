/**
 * SNAP (Standar Nasional Open API Pembayaran): Bank Indonesia's open-API standard, generic over
 * providers.
 *
 * @since 0.1.0
 */
export * from "./Signature.js"
export * from "./Signer.js"

/** @since 0.1.0 */
export * as AccessToken from "./AccessToken.js"

/** @since 0.1.0 */
export * as Client from "./Client.js"

/** @since 0.1.0 */
export * as Response from "./Response.js"

/** @since 0.1.0 */
export * as ResponseCode from "./ResponseCode.js"
