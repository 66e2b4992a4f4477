/**
 * Turning a driver error into `LedgerUnavailable.detail`.
 */

/**
 * What a driver error says, for `LedgerUnavailable.detail`: the driver's message and SQLSTATE.
 * node-postgres's messages name hosts, ports and users, never a password.
 */
export const describeSqlError = (error: { readonly message: string; readonly cause?: unknown }): string => {
  const cause = error.cause
  if (typeof cause === "object" && cause !== null) {
    const message = (cause as { readonly message?: unknown }).message
    const code = (cause as { readonly code?: unknown }).code
    const parts = [error.message]
    if (typeof message === "string" && message !== "") parts.push(message)
    if (typeof code === "string" && code !== "") parts.push(`code ${code}`)
    return parts.join(": ")
  }
  return error.message
}
