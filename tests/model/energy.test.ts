import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { Dopri5 } from "../../src/model/dopri5.js";
import { LoopEnergyModel, loopHeatFlows, storedEnergyJ } from "../../src/model/energy.js";
import {
  createOperatingPoint,
  loopDerivatives,
  setOperatingPointFromDuties,
} from "../../src/model/loopModel.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { Rk4 } from "../../src/model/rk4.js";

/** A 1 h schedule: new pump, heater and fan duties and ambient every 5 min (seeded). */
function schedule(seed: number): { tS: number; pump: number; heater: number; fan: number; tAmb: number }[] {
  const rng = new SeededRng(seed);
  return Array.from({ length: 12 }, (_, k) => ({
    tS: k * 300,
    pump: 40 + rng.int(216),
    heater: rng.int(256),
    fan: rng.int(256),
    tAmb: 18 + 10 * rng.uniform(),
  }));
}

describe("energy balance", () => {
  it("stored energy change equals integrated heat in minus out over 1 h of changing inputs (RK4), rel. error < 1e-6", () => {
    const p = DEFAULT_LOOP_PARAMS;
    const model = new LoopEnergyModel(p, createOperatingPoint(p));
    const rk = new Rk4(5, model.rhs);
    const y = model.initialState(25, 25);
    const steps = schedule(7);
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k]!;
      setOperatingPointFromDuties(p, s.pump, s.heater, s.fan, s.tAmb, model.op);
      rk.advance(s.tS, y, k + 1 < steps.length ? steps[k + 1]!.tS : 3600, 0.25);
    }
    const eIn = y[2] as number;
    const residual = model.balanceResidualJ(y, 25, 25);
    expect(eIn).toBeGreaterThan(100_000);
    // The run moved real heat both ways.
    expect(Math.abs(storedEnergyJ(p, y[0]!, y[1]!) - storedEnergyJ(p, 25, 25))).toBeGreaterThan(10_000);
    expect(y[3]).toBeGreaterThan(10_000);
    expect(Math.abs(residual) / eIn).toBeLessThan(1e-6);
  });

  it("holds with the adaptive integrator too, and the loss term is counted", () => {
    const p = makeLoopParams({ UA_loss: 1.5 });
    const model = new LoopEnergyModel(p, createOperatingPoint(p));
    const solver = new Dopri5(5, model.rhs, { rtol: 1e-8, atol: 1e-6 });
    const y = model.initialState(50, 30);
    const steps = schedule(11);
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k]!;
      setOperatingPointFromDuties(p, s.pump, s.heater, s.fan, s.tAmb, model.op);
      solver.integrate(s.tS, y, k + 1 < steps.length ? steps[k + 1]!.tS : 3600);
    }
    expect(y[4]).toBeGreaterThan(1000);
    expect(Math.abs(model.balanceResidualJ(y, 50, 30)) / (y[2] as number)).toBeLessThan(1e-6);
  });

  it("instantaneous flows add up to the rate of change of stored energy", () => {
    const p = makeLoopParams({ UA_loss: 0.7 });
    const op = setOperatingPointFromDuties(p, 120, 200, 60, 21, createOperatingPoint(p));
    const d = new Float64Array(2);
    loopDerivatives(p, op, 47, 35, d);
    const f = loopHeatFlows(p, op, 47, 35, { qInW: 0, qRejectedW: 0, qLossW: 0 });
    const dEdt = p.C_hot * (d[0] as number) + p.C_cold * (d[1] as number);
    expect(dEdt).toBeCloseTo(f.qInW - f.qRejectedW - f.qLossW, 10);
  });
});
