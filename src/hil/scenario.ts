/**
 * A HIL scenario (`hil/scenarios/*.yaml`, schema in hil/README.md), as the loader validated it:
 * what to run (setpoints, steps at a rig time or when a condition holds) and what to check
 * (expectations over windows of rig time). Times are scenario seconds: 0 is the moment the run
 * starts (after the handshake, the initial setpoints and, on a real rig, the warm-up).
 *
 * Plain readonly data, discriminated on `kind`; every element keeps the line it came from so a
 * report can point back at the file.
 */

import type { Diagnosis } from "../detect/diagnosis/isolation.js";
import type { FaultSpec, PhysicalFaultKind } from "../model/faultSpec.js";
import type { EvtCode, PwmChannel } from "../protocol/messages.js";
import type { SignalName } from "./signals.js";

/** A point in scenario time: absolute, relative to when a step ran, or relative to the end. */
export type TimeRef =
  | { readonly kind: "abs"; readonly tS: number }
  | { readonly kind: "step"; readonly step: string; readonly offsetS: number }
  | { readonly kind: "end"; readonly offsetS: number };

/** A window of scenario time, [from, to]. */
export interface TimeWindow {
  readonly from: TimeRef;
  readonly to: TimeRef;
}

/** Duties 0-255 per channel; a missing channel keeps its value. */
export type DutySet = Readonly<Partial<Record<PwmChannel, number>>>;

/** Full operator setpoints. */
export type FullDuties = Readonly<Record<PwmChannel, number>>;

/** The detectors an expectation can name: the learned detector (cause `learned`) or the residual monitor (every other cause). */
export const ALARM_DETECTORS = ["learned", "residual"] as const;
export type AlarmDetector = (typeof ALARM_DETECTORS)[number];

/** What selects alarms: a diagnosis (isolation's names), a cause, a least severity, the detector; none = any. */
export interface AlarmMatch {
  readonly diagnosis?: Diagnosis;
  readonly cause?: string;
  readonly severity?: "warning" | "critical";
  readonly detector?: AlarmDetector;
}

/** A condition of `wait_until`. */
export type Condition =
  | {
      readonly kind: "signal";
      readonly signal: SignalName;
      readonly above?: number;
      readonly below?: number;
    }
  | { readonly kind: "event"; readonly code: EvtCode; readonly detail?: string }
  | { readonly kind: "alarm"; readonly match: AlarmMatch }
  | { readonly kind: "steady"; readonly maxRateKPerMin: number; readonly forS: number }
  /** Samples are back after a gap of this reason (any when undefined): met at the gap's end. */
  | { readonly kind: "gap"; readonly reason?: "disconnect" | "seq" | "reboot" };

/** One action of a step. */
export type StepAction =
  /** Operator setpoints: PWM without hold; the twin follows them. */
  | { readonly kind: "setpoints"; readonly duties: DutySet }
  /**
   * Physical fault injection (docs/design.md 2.4), as the dashboard does it: PWM on one channel for
   * `holdMs`, under a short dead-man hold the runner renews; the twin keeps the setpoint; `fault`
   * is the ground-truth label.
   */
  | {
      readonly kind: "inject";
      readonly channel: PwmChannel;
      readonly duty: number;
      readonly holdMs: number;
      readonly fault: PhysicalFaultKind;
    }
  /** Ends physical injections: PWM back to the setpoint (one channel, or every injected one). */
  | { readonly kind: "restore"; readonly channel?: PwmChannel }
  /** Emulator-only plant or sensor fault (`EMU,<id>,<spec>`); times relative to the step. */
  | { readonly kind: "emu"; readonly spec: FaultSpec; readonly text: string }
  /** Emulator-only link fault (`EMU` with a link kind). */
  | { readonly kind: "link"; readonly spec: FaultSpec; readonly text: string }
  /** `EMU,<id>,clear`: every emulator fault ends. */
  | { readonly kind: "emu_clear" }
  /** Host heartbeat (PING every 500 ms) off or on; on again re-sends the setpoints. */
  | { readonly kind: "heartbeat"; readonly on: boolean }
  /** `SAFE`; `INFO` (also resets a latched interlock). */
  | { readonly kind: "safe" }
  | { readonly kind: "info" }
  /** Telemetry rate. */
  | { readonly kind: "rate"; readonly hz: number }
  /** The operator acknowledges alarms (all, or one cause). */
  | { readonly kind: "acknowledge"; readonly cause?: string }
  /** A note in the recording and the timeline. */
  | { readonly kind: "note"; readonly text: string }
  /** Nothing: the step only marks a time (a `wait_until` that other steps or expectations refer to). */
  | { readonly kind: "mark" };

export type StepKind = StepAction["kind"];

/** When a step runs. */
export type StepTrigger =
  | { readonly kind: "at"; readonly tS: number }
  | { readonly kind: "wait_until"; readonly condition: Condition; readonly timeoutS: number };

export interface Step {
  /** Name (given, or `step N`), unique in the scenario; time references use it. */
  readonly name: string;
  readonly line: number;
  readonly trigger: StepTrigger;
  readonly action: StepAction;
  /** The device must refuse the command with this NAK reason (e.g. `interlock`). */
  readonly expectNak?: string;
}

