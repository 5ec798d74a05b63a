/**
 * The monitoring pipeline (docs/design.md 3: samples -> twin step -> residuals -> detectors ->
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
 * - five alarm families, each one alarm cause ({@link MONITOR_CAUSES}):
 *   - `flow`: the flow residual (pump degradation or failure, flow meter);
 *   - `t_hot`, `t_cold`: one thermistor against the other and the twins: its residual beyond the
 *     other's (in both twins), out of range, frozen, erratic;
 *   - `loop`: the residual both thermistors share, in both twins (HX fouling, heater);
 *   - `t_amb`: the ambient probe on its readings alone: out of range, frozen, erratic
 *     (ambientProbeChecks.ts; a wrong ambient moves the twins too little to show in residuals).
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
 * Severity: from the diagnosis; by size alone only a loop deviation of `criticalCommonModeK`
 * (familyAlarms.ts says why).
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
import { lpmToKgS } from "../../core/units.js";
import { createRigSample, type RigSample } from "../../model/rigSample.js";
import type { AlarmEvent, AlarmManager, AlarmState } from "../alarms/alarmManager.js";
import { createDetector, type ResidualDetector } from "../detectors/detector.js";
import type { MonitorCause, MonitorDiagnosis } from "../diagnosis/monitorDiagnosis.js";
import { LoopPerformance } from "../performance/loopPerformance.js";
import { LoopObserver } from "../twins/observer.js";
import { ParameterTracker } from "../twins/parameterTracker.js";
import type { OpenLoopResidualGenerator } from "../twins/residualGenerator.js";
import { AmbientFilter } from "./ambientFilter.js";
import { AmbientProbeChecks } from "./ambientProbeChecks.js";
import { ErraticFeed } from "./erraticFeed.js";
import { FamilyAlarms, type FamilyDiagnostician } from "./familyAlarms.js";
import { IsolationResiduals } from "./isolationResiduals.js";
import { type MonitorConfig, type ResolvedMonitorConfig, resolveMonitorConfig } from "./monitorConfig.js";
import { MonitorSnapshot } from "./monitorSnapshot.js";
import { MonitorTwins } from "./monitorTwins.js";
import {
  createMonitorOutput,
  type LoopPerformanceFigures,
  type Monitor,
  type MonitorOutput,
  type OperatorSetpoints,
} from "./monitorTypes.js";
import { performanceFigures } from "./performanceFigures.js";
import { PumpMeterEvidence } from "./pumpMeterEvidence.js";
import { ReadingNoise } from "./readingNoise.js";
import { alone, common, smaller } from "./residualArithmetic.js";
import { SampleGaps } from "./sampleGaps.js";
import { SampleValues } from "./sampleValues.js";
import { ThermistorChecks } from "./thermistorChecks.js";
import { TwinAlignment } from "./twinAlignment.js";

export { MONITOR_CAUSES, type MonitorCause } from "../diagnosis/monitorDiagnosis.js";
export type { MonitorConfig } from "./monitorConfig.js";
export { alone, common } from "./residualArithmetic.js";

/** Gaps at least this long [s] make the flow family wait and the per-sample tests restart. */
const LONG_GAP_S = 1;
/** Seconds the flow residual must be quiet before a twin is re-seated on the other. */
const RESEAT_QUIET_S = 5;

