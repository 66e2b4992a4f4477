/**
 * Where each provider's calls go: the configured upstream, or the embedded sandbox.
 */
import { Context } from "effect"

export type Mode = "upstream" | "sandbox"

export class ProviderModes extends Context.Tag("@kasir/http/ProviderModes")<
  ProviderModes,
  { readonly ayoconnect: Mode; readonly nicepay: Mode }
>() {}
