/**
 * LoopResponse against closed forms of the loop model (docs/design.md 2.2) on hand-made data.
 *
 * With the pump below its stall duty there is no flow and the nodes decouple: each relaxes
 * exponentially, the hot node at rate UA_loss/C_hot towards T_amb + Q_in/UA_loss, the cold node at
 * rate (UA_eff + UA_loss)/C_cold towards (UA_eff T_sink + UA_loss T_amb)/(UA_eff + UA_loss). With
 * UA = UA_loss = 0 and C_hot = C_cold = C the sum of the temperatures rises at Q_in/C and their
 * difference relaxes at rate 2 m_dot cp/C towards Q_in/(2 m_dot cp).
 */
import { describe, expect, it } from "vitest";
import type { CalibrationData } from "../../src/model/calibration/calibrationData.js";
import { createPredictedReadings, LoopResponse } from "../../src/model/calibration/loopResponse.js";
import { makeLoopParams } from "../../src/model/loopParams.js";

/** x(t0 + dt) of x' = -rate (x - target) from x. */
const relax = (x: number, target: number, rate: number, dt: number): number =>
  target + (x - target) * Math.exp(-rate * dt);

const f64 = (xs: readonly number[]): Float64Array => Float64Array.from(xs);

function data(d: {
  tS: number[];
  start: number[];
  hot: number[];
  cold: number[];
  amb: number[];
  changeTS: number[];
  pump: number[];
  heater: number[];
  fan: number[];
}): CalibrationData {
  return {
    source: "hand",
    tS: f64(d.tS),
    tHotC: f64(d.hot),
    tColdC: f64(d.cold),
    flowLpm: new Float64Array(d.tS.length),
    ambInputC: f64(d.amb),
    segmentStart: Uint8Array.from(d.start),
    changeTS: f64(d.changeTS),
    pump: f64(d.pump),
    heater: f64(d.heater),
    fan: f64(d.fan),
    sampleCount: d.tS.length,
    gapCount: d.start.reduce((s, x) => s + x, 0) - 1,
    breakGapS: 5,
  };
}

function expectClose(actual: Float64Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((x, i) => {
    expect(actual[i], `entry ${i}`).toBeCloseTo(x, 10);
  });
}