/** The monitor of the contract; see the file comment. */
export class ResidualMonitor implements Monitor, FamilyDiagnostician {
  readonly config: ResolvedMonitorConfig;
  readonly output: MonitorOutput = createMonitorOutput();
  readonly alarms: AlarmManager;
  readonly generator: OpenLoopResidualGenerator;
  readonly observer: LoopObserver;
  readonly tracker: ParameterTracker;
  readonly loopPerformance: LoopPerformance;
  /** Twin (a), twin (b) and the flow window (monitorTwins.ts). */
  private readonly twins: MonitorTwins;
  // Detectors: primary per family and twin, plus the thermistor checks.
  private readonly hotDet: ResidualDetector;
  private readonly coldDet: ResidualDetector;
  private readonly loopDet: ResidualDetector;
  private readonly flowDet: ResidualDetector;
  /** [hot, cold, loop] detectors, their bands [K], and their inputs per twin (feedFamilies). */
  private readonly temperatureDets: readonly ResidualDetector[];
  private readonly temperatureBands: Float64Array;
  private readonly familyInputs = new Float64Array(6);
  private readonly hotChecks: ThermistorChecks;
  private readonly coldChecks: ThermistorChecks;
  /** The ambient probe's own checks, the t_amb family (null without a probe). */
  private readonly ambChecks: AmbientProbeChecks | null;
  /** The alarm families between their scores and the alarm manager (familyAlarms.ts). */
  private readonly families: FamilyAlarms;
  /** The diagnosis snapshot of an alarm (monitorSnapshot.ts). */
  private readonly diagnosis: MonitorSnapshot;
  private readonly fit = new Float64Array(3);
  /** The loop figures' sample (filled in place: see stepPerformance). */
  private readonly perfSample: {
    tS: number;
    tHotC: number;
    tColdC: number;
    mDotKgS: number;
    readonly tSinkC: number;
  };
  private readonly flowResidualSigma: number;
  private readonly perfPeriodS: number;
  private perfLastS = Number.NaN;
  // Setpoints and duties.
  private sp: OperatorSetpoints = { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  /** Until the operator's setpoints are known, the twin follows the applied duties. */
  private following = true;
  private pump = Number.NaN;
  private heater = Number.NaN;
  private fan = Number.NaN;
  /** The ambient the models use (ambientFilter.ts). */
  private readonly ambient: AmbientFilter;
  // Time.
  private initialised = false;
  private lastTS = Number.NaN;
  /** Gaps in the sample stream (sampleGaps.ts). */
  private readonly gaps: SampleGaps;
  private flowGraceUntilS = Number.NEGATIVE_INFINITY;
  /** The twins' alignment at the start (twinAlignment.ts). */
  private readonly alignment: TwinAlignment;
  /** The erratic tests' input, with the previous raw residuals (erraticFeed.ts). */
  private readonly erratic: ErraticFeed;
  /** This sample's values, read in place by the per-sample methods and the parts (sampleValues.ts). */
  private readonly v = new SampleValues();
  /** The sample being stepped (read in place by the observer and the tracker). */
  private sample: RigSample = createRigSample();
  /** The smoothed residuals and heat filters the diagnosis reads (isolationResiduals.ts). */
  private readonly iso: IsolationResiduals;
  /** Pump versus flow meter (pumpMeterEvidence.ts). */
  private readonly evidence: PumpMeterEvidence;
  private badSamples_ = 0;

  constructor(config: MonitorConfig = {}) {
    const cfg = resolveMonitorConfig(config);
    this.config = cfg;
    const p = cfg.params;
    const d = cfg.detectors;
    this.families = new FamilyAlarms(
      cfg.alarm,
      d.diagnosisRefreshS,
      d.criticalCommonModeK / d.commonModeBandK,
    );
    this.alarms = this.families.manager;
    this.twins = new MonitorTwins(cfg, this.v);
    this.generator = this.twins.generator;
    this.observer = new LoopObserver(p, cfg.observer);
    this.tracker = new ParameterTracker(p, cfg.tracker);
    this.loopPerformance = new LoopPerformance({
      cpJKgK: p.cp,
      cHotJK: p.C_hot,
      cColdJK: p.C_cold,
      fitWindowSamples: Math.max(1, Math.round(cfg.fitWindowS * Math.min(cfg.rateHz, cfg.performanceRateHz))),
    });
    const primary = (): ResidualDetector => createDetector(d.primary);
    this.hotDet = primary();
    this.coldDet = primary();
    this.loopDet = primary();
    this.flowDet = primary();
    this.temperatureDets = [this.hotDet, this.coldDet, this.loopDet];
    this.temperatureBands = Float64Array.of(d.temperatureBandK, d.temperatureBandK, d.commonModeBandK);
    this.hotChecks = new ThermistorChecks(d, "hot", this.v);
    this.coldChecks = new ThermistorChecks(d, "cold", this.v);
    this.alignment = new TwinAlignment(d.alignS, this.v);
    this.iso = new IsolationResiduals(p, d.heatFilterS, this.v);
    this.evidence = new PumpMeterEvidence(d.pumpEvidenceNats, d.deltaTBandK, cfg.sensorNoiseK, this.v);
    // One pulse in the window is the flow estimate's resolution; its rms over a uniform phase is 1/sqrt(6) of it.
    this.flowResidualSigma = 1 / (cfg.kHzPerLpm * cfg.flowWindowS) / Math.sqrt(6);
    this.gaps = new SampleGaps(cfg.rateHz, this.v);
    this.perfPeriodS = 0.95 / cfg.performanceRateHz;
    this.perfSample = {
      tS: Number.NaN,
      tHotC: Number.NaN,
      tColdC: Number.NaN,
      mDotKgS: Number.NaN,
      tSinkC: p.T_sink,
    };
    this.ambChecks = cfg.hasAmbientProbe
      ? new AmbientProbeChecks(d, cfg.sensorNoiseK, cfg.thermistorAmb, this.v)
      : null;
    const noise = new ReadingNoise(cfg.sensorNoiseK, cfg.thermistorHot, cfg.thermistorCold, this.v);
    this.erratic = new ErraticFeed(this.hotChecks.erratic, this.coldChecks.erratic, noise, this.v);
    this.ambient = new AmbientFilter(p.T_amb, this.v);
    this.output.bandTHotK = d.temperatureBandK;
    this.output.bandTColdK = d.temperatureBandK;
    this.output.bandFlowLpm = d.flowBandLpm;
    this.diagnosis = new MonitorSnapshot({
      config: cfg,
      output: this.output,
      twins: this.twins,
      iso: this.iso,
      evidence: this.evidence,
      tracker: this.tracker,
      noise,
      hotChecks: this.hotChecks,
      coldChecks: this.coldChecks,
      ambChecks: this.ambChecks,
      hotDet: this.hotDet,
      coldDet: this.coldDet,
    });
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
    this.gaps.mark(fromTS, toTS);
  }

  followApplied(on: boolean): void {
    this.following = on;
    if (!on) this.applyDuties(this.sp.pumpDuty, this.sp.heaterDuty, this.sp.fanDuty);
  }

  private advanceModelsTo(tS: number): void {
    this.twins.advanceTo(tS);
    this.observer.update(tS, Number.NaN, Number.NaN);
  }

  private applyDuties(pump: number, heater: number, fan: number): void {
    if (pump === this.pump && heater === this.heater && fan === this.fan) return;
    this.pump = pump;
    this.heater = heater;
    this.fan = fan;
    this.twins.setDuties(pump, heater, fan, this.ambient.valueC);
    this.observer.setIntendedDuties(pump, heater, fan, this.ambient.valueC);
    this.tracker.setIntendedDuties(pump, heater, fan);
  }

  private updateAmbient(): void {
    if (!this.config.hasAmbientProbe || !this.ambient.update()) return;
    const ambientC = this.ambient.valueC;
    this.twins.setAmbient(this.heater, this.fan, ambientC);
    this.observer.setAmbientC(ambientC);
    this.tracker.setAmbientC(ambientC);
  }

  // ---------------------------------------------------------------- the sample

  step(s: RigSample): readonly AlarmEvent[] {
    this.families.clearEvents();
    const t = s.tS;
    if (!Number.isFinite(t)) {
      this.badSamples_++;
      return this.families.events;
    }
    const cfg = this.config;
    const d = cfg.detectors;
    const dt = t - this.lastTS;
    const v = this.v;
    this.sample = s;
    v.tS = t;
    v.dtS = dt;
    v.tAmbC = s.tAmbC;
    v.adcAmb = s.adcAmb;
    v.hotC = s.tHotC;
    v.coldC = s.tColdC;
    v.adcHot = s.adcHot;
    v.adcCold = s.adcCold;
    v.flowLpm = s.flowLpm;
    v.pulses = s.pulses;
    // A gap: one the source marked (ending at or before this sample), or a long sample spacing.
    this.gaps.measure();
    const gapS = v.gapS;
    const longGap = gapS >= LONG_GAP_S;
    if (longGap) {
      this.flowGraceUntilS = t + cfg.flowWindowS + 1 / cfg.rateHz;
      this.hotChecks.flat.restart();
      this.coldChecks.flat.restart();
      this.ambChecks?.restart();
      this.erratic.forget();
    }
    if (this.following) this.applyDuties(s.pumpDuty, s.heaterDuty, s.fanDuty);
    this.updateAmbient();
    const hot = s.tHotC;
    const cold = s.tColdC;
    const hasHot = Number.isFinite(hot);
    const hasCold = Number.isFinite(cold);
    // Thermistor checks need no model.
    this.hotChecks.update();
    this.coldChecks.update();
    this.ambChecks?.update();
    if (this.initialised && gapS > d.realignAfterGapS && (hasHot || hasCold)) this.initialised = false;
    if (!this.initialised) {
      if (!(hasHot || hasCold)) {
        this.lastTS = t;
        this.finishSample(t, false);
        return this.families.events;
      }
      this.start(t, hasHot ? hot : cold, hasCold ? cold : hot);
    }

    // Both twins and the flow window: the raw residuals into v.
    const twins = this.twins;
    twins.step();
    const r = this.generator.residuals;
    const predFlow = twins.flow.predictedLpm;
    const resFlow = v.resFlowLpm;
    const aH = v.aHotK;
    const aC = v.aColdK;

    this.stepEstimators();
    // The loop figures at their own rate (a sample at least one period, less 5 % jitter, after the last).
    if (!(t - this.perfLastS < this.perfPeriodS)) {
      this.perfLastS = t;
      this.stepPerformance();
    }

    const o = this.output;
    o.predTHotC = r.predTHotC;
    o.predTColdC = r.predTColdC;
    o.predFlowLpm = predFlow;
    o.resTHotK = aH;
    o.resTColdK = aC;
    o.resFlowLpm = resFlow;
    o.innovFlow = resFlow / this.flowResidualSigma;

    // Not while the host's window spans a long gap, nor before it spans a whole window.
    const flowLive = t >= this.flowGraceUntilS && Number.isFinite(resFlow) && twins.flow.windowFull;
    this.feedFlow(flowLive);
    const flowQuietS = this.evidence.quietS;
    if (flowQuietS >= RESEAT_QUIET_S && !this.families.isOpen(0)) this.evidence.forget();

    // Erratic tests on the whitened first differences of the raw residuals (erraticFeed.ts).
    this.erratic.feed();

    if (this.alignment.active) {
      if (this.alignment.accumulate()) this.finishAlignment();
    } else {
      this.feedFamilies();
      this.iso.smoothTemperatures();
      if (flowQuietS >= RESEAT_QUIET_S) this.reseat();
    }
    this.lastTS = t;
    this.finishSample(t, flowLive);
    return this.families.events;
  }

  // The per-sample work below is split into methods of their own, reading this sample's values
  // from {@link v}, so that the optimising compiler inlines the small helpers into each (one
  // method of everything runs out of its inlining budget) and no double is boxed to pass it.

  /** The Kalman observer and the parameter tracker; their figures into the output. */
  private stepEstimators(): void {
    const s = this.sample;
    const o = this.output;
    const observer = this.observer;
    observer.updateFrom(s);
    o.innovTHot = observer.normalizedHot;
    o.innovTCold = observer.normalizedCold;
    const tr = this.tracker;
    if (tr.updateFrom(s)) {
      o.uaRatio = tr.uaRatio;
      o.uaRatioSigma = tr.uaRatioStd;
      o.pumpRatio = tr.pumpRatio;
      o.pumpRatioSigma = tr.pumpRatioStd;
    }
  }

  /** The loop figures (loopPerformance.ts), with the twin's residuals for its fit. */
  private stepPerformance(): void {
    const v = this.v;
    const fit = this.fit;
    fit[0] = v.aHotK;
    fit[1] = v.aColdK;
    fit[2] = v.resFlowLpm;
    const ps = this.perfSample;
    ps.tS = v.tS;
    ps.tHotC = v.hotC;
    ps.tColdC = v.coldC;
    ps.mDotKgS = lpmToKgS(v.flowLpm);
    this.loopPerformance.updateFrom(ps, fit);
  }

  /** The flow family's detector and the pump-versus-meter evidence. */
  private feedFlow(flowLive: boolean): void {
    const v = this.v;
    if (flowLive) {
      this.flowDet.update(v.resFlowLpm / this.config.detectors.flowBandLpm);
      this.iso.smoothFlow();
    }
    v.flowScore = this.flowDet.score;
    // A decision is news: the open alarms say so now, not at their next refresh.
    if (this.evidence.update(flowLive)) this.families.refreshDiagnoses();
  }

  /**
   * The temperature families' detectors (t_hot, t_cold, loop). Each family watches whichever twin
   * explains this sample better (see the file comment). In loops over the twins and the families,
   * so that each helper is inlined once: at one call site each, the compiler's inlining budget
   * covers the detectors' updates too, and no double is boxed to reach them.
   */
  private feedFamilies(): void {
    const v = this.v;
    const x = this.familyInputs;
    for (let twin = 0; twin < 2; twin++) {
      const h = twin === 0 ? v.aHotK : v.bHotK;
      const c = twin === 0 ? v.aColdK : v.bColdK;
      x[3 * twin] = alone(h, c);
      x[3 * twin + 1] = alone(c, h);
      x[3 * twin + 2] = common(h, c);
    }
    const dets = this.temperatureDets;
    const bands = this.temperatureBands;
    for (let k = 0; k < 3; k++)
      updateIf(
        dets[k] as ResidualDetector,
        smaller(x[k] as number, x[3 + k] as number) / (bands[k] as number),
      );
  }

  /** Starts (or restarts) the twins on the measured temperatures. */
  private start(tS: number, hotC: number, coldC: number): void {
    this.twins.start(tS, hotC, coldC);
    this.initialised = true;
    this.alignment.start(tS);
    this.resetTemperatureDetectors();
  }

  /** Takes the alignment's mean residuals off both twins' states. */
  private finishAlignment(): void {
    this.twins.align(this.alignment);
    this.erratic.forget();
    this.resetTemperatureDetectors();
  }

  private resetTemperatureDetectors(): void {
    this.hotDet.reset();
    this.coldDet.reset();
    this.loopDet.reset();
    this.iso.resetTemperatures();
  }

  /**
   * With the flow back to normal, a twin that a flow fault left behind (a: after a pump fault;
   * b: after a meter fault) is moved onto the other when the other fits and it does not.
   */
  private reseat(): void {
    const twin = this.iso.twinToReseat(this.config.detectors.temperatureBandK);
    if (twin === "a") {
      this.twins.reseatAOnB();
      this.erratic.forget("a");
      this.iso.copyBOntoA();
    } else if (twin === "b") {
      this.twins.reseatBOnA();
      this.erratic.forget("b");
      this.iso.copyAOntoB();
    }
  }

  // ---------------------------------------------------------------- alarms

  /**
   * Each family's score into the families' scores (in MONITOR_CAUSES order; NaN: no data). Written
   * to an array rather than returned, so that no double is boxed per sample.
   */
  private computeScores(flowLive: boolean): void {
    const r = this.families.scores;
    r[0] = flowLive ? this.flowDet.score : Number.NaN;
    const ready = this.initialised && !this.alignment.active;
    this.hotChecks.scoreInto(ready, this.hotDet, r, 1);
    this.coldChecks.scoreInto(ready, this.coldDet, r, 2);
    r[3] = ready ? this.loopDet.score : Number.NaN;
    if (this.ambChecks === null) r[4] = Number.NaN;
    else this.ambChecks.scoreInto(r, 4);
  }

  private finishSample(t: number, flowLive: boolean): void {
    this.output.tS = t;
    this.computeScores(flowLive);
    this.families.finish(this.output, this);
  }

  /** The diagnosis of a family whose alarm is raised or open (called by {@link FamilyAlarms}). */
  diagnoseFamily(t: number, cause: MonitorCause): MonitorDiagnosis {
    return this.diagnosis.diagnose(t, cause, this.heater, this.fan);
  }

  // ---------------------------------------------------------------- the rest of the contract

  acknowledge(tS: number, cause?: string): readonly AlarmEvent[] {
    return this.families.acknowledge(tS, cause);
  }

  openAlarms(): readonly AlarmState[] {
    return this.alarms.openAlarms().reverse();
  }

  performance(): LoopPerformanceFigures {
    return performanceFigures(this.loopPerformance);
  }

  /** The current diagnosis of each family's open alarm (for reports and evaluation). */
  diagnosisOf(cause: MonitorCause): MonitorDiagnosis | undefined {
    return this.families.diagnosisOf(cause);
  }

  /** The level each family fed the alarm manager at the last sample (NaN: no data). */
  familyLevel(cause: MonitorCause): number {
    return this.families.levelOf(cause);
  }

  /** Pump-versus-meter evidence [nats] (positive: the measured flow explains the temperatures). */
  get pumpEvidence(): number {
    return this.evidence.llrNats;
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

function updateIf(d: ResidualDetector, x: number): void {
  if (Number.isFinite(x)) d.update(x);
}
