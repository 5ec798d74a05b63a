import { kgSToLpm, lpmToKgS } from "../../core/units.js";
import { heaterPowerW, radiatorUaWK } from "../../model/actuators.js";
import type { ResidualDetector } from "../detectors/detector.js";
import {
  createDiagnosisSnapshot,
  type DiagnosisBands,
  type DiagnosisSnapshot,
  diagnose,
  type MonitorCause,
  type MonitorDiagnosis,
} from "../diagnosis/monitorDiagnosis.js";
import type { ParameterTracker } from "../twins/parameterTracker.js";
import type { AmbientProbeChecks } from "./ambientProbeChecks.js";
import type { IsolationResiduals } from "./isolationResiduals.js";
import type { ResolvedMonitorConfig } from "./monitorConfig.js";
import type { MonitorTwins } from "./monitorTwins.js";
import type { MonitorOutput } from "./monitorTypes.js";
import { expectedDecisionS, type PumpMeterEvidence } from "./pumpMeterEvidence.js";
import type { ReadingNoise } from "./readingNoise.js";
import type { ThermistorChecks } from "./thermistorChecks.js";

/** The monitor's parts the diagnosis reads (monitor.ts). */
export interface MonitorParts {
  readonly config: ResolvedMonitorConfig;
  readonly output: MonitorOutput;
  readonly twins: MonitorTwins;
  readonly iso: IsolationResiduals;
  readonly evidence: PumpMeterEvidence;
  readonly tracker: ParameterTracker;
  readonly noise: ReadingNoise;
  readonly hotChecks: ThermistorChecks;
  readonly coldChecks: ThermistorChecks;
  readonly ambChecks: AmbientProbeChecks | null;
  /** The t_hot and t_cold families' residual-alone detectors. */
  readonly hotDet: ResidualDetector;
  readonly coldDet: ResidualDetector;
}

/**
 * The diagnosis of a family whose alarm is raised or open: the monitor's state gathered into one
 * snapshot (allocated once) and handed to monitorDiagnosis.ts with the bands. Runs only while an
 * alarm is raised or open, at most every `diagnosisRefreshS`, so it is kept out of the per-sample
 * path's file.
 */
export class MonitorSnapshot {
  private readonly parts: MonitorParts;
  private readonly snap: DiagnosisSnapshot = createDiagnosisSnapshot();
  private readonly bands: DiagnosisBands;

  constructor(parts: MonitorParts) {
    this.parts = parts;
    const cfg = parts.config;
    const d = cfg.detectors;
    this.bands = {
      temperatureBandK: d.temperatureBandK,
      deltaTBandK: d.deltaTBandK,
      flowBandLpm: d.flowBandLpm,
      pumpEvidenceNats: d.pumpEvidenceNats,
      stoppedRatio: d.stoppedRatio,
      sensorNoiseK: cfg.sensorNoiseK,
      heatBandW: d.heatBandW,
    };
  }

  /** The diagnosis of `cause` at rig time t, with the heater and fan duties the twin (a) runs on. */
  diagnose(t: number, cause: MonitorCause, heaterDuty: number, fanDuty: number): MonitorDiagnosis {
    return diagnose(cause, this.fill(t, cause, heaterDuty, fanDuty), this.bands);
  }

  /** Fills the snapshot from the monitor's state (for the flow family: its decision time). */
  private fill(t: number, cause: MonitorCause, heaterDuty: number, fanDuty: number): DiagnosisSnapshot {
    const { output, twins, evidence, tracker: tr, noise: n } = this.parts;
    const s = this.snap;
    s.tS = t;
    const measured = output.resFlowLpm + output.predFlowLpm;
    const measuredKgS = lpmToKgS(Number.isFinite(measured) ? measured : twins.intendedFlowLpm);
    this.parts.iso.fillSnapshot(s, lpmToKgS(twins.intendedFlowLpm), measuredKgS);
    s.flowMeasLpm = output.resFlowLpm + output.predFlowLpm;
    s.flowExpLpm = output.predFlowLpm;
    s.shortMeasLpm = twins.flow.shortMeasuredLpm;
    s.shortExpLpm = twins.flow.shortPredictedLpm;
    s.pumpLlr = evidence.llrNats;
    s.pumpDecision = evidence.decision;
    s.flowUndecidedS = t - evidence.engagedAtS;
    s.heaterW = heaterPowerW(this.parts.config.params, heaterDuty);
    s.flowDecisionS = cause === "flow" ? this.flowDecisionS(s.heaterW, fanDuty) : Number.NaN;
    s.twinBFlowLpm = kgSToLpm(twins.mDotB);
    setRatio(s.ua, tr.uaRatio, tr.uaRatioStd);
    setRatio(s.pump, tr.pumpRatio, tr.pumpRatioStd);
    setRatio(s.heater, tr.heaterRatio, tr.heaterRatioStd);
    const { hotChecks, coldChecks, ambChecks, hotDet, coldDet } = this.parts;
    hotChecks.fillEvidence(s.hot, s.aHotK, s.bHotK, hotDet, n.hotWhiten);
    coldChecks.fillEvidence(s.cold, s.aColdK, s.bColdK, coldDet, n.coldWhiten);
    ambChecks?.fillEvidence(s.amb);
    return s;
  }

  /** Expected time from a change of flow to the measured one to the pump-versus-meter decision. */
  private flowDecisionS(heaterW: number, fanDuty: number): number {
    const { config, twins } = this.parts;
    const tw = twins.generator.twin;
    const uaWK = radiatorUaWK(config.params, fanDuty);
    const intendedKgS = lpmToKgS(twins.intendedFlowLpm);
    return expectedDecisionS(config, heaterW, uaWK, intendedKgS, twins.mDotB, tw.tHotC - tw.tColdC);
  }
}

function setRatio(target: { ratio: number; std: number }, ratio: number, std: number): void {
  target.ratio = ratio;
  target.std = std;
}
