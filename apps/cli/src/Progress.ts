/**
 * Progress for commands that wait: a spinner line with the elapsed time on stderr, only when
 * stderr is a terminal. Piped or redirected, waiting prints nothing extra.
 */
import { Clock, Duration, Effect, Schedule } from "effect"
import { Output } from "./Output.js"

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/**
 * Runs `self` while showing `label` with a spinner and the elapsed seconds. The line is cleared
 * when `self` ends, however it ends.
 */
export const withProgress =
  (label: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Output> =>
    Effect.flatMap(Output, (output) => {
      if (!output.interactive) return self
      return Effect.gen(function* () {
        const start = yield* Clock.currentTimeMillis
        let frame = 0
        const tick = Effect.flatMap(Clock.currentTimeMillis, (now) => {
          frame = (frame + 1) % frames.length
          const seconds = Math.floor(Duration.toSeconds(Duration.millis(now - start)))
          return output.status(`${frames[frame]} ${label} (${seconds}s)`)
        })
        return yield* self.pipe(
          Effect.raceFirst(Effect.zipRight(Effect.repeat(tick, Schedule.spaced("120 millis")), Effect.never)),
          Effect.ensuring(output.clearStatus)
        )
      })
    })
