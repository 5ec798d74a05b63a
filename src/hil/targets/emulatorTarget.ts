/**
 * `--target emulator`: the emulated device and the plant simulator in this process, on virtual
 * time, behind the serialport mock binding, so every byte goes through the same path as on a
 * real rig (format, CRC, the serial source's framer, parser, handshake, retries and reconnect) and
 * link faults (corrupted bytes, dropped lines, disconnects, reboots) are real. Time only moves when
 * the runner lets it ({@link TargetClock.runUntil}), as fast as the machine allows.
 */

import { kgSToLpm } from "../../core/units.js";
import { radiatorUaWK } from "../../model/actuators.js";
import { PlantSimulator } from "../../model/plantSimulator.js";
import { InProcessEmulator } from "../../rig/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../../rig/plantAdapter.js";
import { DEFAULT_SENSOR_CALIBRATION, SerialSource } from "../../rig/serialSource.js";
import type { PlantTruth } from "../signals.js";
import type { HilTarget, TargetContext, TargetOpenOptions, TargetSession } from "./target.js";

let instance = 0;

/** Serial-source settings shared by the HIL targets: the runner owns the heartbeat. */
export const HIL_SOURCE_DEFAULTS = {
  /** The runner sends PING itself (so a scenario can stop it). */
  pingIntervalMs: 0,
  ackTimeoutMs: 500,
  retries: 3,
  reconnect: true,
} as const;

export function emulatorTarget(_arg: string, _context: TargetContext): HilTarget {
  return {
    name: "emulator",
    sourceKind: "emulator",
    capabilities: { emu: true, truth: true, virtualTime: true, presetState: true, plantParams: true },
    async open(options: TargetOpenOptions): Promise<TargetSession> {
      const { scenario, params } = options;
      const simulator = new PlantSimulator({
        params,
        seed: scenario.seed,
        hasAmbientProbe: scenario.rig.ambientProbe,
        ...(scenario.rig.noiseKRms !== undefined ? { noiseKRms: scenario.rig.noiseKRms } : {}),
      });
      if (options.initialState !== undefined)
        simulator.setState(options.initialState.tHotC, options.initialState.tColdC);
      const plant = new PlantDeviceAdapter(simulator);
      instance++;
      const emu = new InProcessEmulator({
        path: `/dev/ttyHIL${process.pid}-${instance}`,
        // The runner's heartbeat wakes the host every 500 ms anyway; fewer, larger chunks are faster.
        chunkMs: 500,
        device: {
          plant,
          seed: scenario.seed,
          hasAmbientProbe: scenario.rig.ambientProbe,
        },
      });
      // The emulated plant has the default parts and no thermistor offsets, whatever the rig config.
      const calibration = DEFAULT_SENSOR_CALIBRATION;
      const source = new SerialSource({
        path: emu.path,
        binding: emu.binding as never,
        scheduler: emu.scheduler,
        calibration,
        rateHz: scenario.rig.rateHz,
        ...HIL_SOURCE_DEFAULTS,
        ...(options.record !== undefined ? { record: options.record } : {}),
      });
      const clock = {
        scheduler: emu.scheduler,
        nowMs: () => emu.nowMs,
        runUntil: (tMs: number, signal: AbortSignal) => emu.runUntil(tMs, signal),
      };
      // The handshake needs virtual time to pass (HELLO after the DTR reset, the RATE answer).
      const opening = source.open(options.signal);
      let opened = false;
      let failure: unknown;
      opening.then(
        () => {
          opened = true;
        },
        (e: unknown) => {
          failure = e ?? new Error("open failed");
        },
      );
      while (!opened && failure === undefined && !options.signal.aborted) {
        await emu.runUntil(emu.nowMs + 10, options.signal);
      }
      if (!opened) {
        await source.close();
        throw failure ?? new Error("emulator target: open aborted");
      }
      let rigZero = emu.nowMs - emu.device.millis;
      return {
        source,
        clock,
        calibration,
        rigZeroClockMs: () => rigZero,
        readTruth(out: PlantTruth): void {
          const s = plant.lastSample;
          out.tHotC = s.tHotC;
          out.tColdC = s.tColdC;
          out.flowLpm = kgSToLpm(s.mDotKgS);
          const nominalUa = radiatorUaWK(params, s.fanDuty);
          out.uaRatio = nominalUa > 0 ? s.uaWK / nominalUa : Number.NaN;
          out.qInW = s.qInW;
        },
        deviceStats: () => ({ ...emu.device.stats }),
        async close(): Promise<void> {
          rigZero = Number.NaN;
          await source.close();
        },
      };
    },
  };
}
