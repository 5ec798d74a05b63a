/**
 * `--target emulator`: the emulated device and the plant simulator in this process, on virtual
 * time, behind the serialport mock binding, so every byte goes through the same path as on a
 * real rig (format, CRC, the serial source's framer, parser, handshake, retries and reconnect) and
 * link faults (corrupted bytes, dropped lines, disconnects, reboots) are real. Time only moves when
 * the runner lets it ({@link TargetClock.runUntil}), as fast as the machine allows.
 *
 * The session on a mock-port rig ({@link openMockPortSession}) serves the `fil` target as well.
 */

import { kgSToLpm } from "../../core/units.js";
import { radiatorUaWK } from "../../model/actuators.js";
import { PlantSimulator } from "../../model/plantSimulator.js";
import type { SensorCalibration } from "../../model/telemetryConverter.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../model/telemetryConverter.js";
import { InProcessEmulator } from "../../rig/emulator/inProcessEmulator.js";
import type { MockPortDevice, MockPortRig } from "../../rig/emulator/mockPortRig.js";
import { PlantDeviceAdapter } from "../../rig/emulator/plantAdapter.js";
import { SerialSource } from "../../rig/hardware/serialSource.js";
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

/** The scenario's plant (parameters, seed, noise, initial state) behind a device's pins. */
export function scenarioPlant(options: TargetOpenOptions, hasAmbientProbe: boolean): PlantDeviceAdapter {
  const { scenario, params } = options;
  const simulator = new PlantSimulator({
    params,
    seed: scenario.seed,
    hasAmbientProbe,
    ...(scenario.rig.noiseKRms !== undefined ? { noiseKRms: scenario.rig.noiseKRms } : {}),
  });
  if (options.initialState !== undefined)
    simulator.setState(options.initialState.tHotC, options.initialState.tColdC);
  return new PlantDeviceAdapter(simulator);
}

/** What {@link openMockPortSession} needs beside the open options. */
export interface MockPortSessionOptions {
  /** Target name for errors (`<name> target: open aborted`). */
  readonly name: string;
  /** The device on virtual time behind a mock port; its clock is the session's. */
  readonly rig: MockPortRig<MockPortDevice & { readonly millis: number }>;
  /** The plant behind the device (the session's truth). */
  readonly plant: PlantDeviceAdapter;
  /** The host conversion. */
  readonly calibration: SensorCalibration;
  /** Counters of the device, for the report. */
  readonly deviceStats: () => Readonly<Record<string, number>>;
  /** Stops what the target started for the rig, after the source is closed (e.g. a harness). */
  readonly closeRig?: () => Promise<void>;
}

/**
 * A session on a device behind a mock port on virtual time: a serial source opened on it (running
 * device time until the handshake is done), the rig's clock, the plant's truth. If the handshake
 * fails or is aborted, the source and the rig are closed and the error thrown.
 */
export async function openMockPortSession(
  options: TargetOpenOptions,
  session: MockPortSessionOptions,
): Promise<TargetSession> {
  const { rig, plant, calibration } = session;
  const { params, signal } = options;
  const source = new SerialSource({
    path: rig.path,
    binding: rig.binding as never,
    scheduler: rig.scheduler,
    calibration,
    rateHz: options.scenario.rig.rateHz,
    ...HIL_SOURCE_DEFAULTS,
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  const clock = {
    scheduler: rig.scheduler,
    nowMs: () => rig.nowMs,
    runUntil: (tMs: number, s: AbortSignal) => rig.runUntil(tMs, s),
  };
  // The handshake needs device time to pass (HELLO after the DTR reset, the RATE answer).
  const opening = source.open(signal);
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
  try {
    while (!opened && failure === undefined && !signal.aborted) {
      await rig.runUntil(rig.nowMs + 10, signal);
    }
  } catch (e) {
    failure ??= e;
  }
  if (!opened) {
    await source.close();
    await session.closeRig?.();
    throw failure ?? new Error(`${session.name} target: open aborted`);
  }
  let rigZero = rig.nowMs - rig.device.millis;
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
    deviceStats: session.deviceStats,
    async close(): Promise<void> {
      rigZero = Number.NaN;
      await source.close();
      await session.closeRig?.();
    },
  };
}

export function emulatorTarget(_arg: string, _context: TargetContext): HilTarget {
  return {
    name: "emulator",
    sourceKind: "emulator",
    capabilities: { emu: true, truth: true, virtualTime: true, presetState: true, plantParams: true },
    async open(options: TargetOpenOptions): Promise<TargetSession> {
      const { scenario } = options;
      const plant = scenarioPlant(options, scenario.rig.ambientProbe);
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
      return openMockPortSession(options, {
        name: "emulator",
        rig: emu,
        plant,
        // The emulated plant has the default parts and no thermistor offsets, whatever the rig config.
        calibration: DEFAULT_SENSOR_CALIBRATION,
        deviceStats: () => ({ ...emu.device.stats }),
      });
    },
  };
}
