/**
 * Test helper: the plant simulator read the way the host reads the rig (counts to degrees through
 * the default thermistor, pulses to L/min through the host's flow estimator), at a fixed rate.
 */
import { type FaultSpec, parseFaultSpec } from "../../src/model/faultSpec.js";
import { DEFAULT_FLOW_METER, FlowRateEstimator } from "../../src/model/flowMeter.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams } from "../../src/model/loopParams.js";
import { createPlantSample, PlantSimulator } from "../../src/model/plantSimulator.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import {
  type CountsClass,
  classifyCounts,
  DEFAULT_THERMISTOR,
  tempCFromCounts,
} from "../../src/model/thermistor.js";

export interface MeasuredSample {
  tS: number;
  tHotC: number;
  tColdC: number;
  flowLpm: number;
  /** True values, for checks. */
  trueHotC: number;
  trueColdC: number;
  uaWK: number;
  qInW: number;
  mDotKgS: number;
  anomaly: number;
  /** Whether each thermistor reads the rail. */
  hotRange: CountsClass;
  coldRange: CountsClass;
}

export interface HarnessOptions {
  readonly params?: LoopParams;
  readonly seed?: number;
  readonly rateHz?: number;
  readonly duties?: { pump: number; heater: number; fan: number };
  readonly faults?: readonly string[];
  /** Start at the steady state of the duties (default true). */
  readonly steady?: boolean;
}

export class PlantHarness {
  readonly plant: PlantSimulator;
  readonly params: LoopParams;
  readonly dtS: number;
  private readonly flow = new FlowRateEstimator(DEFAULT_FLOW_METER, 2);
  private readonly raw = createPlantSample();
  readonly sample: MeasuredSample = {
    tS: 0,
    tHotC: 0,
    tColdC: 0,
    flowLpm: 0,
    trueHotC: 0,
    trueColdC: 0,
    uaWK: 0,
    qInW: 0,
    mDotKgS: 0,
    anomaly: 0,
    hotRange: "ok",
    coldRange: "ok",
  };
  private i = 0;

  constructor(options: HarnessOptions = {}) {
    this.params = options.params ?? DEFAULT_LOOP_PARAMS;
    this.plant = new PlantSimulator({ params: this.params, seed: options.seed ?? 1 });
    this.dtS = 1 / (options.rateHz ?? 10);
    const d = options.duties ?? { pump: 200, heater: 255, fan: 255 };
    this.plant.setInputs(d.pump, d.heater, d.fan, this.params.T_amb);
    if (options.steady ?? true) {
      const op = setOperatingPointFromDuties(
        this.params,
        d.pump,
        d.heater,
        d.fan,
        this.params.T_amb,
        createOperatingPoint(this.params),
      );
      const ss = loopSteadyState(this.params, op);
      if (ss.ok) this.plant.setState(ss.value.tHotC, ss.value.tColdC);
    }
    for (const f of options.faults ?? []) this.plant.addFault(parseFaultSpec(f));
  }

  /** Advances one sample period and returns the measured sample (overwritten each call). */
  next(): MeasuredSample {
    const t = this.i * this.dtS;
    this.i++;
    this.plant.advanceTo(t);
    const r = this.plant.sample(this.raw);
    const s = this.sample;
    s.tS = t;
    s.tHotC = tempCFromCounts(DEFAULT_THERMISTOR, r.adcHot);
    s.tColdC = tempCFromCounts(DEFAULT_THERMISTOR, r.adcCold);
    s.flowLpm = this.flow.push(t, r.pulses);
    s.trueHotC = r.tHotC;
    s.trueColdC = r.tColdC;
    s.uaWK = r.uaWK;
    s.qInW = r.qInW;
    s.mDotKgS = r.mDotKgS;
    s.anomaly = r.anomaly;
    s.hotRange = classifyCounts(r.adcHot);
    s.coldRange = classifyCounts(r.adcCold);
    return s;
  }
}

export function fault(spec: string): FaultSpec {
  return parseFaultSpec(spec);
}
