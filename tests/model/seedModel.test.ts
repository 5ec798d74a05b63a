import { describe, expect, it } from "vitest";
import { Dopri5 } from "../../src/model/dopri5.js";
import { Rk4 } from "../../src/model/rk4.js";
import { SeedModel, seedAsymptoticDifferenceK, seedSumDriftKPerS } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS, makeSeedParams, type SeedParams } from "../../src/model/seedParams.js";

/**
 * Closed form of the seed model with constant Q_in, Q_out (docs/design.md 2.1), derived independently:
 * dT = T_hot - T_cold relaxes with rate k = (UA + 2 m_dot cp)/C to dT_inf = (Q_in + Q_out)/(UA + 2 m_dot cp);
 * S = T_hot + T_cold obeys dS/dt = (Q_in - Q_out - UA dT)/C.
 */
function closedForm(p: SeedParams, tS: number): { diff: number; sum: number } {
  const k = (p.UA + 2 * p.m_dot * p.cp) / p.C;
  const dInf = (p.Q_in + p.Q_out) / (p.UA + 2 * p.m_dot * p.cp);
  const d0 = p.T_hot0 - p.T_cold0;
  const decay = Math.exp(-k * tS);
  const diff = dInf + (d0 - dInf) * decay;
  const rate = (p.Q_in - p.Q_out - p.UA * dInf) / p.C;
  const sum = p.T_hot0 + p.T_cold0 + rate * tS - ((p.UA / p.C) * (d0 - dInf) * (1 - decay)) / k;
  return { diff, sum };
}

describe("seed model (docs/design.md 2.1, kept verbatim)", () => {
  it("has the rates docs/design.md 2.1 states: the sum falls ~0.113 K/s, each temperature ~0.056 K/s", () => {
    const p = DEFAULT_SEED_PARAMS;
    expect(seedAsymptoticDifferenceK(p)).toBeCloseTo(2000 / 886, 12);
    expect(seedSumDriftKPerS(p)).toBeCloseTo(-0.1129, 4);
    expect(seedSumDriftKPerS(p) / 2).toBeCloseTo(-0.0564, 4);
  });

  it("relaxes the difference with time constant C / (UA + 2 m_dot cp) = 1000 / 886 s", () => {
    expect(new SeedModel(DEFAULT_SEED_PARAMS).fastestTimeConstantS()).toBeCloseTo(1000 / 886, 12);
    expect(new SeedModel(makeSeedParams({ UA: 0, m_dot: 0 })).fastestTimeConstantS()).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("matches the closed form of T_hot - T_cold and of the drifting sum to 1e-6 K over 24 h (RK4)", () => {
    const p = DEFAULT_SEED_PARAMS;
    const model = new SeedModel(p);
    const rk = new Rk4(2, model.rhs);
    const y = model.initialState();
    const h = model.fastestTimeConstantS() / 20;
    let t = 0;
    let worst = 0;
    for (let k = 1; k <= 144; k++) {
      const t1 = k * 600;
      rk.advance(t, y, t1, h);
      t = t1;
      const ref = closedForm(p, t);
      worst = Math.max(
        worst,
        Math.abs((y[0] as number) - (y[1] as number) - ref.diff),
        Math.abs((y[0] as number) + (y[1] as number) - ref.sum),
      );
    }
    expect(worst).toBeLessThan(1e-6);
    // The earlier implementation, started at 350/300 K, reaches about -4551 K after 24 h.
    expect((y[0] as number) + 273.15).toBeCloseTo(-4551, -1);
    expect((y[1] as number) + 273.15).toBeCloseTo(-4551, -1);
  });

  it("matches the closed form during the relaxation of the difference (Dopri5, other parameters)", () => {
    const p = makeSeedParams({ C: 500, m_dot: 0.02, UA: 20, Q_in: 800, Q_out: 300, T_hot0: 20, T_cold0: 40 });
    const model = new SeedModel(p);
    const solver = new Dopri5(2, model.rhs, { rtol: 1e-11, atol: 1e-11 });
    const y = model.initialState();
    let t = 0;
    for (const t1 of [0.5, 1, 2, 5, 10, 30, 100, 1000]) {
      solver.integrate(t, y, t1);
      t = t1;
      const ref = closedForm(p, t);
      expect(Math.abs((y[0] as number) - (y[1] as number) - ref.diff)).toBeLessThan(1e-6);
      expect(Math.abs((y[0] as number) + (y[1] as number) - ref.sum)).toBeLessThan(1e-6);
    }
  });

  it("takes Q_in and Q_out as inputs between steps", () => {
    const model = new SeedModel(DEFAULT_SEED_PARAMS);
    const d = new Float64Array(2);
    model.qInW = 0;
    model.qOutW = 0;
    model.rhs(0, Float64Array.of(30, 30), d);
    expect([...d]).toEqual([0, 0]);
    model.qInW = 500;
    model.rhs(0, Float64Array.of(30, 30), d);
    expect(d[0]).toBeCloseTo(0.5, 12);
    expect(d[1]).toBe(0);
  });
});
