import { AbortedError } from "../rig/source/rigErrors.js";
import type { RigSource } from "../rig/source/rigSource.js";
import { SteadyWatch } from "./conditions.js";
import { RunAbandoned } from "./hilErrors.js";
import type { Scenario } from "./scenario.js";
import type { TargetClock } from "./targets/target.js";

/** Time slice of the warm-up [ms]. */
const WARM_UP_TICK_MS = 1000;

/**
 * A `start: steady` scenario on a rig that cannot be preset (a real rig): lets the setpoints run
 * until both temperatures move less than 0.05 K/min over 120 s, or throws once
 * `rig.warmup_timeout` has passed. `onProgress` gets the seconds warmed so far.
 */
export async function warmUpToSteady(
  scenario: Scenario,
  clock: TargetClock,
  source: RigSource | null,
  signal: AbortSignal,
  onProgress: (warmedS: number) => void,
): Promise<void> {
  const t0 = clock.nowMs();
  const steady = new SteadyWatch(0.05, 120);
  const unsub = source?.subscribe((e) => {
    if (e.kind === "sample") steady.push(e.sample.tS, e.sample.tHotC, e.sample.tColdC);
  });
  const limitS = scenario.rig.warmupTimeoutS;
  try {
    while (!steady.steady) {
      if (signal.aborted) throw new AbortedError("warm-up", { cause: signal.reason });
      const warmedS = (clock.nowMs() - t0) / 1000;
      if (warmedS > limitS)
        throw new RunAbandoned(
          `warm-up: not steady after ${limitS} s (${steady.describe()}); raise rig.warmup_timeout`,
          { warmupTimeoutS: limitS },
        );
      onProgress(warmedS);
      await clock.runUntil(clock.nowMs() + WARM_UP_TICK_MS, signal);
    }
  } finally {
    unsub?.();
  }
}
