import { describe, expect, it } from "vitest";
import { LoopModel } from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { PlantSimulator } from "../../src/model/plantSimulator.js";
import { Rk4 } from "../../src/model/rk4.js";
import { SeedModel } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS } from "../../src/model/seedParams.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import { AffineSystem2, LoopTwin, rk4AffineSteps } from "../../src/model/twin.js";
import { exactLinear2 } from "./linearReference.js";

describe("LoopTwin", () => {
  it("starts at T_hot0/T_cold0 and steps exactly like RK4 on the loop model", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    expect([twin.tHotC, twin.tColdC]).toEqual([25, 25]);
    twin.setDuties(200, 255, 255, 25);
    const model = new LoopModel(DEFAULT_LOOP_PARAMS);
    model.setDuties(200, 255, 255, 25);
    const rk = new Rk4(2, model.rhs);
    const y = model.initialState();
    for (let k = 0; k < 1000; k++) {
      twin.step(0.1);
      rk.step(k * 0.1, y, 0.1);
    }
    expect(Math.abs(twin.tHotC - (y[0] as number))).toBeLessThan(1e-11);
    expect(Math.abs(twin.tColdC - (y[1] as number))).toBeLessThan(1e-11);
    expect(twin.tS).toBeCloseTo(100, 9);
  });

  it("sub-steps a coarse step by the fastest time constant, so a 60 s step stays within 1e-5 K of the exact solution", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    twin.setDuties(255, 255, 255, 25);
    expect(twin.maxSubstepS).toBeLessThan(0.3);
    const j = twin.jacobian(new Float64Array(4));
    const p = DEFAULT_LOOP_PARAMS;
    const op = twin.operatingPoint;
    const sys = {
      a11: j[0]!,
      a12: j[1]!,
      a21: j[2]!,
      a22: j[3]!,
      b1: (op.qInW + p.UA_loss * op.tAmbC) / p.C_hot,
      b2: (op.uaWK * op.tSinkC + p.UA_loss * op.tAmbC) / p.C_cold,
    };
    twin.setState(60, 20, 0);
    for (let k = 1; k <= 30; k++) {
      twin.step(60);
      const ref = exactLinear2(sys, [60, 20], k * 60);
      expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-5);
      expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-5);
    }
  });

  it("converges with order 4 when the sub-step is forced", () => {
    const err = (h: number): number => {
      const twin = new LoopTwin(DEFAULT_LOOP_PARAMS, { maxSubstepS: h, substepFraction: 1 });
      twin.setDuties(255, 255, 0, 25);
      twin.setState(60, 20, 0);
      twin.step(8);
      const ref = new LoopTwin(DEFAULT_LOOP_PARAMS, { maxSubstepS: 1e-3 });
      ref.setDuties(255, 255, 0, 25);
      ref.setState(60, 20, 0);
      ref.step(8);
      return Math.abs(twin.tHotC - ref.tHotC) + Math.abs(twin.tColdC - ref.tColdC);
    };
    const order = Math.log2(err(0.8) / err(0.4));
    expect(order).toBeGreaterThanOrEqual(3.8);
    expect(order).toBeLessThanOrEqual(4.2);
  });

  it("relaxes to the analytic steady state and its derivatives vanish there", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    twin.setDuties(150, 200, 100, 22);
    const s = loopSteadyState(DEFAULT_LOOP_PARAMS, twin.operatingPoint);
    if (!s.ok) throw new Error(s.error);
    twin.setState(s.value.tHotC, s.value.tColdC);
    const d = twin.derivatives(new Float64Array(2));
    expect(Math.abs(d[0]!)).toBeLessThan(1e-12);
    expect(Math.abs(d[1]!)).toBeLessThan(1e-12);
    twin.setState(25, 25);
    for (let k = 0; k < 300; k++) twin.step(100);
    expect(Math.abs(twin.tHotC - s.value.tHotC)).toBeLessThan(1e-6);
  });

  it("refuses a negative step and reports a non-finite state with the twin time", () => {
    const twin = new LoopTwin(DEFAULT_LOOP_PARAMS);
    expect(() => twin.step(-1)).toThrow(RangeError);
    twin.setState(Number.NaN, 25, 12);
    expect(() => twin.step(0.1)).toThrow(/integration failed at t=12.1/);
  });
});

