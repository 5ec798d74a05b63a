/**
 * What a scenario run takes and gives: its options (target, monitor factory, recording, abort,
 * progress) and its result (status, verdicts, step outcomes, the timeline and signal history it
 * observed, the faults it injected). runner.ts runs it; suite.ts, the reports and the CLI read it.
 */
import type { Monitor } from "../detect/monitor/monitorTypes.js";
import type { LoopParams } from "../model/loopParams.js";
import type { SensorCalibration } from "../model/telemetryConverter.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import type { Verdict } from "./expectations.js";
import type { FaultInterval, Observation, SignalHistory, StepOutcome } from "./observations.js";
import type { LinkCounter, Scenario } from "./scenario.js";
import type { HilTarget } from "./targets/target.js";

/** What a monitor factory gets to build the twin and detectors of one run. */
export interface MonitorContext {
  /** The rig's loop parameters (the twin's nominal model). */
  readonly params: LoopParams;
  readonly calibration: SensorCalibration;
  readonly hasAmbientProbe: boolean;
  readonly rateHz: number;
  readonly seed: number;
  /** The scenario's `learned: { learn_first }` [s]: train the learned detector on the run's first seconds. */
  readonly learnFirstS?: number;
}

export type MonitorFactory = (context: MonitorContext) => Monitor;

export interface ScenarioRunOptions {
  readonly target: HilTarget;
  readonly monitorFactory: MonitorFactory;
  /** Loop parameters of the rig before the scenario's `rig.params` (a rig config). @default defaults */
  readonly baseParams?: Readonly<Record<string, number>>;
  /** Recording sink (the suite opens one per scenario with `--out`). */
  readonly record?: RecordSink;
  /** Called once the session's clock exists (a recording's clock follows it). */
  readonly onClock?: (nowMs: () => number) => void;
  /** Outer abort (Ctrl-C, SIGHUP, the suite's timeout). */
  readonly signal?: AbortSignal;
  /** Wall seconds a single command step may take. @default 15 */
  readonly stepTimeoutS?: number;
  /** Progress, about once per scenario second of a real-time run (or per tick on virtual time). */
  readonly onProgress?: (p: RunProgress) => void;
}

export interface RunProgress {
  readonly scenario: string;
  readonly phase: "connecting" | "warm-up" | "running" | "stopping";
  /** Scenario time [s] (warm-up: seconds warmed so far). */
  readonly tS: number;
  readonly durationS: number;
  readonly alarms: number;
}

export type ScenarioStatus = "passed" | "failed" | "skipped" | "error";

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly target: string;
  readonly status: ScenarioStatus;
  /** Why it failed, errored or was skipped (one line); empty when it passed. */
  readonly reason: string;
  readonly verdicts: readonly Verdict[];
  readonly steps: readonly StepOutcome[];
  readonly timeline: readonly Observation[];
  readonly history: SignalHistory;
  readonly faults: readonly FaultInterval[];
  /** Scenario seconds covered. */
  readonly rigS: number;
  readonly wallS: number;
  readonly linkCounters: Readonly<Record<LinkCounter, number>>;
  readonly deviceStats?: Readonly<Record<string, number>>;
}
