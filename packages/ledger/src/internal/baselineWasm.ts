/**
 * PGlite compiled by V8's baseline WebAssembly compiler only.
 *
 * PGlite is PostgreSQL as one WebAssembly module of about 9 MB. V8 compiles a module with its
 * baseline compiler (Liftoff) and then recompiles the functions that run often with its
 * optimising compiler (TurboFan), keeping both copies resident. For PGlite the optimised copy and
 * its compilation cost more than they return to a ledger that runs a few statements per money
 * movement. Measured on Node 20 with a reopened data directory:
 *
 * - RSS after opening: 188 → 132 MB; the gateway after a minute of load: 260 → 229 MB;
 * - CPU of the first 1,000 statements: 1.8–2.9 s → 0.9–1.3 s (no optimising compiles);
 * - CPU of statements once warm: about 10 % more.
 *
 * The choice is V8's process-wide `--liftoff-only` flag, read when a module is compiled. It is
 * set only while a PGlite opens, so WebAssembly compiled later (undici's HTTP parser) is
 * optimised as usual; PGlite's module stays baseline-compiled for its lifetime. A process started
 * with `--liftoff-only` keeps the flag.
 *
 * @internal
 */
import * as V8 from "node:v8"

const startedLiftoffOnly = process.execArgv.includes("--liftoff-only")
// Opens in progress: the flag is cleared when the last one settles.
let opening = 0

/** @internal */
export const compiled = async <A>(open: () => Promise<A>): Promise<A> => {
  if (opening++ === 0) V8.setFlagsFromString("--liftoff-only")
  try {
    return await open()
  } finally {
    if (--opening === 0 && !startedLiftoffOnly) V8.setFlagsFromString("--no-liftoff-only")
  }
}
