import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { LoopPerformance } from "../../src/detect/performance/loopPerformance.js";
import { RollingRms } from "../../src/detect/performance/rollingRms.js";
import { StabilityClassifier } from "../../src/detect/performance/stabilityClassifier.js";
import { TimeConstantEstimator } from "../../src/detect/performance/timeConstantEstimator.js";

// The default bench rig of the loop model at steady state (docs/design.md 2.2, UA_loss = 0):
// Q_in 150 W, UA 10 W/K, m_dot 0.05 kg/s, cp 4186, T_sink 25 C.
const Q = 150;
const UA = 10;
const M_DOT = 0.05;
const CP = 4186;
const MCP = M_DOT * CP;
const T_SINK = 25;
const T_COLD = T_SINK + Q / UA;
const T_HOT = T_COLD + Q / MCP;

describe("loop performance at steady state", () => {
  // Run inside each test, not when the file is collected: Stryker records per-test coverage and
  // activates a mutant only while tests run.
  function steady(): LoopPerformance {
    const p = new LoopPerformance();
    for (let i = 0; i <= 1000; i++) p.update(i * 0.1, T_HOT, T_COLD, M_DOT, T_SINK);
    return p;
  }

  it("heat transported, delivered and rejected equal Q_in", () => {
    const p = steady();
    expect(p.heatTransportW).toBeCloseTo(Q, 9);
    expect(p.heatToFluidW).toBeCloseTo(Q, 9);
    expect(p.heatRejectedW).toBeCloseTo(Q, 9);
    expect(p.energyToFluidJ).toBeCloseTo(Q * 100, 6);
  });

  it("effectiveness is UA / (UA + m_dot cp) for the lumped radiator", () => {
    const p = steady();
    expect(p.effectiveness).toBeCloseTo(UA / (UA + MCP), 12);
  });

  it("thermal resistance is 1/UA + 1/(2 m_dot cp), and UA is recovered", () => {
    const p = steady();
    expect(p.thermalResistanceKPerW).toBeCloseTo(1 / UA + 1 / (2 * MCP), 12);
    expect(p.uaEstimateWK).toBeCloseTo(UA, 9);
  });
});

describe("loop performance in a transient", () => {
  // The loop's free exchange mode with no radiator: T_hot and T_cold relax towards each other
  // while Q_in = Q_rej = 150 W stay constant:
  //   C_hot T_hot' = Q - m cp (T_hot - T_cold),  C_cold T_cold' = m cp (T_hot - T_cold) - Q,
  // solved by T_hot = a + b e^(-t/τ), T_cold = c - (C_hot/C_cold) b e^(-t/τ),
  // τ = C_hot C_cold / (m cp (C_hot + C_cold)), a - c = Q / (m cp).
  const cHot = 2500;
  const cCold = 3000;
  const tau = (cHot * cCold) / (MCP * (cHot + cCold));
  const b = 2;
  const hot = (t: number) => T_HOT + b * Math.exp(-t / tau);
  const cold = (t: number) => T_COLD - (cHot / cCold) * b * Math.exp(-t / tau);

  function run(options: ConstructorParameters<typeof LoopPerformance>[0], untilS: number) {
    const p = new LoopPerformance(options);
    for (let i = 0; i * 0.05 <= untilS; i++) {
      const t = i * 0.05;
      p.update(t, hot(t), cold(t), M_DOT, T_SINK);
    }
    return p;
  }

  it("the storage terms recover the constant heat flows while ΔT changes by a factor of 5", () => {
    const p = run({ cHotJK: cHot, cColdJK: cCold, smoothingS: 2 }, 40);
    expect(Math.abs(p.heatToFluidW / Q - 1)).toBeLessThan(0.01);
    expect(Math.abs(p.heatRejectedW / Q - 1)).toBeLessThan(0.01);
    // At t = 16 s (2.5 τ) Q_f alone is still far off, the corrected figures are not.
    const early = run({ cHotJK: cHot, cColdJK: cCold, smoothingS: 2 }, 16);
    expect(Math.abs(early.heatTransportW / Q - 1)).toBeGreaterThan(0.3);
    expect(Math.abs(early.heatToFluidW / Q - 1)).toBeLessThan(0.05);
  });

  it("without the storage terms the heat figures are the transport term", () => {
    const p = run({ smoothingS: 2 }, 12);
    expect(p.heatToFluidW).toBe(p.heatTransportW);
    expect(p.heatRejectedW).toBe(p.heatTransportW);
  });

  it("a gap restarts the filters instead of integrating across it", () => {
    const p = new LoopPerformance();
    for (let i = 0; i <= 100; i++) p.update(i * 0.1, T_HOT, T_COLD, M_DOT, T_SINK);
    const e = p.energyToFluidJ;
    p.update(100, T_HOT + 1, T_COLD, M_DOT, T_SINK);
    expect(p.energyToFluidJ).toBe(e);
    expect(p.heatTransportW).toBeCloseTo(MCP * (T_HOT + 1 - T_COLD), 9);
  });
});

