/**
 * The monitoring pipeline (DESIGN.md section 3: samples -> twin step -> residuals -> detectors ->
 * alarms), implementing the {@link Monitor} contract (monitorTypes.ts) for the dashboard, the HIL
 * runner, `looptwin detect --format looptwin` and the evaluation. One sample at a time, O(1) work,
 * no allocation per sample while no alarm is open, deterministic (no clock, no random numbers).
 *
 * What runs per sample:
 * - twin (a): the open-loop twin at the operator's intended setpoints (residualGenerator.ts), or
 *   at the applied duties while {@link Monitor.followApplied} is on (device overrides);
 * - twin (b): the same loop model driven by the *measured* flow (pulses over the last sample
 *   interval; flowWindowPredictor.ts), so a real change of flow is explained and a flow-meter
 *   fault is not;
 * - the twin's flow averaged over the host's flow-estimate window (flowWindowPredictor.ts), so
 *   pump setpoint steps leave no flow residual;
 * - the Kalman observer (innovations for the dashboard) and the parameter tracker (UA, pump and
 *   heat-input ratios with their uncertainty), and the loop figures (loopPerformance.ts, at
 *   `performanceRateHz`: they smooth over 10 s, so 5 Hz carries everything they use);
 * - four alarm families, each one alarm cause ({@link MONITOR_CAUSES}):
 *   - `flow`: the flow residual (pump degradation or failure, flow meter);
 *   - `t_hot`, `t_cold`: one thermistor against the other and the twins: its residual beyond the
 *     other's (in both twins), out of range, frozen, erratic;
 *   - `loop`: the residual both thermistors share, in both twins (HX fouling, heater).
 *   Structured residuals: a pump fault moves the flow residual and twin (a) but not twin (b); a
 *   meter fault moves the flow residual and twin (b) but not twin (a); a loop fault moves both
 *   twins on both thermistors; a sensor fault moves one thermistor in both twins. Every
 *   temperature family is fed, sample by sample, the smaller of its two twins' residuals, so a
 *   flow fault cannot raise a temperature alarm through the twin that is wrong about the flow
 *   (the twins see the same measurement, so the two differ only by their predictions).
 *   Each family's residual, in units of its band, feeds the configured primary detector
 *   (detector.ts; default an EWMA with its limit at the band); see monitorConfig.ts for the bands
 *   and the reasoning behind the defaults.
 * - the alarm manager (alarmManager.ts), fed each family's score; the diagnosis of a raised or
 *   open alarm is refreshed every `diagnosisRefreshS` while it is open (monitorDiagnosis.ts), and
 *   at once when the pump-versus-meter evidence decides. A flow alarm starts `flow_undecided`:
 *   in its first second only the flow has moved, whether the pump or the meter changed, and the
 *   temperatures need a time the loop model gives (flowDecisionTime.ts) to tell them apart.
 *
 * Severity: from the diagnosis (a pump failure, or an undecided flow fault whose flow has
 * stopped, is critical); by size alone only a loop deviation
 * of `criticalCommonModeK` escalates (a scale on the band the alarm manager's `criticalLevel`
 * would otherwise reach for any large sensor offset, which would latch a sensor warning).
 *
 * Start and gaps: until {@link Monitor.setSetpoints} is first called the twin follows the
 * applied duties (no intention is known yet). The twins start from the first sample and are
 * aligned over `alignS` seconds on the mean residual (so the first sample's noise does not bias
 * them for the loop's 500 s time constant); temperature detection starts after that, flow
 * detection once the host's flow estimate spans its whole window (its first values rest on a
 * few pulses). Through a gap (markGap, or a sample spacing
 * over 2.5 periods) the twins keep predicting; after a gap of a second or more the flow family
 * waits until the host's flow window no longer spans the gap (the device may have applied
 * duties nobody saw, e.g. SAFE after a lost heartbeat), the flatline and erratic tests restart,
 * and the observer resynchronises by itself; after `realignAfterGapS` the twins start again from
 * the measurements.
 */
import { ConfigError } from "../../core/errors.js";
import { kgSToLpm, lpmToKgS } from "../../core/units.js";
import { heaterPowerW, radiatorUaWK } from "../../model/actuators.js";
import { pumpMassFlowKgS } from "../../model/pumpCurve.js";
import type { RigSample } from "../../model/rigSample.js";
import { classifyCounts, kelvinPerCount, type ThermistorConfig } from "../../model/thermistor.js";
import { type AlarmEvent, AlarmManager, type AlarmState } from "../alarms/alarmManager.js";
import { ChiSquareDetector } from "../detectors/chiSquare.js";
import { createDetector, type ResidualDetector } from "../detectors/detector.js";
import { FlatlineDetector } from "../detectors/flatlineDetector.js";
import { ThresholdDetector } from "../detectors/thresholdDetector.js";
import { flowDecisionTimeS } from "../diagnosis/flowDecisionTime.js";
import {
  createDiagnosisSnapshot,
  type DiagnosisBands,
  type DiagnosisSnapshot,
  diagnose,
  MONITOR_CAUSES,
  type MonitorCause,
  type MonitorDiagnosis,
  type SensorEvidence,
} from "../diagnosis/monitorDiagnosis.js";
import { LoopPerformance } from "../performance/loopPerformance.js";
import { FlowDrivenTwin } from "../twins/flowDrivenTwin.js";
import { FlowWindowPredictor } from "../twins/flowWindowPredictor.js";
import { LoopObserver } from "../twins/observer.js";
import { ParameterTracker } from "../twins/parameterTracker.js";
import { OpenLoopResidualGenerator } from "../twins/residualGenerator.js";
import { type MonitorConfig, type ResolvedMonitorConfig, resolveMonitorConfig } from "./monitorConfig.js";
import {
  createMonitorOutput,
  type LoopPerformanceFigures,
  type Monitor,
  type MonitorOutput,
  type OperatorSetpoints,
} from "./monitorTypes.js";

export { MONITOR_CAUSES, type MonitorCause } from "../diagnosis/monitorDiagnosis.js";
export type { MonitorConfig } from "./monitorConfig.js";