describe("rk4AffineSteps", () => {
  // A stiff-ish coupled system with distinct real eigenvalues (about -0.31 and -2.19 1/s).
  const sys = { a11: -1.5, a12: 0.5, a21: 1.2, a22: -1.0, b1: 30, b2: 10 };
  const system = (x: number, y: number, h: number): AffineSystem2 =>
    Object.assign(new AffineSystem2(), sys, { x, y, h });
  const run = (h: number, n: number): [number, number] => {
    const s = system(80, 20, h);
    rk4AffineSteps(s, n);
    return [s.x, s.y];
  };

  it("follows the exact solution of y' = A y + b and converges with order 4", () => {
    const ref = exactLinear2(sys, [80, 20], 4);
    const err = (n: number): number => {
      const [x, y] = run(4 / n, n);
      return Math.abs(x - ref[0]) + Math.abs(y - ref[1]);
    };
    expect(err(400)).toBeLessThan(1e-9);
    const order = Math.log2(err(80) / err(160));
    expect(order).toBeGreaterThanOrEqual(3.8);
    expect(order).toBeLessThanOrEqual(4.2);
  });

  it("n steps of h are n single steps of h chained; n = 0 leaves the state", () => {
    let x = 80;
    let y = 20;
    for (let k = 0; k < 7; k++) {
      const s = system(x, y, 0.3);
      rk4AffineSteps(s, 1);
      x = s.x;
      y = s.y;
    }
    expect(run(0.3, 7)).toEqual([x, y]);
    expect(run(0.3, 0)).toEqual([80, 20]);
  });
});

describe("construction validates the parameters", () => {
  it("rejects a hand-built parameter object with a bad or missing value, naming it", () => {
    const bad = { ...DEFAULT_LOOP_PARAMS, UA: -2 };
    expect(() => new LoopTwin(bad)).toThrow(/UA: must not be negative/);
    expect(() => new LoopModel(bad)).toThrow(/UA/);
    expect(() => new PlantSimulator({ params: bad })).toThrow(/UA/);
    const { C_hot: _c, ...missing } = DEFAULT_LOOP_PARAMS;
    expect(() => new LoopTwin(missing as typeof DEFAULT_LOOP_PARAMS)).toThrow(/C_hot: missing/);
    expect(() => new SeedModel({ ...DEFAULT_SEED_PARAMS, cp: Number.NaN })).toThrow(
      /cp: must be a finite number/,
    );
  });
});

