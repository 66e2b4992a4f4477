/**
 * Where each provider's calls go: the configured upstream, or the embedded sandbox.
 *
 * @since 0.1.0
 */
import { Context } from "effect"

/**
 * @since 0.1.0
 */
export type Mode = "upstream" | "sandbox"

/**
 * @since 0.1.0
 */
export class ProviderModes extends Context.Tag("@kasir/http/ProviderModes")<
  ProviderModes,
  { readonly ayoconnect: Mode; readonly nicepay: Mode }
>() {}