/** Smoothing weight of the residuals the isolation reads (a ~5 s memory at 10 Hz). */
const ISOLATION_LAMBDA = 0.02;
/** Smoothing weight of the flow residual the isolation reads. */
const FLOW_ISOLATION_LAMBDA = 0.1;
/** Gaps at least this long [s] make the flow family wait and the per-sample tests restart. */
const LONG_GAP_S = 1;
/** Ambient smoothing time constant [s] and the change [K] that updates the models. */
const AMBIENT_TAU_S = 30;
const AMBIENT_STEP_K = 0.05;
/** Seconds the flow residual must be quiet before a twin is re-seated on the other. */
const RESEAT_QUIET_S = 5;
/** Flow family score above which pump-versus-meter evidence accumulates. */
const FLOW_ENGAGED_SCORE = 0.3;
const LLR_CAP = 1e4;
/** Indices of the isolation's smoothed residuals. */
const ISO_A_HOT = 0;
const ISO_A_COLD = 1;
const ISO_B_HOT = 2;
const ISO_B_COLD = 3;
const ISO_FLOW = 4;
/** Indices of this sample's values in ResidualMonitor.cur: spacing [s], raw residuals [K], readings [C]. */
const CUR_DT = 0;
const CUR_A_HOT = 1;
const CUR_A_COLD = 2;
const CUR_B_HOT = 3;
const CUR_B_COLD = 4;
const CUR_HOT = 5;
const CUR_COLD = 6;

/** Per-cause bookkeeping (allocated once). */
interface CauseState {
  readonly cause: MonitorCause;
  /** Level fed to the alarm manager at the last sample (NaN: no data). */
  level: number;
  /** Mirror of the alarm manager's "condition active" for `anomaly`. */
  open: boolean;
  conditionActive: boolean;
  raisedAtS: number;
  belowSinceS: number;
  diagnosis: MonitorDiagnosis | undefined;
  diagnosisAtS: number;
  /** Whether the last level fed was at or above the raise level (the manager's on-delay runs). */
  armed: boolean;
}

