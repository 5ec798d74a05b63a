/**
 * `--target firmata:PATH`: a rig running StandardFirmata (johnny-five) instead of the looptwin
 * firmware, in real time. The host keeps the device-side safety (holds, heartbeat, interlock,
 * SAFE on close) since StandardFirmata has none; emulator-only steps are skipped by the runner
 * with the reason.
 */
import { DEVICE_CONSTANTS } from "../../rig/emulator/emulatedDevice.js";
import { FirmataSource } from "../../rig/hardware/firmataSource.js";
import { wallScheduler } from "../../rig/source/scheduler.js";
import { realTimeTarget } from "./serialTarget.js";
import type { HilTarget, TargetContext } from "./target.js";

export function firmataTarget(path: string, context: TargetContext): HilTarget {
  return realTimeTarget(
    `firmata:${path}`,
    "firmata",
    context,
    (calibration, options) =>
      new FirmataSource({
        path,
        calibration,
        scheduler: wallScheduler,
        rateHz: options.scenario.rig.rateHz,
        // StandardFirmata has no heartbeat: the source keeps the firmware's, fed by the runner's PINGs.
        heartbeatTimeoutMs: DEVICE_CONSTANTS.heartbeatTimeoutMs,
        ...(options.record !== undefined ? { record: options.record } : {}),
      }),
  );
}