describe("LoopResponse", () => {
  // No flow (pump 0 < stall 40). Fan 255: UA_eff = UA = 10 W/K; fan 0: UA_fan_off_frac UA = 3 W/K.
  // Heater 255: 150 W; 102: 60 W.
  const params = makeLoopParams({
    C_hot: 1000,
    C_cold: 2000,
    UA: 10,
    UA_fan_off_frac: 0.3,
    UA_loss: 2,
    T_sink: 20,
    T_amb: 25,
    Q_heater_max: 150,
  });
  const decoupled = data({
    // Two segments: t = 0, 2, 4 and t = 10, 14, 18; duties change at 5 s (in the gap) and 12 s
    // (only the fan and the heater: the steps before and after it are 2 s long, the flow term the
    // same, so only the cold node's coefficient tells the two system matrices apart).
    tS: [0, 2, 4, 10, 14, 18],
    start: [1, 0, 0, 1, 0, 0],
    hot: [30, 0, 0, 50, 0, 0],
    cold: [40, 0, 0, 60, 0, 0],
    // The ambient read at an observation holds until the next one; NaN: the parameter T_amb.
    amb: [Number.NaN, 30, 30, 28, Number.NaN, 22],
    changeTS: [0, 5, 12],
    pump: [0, 0, 0],
    heater: [255, 0, 102],
    fan: [255, 255, 0],
  });
  const hotRate = 2 / 1000;
  const hotTarget = (tAmb: number, qIn: number): number => tAmb + qIn / 2;
  const coldRate = (ua: number): number => (ua + 2) / 2000;
  const coldTarget = (ua: number, tAmb: number): number => (ua * 20 + 2 * tAmb) / (ua + 2);

  /** True temperatures at the six observations from the two segment starts. */
  function truth(hot0: number, cold0: number, hot10: number, cold10: number): [number[], number[]] {
    const x2 = relax(hot0, hotTarget(25, 150), hotRate, 2);
    const y2 = relax(cold0, coldTarget(10, 25), coldRate(10), 2);
    const x4 = relax(x2, hotTarget(30, 150), hotRate, 2);
    const y4 = relax(y2, coldTarget(10, 30), coldRate(10), 2);
    // Second segment: the duties of the change at 5 s, then of 12 s; ambient 28 until 14 s, then T_amb.
    const x12 = relax(hot10, hotTarget(28, 0), hotRate, 2);
    const y12 = relax(cold10, coldTarget(10, 28), coldRate(10), 2);
    const x14 = relax(x12, hotTarget(28, 60), hotRate, 2);
    const y14 = relax(y12, coldTarget(3, 28), coldRate(3), 2);
    const x18 = relax(x14, hotTarget(25, 60), hotRate, 4);
    const y18 = relax(y14, coldTarget(3, 25), coldRate(3), 4);
    return [
      [hot0, x2, x4, hot10, x14, x18],
      [cold0, y2, y4, cold10, y14, y18],
    ];
  }

  it("follows the closed-form relaxation of each node, segment by segment, through duty and ambient changes", () => {
    const out = createPredictedReadings(decoupled);
    new LoopResponse(decoupled, params).predict(params, { hot: 0, cold: 0 }, out);
    const [hot, cold] = truth(30, 40, 50, 60);
    expectClose(out.tHotC, hot);
    expectClose(out.tColdC, cold);
    expectClose(out.flowLpm, [0, 0, 0, 0, 0, 0]);
  });

  it("starts from the readings plus the offsets and the initial deltas, and predicts true minus offset", () => {
    const out = createPredictedReadings(decoupled);
    const deltas = Float64Array.of(0.1, -0.2, 0.3, 0.4);
    new LoopResponse(decoupled, params).predict(params, { hot: 0.5, cold: -0.25 }, out, deltas);
    const [hot, cold] = truth(30 + 0.5 + 0.1, 40 - 0.25 - 0.2, 50 + 0.5 + 0.3, 60 - 0.25 + 0.4);
    expectClose(
      out.tHotC,
      hot.map((x) => x - 0.5),
    );
    expectClose(
      out.tColdC,
      cold.map((y) => y + 0.25),
    );
  });

  it("writes one entry per observation and nothing past them", () => {
    const n = decoupled.tS.length;
    const out = {
      tHotC: new Float64Array(n + 1).fill(-1),
      tColdC: new Float64Array(n + 1).fill(-1),
      flowLpm: new Float64Array(n + 1).fill(-1),
    };
    new LoopResponse(decoupled, params).predict(params, { hot: 0, cold: 0 }, out);
    expect([out.tHotC[n], out.tColdC[n], out.flowLpm[n]]).toEqual([-1, -1, -1]);
    expect(out.tHotC[n - 1]).not.toBe(-1);
  });

  it("gives the same prediction again, and another one for other parameters, from one instance", () => {
    const response = new LoopResponse(decoupled, params);
    const first = createPredictedReadings(decoupled);
    response.predict(params, { hot: 0, cold: 0 }, first);
    // UA_loss 4: rates and targets change, the system matrix with them (a fresh ZOH is needed).
    const other = makeLoopParams({ ...params, UA_loss: 4 });
    const out = createPredictedReadings(decoupled);
    response.predict(other, { hot: 0, cold: 0 }, out);
    const x2 = relax(30, 25 + 150 / 4, 4 / 1000, 2);
    const y2 = relax(40, (10 * 20 + 4 * 25) / 14, 14 / 2000, 2);
    expect(out.tHotC[1]).toBeCloseTo(x2, 10);
    expect(out.tColdC[1]).toBeCloseTo(y2, 10);
    response.predict(params, { hot: 0, cold: 0 }, out);
    expect(Array.from(out.tHotC)).toEqual(Array.from(first.tHotC));
    expect(Array.from(out.tColdC)).toEqual(Array.from(first.tColdC));
  });

  it("mixes the nodes by the flow: the sum rises at Q_in/C, the difference relaxes at 2 m_dot cp/C", () => {
    // C_hot = C_cold = 1000 J/K, UA = UA_loss = 0. Pump 255: m_dot_max = 0.05 kg/s; pump 40 (the
    // stall duty): pump_min_frac m_dot_max = 0.01 kg/s. cp 1000: 2 m_dot cp/C = 0.1 and 0.02 1/s.
    const p = makeLoopParams({
      C_hot: 1000,
      C_cold: 1000,
      UA: 0,
      UA_loss: 0,
      cp: 1000,
      m_dot_max: 0.05,
      pump_min_frac: 0.2,
      pump_stall_duty: 40,
      Q_heater_max: 100,
    });
    // An observation at the change at 2 s, and a second segment starting at the change at 20 s:
    // both see the new duties.
    const d = data({
      tS: [0, 1, 2, 3, 6, 20, 21],
      start: [1, 0, 0, 0, 0, 1, 0],
      hot: [31, 0, 0, 0, 0, 40, 0],
      cold: [29, 0, 0, 0, 0, 30, 0],
      amb: [25, 25, 25, 25, 25, 25, 25],
      changeTS: [0, 2, 20],
      pump: [255, 40, 255],
      heater: [255, 51, 255],
      fan: [0, 0, 0],
    });
    const out = createPredictedReadings(d);
    new LoopResponse(d, p).predict(p, { hot: 0, cold: 0 }, out);
    // m_dot 0.05 kg/s, Q_in 100 W until 2 s; then m_dot 0.01 kg/s, Q_in 20 W; from 20 s as at first.
    const sum = [60, 60.1, 60.2, 60.2 + 0.02, 60.2 + 0.02 * 4, 70, 70.1];
    const d1 = relax(2, 100 / 100, 0.1, 1);
    const d2 = relax(d1, 1, 0.1, 1);
    const diff = [2, d1, d2, relax(d2, 20 / 20, 0.02, 1), relax(d2, 1, 0.02, 4), 10, relax(10, 1, 0.1, 1)];
    expectClose(
      out.tHotC,
      sum.map((s, i) => (s + (diff[i] as number)) / 2),
    );
    expectClose(
      out.tColdC,
      sum.map((s, i) => (s - (diff[i] as number)) / 2),
    );
    // L/min of water (997.05 kg/m3 at 25 C, the CRC Handbook value): 0.05 kg/s and 0.01 kg/s.
    const lpm = (kgS: number): number => (kgS / 997.05) * 60_000;
    expectClose(out.flowLpm, [lpm(0.05), lpm(0.05), lpm(0.01), lpm(0.01), lpm(0.01), lpm(0.05), lpm(0.05)]);
  });
});

