/**
 * The faults of a device on virtual time, as the emulated device and the firmware-in-the-loop
 * device schedule them alike: physical, sensor and flow-meter faults go to the plant when added;
 * each fault's start and end become `fault_start`/`fault_end` events when device time reaches them
 * (compared in ms, as {@link FaultSchedule.nextMs} schedules them); `link_corrupt` and `link_drop`
 * set the link's rates while active (the largest `value * severity` of each). What a start or an
 * end does to the device itself (a reboot, the link going down or up) is the device's, through
 * {@link FaultScheduleOptions.onStart} and {@link FaultScheduleOptions.onEnd}.
 *
 * Pure: time is passed in.
 */
import { type FaultSpec, formatFaultSpec, isLinkFault, parseFaultSpec } from "../../model/faultSpec.js";
import type { DevicePlant, EmulatorEvent } from "./devicePorts.js";

export interface FaultScheduleOptions {
  /** Where physical, sensor and flow-meter faults go. */
  readonly plant: DevicePlant;
  /** Ground-truth notifications (`fault_start`, `fault_end`). */
  readonly onEvent: ((e: EmulatorEvent) => void) | undefined;
  /** The device's part of a fault's start, right after its `fault_start` event. */
  readonly onStart: (spec: FaultSpec, tS: number) => void;
  /** The device's part of a fault's end, right after its `fault_end` event. */
  readonly onEnd?: (spec: FaultSpec, tS: number) => void;
}

interface ScheduledFault {
  readonly spec: FaultSpec;
  readonly text: string;
  started: boolean;
  ended: boolean;
}

/** A device's faults: when they start and end, and the link-fault rates they set (see the file's doc). */
export class FaultSchedule {
  /** Byte error rate of `link_corrupt` after the last {@link update}, 0-1. */
  corruptRate = 0;
  /** Line loss rate of `link_drop` after the last {@link update}, 0-1. */
  dropRate = 0;
  private readonly plant: DevicePlant;
  private readonly onEvent: ((e: EmulatorEvent) => void) | undefined;
  private readonly onStart: (spec: FaultSpec, tS: number) => void;
  private readonly onEnd: ((spec: FaultSpec, tS: number) => void) | undefined;
  private readonly faults: ScheduledFault[] = [];

  constructor(options: FaultScheduleOptions) {
    this.plant = options.plant;
    this.onEvent = options.onEvent;
    this.onStart = options.onStart;
    this.onEnd = options.onEnd;
  }

  /** Adds a fault (times in device seconds); a plant that cannot take it throws (a ConfigError). */
  add(spec: FaultSpec): void {
    const text = formatFaultSpec(spec);
    if (!isLinkFault(spec.kind)) this.plant.addFault(spec);
    this.faults.push({ spec, text, started: false, ended: false });
  }

  /** Adds a fault whose start and end are relative to device time `t0S` [s]. */
  addRelative(spec: FaultSpec, t0S: number): void {
    this.add({ ...spec, startS: spec.startS + t0S, endS: spec.endS + t0S });
  }

  /**
   * An `EMU` line's fault spec, relative to device time `t0S` [s]: false (and nothing added) when
   * it is not a fault spec or the plant cannot take it, as the device then answers `syntax`.
   */
  addFromEmu(faultSpec: string, t0S: number): boolean {
    try {
      this.addRelative(parseFaultSpec(faultSpec, "EMU"), t0S);
    } catch {
      return false;
    }
    return true;
  }

  /** Device time [ms] of the next start or end to come (Infinity when none). */
  nextMs(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const f of this.faults) {
      if (!f.started) next = Math.min(next, f.spec.startS * 1000);
      else if (!f.ended && Number.isFinite(f.spec.endS)) next = Math.min(next, f.spec.endS * 1000);
    }
    return next;
  }

  /** Starts and ends the faults due at device time `nowMs`, then sets the link rates. */
  update(nowMs: number): void {
    const tS = nowMs / 1000;
    let corrupt = 0;
    let drop = 0;
    for (const f of this.faults) {
      const { spec } = f;
      // Compared in ms, as nextMs() schedules them (x * 1000 / 1000 need not be x).
      if (!f.started && nowMs >= spec.startS * 1000) {
        f.started = true;
        this.onEvent?.({ kind: "fault_start", tS, spec, text: f.text });
        this.onStart(spec, tS);
      }
      if (f.started && !f.ended && nowMs >= spec.endS * 1000) {
        f.ended = true;
        this.onEvent?.({ kind: "fault_end", tS, spec, text: f.text });
        this.onEnd?.(spec, tS);
      }
      if (f.started && !f.ended) {
        if (spec.kind === "link_corrupt") corrupt = Math.max(corrupt, (spec.value ?? 0) * spec.severity);
        if (spec.kind === "link_drop") drop = Math.max(drop, (spec.value ?? 0) * spec.severity);
      }
    }
    this.corruptRate = corrupt;
    this.dropRate = drop;
  }

  /** Ends every active fault (a `fault_end` each), forgets all, clears the plant's; rates 0. */
  clear(nowMs: number): void {
    const tS = nowMs / 1000;
    for (const f of this.faults) {
      if (f.started && !f.ended) this.onEvent?.({ kind: "fault_end", tS, spec: f.spec, text: f.text });
    }
    this.faults.length = 0;
    this.plant.clearFaults();
    this.corruptRate = 0;
    this.dropRate = 0;
  }
}
