/**
 * `--target serial:PATH`: a real rig running this project's firmware, in real time. Emulator-only
 * steps (`emu`, `link`) are skipped by the runner with the reason; the plant cannot be preset, so
 * a `start: steady` scenario is preceded by a warm-up.
 */

import type { SensorCalibration } from "../../model/telemetryConverter.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../model/telemetryConverter.js";
import { SerialSource } from "../../rig/hardware/serialSource.js";
import type { RigSource } from "../../rig/source/rigSource.js";
import { type Scheduler, sleep, wallScheduler } from "../../rig/source/scheduler.js";
import { HIL_SOURCE_DEFAULTS } from "./emulatorTarget.js";
import type { HilTarget, TargetClock, TargetContext, TargetOpenOptions, TargetSession } from "./target.js";

/** Longest single sleep of a wall clock, so aborts and progress lines are prompt [ms]. */
const SLEEP_SLICE_MS = 200;

/** A clock on wall (or scaled wall) time: `runUntil` sleeps. */
export function wallClockOf(scheduler: Scheduler): TargetClock {
  return {
    scheduler,
    nowMs: () => scheduler.nowMs(),
    async runUntil(tMs: number, signal: AbortSignal): Promise<void> {
      for (;;) {
        const left = tMs - scheduler.nowMs();
        if (left <= 0 || signal.aborted) return;
        try {
          await sleep(scheduler, Math.min(left, SLEEP_SLICE_MS), signal);
        } catch {
          return;
        }
      }
    },
  };
}

/**
 * A real rig in real time: opens `makeSource` (a serial or Firmata source) on the wall clock with
 * the rig's calibration. Emulator-only capabilities are all off.
 */
export function realTimeTarget(
  name: string,
  sourceKind: "serial" | "firmata",
  context: TargetContext,
  makeSource: (calibration: SensorCalibration, options: TargetOpenOptions) => RigSource,
  /** The session's clock: the wall, or scaled wall time for a simulated board (firmataTarget). */
  scheduler: Scheduler = wallScheduler,
): HilTarget {
  return {
    name,
    sourceKind,
    capabilities: { emu: false, truth: false, virtualTime: false, presetState: false, plantParams: false },
    async open(options: TargetOpenOptions): Promise<TargetSession> {
      const calibration = context.calibration ?? DEFAULT_SENSOR_CALIBRATION;
      const source = makeSource(calibration, options);
      await source.open(options.signal);
      return {
        source,
        clock: wallClockOf(scheduler),
        calibration,
        close: () => source.close(),
      };
    },
  };
}

export function serialTarget(path: string, context: TargetContext): HilTarget {
  return realTimeTarget(
    `serial:${path}`,
    "serial",
    context,
    (calibration, options) =>
      new SerialSource({
        path,
        calibration,
        scheduler: wallScheduler,
        rateHz: options.scenario.rig.rateHz,
        ...HIL_SOURCE_DEFAULTS,
        ...(options.record !== undefined ? { record: options.record } : {}),
      }),
  );
}
