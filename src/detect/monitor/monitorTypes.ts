/**
 * The contract of the monitoring pipeline (docs/design.md 3: samples -> twin step -> residuals
 * -> detectors -> alarms): what the dashboard, the HIL runner, `looptwin detect --format looptwin`
 * and the recording consume. Implemented by `createMonitor` in monitor.ts. Pure and online: one
 * sample at a time, time passed in, no allocation per sample (outputs are overwritten in place).
 */
import type { RigSample } from "../../model/rigSample.js";
import type { AlarmEvent, AlarmState } from "../alarms/alarmManager.js";

/** The operator's intended operating point (not what a fault injector applies). */
export interface OperatorSetpoints {
  /** Pump duty 0-255. */
  readonly pumpDuty: number;
  /** Heater duty 0-255. */
  readonly heaterDuty: number;
  /** Fan duty 0-255. */
  readonly fanDuty: number;
}

/** The twin's prediction and the residuals at the latest sample (overwritten per sample). */
export interface MonitorOutput {
  /** Rig time of the sample [s]. */
  tS: number;
  /** Open-loop twin prediction. */
  predTHotC: number;
  predTColdC: number;
  predFlowLpm: number;
  /** Residuals, measured minus predicted. */
  resTHotK: number;
  resTColdK: number;
  resFlowLpm: number;
  /** Observer innovations normalised by their predicted standard deviation (dimensionless). */
  innovTHot: number;
  innovTCold: number;
  innovFlow: number;
  /** Tracked parameters as ratios to nominal, with one standard deviation. */
  uaRatio: number;
  uaRatioSigma: number;
  pumpRatio: number;
  pumpRatioSigma: number;
  /** Per-residual alarm thresholds (the band the dashboard draws), same units as the residuals. */
  bandTHotK: number;
  bandTColdK: number;
  bandFlowLpm: number;
  /** Combined anomaly score, >= 1 means "alarm level" (what `detect` writes as `score`). */
  score: number;
  /** True while any alarm condition is active. */
  anomaly: boolean;
  /** Current diagnosis text (empty when none). */
  diagnosis: string;
}

/** Online loop-performance figures (issue 5 section 5). */
export interface LoopPerformanceFigures {
  /** Heat carried by the fluid, m_dot cp (T_hot - T_cold) [W]. */
  readonly heatDeliveredW: number;
  /** Heat rejected by the radiator [W]. */
  readonly heatRejectedW: number;
  readonly hxEffectiveness: number;
  /** Thermal resistance to the sink [K/W]. */
  readonly thermalResistanceKPerW: number;
  /** Estimated loop time constant [s] (NaN until estimable). */
  readonly timeConstantS: number;
  readonly stability: "settling" | "steady" | "drifting" | "oscillating";
  /** Twin fit: RMSE of each residual over the window. */
  readonly rmseTHotK: number;
  readonly rmseTColdK: number;
  readonly rmseFlowLpm: number;
}

/** No figures yet (nothing measured): every number NaN, the loop settling. */
export const NO_PERFORMANCE: LoopPerformanceFigures = Object.freeze({
  heatDeliveredW: Number.NaN,
  heatRejectedW: Number.NaN,
  hxEffectiveness: Number.NaN,
  thermalResistanceKPerW: Number.NaN,
  timeConstantS: Number.NaN,
  stability: "settling",
  rmseTHotK: Number.NaN,
  rmseTColdK: Number.NaN,
  rmseFlowLpm: Number.NaN,
});

export interface Monitor {
  /** Sets the operator's intended setpoints from rig time `tS` on. */
  setSetpoints(setpoints: OperatorSetpoints, tS: number): void;
  /**
   * Samples are missing from `fromTS` to `toTS` (disconnect, lost lines, reboot): the twin keeps
   * predicting through the gap, the observer resynchronises, and no alarm comes from the gap itself.
   */
  markGap(fromTS: number, toTS: number): void;
  /**
   * The device overrode the setpoints for a reason it reports (SAFE after heartbeat loss,
   * interlock, expired hold, reboot): the twin follows the applied duties until `setSetpoints`.
   */
  followApplied(on: boolean): void;
  /** Processes one sample; returns the alarm transitions it caused (usually none; reused array). */
  step(sample: RigSample): readonly AlarmEvent[];
  /**
   * Acknowledges the newest (or the given) open alarm at rig time `tS`; returns its events: none,
   * or `acknowledged`, followed by `cleared` when the alarm was latched and its condition had
   * already returned (every event is recorded and published, the `cleared` one included).
   */
  acknowledge(tS: number, cause?: string): readonly AlarmEvent[];
  /** The latest outputs (overwritten by each step). */
  readonly output: Readonly<MonitorOutput>;
  /** Open alarms, newest first. */
  openAlarms(): readonly AlarmState[];
  performance(): LoopPerformanceFigures;
}

/** A MonitorOutput before any sample: predictions and residuals NaN, score 0, no anomaly. */
export function createMonitorOutput(): MonitorOutput {
  return {
    tS: Number.NaN,
    predTHotC: Number.NaN,
    predTColdC: Number.NaN,
    predFlowLpm: Number.NaN,
    resTHotK: Number.NaN,
    resTColdK: Number.NaN,
    resFlowLpm: Number.NaN,
    innovTHot: Number.NaN,
    innovTCold: Number.NaN,
    innovFlow: Number.NaN,
    uaRatio: Number.NaN,
    uaRatioSigma: Number.NaN,
    pumpRatio: Number.NaN,
    pumpRatioSigma: Number.NaN,
    bandTHotK: Number.NaN,
    bandTColdK: Number.NaN,
    bandFlowLpm: Number.NaN,
    score: 0,
    anomaly: false,
    diagnosis: "",
  };
}