/** The monitor of the contract; see the file comment. */
export class ResidualMonitor implements Monitor {
  readonly config: ResolvedMonitorConfig;
  readonly output: MonitorOutput = createMonitorOutput();
  readonly alarms: AlarmManager;
  readonly generator: OpenLoopResidualGenerator;
  readonly observer: LoopObserver;
  readonly tracker: ParameterTracker;
  readonly loopPerformance: LoopPerformance;
  private readonly twinB: FlowDrivenTwin;
  private readonly flow: FlowWindowPredictor;
  private readonly bands: DiagnosisBands;
  // Detectors: primary per family and twin, plus the thermistor checks.
  private readonly hotDet: ResidualDetector;
  private readonly coldDet: ResidualDetector;
  private readonly loopDet: ResidualDetector;
  private readonly flowDet: ResidualDetector;
  private readonly erraticHot: ChiSquareDetector | null;
  private readonly erraticCold: ChiSquareDetector | null;
  private readonly flatHot: FlatlineDetector;
  private readonly flatCold: FlatlineDetector;
  private readonly rangeHot: ThresholdDetector;
  private readonly rangeCold: ThresholdDetector;
  private readonly events: AlarmEvent[] = [];
  private readonly causes: CauseState[];
  private readonly snap: DiagnosisSnapshot = createDiagnosisSnapshot();
  private readonly fit = new Float64Array(3);
  private readonly rawScores = new Float64Array(MONITOR_CAUSES.length);
  private readonly flowResidualSigma: number;
  private readonly noise: ReadingNoise;
  private readonly gapThresholdS: number;
  private readonly warnCap: number;
  private readonly perfPeriodS: number;
  /** Largest believable interval flow [L/min] (a pulse count restarting after a reboot is not). */
  private readonly qMaxLpm: number;
  private perfLastS = Number.NaN;
  private readonly criticalLoopScore: number;
  // Setpoints and duties.
  private sp: OperatorSetpoints = { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  /** Until the operator's setpoints are known, the twin follows the applied duties. */
  private following = true;
  private pump = Number.NaN;
  private heater = Number.NaN;
  private fan = Number.NaN;
  private intendedFlowLpm = 0;
  private ambientC: number;
  private ambientSmoothC = Number.NaN;
  private ambientAlpha = 0;
  private ambientAlphaDtS = Number.NaN;
  // Time.
  private initialised = false;
  private lastTS = Number.NaN;
  private twinBTS = Number.NaN;
  /** Mass flow of twin (b) over the last interval [kg/s]. */
  private mDotB = 0;
  private gapFromS = Number.NaN;
  private gapToS = Number.NaN;
  private flowGraceUntilS = Number.NEGATIVE_INFINITY;
  // Alignment of the twins at the start.
  private aligning = false;
  private alignStartS = Number.NaN;
  private alignAH = 0;
  private alignAC = 0;
  private alignBH = 0;
  private alignBC = 0;
  private alignNH = 0;
  private alignNC = 0;
  // Raw residuals of the last sample, and the previous ones (erratic test).
  /** The previous raw residuals of both twins: [a hot, a cold, b hot, b cold] (NaN: none). */
  private readonly prevRaw = new Float64Array(4).fill(Number.NaN);
  /** This sample's values for the per-sample methods: see the CUR_ indices. */
  private readonly cur = new Float64Array(7);
  private qB = Number.NaN;
  // Isolation smoothing.
  /** Smoothed residuals the isolation reads: [a T_hot, a T_cold, b T_hot, b T_cold, flow]. */
  private readonly iso = new Float64Array(5).fill(Number.NaN);
  private pumpLlr = 0;
  /** Cascaded filters of the residuals for the heat-input residual: [aH1, aH2, aC1, aC2, bH1, bH2, bC1, bC2]. */
  private readonly heatFilt = new Float64Array(8).fill(Number.NaN);
  private heatAlpha = 0;
  private heatAlphaDtS = Number.NaN;
  private pumpDecision = 0;
  /** When the pump-versus-meter evidence began to accumulate (NaN: it is not). */
  private flowEngagedAtS = Number.NaN;
  private flowQuietSinceS = Number.NaN;
  private badSamples_ = 0;
  private hotRange: SensorEvidence["range"] = "ok";
  private coldRange: SensorEvidence["range"] = "ok";

  constructor(config: MonitorConfig = {}) {
    const cfg = resolveMonitorConfig(config);
    this.config = cfg;
    const p = cfg.params;
    const d = cfg.detectors;
    this.alarms = new AlarmManager(cfg.alarm);
    this.generator = new OpenLoopResidualGenerator(p, { flowMeterWindowS: 0 });
    this.observer = new LoopObserver(p, cfg.observer);
    this.tracker = new ParameterTracker(p, cfg.tracker);
    this.loopPerformance = new LoopPerformance({
      cpJKgK: p.cp,
      cHotJK: p.C_hot,
      cColdJK: p.C_cold,
      fitWindowSamples: Math.max(1, Math.round(cfg.fitWindowS * Math.min(cfg.rateHz, cfg.performanceRateHz))),
    });
    this.twinB = new FlowDrivenTwin(p);
    this.flow = new FlowWindowPredictor({ windowS: cfg.flowWindowS, kHzPerLpm: cfg.kHzPerLpm });
    this.bands = {
      temperatureBandK: d.temperatureBandK,
      deltaTBandK: d.deltaTBandK,
      flowBandLpm: d.flowBandLpm,
      pumpEvidenceNats: d.pumpEvidenceNats,
      stoppedRatio: d.stoppedRatio,
      sensorNoiseK: cfg.sensorNoiseK,
      heatBandW: d.heatBandW,
    };
    const primary = (): ResidualDetector => createDetector(d.primary);
    this.hotDet = primary();
    this.coldDet = primary();
    this.loopDet = primary();
    this.flowDet = primary();
    this.erraticHot = d.erratic === false ? null : new ChiSquareDetector({ ...d.erratic, dimension: 1 });
    this.erraticCold = d.erratic === false ? null : new ChiSquareDetector({ ...d.erratic, dimension: 1 });
    this.flatHot = new FlatlineDetector(d.flatlineS);
    this.flatCold = new FlatlineDetector(d.flatlineS);
    const range = { threshold: 0.5, k: d.outOfRangeK, n: d.outOfRangeN, side: "upper" as const };
    this.rangeHot = new ThresholdDetector(range);
    this.rangeCold = new ThresholdDetector(range);
    this.causes = MONITOR_CAUSES.map((cause) => ({
      cause,
      level: Number.NaN,
      open: false,
      conditionActive: false,
      raisedAtS: Number.NaN,
      belowSinceS: Number.NaN,
      diagnosis: undefined,
      diagnosisAtS: Number.NaN,
      armed: false,
    }));
    // One pulse in the window is the flow estimate's resolution; its rms over a uniform phase is 1/sqrt(6) of it.
    this.flowResidualSigma = 1 / (cfg.kHzPerLpm * cfg.flowWindowS) / Math.sqrt(6);
    this.gapThresholdS = 2.5 / cfg.rateHz;
    this.perfPeriodS = 0.95 / cfg.performanceRateHz;
    this.qMaxLpm = 3 * kgSToLpm(cfg.params.m_dot_max) + 1;
    this.noise = new ReadingNoise(cfg.sensorNoiseK, cfg.thermistorHot, cfg.thermistorCold);
    const a = cfg.alarm;
    this.warnCap = a.raiseLevel + 0.5 * (a.criticalLevel - a.raiseLevel);
    this.criticalLoopScore = d.criticalCommonModeK / d.commonModeBandK;
    this.ambientC = p.T_amb;
    this.output.bandTHotK = d.temperatureBandK;
    this.output.bandTColdK = d.temperatureBandK;
    this.output.bandFlowLpm = d.flowBandLpm;
    this.applyDuties(0, 0, 0);
  }

  /** Samples skipped because their rig time was not finite. */
  get badSamples(): number {
    return this.badSamples_;
  }

  /** Whether the twin follows the applied duties. */
  get followingApplied(): boolean {
    return this.following;
  }

  /** The operator's setpoints in force. */
  get setpoints(): OperatorSetpoints {
    return this.sp;
  }

  // ---------------------------------------------------------------- inputs

  setSetpoints(setpoints: OperatorSetpoints, tS: number): void {
    const pump = checkDuty("setpoints.pumpDuty", setpoints.pumpDuty);
    const heater = checkDuty("setpoints.heaterDuty", setpoints.heaterDuty);
    const fan = checkDuty("setpoints.fanDuty", setpoints.fanDuty);
    if (!Number.isFinite(tS)) throw new ConfigError("tS", tS, "must be a finite rig time in seconds");
    this.sp = { pumpDuty: pump, heaterDuty: heater, fanDuty: fan };
    this.following = false;
    // The change applies from tS: bring the models there on the old duties first (never more
    // than a second ahead of the last sample, in case the caller's clock runs ahead of the rig's).
    if (this.initialised && tS > this.lastTS && tS - this.lastTS <= 1) this.advanceModelsTo(tS);
    this.applyDuties(pump, heater, fan);
  }

  markGap(fromTS: number, toTS: number): void {
    if (!(Number.isFinite(fromTS) && Number.isFinite(toTS))) return;
    if (!(toTS - fromTS > 0)) return;
    this.gapFromS = fromTS;
    this.gapToS = toTS;
  }

  followApplied(on: boolean): void {
    this.following = on;
    if (!on) this.applyDuties(this.sp.pumpDuty, this.sp.heaterDuty, this.sp.fanDuty);
  }

  private advanceModelsTo(tS: number): void {
    this.generator.update(tS, Number.NaN, Number.NaN, Number.NaN);
    this.flow.advance(tS, this.intendedFlowLpm);
    this.stepTwinB(tS, this.qB);
    this.observer.update(tS, Number.NaN, Number.NaN);
  }

  private applyDuties(pump: number, heater: number, fan: number): void {
    if (pump === this.pump && heater === this.heater && fan === this.fan) return;
    this.pump = pump;
    this.heater = heater;
    this.fan = fan;
    const p = this.config.params;
    this.generator.setIntendedDuties(pump, heater, fan);
    this.observer.setIntendedDuties(pump, heater, fan, this.ambientC);
    this.tracker.setIntendedDuties(pump, heater, fan);
    this.intendedFlowLpm = kgSToLpm(pumpMassFlowKgS(p, pump));
    this.twinB.setInputs(heaterPowerW(p, heater), radiatorUaWK(p, fan), p.T_sink, this.ambientC);
  }

  private updateAmbient(dtS: number, tAmbC: number): void {
    if (!this.config.hasAmbientProbe || !Number.isFinite(tAmbC)) return;
    if (Number.isNaN(this.ambientSmoothC) || !(dtS > 0)) this.ambientSmoothC = tAmbC;
    else {
      // Sample spacing jitters in its last bits: reuse the weight within 1e-9.
      if (!(Math.abs(dtS - this.ambientAlphaDtS) <= 1e-9 * dtS)) {
        this.ambientAlpha = -Math.expm1(-dtS / AMBIENT_TAU_S);
        this.ambientAlphaDtS = dtS;
      }
      this.ambientSmoothC += this.ambientAlpha * (tAmbC - this.ambientSmoothC);
    }
    if (Math.abs(this.ambientSmoothC - this.ambientC) < AMBIENT_STEP_K) return;
    this.ambientC = this.ambientSmoothC;
    this.generator.setAmbientC(this.ambientC);
    this.observer.setAmbientC(this.ambientC);
    this.tracker.setAmbientC(this.ambientC);
    const p = this.config.params;
    this.twinB.setInputs(heaterPowerW(p, this.heater), radiatorUaWK(p, this.fan), p.T_sink, this.ambientC);
  }

  private stepTwinB(tS: number, qLpm: number): void {
    const dt = tS - this.twinBTS;
    if (!(dt > 0)) return;
    if (Number.isFinite(qLpm)) this.mDotB = qLpm > 0 ? lpmToKgS(qLpm) : 0;
    this.twinB.step(dt, this.mDotB);
    this.twinBTS = tS;
  }

  // ---------------------------------------------------------------- the sample

  step(s: RigSample): readonly AlarmEvent[] {
    // (Setting an array's length calls into the runtime: only when there is something to drop.)
    if (this.events.length !== 0) this.events.length = 0;
    const t = s.tS;
    if (!Number.isFinite(t)) {
      this.badSamples_++;
      return this.events;
    }
    const cfg = this.config;
    const d = cfg.detectors;
    const dt = t - this.lastTS;
    // A gap: one the source marked (ending at or before this sample), or a long sample spacing.
    let gapS = 0;
    if (Number.isFinite(this.gapToS) && this.gapToS <= t + 1e-9) {
      gapS = this.gapToS - this.gapFromS;
      this.gapFromS = Number.NaN;
      this.gapToS = Number.NaN;
    }
    if (dt > this.gapThresholdS && dt > gapS) gapS = dt;
    const longGap = gapS >= LONG_GAP_S;
    if (longGap) {
      this.flowGraceUntilS = t + cfg.flowWindowS + 1 / cfg.rateHz;
      this.flatHot.restart();
      this.flatCold.restart();
      this.prevRaw.fill(Number.NaN);
    }
    if (this.following) this.applyDuties(s.pumpDuty, s.heaterDuty, s.fanDuty);
    this.updateAmbient(dt, s.tAmbC);
    const hot = s.tHotC;
    const cold = s.tColdC;
    const hasHot = Number.isFinite(hot);
    const hasCold = Number.isFinite(cold);
    this.hotRange = hasHot ? "ok" : rangeOf(s.adcHot);
    this.coldRange = hasCold ? "ok" : rangeOf(s.adcCold);
    // Thermistor checks need no model.
    // (A window of zeros fed another zero does not change: skipped.)
    if (!hasHot || this.rangeHot.statistic > 0) this.rangeHot.update(hasHot ? 0 : 1);
    if (!hasCold || this.rangeCold.statistic > 0) this.rangeCold.update(hasCold ? 0 : 1);
    this.flatHot.update(t, hot);
    this.flatCold.update(t, cold);
    if (this.initialised && gapS > d.realignAfterGapS && (hasHot || hasCold)) this.initialised = false;
    if (!this.initialised) {
      if (!(hasHot || hasCold)) {
        this.lastTS = t;
        this.finishSample(t, false);
        return this.events;
      }
      this.start(t, hasHot ? hot : cold, hasCold ? cold : hot);
    }

    // Twin (a) and its flow as the meter reads it.
    const r = this.generator.update(t, hot, cold, Number.NaN);
    const measFlow = s.flowLpm;
    if (!Number.isFinite(measFlow)) this.flow.reset();
    this.flow.advance(t, this.intendedFlowLpm);
    this.flow.push(t, s.pulses);
    const predFlow = this.flow.predictedLpm;
    const resFlow = measFlow - predFlow;
    // Twin (b): the measured flow over the last interval (a reset or reboot leaves the last one).
    const q = this.flow.intervalLpm;
    if (Number.isFinite(q) && q <= this.qMaxLpm) this.qB = q;
    else if (Number.isNaN(this.qB)) this.qB = Number.isFinite(measFlow) ? measFlow : this.intendedFlowLpm;
    this.stepTwinB(t, this.qB);
    const aH = r.tHotK;
    const aC = r.tColdK;
    const bH = hot - this.twinB.tHotC;
    const bC = cold - this.twinB.tColdC;

    this.observer.update(t, hot, cold);
    const blockClosed = this.tracker.update(t, hot, cold, measFlow);
    const fit = this.fit;
    fit[0] = aH;
    fit[1] = aC;
    fit[2] = resFlow;
    // The loop figures at their own rate (a sample at least one period, less 5 % jitter, after the last).
    if (!(t - this.perfLastS < this.perfPeriodS)) {
      this.perfLastS = t;
      this.loopPerformance.update(t, hot, cold, lpmToKgS(measFlow), cfg.params.T_sink, fit);
    }

    const o = this.output;
    o.predTHotC = r.predTHotC;
    o.predTColdC = r.predTColdC;
    o.predFlowLpm = predFlow;
    o.resTHotK = aH;
    o.resTColdK = aC;
    o.resFlowLpm = resFlow;
    o.innovTHot = this.observer.normalizedHot;
    o.innovTCold = this.observer.normalizedCold;
    o.innovFlow = resFlow / this.flowResidualSigma;
    if (blockClosed) {
      const tr = this.tracker;
      o.uaRatio = tr.uaRatio;
      o.uaRatioSigma = tr.uaRatioStd;
      o.pumpRatio = tr.pumpRatio;
      o.pumpRatioSigma = tr.pumpRatioStd;
    }

    // Not while the host's window spans a long gap, nor before it spans a whole window.
    const flowLive = t >= this.flowGraceUntilS && Number.isFinite(resFlow) && this.flow.windowFull;
    if (flowLive) {
      this.flowDet.update(resFlow / d.flowBandLpm);
      smoothAt(this.iso, ISO_FLOW, resFlow, FLOW_ISOLATION_LAMBDA);
    }
    const flowScore = this.flowDet.score;
    if (flowLive && flowScore >= FLOW_ENGAGED_SCORE) {
      if (Number.isNaN(this.flowEngagedAtS)) this.flowEngagedAtS = t;
      // Evidence only where the twins' predictions of T_hot - T_cold differ by the band the
      // isolation trusts them to (aH - bH is twin b's prediction less twin a's): below it an
      // increment is model error and quantisation, and with no heat input to tell pump from meter
      // (both twins alike) they would walk the ratio to a decision within half an hour.
      const inc =
        Math.abs(aH - aC - (bH - bC)) >= d.deltaTBandK
          ? (aH * aH + aC * aC - (bH * bH + bC * bC)) / (2 * cfg.sensorNoiseK * cfg.sensorNoiseK)
          : 0;
      if (Number.isFinite(inc)) this.pumpLlr = clampAbs(this.pumpLlr + inc, LLR_CAP);
      const l = d.pumpEvidenceNats;
      const before = this.pumpDecision;
      if (this.pumpLlr >= l) this.pumpDecision = 1;
      else if (this.pumpLlr <= -l) this.pumpDecision = -1;
      // A decision is news: the open alarms say so now, not at their next refresh.
      if (this.pumpDecision !== before) this.refreshDiagnoses();
    }
    if (flowScore < FLOW_ENGAGED_SCORE && flowLive) {
      if (Number.isNaN(this.flowQuietSinceS)) this.flowQuietSinceS = t;
    } else this.flowQuietSinceS = Number.NaN;
    const flowQuietS = Number.isNaN(this.flowQuietSinceS) ? 0 : t - this.flowQuietSinceS;
    if (flowQuietS >= RESEAT_QUIET_S && !this.causeOpen(0)) {
      this.pumpLlr = 0;
      this.pumpDecision = 0;
      this.flowEngagedAtS = Number.NaN;
    }

    // Erratic test on the whitened first differences of the raw residuals.
    // Per twin, then the smaller: a sensor's jump or noise is in both, a fast physical transient
    // (a pump restarting on a hot loop moves T_hot by K per second) only in a twin that does not
    // know it.
    const cur = this.cur;
    cur[CUR_DT] = dt;
    cur[CUR_A_HOT] = aH;
    cur[CUR_A_COLD] = aC;
    cur[CUR_B_HOT] = bH;
    cur[CUR_B_COLD] = bC;
    cur[CUR_HOT] = hot;
    cur[CUR_COLD] = cold;
    this.feedErratic();

    if (this.aligning) {
      this.accumulateAlignment(t, aH, aC, bH, bC);
    } else {
      this.feedFamilies();
      this.smoothResiduals();
      if (flowQuietS >= RESEAT_QUIET_S) this.reseat();
    }
    this.lastTS = t;
    this.finishSample(t, flowLive);
    return this.events;
  }

  // The per-sample work below is split into methods of their own, reading this sample's values
  // from {@link cur}, so that the optimising compiler inlines the small helpers into each (one
  // method of everything runs out of its inlining budget) and no double is boxed to pass it.

  /** The erratic test on the raw residuals' first differences; then remembers them. */
  private feedErratic(): void {
    const cur = this.cur;
    const aH = cur[CUR_A_HOT] as number;
    const aC = cur[CUR_A_COLD] as number;
    const bH = cur[CUR_B_HOT] as number;
    const bC = cur[CUR_B_COLD] as number;
    const hot = cur[CUR_HOT] as number;
    const cold = cur[CUR_COLD] as number;
    const prev = this.prevRaw;
    if (this.erraticHot !== null) {
      const dh = smaller(aH - (prev[0] as number), bH - (prev[2] as number));
      if (Number.isFinite(dh)) this.erraticHot.update(dh * this.noise.whitenHot(hot));
    }
    if (this.erraticCold !== null) {
      const dc = smaller(aC - (prev[1] as number), bC - (prev[3] as number));
      if (Number.isFinite(dc)) this.erraticCold.update(dc * this.noise.whitenCold(cold));
    }
    prev[0] = aH;
    prev[1] = aC;
    prev[2] = bH;
    prev[3] = bC;
  }

  /** The temperature families' detectors. */
  private feedFamilies(): void {
    const cur = this.cur;
    const aH = cur[CUR_A_HOT] as number;
    const aC = cur[CUR_A_COLD] as number;
    const bH = cur[CUR_B_HOT] as number;
    const bC = cur[CUR_B_COLD] as number;
    const d = this.config.detectors;
    const bandT = d.temperatureBandK;
    const bandM = d.commonModeBandK;
    // Each family watches whichever twin explains this sample better (see the file comment).
    updateIf(this.hotDet, smaller(alone(aH, aC), alone(bH, bC)) / bandT);
    updateIf(this.coldDet, smaller(alone(aC, aH), alone(bC, bH)) / bandT);
    updateIf(this.loopDet, smaller(common(aH, aC), common(bH, bC)) / bandM);
  }

  /** The isolation smoothing and the heat filters of both twins' residuals. */
  private smoothResiduals(): void {
    const cur = this.cur;
    const aH = cur[CUR_A_HOT] as number;
    const aC = cur[CUR_A_COLD] as number;
    const bH = cur[CUR_B_HOT] as number;
    const bC = cur[CUR_B_COLD] as number;
    const iso = this.iso;
    smoothAt(iso, ISO_A_HOT, aH, ISOLATION_LAMBDA);
    smoothAt(iso, ISO_A_COLD, aC, ISOLATION_LAMBDA);
    smoothAt(iso, ISO_B_HOT, bH, ISOLATION_LAMBDA);
    smoothAt(iso, ISO_B_COLD, bC, ISOLATION_LAMBDA);
    this.filterHeat(cur[CUR_DT] as number, aH, aC, bH, bC);
  }

  /** Starts (or restarts) the twins on the measured temperatures. */
  private start(tS: number, hotC: number, coldC: number): void {
    this.generator.reset();
    this.generator.update(tS, hotC, coldC, Number.NaN);
    this.twinB.setState(hotC, coldC);
    this.twinBTS = tS;
    this.flow.reset();
    this.initialised = true;
    this.aligning = this.config.detectors.alignS > 0;
    this.alignStartS = tS;
    this.alignAH = 0;
    this.alignAC = 0;
    this.alignBH = 0;
    this.alignBC = 0;
    this.alignNH = 0;
    this.alignNC = 0;
    this.resetTemperatureDetectors();
  }

  private accumulateAlignment(tS: number, aH: number, aC: number, bH: number, bC: number): void {
    if (Number.isFinite(aH) && Number.isFinite(bH)) {
      this.alignAH += aH;
      this.alignBH += bH;
      this.alignNH++;
    }
    if (Number.isFinite(aC) && Number.isFinite(bC)) {
      this.alignAC += aC;
      this.alignBC += bC;
      this.alignNC++;
    }
    if (tS - this.alignStartS < this.config.detectors.alignS) return;
    const tw = this.generator.twin;
    const mAH = this.alignNH > 0 ? this.alignAH / this.alignNH : 0;
    const mAC = this.alignNC > 0 ? this.alignAC / this.alignNC : 0;
    const mBH = this.alignNH > 0 ? this.alignBH / this.alignNH : 0;
    const mBC = this.alignNC > 0 ? this.alignBC / this.alignNC : 0;
    this.generator.resynchronise(tw.tHotC + mAH, tw.tColdC + mAC);
    this.twinB.setState(this.twinB.tHotC + mBH, this.twinB.tColdC + mBC);
    this.aligning = false;
    this.prevRaw.fill(Number.NaN);
    this.resetTemperatureDetectors();
  }

  /** Two cascaded first-order filters (time constant heatFilterS) of each twin's residuals. */
  private filterHeat(dt: number, aH: number, aC: number, bH: number, bC: number): void {
    if (!(dt > 0)) return;
    if (!(Math.abs(dt - this.heatAlphaDtS) <= 1e-9 * dt)) {
      this.heatAlpha = -Math.expm1(-dt / this.config.detectors.heatFilterS);
      this.heatAlphaDtS = dt;
    }
    const a = this.heatAlpha;
    const f = this.heatFilt;
    cascade(f, 0, aH, a);
    cascade(f, 2, aC, a);
    cascade(f, 4, bH, a);
    cascade(f, 6, bC, a);
  }

  /** The heat-input residual [W] of a twin from its filters at offset i (0: a, 4: b), flow in kg/s. */
  private heatResidualW(i: number, mDotKgS: number): number {
    const p = this.config.params;
    const f = this.heatFilt;
    const h1 = f[i] as number;
    const h2 = f[i + 1] as number;
    const c2 = f[i + 3] as number;
    return (
      (p.C_hot * (h1 - h2)) / this.config.detectors.heatFilterS + mDotKgS * p.cp * (h2 - c2) + p.UA_loss * h2
    );
  }

  private resetTemperatureDetectors(): void {
    this.hotDet.reset();
    this.coldDet.reset();
    this.loopDet.reset();
    this.iso.fill(Number.NaN, ISO_A_HOT, ISO_FLOW);
    this.heatFilt.fill(Number.NaN);
  }

  /**
   * With the flow back to normal, a twin that a flow fault left behind (a: after a pump fault;
   * b: after a meter fault) is moved onto the other when the other fits and it does not.
   */
  private reseat(): void {
    const band = this.config.detectors.temperatureBandK;
    const iso = this.iso;
    const ea = sq(iso[ISO_A_HOT] as number) + sq(iso[ISO_A_COLD] as number);
    const eb = sq(iso[ISO_B_HOT] as number) + sq(iso[ISO_B_COLD] as number);
    if (!(Number.isFinite(ea) && Number.isFinite(eb))) return;
    const bad = band * band;
    const good = (band * band) / 4;
    if (ea > bad && eb < good) {
      this.generator.resynchronise(this.twinB.tHotC, this.twinB.tColdC);
      this.prevRaw.fill(Number.NaN, 0, 2);
      iso.copyWithin(ISO_A_HOT, ISO_B_HOT, ISO_FLOW);
      this.heatFilt.copyWithin(0, 4, 8);
    } else if (eb > bad && ea < good) {
      const tw = this.generator.twin;
      this.twinB.setState(tw.tHotC, tw.tColdC);
      this.prevRaw.fill(Number.NaN, 2, 4);
      iso.copyWithin(ISO_B_HOT, ISO_A_HOT, ISO_B_HOT);
      this.heatFilt.copyWithin(4, 0, 4);
    }
  }

  // ---------------------------------------------------------------- alarms

  private causeOpen(i: number): boolean {
    return (this.causes[i] as CauseState).open;
  }

  /** Makes every raised or open alarm refresh its diagnosis at this sample. */
  private refreshDiagnoses(): void {
    for (let i = 0; i < this.causes.length; i++) (this.causes[i] as CauseState).diagnosisAtS = Number.NaN;
  }

  /**
   * Each family's score into {@link rawScores} (in MONITOR_CAUSES order; NaN: no data). Written
   * to an array rather than returned, so that no double is boxed per sample.
   */
  private computeScores(flowLive: boolean): void {
    const r = this.rawScores;
    r[0] = flowLive ? this.flowDet.score : Number.NaN;
    const ready = this.initialised && !this.aligning;
    r[1] = this.sensorScore(ready, this.hotDet, this.erraticHot, this.flatHot, this.rangeHot);
    r[2] = this.sensorScore(ready, this.coldDet, this.erraticCold, this.flatCold, this.rangeCold);
    r[3] = ready ? this.loopDet.score : Number.NaN;
  }

  private sensorScore(
    ready: boolean,
    alone: ResidualDetector,
    erratic: ChiSquareDetector | null,
    flat: FlatlineDetector,
    range: ThresholdDetector,
  ): number {
    let s = range.statistic === 0 ? 0 : range.score;
    const f = flat.score;
    if (f > s) s = f;
    if (!ready) return s;
    const a = alone.score;
    if (a > s) s = a;
    if (erratic !== null) {
      const e = erratic.score;
      if (e > s) s = e;
    }
    return s;
  }

  private finishSample(t: number, flowLive: boolean): void {
    const o = this.output;
    o.tS = t;
    const a = this.config.alarm;
    const refresh = this.config.detectors.diagnosisRefreshS;
    let score = 0;
    let anomaly = false;
    let best: CauseState | undefined;
    let bestKey = Number.NEGATIVE_INFINITY;
    this.computeScores(flowLive);
    const critical = this.criticalLoopScore;
    for (let i = 0; i < this.causes.length; i++) {
      const c = this.causes[i] as CauseState;
      const raw = this.rawScores[i] as number;
      // Severity by size only for the loop family (a scale on the band would otherwise latch any
      // large sensor offset as critical); otherwise capped below the critical level.
      let level = raw;
      if (c.cause === "loop" && raw >= critical) level = (a.criticalLevel * raw) / critical;
      else if (raw > this.warnCap) level = this.warnCap;
      c.level = level;
      if (raw > score) score = raw;
      let diag: MonitorDiagnosis | undefined;
      if ((c.open || level >= a.raiseLevel) && !(t - c.diagnosisAtS < refresh)) {
        diag = diagnose(c.cause, this.snapshot(t, c.cause), this.bands);
        c.diagnosis = diag;
        c.diagnosisAtS = t;
      }
      // The manager's state cannot change for a closed cause below the raise level twice running.
      const idle = !c.open && !(level >= a.raiseLevel) && !c.armed;
      c.armed = level >= a.raiseLevel;
      if (!idle) {
        const e = this.alarms.update(t, c.cause, level, diag);
        if (e !== undefined) {
          this.events.push(e);
          this.track(c, e);
        }
      }
      if (c.open && Number.isFinite(level)) this.mirrorCondition(c, t, level);
      if (c.open) {
        if (c.conditionActive) anomaly = true;
        const key = (c.conditionActive ? 1e6 : 0) + (Number.isFinite(level) ? level : 0);
        if (key > bestKey) {
          bestKey = key;
          best = c;
        }
      }
    }
    o.score = score;
    o.anomaly = anomaly;
    o.diagnosis = best?.diagnosis?.text ?? "";
  }

  private track(c: CauseState, e: AlarmEvent): void {
    switch (e.type) {
      case "raised":
        c.open = true;
        c.conditionActive = true;
        c.raisedAtS = e.tS;
        c.belowSinceS = Number.NaN;
        return;
      case "cleared":
        c.open = false;
        c.conditionActive = false;
        c.diagnosisAtS = Number.NaN;
        c.diagnosis = undefined;
        return;
      case "escalated":
      case "acknowledged":
      case "rediagnosed":
        return;
    }
  }

  /** The alarm manager's "condition active" (hysteresis, off-delay, minimum hold), mirrored. */
  private mirrorCondition(c: CauseState, t: number, level: number): void {
    const a = this.config.alarm;
    if (t === c.raisedAtS) return;
    if (level >= a.raiseLevel) c.conditionActive = true;
    if (level >= a.clearLevel) c.belowSinceS = Number.NaN;
    else if (Number.isNaN(c.belowSinceS)) c.belowSinceS = t;
    if (
      c.conditionActive &&
      !Number.isNaN(c.belowSinceS) &&
      t - c.belowSinceS >= a.clearDelayS &&
      t - c.raisedAtS >= a.minHoldS
    )
      c.conditionActive = false;
  }

  /** Fills the diagnosis snapshot from the pipeline's state (for the flow family: its decision time). */
  private snapshot(t: number, cause: MonitorCause): DiagnosisSnapshot {
    const s = this.snap;
    s.tS = t;
    const iso = this.iso;
    s.aHotK = iso[ISO_A_HOT] as number;
    s.aColdK = iso[ISO_A_COLD] as number;
    s.aDeltaK = s.aHotK - s.aColdK;
    s.bHotK = iso[ISO_B_HOT] as number;
    s.bColdK = iso[ISO_B_COLD] as number;
    s.bDeltaK = s.bHotK - s.bColdK;
    s.aHeatW = this.heatResidualW(0, lpmToKgS(this.intendedFlowLpm));
    const measured = this.output.resFlowLpm + this.output.predFlowLpm;
    s.bHeatW = this.heatResidualW(4, lpmToKgS(Number.isFinite(measured) ? measured : this.intendedFlowLpm));
    s.flowResLpm = iso[ISO_FLOW] as number;
    s.flowMeasLpm = this.output.resFlowLpm + this.output.predFlowLpm;
    s.flowExpLpm = this.output.predFlowLpm;
    s.shortMeasLpm = this.flow.shortMeasuredLpm;
    s.shortExpLpm = this.flow.shortPredictedLpm;
    s.pumpLlr = this.pumpLlr;
    s.pumpDecision = this.pumpDecision;
    s.flowUndecidedS = t - this.flowEngagedAtS;
    const p = this.config.params;
    s.heaterW = heaterPowerW(p, this.heater);
    s.flowDecisionS = cause === "flow" ? this.flowDecisionS(s.heaterW) : Number.NaN;
    s.twinBFlowLpm = kgSToLpm(this.mDotB);
    const tr = this.tracker;
    setRatio(s.ua, tr.uaRatio, tr.uaRatioStd);
    setRatio(s.pump, tr.pumpRatio, tr.pumpRatioStd);
    setRatio(s.heater, tr.heaterRatio, tr.heaterRatioStd);
    this.sensorEvidence(
      s.hot,
      this.hotRange,
      this.flatHot,
      this.erraticHot,
      this.rangeHot,
      s.aHotK,
      s.bHotK,
      this.hotDet,
    );
    this.sensorEvidence(
      s.cold,
      this.coldRange,
      this.flatCold,
      this.erraticCold,
      this.rangeCold,
      s.aColdK,
      s.bColdK,
      this.coldDet,
    );
    return s;
  }

  /** Expected time from a change of flow to the measured one to the pump-versus-meter decision. */
  private flowDecisionS(heaterW: number): number {
    const cfg = this.config;
    const p = cfg.params;
    const tw = this.generator.twin;
    return flowDecisionTimeS({
      heaterW,
      cHotJK: p.C_hot,
      cColdJK: p.C_cold,
      cpJKgK: p.cp,
      uaWK: radiatorUaWK(p, this.fan),
      intendedKgS: lpmToKgS(this.intendedFlowLpm),
      measuredKgS: this.mDotB,
      deltaTK: tw.tHotC - tw.tColdC,
      sensorNoiseK: cfg.sensorNoiseK,
      rateHz: cfg.rateHz,
      evidenceNats: cfg.detectors.pumpEvidenceNats,
      bandK: cfg.detectors.deltaTBandK,
    });
  }

  private sensorEvidence(
    e: SensorEvidence,
    rangeClass: SensorEvidence["range"],
    flat: FlatlineDetector,
    erratic: ChiSquareDetector | null,
    range: ThresholdDetector,
    sA: number,
    sB: number,
    alone: ResidualDetector,
  ): void {
    e.frozenS = flat.statistic;
    e.frozenValueC = flat.value;
    e.flatlineS = flat.limitS;
    e.erraticScore = erratic?.score ?? 0;
    e.noiseK =
      erratic !== null && erratic.samples > 0
        ? Math.sqrt(erratic.statistic / Math.min(erratic.samples, erratic.options.window)) /
          (erratic === this.erraticHot ? this.noise.hotWhiten : this.noise.coldWhiten) /
          Math.SQRT2
        : Number.NaN;
    e.rangeScore = range.score;
    e.residualK = Math.abs(sA) <= Math.abs(sB) || Number.isNaN(sB) ? sA : sB;
    e.aloneScore = alone.score;
    e.range = rangeClass;
  }

  // ---------------------------------------------------------------- the rest of the contract

  acknowledge(tS: number, cause?: string): AlarmEvent | undefined {
    let c = cause;
    if (c === undefined) {
      const open = this.alarms.openAlarms();
      for (let i = open.length - 1; i >= 0; i--) {
        const a = open[i] as AlarmState;
        if (!a.acknowledged) {
          c = a.cause;
          break;
        }
      }
    }
    if (c === undefined) return undefined;
    const events = this.alarms.acknowledge(tS, c);
    for (const e of events) {
      const st = this.causes.find((x) => x.cause === e.cause);
      if (st !== undefined) this.track(st, e);
    }
    return events[0];
  }

  openAlarms(): readonly AlarmState[] {
    return this.alarms.openAlarms().reverse();
  }

  performance(): LoopPerformanceFigures {
    const p = this.loopPerformance;
    const stability = p.stability;
    return {
      heatDeliveredW: p.heatTransportW,
      heatRejectedW: p.heatRejectedW,
      hxEffectiveness: p.effectiveness,
      thermalResistanceKPerW: p.thermalResistanceKPerW,
      timeConstantS: p.timeConstantS,
      stability: stability === "unknown" ? "settling" : stability,
      rmseTHotK: p.residualRms(0),
      rmseTColdK: p.residualRms(1),
      rmseFlowLpm: p.residualRms(2),
    };
  }

  /** The current diagnosis of each family's open alarm (for reports and evaluation). */
  diagnosisOf(cause: MonitorCause): MonitorDiagnosis | undefined {
    const c = this.causes.find((x) => x.cause === cause);
    return c?.open ? c.diagnosis : undefined;
  }

  /** The level each family fed the alarm manager at the last sample (NaN: no data). */
  familyLevel(cause: MonitorCause): number {
    return this.causes.find((x) => x.cause === cause)?.level ?? Number.NaN;
  }

  /** Pump-versus-meter evidence [nats] (positive: the measured flow explains the temperatures). */
  get pumpEvidence(): number {
    return this.pumpLlr;
  }
}

/** Builds the monitor; throws a ConfigError naming the field for a bad configuration. */
export function createMonitor(config: MonitorConfig = {}): ResidualMonitor {
  return new ResidualMonitor(config);
}

function checkDuty(field: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 255)) throw new ConfigError(field, v, "must be a duty 0-255");
  return v;
}

