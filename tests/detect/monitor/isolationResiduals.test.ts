/**
 * The residuals the diagnosis reads (src/detect/monitor/isolationResiduals.ts), fed directly
 * through a SampleValues. Expected values are worked by hand from the documented formulas: each
 * residual an EWMA started at its first finite value (λ 0.02 for the temperatures, 0.1 for the
 * flow); two cascaded first-order filters per thermistor with α = 1 - exp(-dt/τ) (a spacing of
 * τ ln 2 gives α = 1/2); and the hot node's heat-input residual
 *   Q = C_hot (h1 - h2) / τ + m_dot cp (h2 - c2) + UA_loss h2
 * from the hot filters h1, h2 and the cold one's second stage c2.
 */
import { describe, expect, it } from "vitest";
import { createDiagnosisSnapshot } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { IsolationResiduals } from "../../../src/detect/monitor/isolationResiduals.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams } from "../../../src/model/loopParams.js";

const TAU = 10;
/** C_hot 100 J/K, cp 4000 J/(kg K), UA_loss 2 W/K: C_hot / τ = 10 W/K. */
const P: LoopParams = { ...DEFAULT_LOOP_PARAMS, C_hot: 100, cp: 4000, UA_loss: 2 };
const HALF = TAU * Math.LN2;

function make(params: LoopParams = P): { r: IsolationResiduals; v: SampleValues } {
  const v = new SampleValues();
  return { r: new IsolationResiduals(params, TAU, v), v };
}

function temps(
  r: IsolationResiduals,
  v: SampleValues,
  dtS: number,
  aH: number,
  aC: number,
  bH: number,
  bC: number,
) {
  v.dtS = dtS;
  v.aHotK = aH;
  v.aColdK = aC;
  v.bHotK = bH;
  v.bColdK = bC;
  r.smoothTemperatures();
}

function iso(r: IsolationResiduals): number[] {
  return [r.aHotK, r.aColdK, r.bHotK, r.bColdK, r.flowLpm];
}

function snapshot(r: IsolationResiduals, intendedKgS: number, measuredKgS: number) {
  const s = createDiagnosisSnapshot();
  r.fillSnapshot(s, intendedKgS, measuredKgS);
  return s;
}

describe("IsolationResiduals smoothing", () => {
  it("starts with no residuals", () => {
    const { r } = make();
    expect(iso(r)).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    const s = snapshot(r, 0.05, 0.05);
    expect([s.aDeltaK, s.bDeltaK, s.aHeatW, s.bHeatW, s.flowResLpm]).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
  });

  it("smooths the flow residual with λ 0.1 from its first finite value, skipping non-finite ones", () => {
    const { r, v } = make();
    v.resFlowLpm = Number.NaN;
    r.smoothFlow();
    expect(r.flowLpm).toBeNaN();
    v.resFlowLpm = 1;
    r.smoothFlow();
    expect(r.flowLpm).toBe(1);
    v.resFlowLpm = 3;
    r.smoothFlow();
    // 1 + 0.1 (3 - 1) = 1.2
    expect(r.flowLpm).toBeCloseTo(1.2, 14);
    v.resFlowLpm = Number.POSITIVE_INFINITY;
    r.smoothFlow();
    expect(r.flowLpm).toBeCloseTo(1.2, 14);
    // The temperatures are not touched.
    expect(iso(r).slice(0, 4)).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });

  it("smooths each temperature residual with λ 0.02, each in its own slot", () => {
    const { r, v } = make();
    temps(r, v, Number.NaN, 1, 2, 3, 4);
    expect(iso(r)).toEqual([1, 2, 3, 4, Number.NaN]);
    temps(r, v, Number.NaN, 2, 2, -7, Number.NaN);
    // 1 + 0.02 (2 - 1) = 1.02; 2 stays 2; 3 + 0.02 (-7 - 3) = 2.8; NaN skipped.
    const [aH, aC, bH, bC] = iso(r);
    expect(aH).toBeCloseTo(1.02, 14);
    expect(aC).toBe(2);
    expect(bH).toBeCloseTo(2.8, 14);
    expect(bC).toBe(4);
    const s = snapshot(r, 0.05, 0.05);
    expect(s.aHotK).toBe(aH);
    expect(s.aColdK).toBe(2);
    expect(s.aDeltaK).toBeCloseTo(1.02 - 2, 14);
    expect(s.bHotK).toBe(bH);
    expect(s.bColdK).toBe(4);
    expect(s.bDeltaK).toBeCloseTo(2.8 - 4, 14);
  });
});

