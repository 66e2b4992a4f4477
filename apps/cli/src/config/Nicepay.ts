/**
 * The NICEPAY settings: the environment variables @kasir/core reads (`NICEPAY_*`), each with the
 * flag that overrides it. Names, descriptions and markers come from core's data-only variable
 * table (`@kasir/core/Nicepay/Variables`), which loads nothing else of core, so `kasir --help`
 * stays cheap.
 */
import type { Options } from "@effect/cli"
import { table } from "@kasir/core/Nicepay/Variables"
import * as Settings from "../Settings.js"

/**
 * The settings @kasir/core reads for NICEPAY, each with its overriding flag.
 */
export const settings: ReadonlyArray<Settings.Setting> = Settings.fromVariables(table)

/**
 * The settings' flags.
 */
export const options: Options.Options<Settings.Flags> = Settings.options(settings)