/**
 * The noise of one converted reading: the thermistor noise and the ADC's quantisation, a count
 * being kelvinPerCount(T) wide (variance q²/12), which grows from 0.02 K at 25 C to 0.08 K at
 * 80 C on the default part. The whitening factor 1/(√2 σ) of a first difference is cached per
 * channel and recomputed when the temperature has moved by half a kelvin.
 */
class ReadingNoise {
  hotWhiten = Number.NaN;
  coldWhiten = Number.NaN;
  private hotAtC = Number.NaN;
  private coldAtC = Number.NaN;
  private readonly noiseK: number;
  private readonly hot: ThermistorConfig;
  private readonly cold: ThermistorConfig;

  constructor(noiseK: number, hot: ThermistorConfig, cold: ThermistorConfig) {
    this.noiseK = noiseK;
    this.hot = hot;
    this.cold = cold;
  }

  whitenHot(tempC: number): number {
    if (!(Math.abs(tempC - this.hotAtC) < 0.5)) {
      this.hotAtC = tempC;
      this.hotWhiten = this.factor(this.hot, tempC);
    }
    return this.hotWhiten;
  }

  whitenCold(tempC: number): number {
    if (!(Math.abs(tempC - this.coldAtC) < 0.5)) {
      this.coldAtC = tempC;
      this.coldWhiten = this.factor(this.cold, tempC);
    }
    return this.coldWhiten;
  }

