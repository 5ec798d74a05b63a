import { kgSToLpm, lpmToKgS } from "../../core/units.js";
import { heaterPowerW, radiatorUaWK } from "../../model/actuators.js";
import type { LoopParams } from "../../model/loopParams.js";
import { pumpMassFlowKgS } from "../../model/pumpCurve.js";
import { FlowDrivenTwin } from "../twins/flowDrivenTwin.js";
import { FlowWindowPredictor } from "../twins/flowWindowPredictor.js";
import { OpenLoopResidualGenerator } from "../twins/residualGenerator.js";
import type { ResolvedMonitorConfig } from "./monitorConfig.js";
import type { SampleValues } from "./sampleValues.js";
import type { TwinAlignment } from "./twinAlignment.js";

/**
 * The monitor's two twins and its flow window, stepped together at each sample (monitor.ts says
 * why there are two):
 * - twin (a): the loop model at the operator's intended duties (residualGenerator.ts);
 * - twin (b): the same model driven by the measured flow over the last sample interval
 *   (flowDrivenTwin.ts), so a real change of flow is explained and a flow-meter fault is not;
 * - the twin's flow averaged as the host's estimator averages the meter (flowWindowPredictor.ts).
 *
 * Each sample's raw residuals go to the sample values (`aHotK`, `aColdK`, `bHotK`, `bColdK`,
 * `resFlowLpm`), where the detectors, the isolation and the alignment read them. Also here: the
 * twins' start on the measurements, the alignment's means taken off both, and the re-seating of
 * a twin that a flow fault left behind on the other.
 *
 * Speed: {@link step} takes no argument and each twin is stepped in a method of its own that reads
 * the sample values, so that each is compiled with its own inlining budget and no double is boxed
 * to cross a call (the monitor's step has long run out of budget).
 */
export class MonitorTwins {
  readonly generator: OpenLoopResidualGenerator;
  readonly twinB: FlowDrivenTwin;
  readonly flow: FlowWindowPredictor;
  /** The pump curve's flow at the intended pump duty [L/min]. */
  intendedFlowLpm = 0;
  /** Mass flow of twin (b) over the last interval [kg/s]. */
  mDotB = 0;
  /** Twin (b)'s flow [L/min]: the last believable interval flow. */
  private qB = Number.NaN;
  private twinBTS = Number.NaN;
  /** The rig time twin (b) is stepped to (a field, not an argument: see the class comment). */
  private twinBToS = Number.NaN;
  /** Largest believable interval flow [L/min] (a pulse count restarting after a reboot is not). */
  private readonly qMaxLpm: number;
  private readonly params: LoopParams;
  private readonly v: SampleValues;

  constructor(cfg: ResolvedMonitorConfig, v: SampleValues) {
    const p = cfg.params;
    this.params = p;
    this.v = v;
    this.generator = new OpenLoopResidualGenerator(p, { flowMeterWindowS: 0 });
    this.twinB = new FlowDrivenTwin(p);
    this.flow = new FlowWindowPredictor({ windowS: cfg.flowWindowS, kHzPerLpm: cfg.kHzPerLpm });
    this.qMaxLpm = 3 * kgSToLpm(p.m_dot_max) + 1;
  }

  /** The intended duties (0-255) and the ambient [C] the models use. */
  setDuties(pump: number, heater: number, fan: number, ambientC: number): void {
    const p = this.params;
    this.generator.setIntendedDuties(pump, heater, fan);
    this.intendedFlowLpm = kgSToLpm(pumpMassFlowKgS(p, pump));
    this.twinB.setInputs(heaterPowerW(p, heater), radiatorUaWK(p, fan), p.T_sink, ambientC);
  }

  /** A new ambient [C] at the heater and fan duties in force. */
  setAmbient(heater: number, fan: number, ambientC: number): void {
    const p = this.params;
    this.generator.setAmbientC(ambientC);
    this.twinB.setInputs(heaterPowerW(p, heater), radiatorUaWK(p, fan), p.T_sink, ambientC);
  }

  /** Brings the models to rig time `tS` on the duties in force (before a setpoint change at tS). */
  advanceTo(tS: number): void {
    this.generator.update(tS, Number.NaN, Number.NaN, Number.NaN);
    this.flow.advance(tS, this.intendedFlowLpm);
    this.twinBToS = tS;
    this.stepTwinB();
  }

  /** Starts (or restarts) both twins on the measured temperatures [C] at rig time tS. */
  start(tS: number, hotC: number, coldC: number): void {
    this.generator.reset();
    this.generator.update(tS, hotC, coldC, Number.NaN);
    this.twinB.setState(hotC, coldC);
    this.twinBTS = tS;
    this.flow.reset();
  }

  /** One sample: steps both twins and the flow window to `v.tS` and writes the raw residuals to `v`. */
  step(): void {
    this.stepA();
    this.stepFlow();
    const v = this.v;
    this.twinBToS = v.tS;
    this.stepTwinB();
    v.bHotK = v.hotC - this.twinB.tHotC;
    v.bColdK = v.coldC - this.twinB.tColdC;
  }

  private stepA(): void {
    const v = this.v;
    const r = this.generator.update(v.tS, v.hotC, v.coldC, Number.NaN);
    v.aHotK = r.tHotK;
    v.aColdK = r.tColdK;
  }

  /** Twin (a)'s flow as the meter reads it; twin (b)'s flow (a reset or reboot leaves the last one). */
  private stepFlow(): void {
    const v = this.v;
    const t = v.tS;
    const measFlow = v.flowLpm;
    const flow = this.flow;
    if (!Number.isFinite(measFlow)) flow.reset();
    flow.advance(t, this.intendedFlowLpm);
    flow.pushFrom(v);
    v.resFlowLpm = measFlow - flow.predictedLpm;
    const q = flow.intervalLpm;
    if (Number.isFinite(q) && q <= this.qMaxLpm) this.qB = q;
    else if (Number.isNaN(this.qB)) this.qB = Number.isFinite(measFlow) ? measFlow : this.intendedFlowLpm;
  }

  private stepTwinB(): void {
    const tS = this.twinBToS;
    const dt = tS - this.twinBTS;
    if (!(dt > 0)) return;
    const qLpm = this.qB;
    if (Number.isFinite(qLpm)) this.mDotB = qLpm > 0 ? lpmToKgS(qLpm) : 0;
    this.twinB.step(dt, this.mDotB);
    this.twinBTS = tS;
  }

  /** Takes the alignment's mean residuals off both twins' states. */
  align(al: TwinAlignment): void {
    const tw = this.generator.twin;
    this.generator.resynchronise(tw.tHotC + al.aHotK, tw.tColdC + al.aColdK);
    this.twinB.setState(this.twinB.tHotC + al.bHotK, this.twinB.tColdC + al.bColdK);
  }

  /** Twin (a) onto twin (b)'s state (after a pump fault). */
  reseatAOnB(): void {
    this.generator.resynchronise(this.twinB.tHotC, this.twinB.tColdC);
  }

  /** Twin (b) onto twin (a)'s state (after a meter fault). */
  reseatBOnA(): void {
    const tw = this.generator.twin;
    this.twinB.setState(tw.tHotC, tw.tColdC);
  }
}