describe("twin fit (rolling RMS)", () => {
  it("RMS and mean over the window, gaps skipped", () => {
    const r = new RollingRms(2, 3);
    r.push([1, 5]);
    r.push([2, Number.NaN]);
    r.push([3, 7]);
    r.push([4, Number.NaN]);
    expect(r.rms(0)).toBeCloseTo(Math.sqrt((4 + 9 + 16) / 3), 14);
    expect(r.mean(0)).toBeCloseTo(3, 14);
    expect(r.rms(1)).toBeCloseTo(7, 14);
    expect(r.samples(1)).toBe(1);
    r.push([5, Number.NaN]);
    r.push([6, Number.NaN]);
    expect(r.rms(1)).toBeNaN();
  });

  it("stays exact over long runs (periodic re-summation)", () => {
    const r = new RollingRms(1, 50);
    const rng = new SeededRng(9);
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = i === 777 ? 1e8 : rng.normal();
      r.push([x]);
      xs.push(x);
    }
    const last = xs.slice(-50);
    expect(r.rms(0)).toBeCloseTo(Math.sqrt(last.reduce((a, x) => a + x * x, 0) / 50), 10);
  });

  it("LoopPerformance reports each named residual", () => {
    const p = new LoopPerformance({ fitWindowSamples: 4 });
    for (const r of [
      [0.1, -0.2, 0],
      [0.3, -0.2, 0],
      [-0.1, -0.2, 0.5],
      [0.1, -0.2, -0.5],
    ])
      p.update(0, T_HOT, T_COLD, M_DOT, T_SINK, r);
    const fit = p.snapshot().fit;
    expect(fit.t_hot?.rms).toBeCloseTo(Math.sqrt((0.01 + 0.09 + 0.01 + 0.01) / 4), 12);
    expect(fit.t_cold?.mean).toBeCloseTo(-0.2, 12);
    expect(fit.flow?.rms).toBeCloseTo(Math.sqrt(0.125), 12);
  });
});

describe("loop time constant from step responses", () => {
  function response(tau: number, noiseK: number, seed: number) {
    const e = new TimeConstantEstimator();
    const rng = new SeededRng(seed);
    // Steady at 30 C, a step at t = 100 s towards 40 C, then one back towards 35 C at t = 2000 s.
    for (let i = 0; i < 40_000; i++) {
      const t = i * 0.1;
      const y1 = t < 100 ? 30 : 40 - 10 * Math.exp(-(t - 100) / tau);
      const y = t < 2000 ? y1 : 35 + (40 - 10 * Math.exp(-1900 / tau) - 35) * Math.exp(-(t - 2000) / tau);
      e.update(t, y + noiseK * rng.normal());
    }
    return e;
  }

  it.each([30, 120, 550])("recovers τ = %i s from noisy data (0.1 K rms at 10 Hz)", (tau) => {
    const e = response(tau, 0.1, tau);
    expect(Math.abs(e.timeConstantS / tau - 1)).toBeLessThan(0.08);
    expect(e.timeConstantStdS).toBeGreaterThan(0);
    expect(e.timeConstantStdS / tau).toBeLessThan(0.1);
    // The claimed uncertainty covers the error.
    expect(Math.abs(e.timeConstantS - tau)).toBeLessThan(3 * e.timeConstantStdS);
  });

  it("says nothing about a loop that never moved", () => {
    const e = new TimeConstantEstimator();
    const rng = new SeededRng(1);
    for (let i = 0; i < 20_000; i++) e.update(i * 0.1, 40 + 0.1 * rng.normal());
    expect(e.timeConstantS).toBeNaN();
  });

  it("LoopPerformance estimates it on T_cold", () => {
    const p = new LoopPerformance();
    for (let i = 0; i < 20_000; i++) {
      const t = i * 0.1;
      const c = t < 50 ? 30 : 40 - 10 * Math.exp(-(t - 50) / 200);
      p.update(t, c + 1, c, M_DOT, T_SINK);
    }
    expect(Math.abs(p.timeConstantS / 200 - 1)).toBeLessThan(0.02);
  });
});

