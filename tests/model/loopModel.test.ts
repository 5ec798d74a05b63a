import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dopri5 } from "../../src/model/dopri5.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  applyFaultLevel,
  applyPhysicalFaults,
  checkDuty,
  createOperatingPoint,
  fastestTimeConstantS,
  LoopModel,
  type LoopOperatingPoint,
  loopDerivatives,
  loopEigenvalues,
  loopJacobian,
  setOperatingPointFromDuties,
} from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, makeLoopParams } from "../../src/model/loopParams.js";
import { Rk4 } from "../../src/model/rk4.js";
import { loopSteadyState } from "../../src/model/steadyState.js";
import { exactLinear2 } from "./linearReference.js";

function op(
  partial: Partial<LoopOperatingPoint>,
  params: LoopParams = DEFAULT_LOOP_PARAMS,
): LoopOperatingPoint {
  return { ...createOperatingPoint(params), ...partial };
}

function steady(params: LoopParams, o: LoopOperatingPoint): { tHotC: number; tColdC: number } {
  const r = loopSteadyState(params, o);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe("loop model steady state", () => {
  it("reduces to docs/design.md 2.2's formulas with UA_loss = 0", () => {
    const p = makeLoopParams({ UA_loss: 0 });
    const o = op({ mDotKgS: 0.0332, qInW: 150, uaWK: 10, tSinkC: 25 }, p);
    const s = steady(p, o);
    expect(s.tColdC).toBeCloseTo(25 + 150 / 10, 10);
    expect(s.tHotC).toBeCloseTo(s.tColdC + 150 / (0.0332 * 4186), 10);
    // A rig at 2 L/min: ~1 K between hot and cold, cold 15 K above the sink.
    expect(s.tHotC - s.tColdC).toBeCloseTo(1.08, 2);
  });

  it("zeroes both derivatives with losses (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        fc.double({ min: -10, max: 40, noNaN: true }),
        fc.double({ min: -10, max: 40, noNaN: true }),
        (mDot, q, ua, loss, tSink, tAmb) => {
          const p = makeLoopParams({ UA_loss: loss });
          const o = op({ mDotKgS: mDot, qInW: q, uaWK: ua, tSinkC: tSink, tAmbC: tAmb }, p);
          const s = steady(p, o);
          const d = new Float64Array(2);
          loopDerivatives(p, o, s.tHotC, s.tColdC, d);
          // Residual in W relative to the heat moved.
          const scale = q + ua * 100 + 1;
          expect(Math.abs((d[0] as number) * p.C_hot) / scale).toBeLessThan(1e-10);
          expect(Math.abs((d[1] as number) * p.C_cold) / scale).toBeLessThan(1e-10);
        },
      ),
    );
  });

  it("is where a long integration ends, to 1e-6 K (default rig, from ambient)", () => {
    const model = new LoopModel(DEFAULT_LOOP_PARAMS);
    model.setDuties(200, 255, 255);
    const s = steady(model.params, model.op);
    const solver = new Dopri5(2, model.rhs, { rtol: 1e-12, atol: 1e-12 });
    const y = model.initialState();
    solver.integrate(0, y, 20_000);
    expect(Math.abs((y[0] as number) - s.tHotC)).toBeLessThan(1e-6);
    expect(Math.abs((y[1] as number) - s.tColdC)).toBeLessThan(1e-6);
    // Plausible rig: cold ~15 K above the sink less the losses, hot ~0.56 K above cold.
    expect(s.tColdC).toBeGreaterThan(38);
    expect(s.tColdC).toBeLessThan(40);
    expect(s.tHotC - s.tColdC).toBeCloseTo(150 / (model.op.mDotKgS * 4186), 1);
  });

  it("reports why there is none without flow and losses, or without heat rejection", () => {
    const p = makeLoopParams({ UA_loss: 0 });
    expect(loopSteadyState(p, op({ mDotKgS: 0, qInW: 10, uaWK: 10 }, p))).toEqual({
      ok: false,
      error: "no steady state: no flow and no losses, the hot node has no outlet",
    });
    expect(loopSteadyState(p, op({ mDotKgS: 0.05, qInW: 10, uaWK: 0 }, p))).toEqual({
      ok: false,
      error: "no steady state: the loop rejects no heat (UA = 0 and UA_loss = 0)",
    });
  });
});

