import { describe, expect, it } from "vitest";
import {
  LoopPerformance,
  type LoopPerformanceOptions,
  resolveLoopPerformanceOptions,
} from "../../src/detect/performance/loopPerformance.js";
import { configMessage } from "./configMessage.js";

describe("loop performance options", () => {
  it("defaults as documented", () => {
    expect(resolveLoopPerformanceOptions()).toStrictEqual({
      cpJKgK: 4186,
      smoothingS: 10,
      cHotJK: 0,
      cColdJK: 0,
      residualNames: ["t_hot", "t_cold", "flow"],
      fitWindowSamples: 600,
      maxGapS: 5,
    });
  });

  it("takes every option given (and its own copy of the names)", () => {
    const names = ["a", "b"];
    const given = {
      cpJKgK: 4000,
      smoothingS: 3,
      cHotJK: 100,
      cColdJK: 200,
      residualNames: names,
      fitWindowSamples: 7,
      maxGapS: 2,
    };
    const o = resolveLoopPerformanceOptions(given);
    expect(o).toStrictEqual({ ...given, residualNames: ["a", "b"] });
    names.push("c");
    expect(o.residualNames).toStrictEqual(["a", "b"]);
    const p = new LoopPerformance({
      ...given,
      residualNames: ["a", "b"],
      stability: { blockS: 1, windowS: 20 },
      timeConstant: { blockS: 3 },
    });
    expect(p.options).toStrictEqual(o);
    expect(p.hotStability.options.windowS).toBe(20);
    expect(p.coldStability.options.windowS).toBe(20);
    expect(p.timeConstant.options.blockS).toBe(3);
    expect(p.fit.window).toBe(7);
    expect(p.fit.channels).toBe(2);
  });

  it("names each option it refuses and the value", () => {
    const cases: [LoopPerformanceOptions, string][] = [
      [{ residualNames: [] }, "performance.residualNames.length: must be an integer in [1, 64] (got 0)"],
      [{ cpJKgK: 0 }, "performance.cpJKgK: must be > 0 (got 0)"],
      [{ smoothingS: 0 }, "performance.smoothingS: must be > 0 (got 0)"],
      [{ cHotJK: -1 }, "performance.cHotJK: must be >= 0 (got -1)"],
      [{ cColdJK: -1 }, "performance.cColdJK: must be >= 0 (got -1)"],
      [{ fitWindowSamples: 0 }, "performance.fitWindowSamples: must be an integer in [1, 1048576] (got 0)"],
      [{ maxGapS: 0 }, "performance.maxGapS: must be > 0 (got 0)"],
    ];
    for (const [options, text] of cases) expect(configMessage(() => new LoopPerformance(options))).toBe(text);
  });

  it("refuses a non-finite rig time", () => {
    const p = new LoopPerformance();
    expect(configMessage(() => p.update(Number.NaN, 40, 30, 0.05, 20))).toBe(
      "tS: must be a finite number (got NaN)",
    );
  });
});

describe("loop performance before any sample", () => {
  it("has no figures yet", () => {
    const p = new LoopPerformance();
    expect(p.tS).toBeNaN();
    expect(p.heatTransportW).toBeNaN();
    expect(p.heatToFluidW).toBeNaN();
    expect(p.heatRejectedW).toBeNaN();
    expect(p.effectiveness).toBeNaN();
    expect(p.thermalResistanceKPerW).toBeNaN();
    expect(p.uaEstimateWK).toBeNaN();
    expect(p.energyToFluidJ).toBe(0);
    expect(p.energyRejectedJ).toBe(0);
    expect(p.stability).toBe("unknown");
  });
});