describe("stability classification on synthetic signals", () => {
  function classify(signal: (t: number) => number, untilS = 900, seed = 1) {
    const s = new StabilityClassifier();
    const rng = new SeededRng(seed);
    for (let i = 0; i * 0.1 <= untilS; i++) s.update(i * 0.1, signal(i * 0.1) + 0.1 * rng.normal());
    return s.figures;
  }

  it("steady: noise only", () => {
    const f = classify(() => 40);
    expect(f.stabilityClass).toBe("steady");
    expect(Math.abs(f.slopeKPerS)).toBeLessThan(2e-4);
  });

  it("drifting: a ramp of 0.6 K/min", () => {
    const f = classify((t) => 30 + 0.01 * t);
    expect(f.stabilityClass).toBe("drifting");
    expect(f.slopeKPerS).toBeCloseTo(0.01, 3);
    expect(f.secondHalfSlopeKPerS / f.firstHalfSlopeKPerS).toBeGreaterThan(0.9);
  });

  it("settling: an exponential approach (τ = 300 s), then steady", () => {
    const settle = (t: number) => 40 - 10 * Math.exp(-t / 300);
    const f = classify(settle, 600);
    expect(f.stabilityClass).toBe("settling");
    expect(f.secondHalfSlopeKPerS / f.firstHalfSlopeKPerS).toBeCloseTo(Math.exp(-150 / 300), 1);
    expect(classify(settle, 4000).stabilityClass).toBe("steady");
  });

  it("oscillating: 0.5 K amplitude, 60 s period, on a drift", () => {
    const f = classify((t) => 35 + 0.003 * t + 0.5 * Math.sin((2 * Math.PI * t) / 60));
    expect(f.stabilityClass).toBe("oscillating");
    expect(f.oscillationAmplitudeK).toBeGreaterThan(0.45);
    expect(f.oscillationAmplitudeK).toBeLessThan(0.6);
    expect(f.oscillationPeriodS).toBeGreaterThan(55);
    expect(f.oscillationPeriodS).toBeLessThan(66);
  });

  it("unknown until half a window is in; a long gap empties the window", () => {
    const s = new StabilityClassifier();
    for (let i = 0; i < 1000; i++) s.update(i * 0.1, 40);
    expect(s.stabilityClass).toBe("unknown");
    for (let i = 1000; i < 3000; i++) s.update(i * 0.1, 40);
    expect(s.stabilityClass).toBe("steady");
    s.update(1000, 40);
    expect(s.stabilityClass).toBe("unknown");
    expect(() => new StabilityClassifier({ windowS: 10 })).toThrow(/stability\.windowS.*got 10/);
  });

  it("LoopPerformance reports the worse of T_hot and T_cold", () => {
    const p = new LoopPerformance();
    const rng = new SeededRng(3);
    for (let i = 0; i < 6000; i++) {
      const t = i * 0.1;
      p.update(t, 41 + 0.5 * Math.sin((2 * Math.PI * t) / 60) + 0.05 * rng.normal(), 40, M_DOT, T_SINK);
    }
    expect(p.coldStability.stabilityClass).toBe("steady");
    expect(p.hotStability.stabilityClass).toBe("oscillating");
    expect(p.stability).toBe("oscillating");
  });
});
