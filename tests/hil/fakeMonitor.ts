/**
 * A stand-in for the detection engineer's monitor, for runner tests: flow against the pump curve
 * at the intended (or, when following, the applied) pump duty, through the real AlarmManager.
 * Flow below 10 % of expected: `pump failure` (critical); below 85 %: `pump degradation`; a
 * thermistor reading NaN: `T_hot sensor fault` / `T_cold sensor fault`. Gaps and overrides are
 * recorded so tests can check the runner called them.
 */

import { kgSToLpm } from "../../src/core/units.js";
import { type AlarmEvent, AlarmManager, type AlarmState } from "../../src/detect/alarms/alarmManager.js";
import type {
  LoopPerformanceFigures,
  Monitor,
  MonitorOutput,
  OperatorSetpoints,
} from "../../src/detect/monitor/monitorTypes.js";
import type { LoopParams } from "../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../src/model/pumpCurve.js";
import type { RigSample } from "../../src/model/rigSample.js";

export class FakeMonitor implements Monitor {
  readonly gaps: { fromS: number; toS: number }[] = [];
  readonly follows: boolean[] = [];
  readonly setpointLog: { tS: number; setpoints: OperatorSetpoints }[] = [];
  samples = 0;
  private readonly params: LoopParams;
  private readonly alarms = new AlarmManager({ clearDelayS: 2, minHoldS: 2 });
  private setpoints: OperatorSetpoints = { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  private following = false;
  private readonly events: AlarmEvent[] = [];
  readonly output: MonitorOutput = {
    tS: 0,
    predTHotC: NaN,
    predTColdC: NaN,
    predFlowLpm: NaN,
    resTHotK: NaN,
    resTColdK: NaN,
    resFlowLpm: NaN,
    innovTHot: NaN,
    innovTCold: NaN,
    innovFlow: NaN,
    uaRatio: NaN,
    uaRatioSigma: NaN,
    pumpRatio: NaN,
    pumpRatioSigma: NaN,
    bandTHotK: 1,
    bandTColdK: 1,
    bandFlowLpm: 0.3,
    score: 0,
    anomaly: false,
    diagnosis: "",
  };

  constructor(params: LoopParams) {
    this.params = params;
  }

  setSetpoints(setpoints: OperatorSetpoints, tS: number): void {
    this.setpoints = setpoints;
    this.following = false;
    this.setpointLog.push({ tS, setpoints });
  }

  markGap(fromS: number, toS: number): void {
    this.gaps.push({ fromS, toS });
  }

  followApplied(on: boolean): void {
    this.following = on;
    this.follows.push(on);
  }

  step(s: RigSample): readonly AlarmEvent[] {
    this.samples++;
    this.events.length = 0;
    const duty = this.following ? s.pumpDuty : this.setpoints.pumpDuty;
    const expected = kgSToLpm(pumpMassFlowKgS(this.params, duty));
    const o = this.output;
    o.tS = s.tS;
    o.predFlowLpm = expected;
    o.resFlowLpm = s.flowLpm - expected;
    const ratio = expected > 0 ? s.flowLpm / expected : 1;
    let level = 0;
    let text = "";
    if (Number.isFinite(ratio) && ratio < 0.1) {
      level = 3;
      text = "pump failure";
    } else if (Number.isFinite(ratio) && ratio < 0.85) {
      level = 1.5;
      text = "pump degradation";
    }
    o.score = level;
    o.anomaly = level >= 1;
    const e = this.alarms.update(s.tS, "flow", level, text === "" ? undefined : { text, evidence: [] });
    if (e !== undefined) this.events.push(e);
    const hotLevel = Number.isNaN(s.tHotC) ? 2 : 0;
    const h = this.alarms.update(
      s.tS,
      "t_hot",
      hotLevel,
      hotLevel > 0 ? { text: "T_hot sensor fault", evidence: [] } : undefined,
    );
    if (h !== undefined) this.events.push(h);
    o.diagnosis = this.alarms.openAlarms()[0]?.diagnosis ?? "";
    return this.events;
  }

  acknowledge(tS: number, cause?: string): readonly AlarmEvent[] {
    const c = cause ?? this.alarms.openAlarms()[0]?.cause;
    if (c === undefined) return [];
    return this.alarms.acknowledge(tS, c);
  }

  openAlarms(): readonly AlarmState[] {
    return this.alarms.openAlarms();
  }

  performance(): LoopPerformanceFigures {
    return {
      heatDeliveredW: NaN,
      heatRejectedW: NaN,
      hxEffectiveness: NaN,
      thermalResistanceKPerW: NaN,
      timeConstantS: NaN,
      stability: "settling",
      rmseTHotK: NaN,
      rmseTColdK: NaN,
      rmseFlowLpm: NaN,
    };
  }
}