  private factor(cfg: ThermistorConfig, tempC: number): number {
    const q = Number.isFinite(tempC) ? kelvinPerCount(cfg, tempC) : 0;
    const v = this.noiseK * this.noiseK + (Number.isFinite(q) ? (q * q) / 12 : 0);
    return 1 / Math.sqrt(2 * v);
  }
}

/** Two cascaded first-order filters at f[i], f[i + 1] (started at x). */
function cascade(f: Float64Array, i: number, x: number, a: number): void {
  if (!Number.isFinite(x)) return;
  const s1 = f[i] as number;
  if (Number.isNaN(s1)) {
    f[i] = x;
    f[i + 1] = x;
    return;
  }
  const n1 = s1 + a * (x - s1);
  f[i] = n1;
  f[i + 1] = (f[i + 1] as number) + a * (n1 - (f[i + 1] as number));
}

/** EWMA at a[i] (started at the first finite x). */
function smoothAt(a: Float64Array, i: number, x: number, lambda: number): void {
  if (!Number.isFinite(x)) return;
  const prev = a[i] as number;
  a[i] = Number.isNaN(prev) ? x : prev + lambda * (x - prev);
}

/** Of two residuals, the one of smaller magnitude (a NaN one loses; both NaN: NaN). */
function smaller(x: number, y: number): number {
  if (Number.isNaN(y)) return x;
  if (Number.isNaN(x)) return y;
  return Math.abs(x) <= Math.abs(y) ? x : y;
}

