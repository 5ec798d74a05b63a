/**
 * Speed of the residual-based detection chain per sample (issue 5), on engineering-unit samples
 * (parsing and conversion excluded; the issue's `pipeline_samples_per_s` adds them):
 *
 * - `residual_chain_samples_per_s`: open-loop twin residuals, Kalman observer, parameter tracker,
 *   a CUSUM on each of T_hot, T_cold, T_hot - T_cold and flow, a windowed chi-square on the
 *   whitened innovations, and the alarm manager on every detector's score;
 * - `loop_performance_samples_per_s`: the loop-performance analysis alone (heat figures,
 *   stability of both temperatures, time constant, twin fit of three residuals);
 * - `detector_updates_per_s`: the four detector kinds alone, updates per second (each counted).
 */
import { performance } from "node:perf_hooks";
import { SeededRng } from "../src/core/rng.js";
import { AlarmManager } from "../src/detect/alarms/alarmManager.js";
import { ChiSquareDetector } from "../src/detect/detectors/chiSquare.js";
import { CusumDetector } from "../src/detect/detectors/cusum.js";
import { EwmaDetector } from "../src/detect/detectors/ewma.js";
import { ThresholdDetector } from "../src/detect/detectors/thresholdDetector.js";
import { LoopPerformance } from "../src/detect/performance/loopPerformance.js";
import { LoopObserver } from "../src/detect/twins/observer.js";
import { ParameterTracker } from "../src/detect/twins/parameterTracker.js";
import { OpenLoopResidualGenerator } from "../src/detect/twins/residualGenerator.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS } from "../src/model/loopParams.js";
import { loopSteadyState } from "../src/model/steadyState.js";
import type { BenchFile } from "./run.js";

const SAMPLES = 1_000_000;

function measurements(n: number) {
  const p = DEFAULT_LOOP_PARAMS;
  const ss = loopSteadyState(p, setOperatingPointFromDuties(p, 200, 255, 255, 25, createOperatingPoint(p)));
  if (!ss.ok) throw new Error(ss.error);
  const rng = new SeededRng(1);
  const hot = new Float64Array(n);
  const cold = new Float64Array(n);
  const flow = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    hot[i] = ss.value.tHotC + 0.05 * rng.normal();
    cold[i] = ss.value.tColdC + 0.05 * rng.normal();
    flow[i] = 3.85 + 0.05 * rng.normal();
  }
  return { hot, cold, flow };
}

function chain(n: number, m: ReturnType<typeof measurements>): number {
  const p = DEFAULT_LOOP_PARAMS;
  const gen = new OpenLoopResidualGenerator(p);
  const obs = new LoopObserver(p);
  const tracker = new ParameterTracker(p);
  gen.setIntendedDuties(200, 255, 255);
  obs.setIntendedDuties(200, 255, 255);
  tracker.setIntendedDuties(200, 255, 255);
  const cusums = [0, 1, 2, 3].map(() => new CusumDetector({ sigma: 0.07, k: 0.5, h: 8 }));
  const chi = new ChiSquareDetector({ dimension: 2, window: 20, alpha: 1e-6 });
  const alarms = new AlarmManager();
  const causes = ["t_hot", "t_cold", "delta_t", "flow", "innovations"] as const;
  let raised = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const tS = i * 0.1;
    const h = m.hot[i] as number;
    const c = m.cold[i] as number;
    const f = m.flow[i] as number;
    const r = gen.update(tS, h, c, f);
    obs.update(tS, h, c);
    tracker.update(tS, h, c, f);
    cusums[0]!.update(r.tHotK);
    cusums[1]!.update(r.tColdK);
    cusums[2]!.update(r.deltaTK);
    cusums[3]!.update(r.flowLpm);
    chi.updateVector(obs.whitened);
    for (let k = 0; k < 4; k++) if (alarms.update(tS, causes[k]!, cusums[k]!.score)) raised++;
    if (alarms.update(tS, causes[4], chi.score)) raised++;
  }
  const s = (performance.now() - t0) / 1000;
  if (raised < 0) throw new Error("unreachable");
  return n / s;
}

function loopPerformance(n: number, m: ReturnType<typeof measurements>): number {
  const perf = new LoopPerformance();
  const res = new Float64Array(3);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const h = m.hot[i] as number;
    const c = m.cold[i] as number;
    res[0] = h - 40.5;
    res[1] = c - 40;
    res[2] = (m.flow[i] as number) - 3.85;
    perf.update(i * 0.1, h, c, 0.064, 25, res);
  }
  const s = (performance.now() - t0) / 1000;
  if (!Number.isFinite(perf.heatTransportW)) throw new Error("loop performance produced no figure");
  return n / s;
}

function detectors(n: number, m: ReturnType<typeof measurements>): number {
  const ds = [
    new ThresholdDetector({ threshold: 0.3, k: 3, n: 5, target: 40 }),
    new EwmaDetector({ target: 40, sigma: 0.05 }),
    new CusumDetector({ target: 40, sigma: 0.05 }),
    new ChiSquareDetector({ window: 10 }),
  ];
  const t0 = performance.now();
  let alarms = 0;
  for (let i = 0; i < n; i++) {
    const x = m.cold[i] as number;
    for (let k = 0; k < 3; k++) if (ds[k]!.update(x)) alarms++;
    if (ds[3]!.update(x - 40)) alarms++;
  }
  const s = (performance.now() - t0) / 1000;
  if (alarms < 0) throw new Error("unreachable");
  return (4 * n) / s;
}

const bench: BenchFile = {
  name: "residualDetect",
  async run() {
    const m = measurements(SAMPLES);
    chain(50_000, m); // warm-up
    loopPerformance(50_000, m);
    detectors(50_000, m);
    return {
      residual_chain_samples_per_s: { value: Math.round(chain(SAMPLES, m)), unit: "samples/s" },
      loop_performance_samples_per_s: { value: Math.round(loopPerformance(SAMPLES, m)), unit: "samples/s" },
      detector_updates_per_s: { value: Math.round(detectors(SAMPLES, m)), unit: "updates/s" },
    };
  },
};
export default bench;