describe("loop performance worked by hand over two filter steps", () => {
  // cp 4000, τ = 10 s, C_hot 2000 J/K, C_cold 3000 J/K, m_dot 0.05 kg/s (m cp = 200 W/K).
  // t = 0: T_hot 40, T_cold 30, T_sink 20: Q_f = 2000 W; the filters start at the inputs.
  // t = 2 and 4: T_hot 44, T_cold 31, T_sink 21: Q_f = 2600 W. Step factor a = 1 - exp(-2/10).
  // Two cascaded first-order stages from x0 towards x1 (Δ = x1 - x0), one step:
  //   s1 = x0 + a Δ, s2 = x0 + a² Δ; two equal steps: s1 = x1 - (1 - a)² Δ, s2 = x0 + (3a² - 2a³) Δ.
  const a = 1 - Math.exp(-0.2);
  const one = {
    s1: (x0: number, x1: number) => x0 + a * (x1 - x0),
    s2: (x0: number, x1: number) => x0 + a * a * (x1 - x0),
  };
  const two = {
    s1: (x0: number, x1: number) => x1 - (1 - a) ** 2 * (x1 - x0),
    s2: (x0: number, x1: number) => x0 + (3 * a * a - 2 * a ** 3) * (x1 - x0),
  };
  const options = { cpJKgK: 4000, smoothingS: 10, cHotJK: 2000, cColdJK: 3000 };

  function figures(f: typeof one) {
    const q = f.s2(2000, 2600);
    const hot = f.s2(40, 44);
    const cold = f.s2(30, 31);
    const sink = f.s2(20, 21);
    const qIn = q + (2000 * (f.s1(40, 44) - hot)) / 10;
    const qRej = q - (3000 * (f.s1(30, 31) - cold)) / 10;
    return { q, hot, cold, sink, qIn, qRej };
  }

  it("at the first sample: the inputs, no storage term, no energy", () => {
    const p = new LoopPerformance(options);
    p.update(0, 40, 30, 0.05, 20);
    expect(p.tS).toBe(0);
    expect(p.heatTransportW).toBeCloseTo(2000, 9);
    expect(p.heatToFluidW).toBeCloseTo(2000, 9);
    expect(p.heatRejectedW).toBeCloseTo(2000, 9);
    expect(p.effectiveness).toBe(0.5);
    expect(p.thermalResistanceKPerW).toBeCloseTo(15 / 2000, 15);
    expect(p.uaEstimateWK).toBeCloseTo(200, 9);
    expect(p.energyToFluidJ).toBe(0);
    expect(p.energyRejectedJ).toBe(0);
  });

  it("after one and two steps: the filtered figures, the storage terms and the trapezoid energies", () => {
    const p = new LoopPerformance(options);
    p.update(0, 40, 30, 0.05, 20);
    p.update(2, 44, 31, 0.05, 21);
    const f1 = figures(one);
    expect(p.tS).toBe(2);
    expect(p.heatTransportW).toBeCloseTo(f1.q, 9);
    expect(p.heatToFluidW).toBeCloseTo(f1.qIn, 9);
    expect(p.heatRejectedW).toBeCloseTo(f1.qRej, 9);
    expect(p.energyToFluidJ).toBeCloseTo(0.5 * (2000 + f1.qIn) * 2, 8);
    expect(p.energyRejectedJ).toBeCloseTo(0.5 * (2000 + f1.qRej) * 2, 8);
    expect(p.effectiveness).toBeCloseTo((f1.hot - f1.cold) / (f1.hot - f1.sink), 12);
    expect(p.thermalResistanceKPerW).toBeCloseTo((0.5 * (f1.hot + f1.cold) - f1.sink) / f1.qRej, 14);
    expect(p.uaEstimateWK).toBeCloseTo(f1.qRej / (f1.cold - f1.sink), 9);
    p.update(4, 44, 31, 0.05, 21);
    const f2 = figures(two);
    expect(p.heatTransportW).toBeCloseTo(f2.q, 9);
    expect(p.heatToFluidW).toBeCloseTo(f2.qIn, 9);
    expect(p.heatRejectedW).toBeCloseTo(f2.qRej, 9);
    expect(p.energyToFluidJ).toBeCloseTo(0.5 * (2000 + f1.qIn) * 2 + 0.5 * (f1.qIn + f2.qIn) * 2, 8);
    expect(p.energyRejectedJ).toBeCloseTo(0.5 * (2000 + f1.qRej) * 2 + 0.5 * (f1.qRej + f2.qRej) * 2, 8);
    expect(p.effectiveness).toBeCloseTo((f2.hot - f2.cold) / (f2.hot - f2.sink), 12);
  });

  it("updateFrom reads a sample's fields as update reads its arguments", () => {
    const p = new LoopPerformance(options);
    const q = new LoopPerformance(options);
    p.update(0, 40, 30, 0.05, 20, [1]);
    p.update(2, 44, 31, 0.05, 21, [2]);
    q.updateFrom({ tS: 0, tHotC: 40, tColdC: 30, mDotKgS: 0.05, tSinkC: 20 }, [1]);
    q.updateFrom({ tS: 2, tHotC: 44, tColdC: 31, mDotKgS: 0.05, tSinkC: 21 }, [2]);
    expect(q.snapshot()).toStrictEqual(p.snapshot());
    expect(q.heatToFluidW).toBeCloseTo(figures(one).qIn, 9);
  });
});

