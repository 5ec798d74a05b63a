import { flowDecisionTimeS } from "../diagnosis/flowDecisionTime.js";
import type { ResolvedMonitorConfig } from "./monitorConfig.js";
import { clampAbs } from "./residualArithmetic.js";
import type { SampleValues } from "./sampleValues.js";

/** Flow family score above which pump-versus-meter evidence accumulates. */
const FLOW_ENGAGED_SCORE = 0.3;
/** Bound on the accumulated log-likelihood ratio [nats], so a long fault does not take as long to forget. */
const LLR_CAP = 1e4;

/**
 * The pump-versus-meter evidence of the flow family: a log-likelihood ratio between twin (a),
 * driven by the intended flow, and twin (b), driven by the measured flow, summed while the flow
 * residual is engaged. Whichever twin explains the temperatures is right about the flow: positive
 * evidence says the meter is right (the pump changed), negative that the pump is (the meter is
 * wrong). See monitorConfig.ts for the 10-nat decision level and monitorDiagnosis.ts for how the
 * diagnosis reads it. It has its own reason to change (the statistic, its gating), hence its file.
 */
export class PumpMeterEvidence {
  /** Accumulated evidence [nats] (positive: the measured flow explains the temperatures). */
  llrNats = 0;
  /** +1 the pump, -1 the meter, 0 undecided. */
  decision = 0;
  /** When the evidence began to accumulate (NaN: it is not). */
  engagedAtS = Number.NaN;
  /** Seconds the flow family has been quiet at the last sample (0: it is not). */
  quietS = 0;
  private quietSinceS = Number.NaN;
  private readonly v: SampleValues;
  private readonly evidenceNats: number;
  private readonly deltaTBandK: number;
  /** 2 σ² of one thermistor reading [K²]. */
  private readonly twoVarianceK2: number;

  constructor(evidenceNats: number, deltaTBandK: number, sensorNoiseK: number, v: SampleValues) {
    this.v = v;
    this.evidenceNats = evidenceNats;
    this.deltaTBandK = deltaTBandK;
    this.twoVarianceK2 = 2 * sensorNoiseK * sensorNoiseK;
  }

  /**
   * One sample (the flow family's score and both twins' raw residuals, from the sample values).
   * Returns whether the decision changed (news the open alarms should hear at once).
   */
  update(flowLive: boolean): boolean {
    const v = this.v;
    const tS = v.tS;
    const flowScore = v.flowScore;
    const aH = v.aHotK;
    const aC = v.aColdK;
    const bH = v.bHotK;
    const bC = v.bColdK;
    let changed = false;
    if (flowLive && flowScore >= FLOW_ENGAGED_SCORE) {
      if (Number.isNaN(this.engagedAtS)) this.engagedAtS = tS;
      // Evidence only where the twins' predictions of T_hot - T_cold differ by the band the
      // isolation trusts them to (aH - bH is twin b's prediction less twin a's): below it an
      // increment is model error and quantisation, and with no heat input to tell pump from meter
      // (both twins alike) they would walk the ratio to a decision within half an hour.
      const inc =
        Math.abs(aH - aC - (bH - bC)) >= this.deltaTBandK
          ? (aH * aH + aC * aC - (bH * bH + bC * bC)) / this.twoVarianceK2
          : 0;
      if (Number.isFinite(inc)) this.llrNats = clampAbs(this.llrNats + inc, LLR_CAP);
      const l = this.evidenceNats;
      const before = this.decision;
      if (this.llrNats >= l) this.decision = 1;
      else if (this.llrNats <= -l) this.decision = -1;
      changed = this.decision !== before;
    }
    if (flowScore < FLOW_ENGAGED_SCORE && flowLive) {
      if (Number.isNaN(this.quietSinceS)) this.quietSinceS = tS;
    } else this.quietSinceS = Number.NaN;
    this.quietS = Number.isNaN(this.quietSinceS) ? 0 : tS - this.quietSinceS;
    return changed;
  }

  /** Forgets the evidence (the flow is back to normal and no flow alarm is open). */
  forget(): void {
    this.llrNats = 0;
    this.decision = 0;
    this.engagedAtS = Number.NaN;
  }
}

/**
 * Expected time [s] from a change of flow to the pump-versus-meter decision (flowDecisionTime.ts),
 * at the twins' state: heat input [W], radiator UA [W/K], intended and measured flows [kg/s], and
 * the intended-flow twin's T_hot - T_cold [K].
 */
export function expectedDecisionS(
  cfg: ResolvedMonitorConfig,
  heaterW: number,
  uaWK: number,
  intendedKgS: number,
  measuredKgS: number,
  deltaTK: number,
): number {
  const p = cfg.params;
  return flowDecisionTimeS({
    heaterW,
    cHotJK: p.C_hot,
    cColdJK: p.C_cold,
    cpJKgK: p.cp,
    uaWK,
    intendedKgS,
    measuredKgS,
    deltaTK,
    sensorNoiseK: cfg.sensorNoiseK,
    rateHz: cfg.rateHz,
    evidenceNats: cfg.detectors.pumpEvidenceNats,
    bandK: cfg.detectors.deltaTBandK,
  });
}