describe("loop model fault signatures (docs/design.md 2.2)", () => {
  const p = makeLoopParams({ UA_loss: 0 });
  const nominal = (): LoopOperatingPoint =>
    setOperatingPointFromDuties(p, 200, 255, 255, 25, createOperatingPoint(p));

  it("a weak pump raises T_hot - T_cold and leaves T_cold", () => {
    const base = steady(p, nominal());
    const o = nominal();
    applyPhysicalFaults(o, [parseFaultSpec("pump_degradation:severity=0.5")], 10);
    const f = steady(p, o);
    expect(f.tColdC).toBeCloseTo(base.tColdC, 10);
    expect(f.tHotC - f.tColdC).toBeCloseTo(2 * (base.tHotC - base.tColdC), 10);
  });

  it("fouling raises both by the same amount and leaves their difference", () => {
    const base = steady(p, nominal());
    const o = nominal();
    applyPhysicalFaults(o, [parseFaultSpec("hx_fouling:severity=0.5")], 10);
    const f = steady(p, o);
    expect(f.tHotC - f.tColdC).toBeCloseTo(base.tHotC - base.tColdC, 10);
    expect(f.tColdC - base.tColdC).toBeCloseTo(15, 10);
    expect(f.tHotC - base.tHotC).toBeCloseTo(15, 10);
  });

  it("applies pump failure, over-power and ramps at the given time", () => {
    const o = nominal();
    const m0 = o.mDotKgS;
    applyPhysicalFaults(o, [parseFaultSpec("pump_failure:start=100")], 99.9);
    expect(o.mDotKgS).toBe(m0);
    applyPhysicalFaults(o, [parseFaultSpec("pump_failure:start=100")], 100);
    expect(o.mDotKgS).toBe(0);
    const o2 = nominal();
    applyPhysicalFaults(
      o2,
      [
        parseFaultSpec("heater_overpower:severity=0.4,start=10,ramp=20"),
        parseFaultSpec("hx_fouling:start=10,ramp=20"),
      ],
      20,
    );
    expect(o2.qInW).toBeCloseTo(150 * 1.2, 12);
    expect(o2.uaWK).toBeCloseTo(10 * 0.5, 12);
    // Sensor and link faults do not touch the physics.
    const o3 = nominal();
    applyPhysicalFaults(
      o3,
      [parseFaultSpec("sensor_bias:channel=hot,value=2"), parseFaultSpec("flow_blockage")],
      5,
    );
    expect(o3).toEqual(nominal());
  });
});

