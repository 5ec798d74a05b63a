/**
 * `--target fil`: firmware in the loop. The rig firmware's ELF (the one that would be flashed)
 * runs in simavr against the plant simulator, in lockstep on virtual time, behind the serialport
 * mock binding, so the scenario drives the firmware's own code (its parser, holds, heartbeat,
 * interlock, Timer1 PWM, heater time-proportioning, watchdog) through the serial source's real
 * path. Plant faults (fouling, sensor faults, blockage) are injected in the plant and link faults
 * at the bridge, both through `EMU` lines the bridge answers; the firmware is never patched.
 *
 * The firmware is built with an ambient probe, so scenarios of a rig without one are skipped with
 * that reason. A missing harness or ELF is an error (run `npm run fil:build`), not a skip.
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../../core/errors.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../model/telemetryConverter.js";
import { FilInProcessRig } from "../../rig/fil/filInProcess.js";
import type { Scenario } from "../scenario.js";
import { openMockPortSession, scenarioPlant } from "./emulatorTarget.js";
import type { HilTarget, TargetContext, TargetOpenOptions, TargetSession } from "./target.js";

let instance = 0;

/** Options of the fil target beyond the context (tests and the bench set them). */
export interface FilTargetOptions {
  /** Firmware ELF. @default firmware/build/uno/looptwin.elf */
  readonly elfPath?: string;
  /** Harness binary. @default firmware/sim/build/looptwin-sim */
  readonly harnessPath?: string;
  /** Lockstep period [device ms]. @default 20 */
  readonly stepMs?: number;
}

/** Why the fil target cannot run a scenario (undefined when it can). */
export function filCannotRun(scenario: Scenario): string | undefined {
  if (!scenario.rig.ambientProbe)
    return "the firmware under test is built with an ambient probe (LT_HAS_AMBIENT_PROBE 1); this scenario's rig has none";
  return undefined;
}

/** The `fil` target factory (`--target fil`; the word after `fil:` is an ELF path, optional). */
export function filTarget(arg: string, context: TargetContext, options: FilTargetOptions = {}): HilTarget {
  // `fil:ELF`: another firmware build, relative to where looptwin was started.
  const elfPath = arg !== "" ? resolve(context.cwd, arg) : options.elfPath;
  if (arg !== "" && elfPath !== undefined && !existsSync(elfPath))
    throw new ConfigError("--target", `fil:${arg}`, "no such firmware ELF");
  return {
    name: arg !== "" ? `fil:${arg}` : "fil",
    sourceKind: "emulator",
    // The firmware in simavr runs about 25x real time on one core of the 2-core test machine (less
    // when it is loaded); the runner must never assume more than real time for it.
    capabilities: {
      emu: true,
      truth: true,
      virtualTime: true,
      presetState: true,
      plantParams: true,
      minSpeed: 1,
    },
    cannotRun: filCannotRun,
    async open(o: TargetOpenOptions): Promise<TargetSession> {
      const { scenario } = o;
      const plant = scenarioPlant(o, true);
      instance++;
      const rig = await FilInProcessRig.start({
        path: `/dev/ttyFIL${process.pid}-${instance}`,
        // The runner's heartbeat wakes the host every 500 ms anyway.
        chunkMs: 500,
        device: {
          plant,
          seed: scenario.seed,
          harness: {
            ...(elfPath !== undefined ? { elfPath } : {}),
            ...(options.harnessPath !== undefined ? { harnessPath: options.harnessPath } : {}),
            signal: o.signal,
          },
          ...(options.stepMs !== undefined ? { stepMs: options.stepMs } : {}),
        },
      });
      return openMockPortSession(o, {
        name: "fil",
        rig,
        plant,
        calibration: context.calibration ?? DEFAULT_SENSOR_CALIBRATION,
        deviceStats: () => rig.device.counters(),
        closeRig: () => rig.close(),
      });
    },
  };
}