describe("LoopResponse's cached step matrices", () => {
  // A change of pump duty by a few ulps changes m_dot cp by an ulp or so: for each case below only
  // one entry of the system matrix changes at the change (the others round to the same double),
  // and the step stays 1 s, so only that entry tells the step matrices apart. Whatever entry it is,
  // the prediction after the change must be the one a segment starting at the change gives (that
  // one computes its step matrices afresh), to the last bit.
  const cases = [
    // a11 = -(m_dot cp + UA_loss) / C_hot alone changes
    { entry: "a11", C_hot: 2739, C_cold: 1403, UA_loss: 0.5, m_dot_max: 0.125, dA: 193.8, ulps: 1 },
    { entry: "a11", C_hot: 1759, C_cold: 3621, UA_loss: 2.5, m_dot_max: 0.123, dA: 247.5, ulps: 1 },
    // a12 = m_dot cp / C_hot alone
    { entry: "a12", C_hot: 2865, C_cold: 2701, UA_loss: 4.8, m_dot_max: 0.114, dA: 225.5, ulps: 1 },
    { entry: "a12", C_hot: 283, C_cold: 2291, UA_loss: 5.5, m_dot_max: 0.054, dA: 82.4, ulps: 1 },
    // a21 = m_dot cp / C_cold alone
    { entry: "a21", C_hot: 1129, C_cold: 2664, UA_loss: 7.2, m_dot_max: 0.118, dA: 137.7, ulps: 1 },
    { entry: "a21", C_hot: 1813, C_cold: 2716, UA_loss: 6.5, m_dot_max: 0.062, dA: 245.1, ulps: 2 },
  ];
  /** `x` moved up by `n` units in the last place. */
  const ulpsUp = (x: number, n: number): number => {
    const b = new Float64Array([x]);
    new BigInt64Array(b.buffer)[0]! += BigInt(n);
    return b[0]!;
  };

  it.each(cases)("recomputes them when only $entry changes (C_hot $C_hot, pump $dA)", (c) => {
    const p = makeLoopParams({
      C_hot: c.C_hot,
      C_cold: c.C_cold,
      UA_loss: c.UA_loss,
      UA: 10,
      m_dot_max: c.m_dot_max,
      pump_stall_duty: 40,
      pump_exponent: 1,
      cp: 4186,
    });
    const dB = ulpsUp(c.dA, c.ulps);
    const nan = Number.NaN;
    // Pump dA until 2 s, dB after; observed every second for 11 s. Heater off, fan 255, ambient T_amb.
    const tS = Array.from({ length: 12 }, (_, i) => i);
    const whole = data({
      tS,
      start: tS.map((t) => (t === 0 ? 1 : 0)),
      hot: tS.map((t) => (t === 0 ? 50 : 0)),
      cold: tS.map((t) => (t === 0 ? 30 : 0)),
      amb: tS.map(() => nan),
      changeTS: [0, 2],
      pump: [c.dA, dB],
      heater: [0, 0],
      fan: [255, 255],
    });
    const out = createPredictedReadings(whole);
    new LoopResponse(whole, p).predict(p, { hot: 0, cold: 0 }, out);
    const rest = tS.slice(2);
    const tail = data({
      tS: rest,
      start: rest.map((t) => (t === 2 ? 1 : 0)),
      hot: rest.map((t) => (t === 2 ? out.tHotC[2]! : 0)),
      cold: rest.map((t) => (t === 2 ? out.tColdC[2]! : 0)),
      amb: rest.map(() => nan),
      changeTS: [2],
      pump: [dB],
      heater: [0],
      fan: [255],
    });
    const fresh = createPredictedReadings(tail);
    new LoopResponse(tail, p).predict(p, { hot: 0, cold: 0 }, fresh);
    expect(Array.from(out.tHotC.subarray(2))).toEqual(Array.from(fresh.tHotC));
    expect(Array.from(out.tColdC.subarray(2))).toEqual(Array.from(fresh.tColdC));
  });
});