describe("loop model transients", () => {
  it("with the pump off, the hot node follows its first-order exponential to 1e-6 K", () => {
    const p = DEFAULT_LOOP_PARAMS;
    const model = new LoopModel(p);
    model.setDuties(0, 255, 255, 25);
    expect(model.op.mDotKgS).toBe(0);
    const tau = p.C_hot / p.UA_loss;
    const tInf = 25 + 150 / p.UA_loss;
    const rk = new Rk4(2, model.rhs);
    const y = Float64Array.of(40, 39);
    let t = 0;
    for (const t1 of [10, 60, 300, 1200, 3600]) {
      rk.advance(t, y, t1, 0.5);
      t = t1;
      expect(Math.abs((y[0] as number) - (tInf + (40 - tInf) * Math.exp(-t / tau)))).toBeLessThan(1e-6);
    }
  });

  it("with the pump off, the cold node relaxes to the sink with tau = C_cold/(UA_eff + UA_loss)", () => {
    const p = makeLoopParams({ T_amb: 20, T_sink: 30 });
    const model = new LoopModel(p);
    model.setDuties(0, 0, 128, 20);
    const ua = model.op.uaWK;
    const tau = p.C_cold / (ua + p.UA_loss);
    const tInf = (ua * 30 + p.UA_loss * 20) / (ua + p.UA_loss);
    const rk = new Rk4(2, model.rhs);
    const y = Float64Array.of(45, 60);
    let t = 0;
    for (const t1 of [1, 30, 300, 1000, 5000]) {
      rk.advance(t, y, t1, tau / 50);
      t = t1;
      expect(Math.abs((y[1] as number) - (tInf + (60 - tInf) * Math.exp(-t / tau)))).toBeLessThan(1e-6);
      // The hot node is decoupled from the cold node with no flow.
      expect(Math.abs((y[0] as number) - (20 + 25 * Math.exp(-(p.UA_loss * t) / p.C_hot)))).toBeLessThan(
        1e-6,
      );
    }
  });

  it("without flow or losses the hot node heats at Q_in/C_hot exactly", () => {
    const p = makeLoopParams({ UA_loss: 0 });
    const model = new LoopModel(p);
    model.setDuties(0, 255, 0);
    const y = Float64Array.of(30, 30);
    new Rk4(2, model.rhs).advance(0, y, 600, 1);
    expect((y[0] as number) - 30).toBeCloseTo((150 / p.C_hot) * 600, 9);
  });

  it("follows the exact coupled solution (matrix exponential) for any operating point (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        (pump, heater, fan, tAmb) => {
          const model = new LoopModel(DEFAULT_LOOP_PARAMS);
          model.setDuties(pump, heater, fan, tAmb);
          const j = model.jacobian(new Float64Array(4));
          const p = model.params;
          const sys = {
            a11: j[0] as number,
            a12: j[1] as number,
            a21: j[2] as number,
            a22: j[3] as number,
            b1: (model.op.qInW + p.UA_loss * tAmb) / p.C_hot,
            b2: (model.op.uaWK * p.T_sink + p.UA_loss * tAmb) / p.C_cold,
          };
          const solver = new Dopri5(2, model.rhs, { rtol: 1e-11, atol: 1e-11 });
          const y = Float64Array.of(30, 20);
          solver.integrate(0, y, 400);
          const ref = exactLinear2(sys, [30, 20], 400);
          expect(Math.abs((y[0] as number) - ref[0])).toBeLessThan(1e-6);
          expect(Math.abs((y[1] as number) - ref[1])).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("loop model Jacobian", () => {
  it("matches central differences of the right-hand side", () => {
    const p = DEFAULT_LOOP_PARAMS;
    const o = setOperatingPointFromDuties(p, 180, 200, 90, 22, createOperatingPoint(p));
    const j = loopJacobian(p, o, new Float64Array(4));
    const dp = new Float64Array(2);
    const dm = new Float64Array(2);
    const h = 1e-3;
    const x: readonly number[] = [41.3, 39.8];
    for (let col = 0; col < 2; col++) {
      const xp = [...x];
      const xm = [...x];
      xp[col] = (xp[col] as number) + h;
      xm[col] = (xm[col] as number) - h;
      loopDerivatives(p, o, xp[0] as number, xp[1] as number, dp);
      loopDerivatives(p, o, xm[0] as number, xm[1] as number, dm);
      for (let row = 0; row < 2; row++) {
        const fd = ((dp[row] as number) - (dm[row] as number)) / (2 * h);
        expect(j[row * 2 + col]).toBeCloseTo(fd, 10);
      }
    }
  });

  it("has real negative eigenvalues whose sum and product are its trace and determinant", () => {
    const p = DEFAULT_LOOP_PARAMS;
    const o = setOperatingPointFromDuties(p, 255, 255, 255, 25, createOperatingPoint(p));
    const j = loopJacobian(p, o, new Float64Array(4));
    const ev = loopEigenvalues(p, o, new Float64Array(2));
    expect((ev[0] as number) + (ev[1] as number)).toBeCloseTo((j[0] as number) + (j[3] as number), 12);
    expect((ev[0] as number) * (ev[1] as number)).toBeCloseTo(
      (j[0] as number) * (j[3] as number) - (j[1] as number) * (j[2] as number),
      14,
    );
    expect(ev[0]).toBeLessThan(ev[1] as number);
    expect(ev[1]).toBeLessThan(0);
    expect(fastestTimeConstantS(p, o)).toBeCloseTo(-1 / (ev[0] as number), 10);
    // At full pump the fastest mode is a few seconds: the flow exchange between the nodes.
    expect(fastestTimeConstantS(p, o)).toBeGreaterThan(2);
    expect(fastestTimeConstantS(p, o)).toBeLessThan(6);
  });
});

describe("loop model, hand-worked operating points", () => {
  // C_hot = C_cold = 1000 J/K, cp = 1000 J/(kg K), m_dot = 1 kg/s, UA = 1000 W/K, no losses: the
  // Jacobian is [[-1, 1], [1, -2]] 1/s, whose eigenvalues are -(3 +- sqrt 5)/2.
  const p = makeLoopParams({ C_hot: 1000, C_cold: 1000, cp: 1000, UA: 1000, UA_loss: 0 });
  const o = op({ mDotKgS: 1, qInW: 0, uaWK: 1000, tSinkC: 20, tAmbC: 20 }, p);

  it("has the Jacobian and eigenvalues of the closed form", () => {
    expect([...loopJacobian(p, o, new Float64Array(4))]).toEqual([-1, 1, 1, -2]);
    const ev = loopEigenvalues(p, o, new Float64Array(2));
    expect(ev[0]).toBeCloseTo(-(3 + Math.sqrt(5)) / 2, 14);
    expect(ev[1]).toBeCloseTo(-(3 - Math.sqrt(5)) / 2, 14);
    expect(fastestTimeConstantS(p, o)).toBeCloseTo(2 / (3 + Math.sqrt(5)), 14);
    // At rest (pump off, fan off: UA 0.3 x 1000 W/K by default) only the cold node's radiator moves heat.
    expect(new LoopModel(p).fastestTimeConstantS()).toBeCloseTo(1000 / 300, 12);
  });

  it("with the pump off, the fastest time constant is the faster node's own, C/(UA + UA_loss)", () => {
    const q = makeLoopParams({ C_hot: 2000, C_cold: 500, UA_loss: 1 });
    // Hot node: 2000/1 = 2000 s; cold node: 500/(99 + 1) = 5 s.
    expect(fastestTimeConstantS(q, op({ mDotKgS: 0, uaWK: 99 }, q))).toBeCloseTo(5, 12);
    // Nothing moves heat (no flow, no radiator, no losses): no time constant.
    const r = makeLoopParams({ UA_loss: 0 });
    expect(fastestTimeConstantS(r, op({ mDotKgS: 0, uaWK: 0 }, r))).toBe(Number.POSITIVE_INFINITY);
  });

  it("derivatives at a hand-worked state", () => {
    // dT_hot/dt = (500 - 1000 (50 - 30)) / 1000 = -19.5; dT_cold/dt = (20000 - 1000 (30 - 20)) / 1000 = 10.
    const d = new Float64Array(3);
    loopDerivatives(p, { ...o, qInW: 500 }, 50, 30, d, 1);
    expect([...d]).toEqual([0, -19.5, 10]);
  });

  it("checkDuty accepts 0-255 and names the duty and value otherwise", () => {
    for (const duty of [0, 0.5, 255]) expect(() => checkDuty("pump", duty)).not.toThrow();
    for (const duty of [-0.5, 255.5, Number.NaN])
      expect(() => checkDuty("pump", duty)).toThrow(new RangeError(`pump: duty must be 0-255 (got ${duty})`));
  });

  it("scales m_dot, UA and Q_in by the fault level, and leaves them for other kinds", () => {
    const base = { mDotKgS: 0.08, qInW: 100, uaWK: 10, tSinkC: 25, tAmbC: 25 };
    const at = (kind: Parameters<typeof applyFaultLevel>[1], level: number): LoopOperatingPoint => {
      const x = { ...base };
      applyFaultLevel(x, kind, level);
      return x;
    };
    expect(at("pump_degradation", 0.25)).toEqual({ ...base, mDotKgS: 0.06 });
    expect(at("pump_failure", 1)).toEqual({ ...base, mDotKgS: 0 });
    expect(at("hx_fouling", 0.5)).toEqual({ ...base, uaWK: 5 });
    expect(at("heater_overpower", 0.5)).toEqual({ ...base, qInW: 150 });
    expect(at("sensor_drift", 0.9)).toEqual(base);
  });
});
