/**
 * SNAP (Standar Nasional Open API Pembayaran): Bank Indonesia's open-API standard, generic over
 * providers.
 *
 * SNAP has no service of its own (each provider's client is built on `Client`), so every module
 * is a namespace: `Snap.Signature.tokenSignature`, `Snap.Signer.fromKeys`, `Snap.AccessToken.request`.
 */
export * as AccessToken from "./AccessToken.js"

export * as Client from "./Client.js"

export * as Response from "./Response.js"

export * as ResponseCode from "./ResponseCode.js"

export * as Signature from "./Signature.js"

export * as Signer from "./Signer.js"