function updateIf(d: ResidualDetector, x: number): void {
  if (Number.isFinite(x)) d.update(x);
}

/** What a NaN temperature means, from its raw counts (conventions: rail high open, rail low short). */
function rangeOf(counts: number): SensorEvidence["range"] {
  if (!Number.isFinite(counts)) return "missing";
  const c = classifyCounts(counts);
  return c === "ok" ? "missing" : c;
}

function sq(x: number): number {
  return x * x;
}

function clampAbs(x: number, cap: number): number {
  return x > cap ? cap : x < -cap ? -cap : x;
}

function setRatio(target: { ratio: number; std: number }, ratio: number, std: number): void {
  target.ratio = ratio;
  target.std = std;
}

/**
 * The part of residual x beyond residual y, with x's sign: what one thermistor shows that the
 * other does not. The other missing: x itself.
 */
export function alone(x: number, y: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  if (!Number.isFinite(y)) return x;
  const d = Math.abs(x) - Math.abs(y);
  if (!(d > 0)) return 0;
  return x > 0 ? d : -d;
}

/** The part two residuals share: the smaller one when they have the same sign, else 0. */
export function common(x: number, y: number): number {
  if (!(Number.isFinite(x) && Number.isFinite(y))) return Number.NaN;
  if (x > 0 && y > 0) return x < y ? x : y;
  if (x < 0 && y < 0) return x > y ? x : y;
  return 0;
}
