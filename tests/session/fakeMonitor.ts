/**
 * A scripted Monitor for the dashboard's tests: predictions are set by the test (or follow the
 * measurement with a fixed offset), residuals are measured minus predicted, bands are fixed, and a
 * flow residual below -band raises a `pump_failure` alarm through the real AlarmManager. It records
 * every call, so tests can check what the session told it.
 */
import { type AlarmEvent, AlarmManager, type AlarmState } from "../../src/detect/alarms/alarmManager.js";
import type {
  LoopPerformanceFigures,
  Monitor,
  MonitorOutput,
  OperatorSetpoints,
} from "../../src/detect/monitor/monitorTypes.js";
import type { RigSample } from "../../src/model/rigSample.js";

export interface FakeMonitorCalls {
  setSetpoints: { setpoints: OperatorSetpoints; tS: number }[];
  markGap: { fromTS: number; toTS: number }[];
  followApplied: boolean[];
  steps: number;
}

export class FakeMonitor implements Monitor {
  readonly calls: FakeMonitorCalls = { setSetpoints: [], markGap: [], followApplied: [], steps: 0 };
  readonly alarms = new AlarmManager({ clearDelayS: 1, minHoldS: 1 });
  /** Prediction = measurement + offset (K, L/min), unless `expectedFlowLpm` is set. */
  offsetK = 0.1;
  /** The flow the twin expects (NaN: follow the measurement). */
  expectedFlowLpm = Number.NaN;
  bandK = 0.5;
  bandFlowLpm = 0.3;
  performanceFigures: LoopPerformanceFigures = {
    heatDeliveredW: 150.5,
    heatRejectedW: 149.25,
    hxEffectiveness: 0.625,
    thermalResistanceKPerW: 0.1234,
    timeConstantS: 185,
    stability: "steady",
    rmseTHotK: 0.12,
    rmseTColdK: 0.1,
    rmseFlowLpm: 0.05,
  };
  private readonly events: AlarmEvent[] = [];
  readonly output: MonitorOutput = {
    tS: 0,
    predTHotC: Number.NaN,
    predTColdC: Number.NaN,
    predFlowLpm: Number.NaN,
    resTHotK: Number.NaN,
    resTColdK: Number.NaN,
    resFlowLpm: Number.NaN,
    innovTHot: 0,
    innovTCold: 0,
    innovFlow: 0,
    uaRatio: 1,
    uaRatioSigma: 0,
    pumpRatio: 1,
    pumpRatioSigma: 0,
    bandTHotK: 0.5,
    bandTColdK: 0.5,
    bandFlowLpm: 0.3,
    score: 0,
    anomaly: false,
    diagnosis: "",
  };

  setSetpoints(setpoints: OperatorSetpoints, tS: number): void {
    this.calls.setSetpoints.push({ setpoints, tS });
  }
  markGap(fromTS: number, toTS: number): void {
    this.calls.markGap.push({ fromTS, toTS });
  }
  followApplied(on: boolean): void {
    this.calls.followApplied.push(on);
  }

  step(s: RigSample): readonly AlarmEvent[] {
    this.calls.steps++;
    this.events.length = 0;
    const o = this.output;
    o.tS = s.tS;
    o.predTHotC = s.tHotC - this.offsetK;
    o.predTColdC = s.tColdC - this.offsetK;
    o.predFlowLpm = Number.isNaN(this.expectedFlowLpm) ? s.flowLpm : this.expectedFlowLpm;
    o.resTHotK = s.tHotC - o.predTHotC;
    o.resTColdK = s.tColdC - o.predTColdC;
    o.resFlowLpm = s.flowLpm - o.predFlowLpm;
    o.bandTHotK = this.bandK;
    o.bandTColdK = this.bandK;
    o.bandFlowLpm = this.bandFlowLpm;
    const level = Number.isFinite(o.resFlowLpm) ? -o.resFlowLpm / this.bandFlowLpm : Number.NaN;
    o.score = Math.max(0, level);
    o.anomaly = o.score >= 1;
    o.diagnosis = o.anomaly ? "pump failure" : "";
    const e = this.alarms.update(s.tS, "flow", level, {
      text: "pump failure",
      evidence: [`flow ${o.resFlowLpm.toFixed(2)} L/min vs twin`],
      severity: "critical",
    });
    if (e !== undefined) this.events.push(e);
    return this.events;
  }

  acknowledge(tS: number, cause?: string): readonly AlarmEvent[] {
    const newest = this.openAlarms()[0];
    const c = cause ?? newest?.cause;
    if (c === undefined) return [];
    return this.alarms.acknowledge(tS, c);
  }

  openAlarms(): readonly AlarmState[] {
    return this.alarms.openAlarms().reverse();
  }

  performance(): LoopPerformanceFigures {
    return this.performanceFigures;
  }
}