/** Bounds on one link counter at the end of the run. */
export interface CounterBound {
  readonly min?: number;
  readonly max?: number;
}

/** Link counters an expectation can bound. */
export const LINK_COUNTERS = [
  "crc_errors",
  "malformed",
  "seq_gaps",
  "lost_samples",
  "reboots",
  "gaps",
  "reconnects",
  "retries",
  "timeouts",
  "naks",
] as const;
export type LinkCounter = (typeof LINK_COUNTERS)[number];

export type Expectation =
  /** An alarm matching raised (or diagnosed as matching while open) within the window. */
  | { readonly kind: "alarm"; readonly match: AlarmMatch; readonly window: TimeWindow }
  /** No alarm matching raised within the window. */
  | { readonly kind: "no_alarm"; readonly match: AlarmMatch; readonly window: TimeWindow }
  /** The signal stays within [min, max] at every sample of the window. */
  | {
      readonly kind: "band";
      readonly signal: SignalName;
      readonly min: number;
      readonly max: number;
      readonly window: TimeWindow;
    }
  /** A device event (EVT) seen within the window. */
  | {
      readonly kind: "event";
      readonly code: EvtCode;
      readonly detail?: string;
      readonly window: TimeWindow;
    }
  /** The matching alarm (raised before the window ends) is cleared within the window. */
  | { readonly kind: "recovery"; readonly match: AlarmMatch; readonly window: TimeWindow }
  /** A gap in the samples marked within the window. */
  | {
      readonly kind: "gap";
      readonly reason?: "disconnect" | "seq" | "reboot";
      readonly window: TimeWindow;
    }
  /** Link counters at the end of the run. */
  | { readonly kind: "link"; readonly bounds: Readonly<Partial<Record<LinkCounter, CounterBound>>> };

export type ExpectationKind = Expectation["kind"];

export interface ExpectationEntry {
  /** Report label (given, or generated from the expectation). */
  readonly name: string;
  readonly line: number;
  readonly expectation: Expectation;
}

/** Rig and emulator settings of a scenario. */
export interface ScenarioRig {
  /** Loop parameter overrides (names as `--set`), for the emulated plant and the twin. */
  readonly params: Readonly<Record<string, number>>;
  /** The rig has an ambient probe. @default true */
  readonly ambientProbe: boolean;
  /** Thermistor noise of the emulated plant [K rms]. @default the model's default */
  readonly noiseKRms?: number;
  /** Telemetry rate [Hz]. @default 10 */
  readonly rateHz: number;
  /**
   * Where the run starts: `steady` (the emulator's plant starts at the steady state of the initial
   * setpoints; a real rig is warmed up until steady) or `ambient` (as it is). @default steady
   */
  readonly start: "steady" | "ambient";
  /** Longest warm-up on a real rig [s]. @default 3600 (the default rig settles in about 32 min) */
  readonly warmupTimeoutS: number;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly rig: ScenarioRig;
  /** Operator setpoints at t = 0. @default pump 200, heater 255, fan 255 */
  readonly setpoints: FullDuties;
  /** Rig seconds the scenario runs. */
  readonly durationS: number;
  /** Wall seconds the whole scenario may take (per-scenario timeout); undefined: derived. */
  readonly timeoutS?: number;
  /** Free tags for `--filter` (e.g. `smoke`). */
  readonly tags: readonly string[];
  readonly steps: readonly Step[];
  readonly expectations: readonly ExpectationEntry[];
  /**
   * `learned: { learn_first: S }`: the learned detector runs beside the monitor, trained on the
   * run's first S seconds, unless `hil run` is given `--learned` or `--learn-first`.
   */
  readonly learned?: { readonly learnFirstS: number };
}

/** Default operator setpoints (docs/design.md 5 input defaults). */
export const DEFAULT_SETPOINTS: FullDuties = { pump: 200, heater: 255, fan: 255 };

/** Actions only the emulator can carry out (real firmware answers `EMU` with NAK unknown). */
export function isEmulatorOnly(action: StepAction): boolean {
  return action.kind === "emu" || action.kind === "link" || action.kind === "emu_clear";
}

/** Human text of a time reference, e.g. `pump-off + 2 s`. */
export function timeRefText(r: TimeRef): string {
  switch (r.kind) {
    case "abs":
      return `t=${r.tS} s`;
    case "step":
      return r.offsetS === 0 ? r.step : `${r.step} ${r.offsetS > 0 ? "+" : "-"} ${Math.abs(r.offsetS)} s`;
    case "end":
      return r.offsetS === 0 ? "end" : `end - ${Math.abs(r.offsetS)} s`;
  }
}

/** Human text of an alarm match, e.g. `pump_failure alarm (critical)`. */
export function alarmMatchText(m: AlarmMatch): string {
  const parts = [
    m.diagnosis ?? "",
    m.cause !== undefined ? `cause ${m.cause}` : "",
    m.detector !== undefined ? `${m.detector} detector` : "",
  ].filter((s) => s !== "");
  const what = parts.length === 0 ? "any alarm" : `${parts.join(", ")} alarm`;
  return m.severity !== undefined ? `${what} (${m.severity})` : what;
}