describe("LoopTwin: options, setters and errors", () => {
  // No flow (pump 0 < stall 40): the nodes decouple, the Jacobian is diagonal,
  // a11 = -UA_loss/C_hot = -0.002 1/s and a22 = -(UA_eff + UA_loss)/C_cold; with the fan at 255
  // UA_eff = UA = 10 W/K, so a22 = -0.006 1/s: the fastest time constant is 1/0.006 s.
  const params = {
    ...DEFAULT_LOOP_PARAMS,
    C_hot: 1000,
    C_cold: 2000,
    UA: 10,
    UA_loss: 2,
    UA_fan_off_frac: 0.3,
    T_sink: 20,
    Q_heater_max: 150,
  };
  const messageOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
  };

  it("bounds the sub-step by substepFraction of the fastest time constant and by maxSubstepS", () => {
    const twin = new LoopTwin(params);
    twin.setDuties(0, 255, 255, 25);
    expect(twin.maxSubstepS).toBeCloseTo(0.05 / 0.006, 9);
    const whole = new LoopTwin(params, { substepFraction: 1 });
    whole.setDuties(0, 255, 255, 25);
    expect(whole.maxSubstepS).toBeCloseTo(1 / 0.006, 9);
    const capped = new LoopTwin(params, { maxSubstepS: 5 });
    capped.setDuties(0, 255, 255, 25);
    expect(capped.maxSubstepS).toBe(5);
    // Fan off: UA_eff = 3 W/K, a22 = -0.0025 1/s.
    capped.setDuties(0, 255, 0, 25);
    expect(capped.maxSubstepS).toBe(5);
    twin.setDuties(0, 255, 0, 25);
    expect(twin.maxSubstepS).toBeCloseTo(0.05 / 0.0025, 9);
  });

  it("refuses sub-step options out of range, naming the value", () => {
    for (const f of [0, -0.1, 1.5, Number.NaN])
      expect(messageOf(() => new LoopTwin(params, { substepFraction: f }))).toBe(
        `RangeError: LoopTwin: substepFraction must be in (0, 1] (got ${f})`,
      );
    for (const h of [0, -1, Number.NaN])
      expect(messageOf(() => new LoopTwin(params, { maxSubstepS: h }))).toBe(
        `RangeError: LoopTwin: maxSubstepS must be > 0 (got ${h})`,
      );
    expect(messageOf(() => new LoopTwin(params, { maxSubstepS: Number.POSITIVE_INFINITY }))).toBe("no error");
  });

  it("refuses a negative or NaN step, and a zero step changes nothing", () => {
    const twin = new LoopTwin(params);
    expect(messageOf(() => twin.step(-1))).toBe("RangeError: LoopTwin.step: dtS must be >= 0 (got -1)");
    expect(messageOf(() => twin.step(Number.NaN))).toBe(
      "RangeError: LoopTwin.step: dtS must be >= 0 (got NaN)",
    );
    twin.setState(30, 40, 7);
    twin.step(0);
    expect([twin.tHotC, twin.tColdC, twin.tS]).toEqual([30, 40, 7]);
  });

  it("reports a non-finite state with the twin time after the step and both temperatures", () => {
    const twin = new LoopTwin(params);
    twin.setState(Number.NaN, 25, 12);
    expect(messageOf(() => twin.step(0.5))).toBe(
      "IntegrationError: integration failed at t=12.5 s: twin state is not finite (T_hot=NaN, T_cold=NaN)",
    );
  });

  it("reports a state that stops being finite in one node only, the other still finite", () => {
    // No flow and no conductance between or out of the nodes: each node is its own ramp, so an
    // overflow in one cannot reach the other (a21 = a12 = 0 multiply finite values only).
    const oneNode = { ...params, C_hot: 1, C_cold: 1, UA_loss: 0 };
    // Hot: x' = Q_in/C_hot = 1e308 K/s from x = 0; the RK4 stages are all 1e308 (a11 = -0), so
    // k1 + 2 k2 overflows to Infinity while every stage state stays finite; cold: y' = 0 exactly.
    // No time constant (all rates zero): one step of 1 s.
    const hot = new LoopTwin(oneNode);
    hot.setOperatingPoint({ mDotKgS: 0, qInW: 1e308, uaWK: 0, tSinkC: 20, tAmbC: 25 });
    hot.setState(0, 40, 0);
    expect(messageOf(() => hot.step(1))).toBe(
      "IntegrationError: integration failed at t=1 s: twin state is not finite (T_hot=Infinity, T_cold=40)",
    );
    // Cold: y' = UA_eff (T_sink - y)/C_cold with UA_eff = 1 W/K, T_sink = 1e308 C, y = 0: stages
    // 1e308, 5e307, 7.5e307, 2.5e307, so k1 + 2 k2 = 2e308 overflows; hot: x' = 0 exactly.
    // Time constant 1 s, substepFraction 1: one step of 1 s.
    const cold = new LoopTwin(oneNode, { substepFraction: 1 });
    cold.setOperatingPoint({ mDotKgS: 0, qInW: 0, uaWK: 1, tSinkC: 1e308, tAmbC: 25 });
    expect(cold.maxSubstepS).toBe(1);
    cold.setState(30, 0, 0);
    expect(messageOf(() => cold.step(1))).toBe(
      "IntegrationError: integration failed at t=1 s: twin state is not finite (T_hot=30, T_cold=Infinity)",
    );
  });

  it("keeps the twin time when setState is given no time", () => {
    const twin = new LoopTwin(params);
    twin.setState(30, 40, 7);
    twin.setState(31, 41);
    expect([twin.tHotC, twin.tColdC, twin.tS]).toEqual([31, 41, 7]);
  });

  it("derives dT/dt from the operating point set by duties, ambient or directly", () => {
    const twin = new LoopTwin(params);
    twin.setDuties(0, 255, 255, 25);
    twin.setState(50, 40);
    const d = new Float64Array(2);
    // Hot: (Q_in - UA_loss (T_hot - T_amb))/C_hot; cold: (-UA_eff (T_cold - T_sink) - UA_loss (T_cold - T_amb))/C_cold.
    const hot = (q: number, tAmb: number): number => (q - 2 * (50 - tAmb)) / 1000;
    const cold = (ua: number, tSink: number, tAmb: number): number =>
      (-ua * (40 - tSink) - 2 * (40 - tAmb)) / 2000;
    twin.derivatives(d);
    expect(d[0]).toBeCloseTo(hot(150, 25), 12);
    expect(d[1]).toBeCloseTo(cold(10, 20, 25), 12);
    twin.setAmbientC(10);
    expect(twin.operatingPoint.tAmbC).toBe(10);
    twin.derivatives(d);
    expect(d[0]).toBeCloseTo(hot(150, 10), 12);
    expect(d[1]).toBeCloseTo(cold(10, 20, 10), 12);
    // setDuties without an ambient keeps the one in use.
    twin.setDuties(0, 102, 0);
    expect(twin.operatingPoint.tAmbC).toBe(10);
    twin.derivatives(d);
    expect(d[0]).toBeCloseTo(hot(60, 10), 12);
    expect(d[1]).toBeCloseTo(cold(3, 20, 10), 12);
    const op = { mDotKgS: 0, qInW: 80, uaWK: 4, tSinkC: 15, tAmbC: 30 };
    twin.setOperatingPoint(op);
    expect({ ...twin.operatingPoint }).toEqual(op);
    twin.derivatives(d);
    expect(d[0]).toBeCloseTo(hot(80, 30), 12);
    expect(d[1]).toBeCloseTo(cold(4, 15, 30), 12);
    // The Jacobian and the sub-step bound follow: a22 = -(4 + 2)/2000.
    expect(Array.from(twin.jacobian(new Float64Array(4)))).toEqual([-0.002, 0, 0, -0.003]);
    expect(twin.maxSubstepS).toBeCloseTo(0.05 / 0.003, 9);
  });

  it("steps the decoupled nodes to their closed-form relaxation", () => {
    const twin = new LoopTwin(params);
    twin.setDuties(0, 255, 255, 25);
    twin.setState(50, 40, 0);
    twin.step(100);
    // Hot towards T_amb + Q_in/UA_loss = 100 C at 0.002 1/s; cold towards (10 x 20 + 2 x 25)/12 at 0.006 1/s.
    // RK4 at 1/20 of the fastest time constant: a local error of 0.05^5/120 = 2.6e-9 of the
    // transient per sub-step, 12 sub-steps over transients below 50 K: within 1e-6 K.
    expect(Math.abs(twin.tHotC - (100 + (50 - 100) * Math.exp(-0.2)))).toBeLessThan(1e-6);
    expect(Math.abs(twin.tColdC - (250 / 12 + (40 - 250 / 12) * Math.exp(-0.6)))).toBeLessThan(1e-6);
    expect(twin.tS).toBe(100);
  });
  it("steps once when nothing bounds the sub-step (no flow, no conductance): exact for the ramp", () => {
    // UA = UA_loss = 0 and no flow: x' = Q_in/C_hot, y' = 0, no time constant at all.
    const free = new LoopTwin({ ...params, UA: 0, UA_loss: 0 });
    free.setDuties(0, 255, 255, 25);
    expect(free.maxSubstepS).toBe(Number.POSITIVE_INFINITY);
    free.setState(30, 40, 0);
    free.step(10);
    expect([free.tHotC, free.tColdC, free.tS]).toEqual([31.5, 40, 10]);
    // An infinite step is one step too, and it cannot stay finite.
    expect(messageOf(() => free.step(Number.POSITIVE_INFINITY))).toMatch(
      /^IntegrationError: integration failed at t=Infinity s: twin state is not finite/,
    );
  });
});
