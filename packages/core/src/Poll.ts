/**
 * How kasir polls an upstream for a final outcome, for every provider: every 5 seconds, for up to
 * 5 minutes, unless the caller says otherwise. `Ayoconnect.awaitFinal` and `Nicepay`'s
 * `awaitFinal` use it; the CLI's `--interval` / `--timeout` flags are its two options, so the
 * command line and the library cannot disagree about the defaults.
 */
import { Duration, Schedule } from "effect"

/**
 * The time between two reads by default.
 */
export const defaultInterval: Duration.Duration = Duration.seconds(5)

/**
 * How long to keep reading by default.
 */
export const defaultTimeout: Duration.Duration = Duration.minutes(5)

/**
 * A poll schedule: every `interval`, for up to `timeout`.
 */
export const schedule = (
  options: {
    readonly interval?: Duration.DurationInput | undefined
    readonly timeout?: Duration.DurationInput | undefined
  } = {}
): Schedule.Schedule<unknown, unknown> =>
  Schedule.spaced(options.interval ?? defaultInterval).pipe(Schedule.upTo(options.timeout ?? defaultTimeout))

/**
 * The default poll schedule (every 5 seconds, for up to 5 minutes).
 */
export const defaultSchedule: Schedule.Schedule<unknown, unknown> = schedule()
