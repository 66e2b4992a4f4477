import { Config, Option } from "effect"

/** An optional variable; blank counts as unset. @internal */
export const optionalString = (name: string): Config.Config<Option.Option<string>> =>
  Config.string(name).pipe(Config.option, Config.map(Option.filter((value) => value.trim() !== "")))
