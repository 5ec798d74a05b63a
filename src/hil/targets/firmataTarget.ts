/**
 * `--target firmata:PATH`: a rig running StandardFirmata (johnny-five) instead of the looptwin
 * firmware, in real time. The host keeps the device-side safety (holds, heartbeat, interlock,
 * SAFE on close) since StandardFirmata has none; emulator-only steps are skipped by the runner
 * with the reason, and so is a scenario that counts on its link what a Firmata link cannot show.
 *
 * With `hil run --speed X` the host runs on X times wall time, for StandardFirmata in simavr
 * started with `looptwin emulate --speed X`: Firmata samples carry no device time, the host
 * stamps them (and counts flow pulses per second) on its own clock, so the two clocks must agree.
 * simavr runs StandardFirmata at about real time on a free core and falls behind, in stalls, on a
 * loaded machine; at X below what it sustains both sides run in the same slow motion.
 */

import { DEVICE_CONSTANTS } from "../../rig/emulator/emulatedDevice.js";
import { FirmataSource } from "../../rig/hardware/firmataSource.js";
import { scaledScheduler, wallScheduler } from "../../rig/source/scheduler.js";
import { isEmulatorOnly, type Scenario } from "../scenario.js";
import { realTimeTarget } from "./serialTarget.js";
import type { HilTarget, TargetContext } from "./target.js";

/**
 * Why a scenario cannot run on a Firmata rig although its steps can: it expects link counters to
 * rise (`min` bounds) that only an emulator-made link fault or the looptwin protocol produces.
 * Firmata's binary protocol has no CRC, sequence numbers or reboot reports, and nothing but an
 * `EMU` link fault (which the rig has no command for) drops the link on purpose. Upper bounds
 * ("no CRC error") still hold on it and are judged.
 */
export function firmataCannotRun(scenario: Scenario, name: string): string | undefined {
  const needed: string[] = [];
  for (const x of scenario.expectations) {
    const e = x.expectation;
    if (e.kind !== "link") continue;
    for (const [counter, bound] of Object.entries(e.bounds)) {
      if (bound?.min !== undefined && bound.min > 0) needed.push(`${counter} >= ${bound.min}`);
    }
  }
  if (needed.length === 0) return undefined;
  const emuSteps = scenario.steps.filter((s) => isEmulatorOnly(s.action)).map((s) => s.name);
  return emuSteps.length > 0
    ? `expects ${needed.join(", ")} on the link from emulator-only steps (${emuSteps.join(", ")}); ${name} has no EMU command`
    : `expects ${needed.join(", ")} on the link, which ${name} cannot show: Firmata has no CRC, sequence numbers or reboot reports`;
}

export function firmataTarget(path: string, context: TargetContext): HilTarget {
  const name = `firmata:${path}`;
  const scheduler = context.speed === undefined ? wallScheduler : scaledScheduler(context.speed);
  const target = realTimeTarget(
    name,
    "firmata",
    context,
    (calibration, options) =>
      new FirmataSource({
        path,
        calibration,
        scheduler,
        rateHz: options.scenario.rig.rateHz,
        // StandardFirmata has no heartbeat: the source keeps the firmware's, fed by the runner's PINGs.
        heartbeatTimeoutMs: DEVICE_CONSTANTS.heartbeatTimeoutMs,
        ...(options.record !== undefined ? { record: options.record } : {}),
      }),
    scheduler,
  );
  return { ...target, cannotRun: (scenario) => firmataCannotRun(scenario, name) };
}