describe("IsolationResiduals heat-input residual", () => {
  it("filters each thermistor twice and forms the heat residual of each twin, worked by hand", () => {
    const { r, v } = make();
    v.resFlowLpm = 0.25;
    r.smoothFlow();
    // α = 1/2. Sample 1 starts every filter at its value (0); sample 2:
    //   a hot 4:  h1 = 2, h2 = 1;   a cold 2:  c1 = 1,  c2 = 0.5
    //   b hot 8:  h1 = 4, h2 = 2;   b cold -2: c1 = -1, c2 = -0.5
    temps(r, v, HALF, 0, 0, 0, 0);
    let s = snapshot(r, 0.05, 0.1);
    expect([s.aHeatW, s.bHeatW]).toEqual([0, 0]);
    temps(r, v, HALF, 4, 2, 8, -2);
    s = snapshot(r, 0.05, 0.1);
    // a (intended 0.05 kg/s): 10 (2 - 1) + 0.05 * 4000 (1 - 0.5) + 2 * 1 = 10 + 100 + 2 = 112
    expect(s.aHeatW).toBeCloseTo(112, 9);
    // b (measured 0.1 kg/s): 10 (4 - 2) + 0.1 * 4000 (2 + 0.5) + 2 * 2 = 20 + 1000 + 4 = 1024
    expect(s.bHeatW).toBeCloseTo(1024, 9);
    expect(s.flowResLpm).toBe(0.25);
    // A third sample, same values: a hot h1 = 3, h2 = 2; a cold c1 = 1.5, c2 = 1:
    //   10 (3 - 2) + 200 (2 - 1) + 2 * 2 = 214
    temps(r, v, HALF, 4, 2, 8, -2);
    expect(snapshot(r, 0.05, 0.1).aHeatW).toBeCloseTo(214, 9);
  });

  it("reads each term's parameter: C_hot alone, cp alone, UA_loss alone", () => {
    const run = (params: LoopParams): number => {
      const { r, v } = make(params);
      temps(r, v, HALF, 0, 0, 0, 0);
      temps(r, v, HALF, 4, 2, 0, 0);
      return snapshot(r, 0.05, 0.05).aHeatW;
    };
    // h1 - h2 = 1, h2 - c2 = 0.5, h2 = 1.
    expect(run({ ...P, cp: 0, UA_loss: 0 })).toBeCloseTo(10, 9);
    expect(run({ ...P, C_hot: 0, UA_loss: 0 })).toBeCloseTo(100, 9);
    expect(run({ ...P, C_hot: 0, cp: 0 })).toBeCloseTo(2, 9);
  });

  it("filters only at a positive spacing", () => {
    const { r, v } = make();
    for (const dt of [Number.NaN, 0, -1]) temps(r, v, dt, 1, 1, 1, 1);
    // Smoothed, but no filter started: no heat residual.
    expect(iso(r).slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(snapshot(r, 0.05, 0.05).aHeatW).toBeNaN();
    temps(r, v, HALF, 1, 1, 1, 1);
    // Started at 1: h1 = h2 = c2 = 1: 10 * 0 + 200 * 0 + 2 * 1 = 2.
    expect(snapshot(r, 0.05, 0.05).aHeatW).toBeCloseTo(2, 12);
    expect(snapshot(r, 0.05, 0.05).bHeatW).toBeCloseTo(2, 12);
  });

  it("keeps α for a spacing within 1e-9 of the last one's, and recomputes it past that", () => {
    // C_hot = cp = 0, UA_loss = 1: the residual is h2 itself. Raw hot 0, then 1, 1:
    //   h1 = α1, h2 = α1 α1; then h1' = α1 + α2 (1 - α1), h2' = h2 + α2 (h1' - h2).
    const { r, v } = make({ ...P, C_hot: 0, cp: 0, UA_loss: 1 });
    const alpha = (dt: number): number => -Math.expm1(-dt / TAU);
    const a1 = alpha(2);
    temps(r, v, 2, 0, 0, 0, 0);
    // 1.5e-9 from 2: within 2e-9 (1e-9 of the spacing), so α stays α(2).
    temps(r, v, 2 + 1.5e-9, 1, 0, 1, 0);
    const h1 = 0 + a1 * (1 - 0);
    const h2 = 0 + a1 * (h1 - 0);
    expect(snapshot(r, 0, 0).aHeatW).toBe(h2);
    // 3e-9 from 2: beyond 1e-9 of the spacing, α is recomputed.
    const a2 = alpha(2 + 3e-9);
    expect(a2).not.toBe(a1);
    temps(r, v, 2 + 3e-9, 1, 0, 1, 0);
    const h1b = h1 + a2 * (1 - h1);
    const h2b = h2 + a2 * (h1b - h2);
    expect(snapshot(r, 0, 0).bHeatW).toBe(h2b);
    // Back to 2 (3e-9 from the last spacing): α(2) again.
    temps(r, v, 2, 1, 0, 1, 0);
    const h1c = h1b + a1 * (1 - h1b);
    expect(snapshot(r, 0, 0).aHeatW).toBe(h2b + a1 * (h1c - h2b));
  });

  it("resetTemperatures forgets the temperature residuals and filters, not the flow's", () => {
    const { r, v } = make();
    v.resFlowLpm = 0.5;
    r.smoothFlow();
    temps(r, v, HALF, 1, 2, 3, 4);
    r.resetTemperatures();
    expect(iso(r)).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 0.5]);
    expect(snapshot(r, 0.05, 0.05).aHeatW).toBeNaN();
    // Started again at the next values (no memory of the old ones).
    temps(r, v, HALF, 5, 6, 7, 8);
    expect(iso(r)).toEqual([5, 6, 7, 8, 0.5]);
    // h1 = h2 = 5, c2 = 6: 0 + 200 (5 - 6) + 2 * 5 = -190
    expect(snapshot(r, 0.05, 0.05).aHeatW).toBeCloseTo(-190, 9);
  });
});