describe("loop performance restarts and gaps", () => {
  const options = { cpJKgK: 4000, smoothingS: 10 };

  it("a sample at the same rig time restarts the filters at it", () => {
    const p = new LoopPerformance(options);
    p.update(0, 40, 30, 0.05, 20);
    p.update(0, 44, 31, 0.05, 21);
    expect(p.heatTransportW).toBeCloseTo(2600, 9);
    expect(p.effectiveness).toBe(13 / 23);
    expect(p.energyToFluidJ).toBe(0);
  });

  it("an interval of exactly maxGapS is a filter step; a longer one restarts", () => {
    const a = 1 - Math.exp(-0.5);
    const p = new LoopPerformance(options);
    p.update(0, 40, 30, 0.05, 20);
    p.update(5, 44, 31, 0.05, 21);
    const q = 2000 + a * a * 600;
    expect(p.heatTransportW).toBeCloseTo(q, 9);
    expect(p.energyToFluidJ).toBeCloseTo(0.5 * (2000 + q) * 5, 8);
    const e = p.energyToFluidJ;
    p.update(10.001, 50, 31, 0.05, 21);
    expect(p.heatTransportW).toBeCloseTo(3800, 9);
    expect(p.energyToFluidJ).toBe(e);
    expect(p.tS).toBe(10.001);
  });

  it("reuses the step factor for an interval within 1e-9 of the last one's, by its size", () => {
    // τ = 1e9 s; intervals 1e9 - 1 s and then 1e9 s (the difference, 1 s, is exactly 1e-9 of
    // the second): both steps use a = 1 - exp(-(1e9 - 1)/1e9), as two equal steps would.
    const tau = 1e9;
    const a = -Math.expm1(-(tau - 1) / tau);
    const p = new LoopPerformance({ cpJKgK: 4000, smoothingS: tau, maxGapS: 1e10 });
    p.update(0, 40, 30, 0.05, 20);
    p.update(tau - 1, 40 + 1e4, 30, 0.05, 20);
    p.update(2 * tau - 1, 40 + 1e4, 30, 0.05, 20);
    // Q_f steps from 2000 W to 2000 + 200 × 1e4 W.
    expect(p.heatTransportW).toBeCloseTo(2000 + (3 * a * a - 2 * a ** 3) * 2e6, 6);
  });

  it("a sample with a non-finite temperature or flow updates only the twin's fit", () => {
    for (const k of [0, 1, 2, 3]) {
      const p = new LoopPerformance({ ...options, residualNames: ["r"] });
      p.update(0, 40, 30, 0.05, 20, [1]);
      const args = [40, 30, 0.05, 20];
      args[k] = Number.NaN;
      p.update(1, args[0] as number, args[1] as number, args[2] as number, args[3] as number, [3]);
      expect(p.tS).toBe(0);
      expect(p.heatTransportW).toBeCloseTo(2000, 9);
      expect(p.effectiveness).toBe(0.5);
      expect(p.residualMean(0)).toBe(2);
      expect(p.residualRms(0)).toBe(Math.sqrt(5));
      // The next finite sample steps the filters over the 2 s since the last one used.
      p.update(2, 44, 31, 0.05, 21);
      const a = 1 - Math.exp(-0.2);
      expect(p.heatTransportW).toBeCloseTo(2000 + a * a * 600, 9);
    }
  });
});

describe("loop performance figures at their edges", () => {
  it("effectiveness is NaN when T_hot does not exceed T_sink", () => {
    const p = new LoopPerformance();
    p.update(0, 25, 20, 0.05, 25);
    expect(p.effectiveness).toBeNaN();
    p.update(0, 24, 20, 0.05, 25);
    expect(p.effectiveness).toBeNaN();
  });

  it("thermal resistance is NaN when no heat is rejected", () => {
    const p = new LoopPerformance();
    p.update(0, 30, 30, 0.05, 20);
    expect(p.heatRejectedW).toBe(0);
    expect(p.thermalResistanceKPerW).toBeNaN();
    p.update(0, 29, 30, 0.05, 20);
    expect(p.thermalResistanceKPerW).toBeNaN();
  });

  it("UA is NaN when T_cold does not exceed T_sink", () => {
    const p = new LoopPerformance();
    p.update(0, 30, 20, 0.05, 20);
    expect(p.heatRejectedW).toBeGreaterThan(0);
    expect(p.uaEstimateWK).toBeNaN();
    p.update(0, 30, 19, 0.05, 20);
    expect(p.uaEstimateWK).toBeNaN();
  });
});

