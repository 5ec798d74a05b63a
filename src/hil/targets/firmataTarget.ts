/**
 * `--target firmata:PATH`: a rig running StandardFirmata (johnny-five) instead of the looptwin
 * firmware, in real time. The host keeps the device-side safety (holds, heartbeat, interlock,
 * SAFE on close) since StandardFirmata has none; emulator-only steps are skipped by the runner
 * with the reason.
 */
import { FirmataSource } from "../../rig/firmataSource.js";
import { wallScheduler } from "../../rig/scheduler.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../rig/serialSource.js";
import { wallClockOf } from "./serialTarget.js";
import type { HilTarget, TargetContext, TargetOpenOptions, TargetSession } from "./target.js";

export function firmataTarget(path: string, context: TargetContext): HilTarget {
  return {
    name: `firmata:${path}`,
    sourceKind: "firmata",
    capabilities: { emu: false, truth: false, virtualTime: false, presetState: false, plantParams: false },
    async open(options: TargetOpenOptions): Promise<TargetSession> {
      const calibration = context.calibration ?? DEFAULT_SENSOR_CALIBRATION;
      const source = new FirmataSource({
        path,
        calibration,
        scheduler: wallScheduler,
        rateHz: options.scenario.rig.rateHz,
        ...(options.record !== undefined ? { record: options.record } : {}),
      });
      await source.open(options.signal);
      return {
        source,
        clock: wallClockOf(wallScheduler),
        calibration,
        close: () => source.close(),
      };
    },
  };
}