describe("IsolationResiduals re-seating", () => {
  const at = (aH: number, aC: number, bH: number, bC: number, bandK = 2): string | undefined => {
    const { r, v } = make();
    temps(r, v, Number.NaN, aH, aC, bH, bC);
    return r.twinToReseat(bandK);
  };

  it("re-seats (a) when it misses by more than the band and (b) fits within a quarter of it squared", () => {
    // band 2: misses when the sum of squares is > 4; fits when it is < 1.
    expect(at(2, 0.5, 0.5, 0.5)).toBe("a"); // 4.25 > 4, 0.5 < 1
    expect(at(2, 0, 0.5, 0.5)).toBeUndefined(); // 4 is not > 4
    expect(at(2, 0.5, 1, 0)).toBeUndefined(); // 1 is not < 1
    expect(at(2, 0.5, 0.9, 0)).toBe("a"); // 0.81 < 1
    expect(at(-3, 0, 0, -0.5)).toBe("a");
  });

  it("re-seats (b) in the mirror case", () => {
    expect(at(0.5, 0.5, 0.5, 2)).toBe("b");
    expect(at(0.5, 0.5, 0, 2)).toBeUndefined();
    expect(at(1, 0, 2, 0.5)).toBeUndefined();
    expect(at(0, -0.9, 0.5, -2)).toBe("b");
  });

  it("re-seats neither when both miss or both fit, or when a residual is missing or overflows", () => {
    expect(at(3, 0, 0, 3)).toBeUndefined();
    expect(at(0, 0, 0, 0)).toBeUndefined();
    expect(at(3, 0, 0, Number.NaN)).toBeUndefined();
    expect(at(Number.NaN, 0, 0, 3)).toBeUndefined();
    // Finite residuals whose squares overflow: no decision.
    expect(at(1e200, 0, 0, 0)).toBeUndefined();
    expect(at(0, 0, 0, 1e200)).toBeUndefined();
  });

  it("reads the band squared (band 0.5: misses above 0.25, fits below 0.0625)", () => {
    expect(at(0.6, 0, 0.2, 0, 0.5)).toBe("a"); // 0.36 > 0.25, 0.04 < 0.0625
    expect(at(0.4, 0, 0.2, 0, 0.5)).toBeUndefined(); // 0.16 is no miss
    expect(at(0.6, 0, 0.3, 0, 0.5)).toBeUndefined(); // 0.09 is no fit
  });

  it("copies one twin's residuals and filters onto the other's, leaving the flow's", () => {
    const fill = (): { r: IsolationResiduals; v: SampleValues } => {
      const m = make();
      m.v.resFlowLpm = -0.5;
      m.r.smoothFlow();
      temps(m.r, m.v, HALF, 0, 0, 0, 0);
      temps(m.r, m.v, HALF, 4, 2, 8, -2);
      return m;
    };
    const one = fill();
    one.r.copyBOntoA();
    let s = snapshot(one.r, 0.1, 0.1);
    expect([s.aHotK, s.aColdK]).toEqual([s.bHotK, s.bColdK]);
    expect(s.aHotK).toBeCloseTo(0 + 0.02 * 8, 14);
    expect(s.aColdK).toBeCloseTo(0.02 * -2, 14);
    expect(s.flowResLpm).toBe(-0.5);
    // (a)'s filters are (b)'s now: both 1024 at 0.1 kg/s.
    expect(s.aHeatW).toBeCloseTo(1024, 9);
    expect(s.bHeatW).toBeCloseTo(1024, 9);

    const two = fill();
    two.r.copyAOntoB();
    s = snapshot(two.r, 0.05, 0.05);
    expect(s.bHotK).toBeCloseTo(0.02 * 4, 14);
    expect(s.bColdK).toBeCloseTo(0.02 * 2, 14);
    expect(s.aHotK).toBeCloseTo(0.02 * 4, 14);
    expect(s.flowResLpm).toBe(-0.5);
    expect(s.aHeatW).toBeCloseTo(112, 9);
    expect(s.bHeatW).toBeCloseTo(112, 9);
  });
});