describe("loop performance stability and snapshot", () => {
  // Stability with 1 s blocks and a 20-block window; block j is the two samples at 2j and 2j + 1.
  function run(hot: (j: number) => number, cold: (j: number) => number) {
    const p = new LoopPerformance({ stability: { blockS: 1, windowS: 20 }, residualNames: ["x", "y"] });
    for (let j = 0; j < 20; j++)
      for (const t of [2 * j, 2 * j + 1]) p.update(t, hot(j), cold(j), 0.05, 20, [j, -j]);
    return p;
  }
  const flat = () => 40;
  const ramp = (j: number) => 30 + j / 16;

  it("reports the worse of T_hot's and T_cold's classes, whichever it is", () => {
    const coldWorse = run(flat, ramp);
    expect(coldWorse.hotStability.stabilityClass).toBe("steady");
    expect(coldWorse.coldStability.stabilityClass).toBe("drifting");
    expect(coldWorse.stability).toBe("drifting");
    const hotWorse = run(
      (j) => 50 + j / 16,
      () => 30,
    );
    expect(hotWorse.hotStability.stabilityClass).toBe("drifting");
    expect(hotWorse.coldStability.stabilityClass).toBe("steady");
    expect(hotWorse.stability).toBe("drifting");
  });

  it("snapshot holds every figure, copies of the stability figures and each residual's fit", () => {
    const p = run(flat, ramp);
    const s = p.snapshot();
    expect(s).toStrictEqual({
      tS: 39,
      heatTransportW: p.heatTransportW,
      heatToFluidW: p.heatToFluidW,
      heatRejectedW: p.heatRejectedW,
      energyToFluidJ: p.energyToFluidJ,
      energyRejectedJ: p.energyRejectedJ,
      effectiveness: p.effectiveness,
      thermalResistanceKPerW: p.thermalResistanceKPerW,
      uaEstimateWK: p.uaEstimateWK,
      timeConstantS: p.timeConstant.timeConstantS,
      timeConstantStdS: p.timeConstant.timeConstantStdS,
      stability: "drifting",
      hotStability: { ...p.hotStability.figures },
      coldStability: { ...p.coldStability.figures },
      // 40 samples of j = 0..19 (each twice): mean 9.5, mean square 123.5.
      fit: {
        x: { rms: Math.sqrt(123.5), mean: 9.5, samples: 40 },
        y: { rms: Math.sqrt(123.5), mean: -9.5, samples: 40 },
      },
    });
    expect(s.coldStability).not.toBe(p.coldStability.figures);
    expect(s.coldStability.stabilityClass).toBe("drifting");
    expect(p.residualRms(1)).toBe(Math.sqrt(123.5));
    expect(p.residualMean(1)).toBe(-9.5);
  });

  it("passes the time constant estimator's figures through", () => {
    const p = new LoopPerformance({ timeConstant: { blockS: 1 } });
    // T_cold's block means follow y_{k+1} = 0.5 y_k + 10 exactly (τ = 2 / ln 2 s at 2 s blocks).
    for (let k = 0; k < 40; k++) {
      const c = 20 + 16 * 0.5 ** k;
      p.update(2 * k, c + 5, c, 0.05, 10);
      p.update(2 * k + 1, c + 5, c, 0.05, 10);
    }
    expect(p.timeConstantS).toBe(p.timeConstant.timeConstantS);
    expect(p.timeConstantStdS).toBe(p.timeConstant.timeConstantStdS);
    expect(p.timeConstantS).toBeCloseTo(2 / Math.LN2, 6);
    expect(p.timeConstantStdS).toBeGreaterThanOrEqual(0);
  });
});

describe("loop performance reset", () => {
  it("gives the figures of a new analyser, and behaves as one afterwards", () => {
    const options = {
      cpJKgK: 4000,
      cHotJK: 2000,
      cColdJK: 3000,
      residualNames: ["r"],
      stability: { blockS: 1, windowS: 20 },
      timeConstant: { blockS: 1 },
    };
    const feed = (p: LoopPerformance, t0: number) => {
      for (let k = 0; k < 30; k++) {
        const c = 20 + 16 * 0.5 ** k;
        p.update(t0 + 2 * k, c + 5 + (k % 3), c, 0.05, 10, [k]);
        p.update(t0 + 2 * k + 1, c + 5 + (k % 3), c, 0.05, 10, [k]);
      }
    };
    const used = new LoopPerformance(options);
    feed(used, 0);
    expect(used.energyToFluidJ).toBeGreaterThan(0);
    expect(used.stability).not.toBe("unknown");
    expect(used.timeConstantS).toBeGreaterThan(0);
    used.reset();
    const fresh = new LoopPerformance(options);
    expect(used.snapshot()).toStrictEqual(fresh.snapshot());
    expect(used.heatTransportW).toBeNaN();
    expect(used.tS).toBeNaN();
    expect(used.energyRejectedJ).toBe(0);
    expect(used.fit.samples(0)).toBe(0);
    // Fed again (at a later rig time, which a new analyser cannot tell from any other).
    feed(used, 1000);
    feed(fresh, 1000);
    expect(used.snapshot()).toStrictEqual(fresh.snapshot());
    expect(used.timeConstant.blocks).toBe(fresh.timeConstant.blocks);
    expect(used.timeConstant.restarts).toBe(fresh.timeConstant.restarts);
  });
});
