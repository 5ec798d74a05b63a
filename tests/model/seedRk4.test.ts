/**
 * SeedRk4 gives bit for bit the states of the generic Rk4 on SeedModel.rhs (issue 16: the CSV of
 * `simulate --model seed` must not change by a byte). The reference is the generic integrator
 * itself, which tests/model/rk4.test.ts and seedModel.test.ts check against closed forms.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IntegrationError } from "../../src/core/errors.js";
import { Rk4 } from "../../src/model/rk4.js";
import { SeedModel } from "../../src/model/seedModel.js";
import { DEFAULT_SEED_PARAMS, makeSeedParams, type SeedParams } from "../../src/model/seedParams.js";
import { SeedRk4 } from "../../src/model/seedRk4.js";

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const paramsArb = fc.record({
  C: finite(1e-3, 1e6),
  m_dot: finite(0, 2),
  cp: finite(1, 1e4),
  UA: finite(0, 1e3),
  Q_in: finite(0, 1e4),
  Q_out: finite(0, 1e4),
  T_hot0: finite(-200, 1e4),
  T_cold0: finite(-200, 1e4),
});

/** Both integrators on their own model and state; every advance compared bit for bit. */
function pair(params: SeedParams) {
  const refModel = new SeedModel(params);
  const fastModel = new SeedModel(params);
  return {
    ref: { model: refModel, rk: new Rk4(2, refModel.rhs), y: refModel.initialState() },
    fast: { model: fastModel, rk: new SeedRk4(fastModel), y: fastModel.initialState() },
  };
}

function outcome(run: () => number): { steps?: number; error?: string; tS?: number } {
  try {
    return { steps: run() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}`, tS: (e as IntegrationError).tS };
  }
}

describe("SeedRk4", () => {
  it("matches Rk4 on SeedModel.rhs bit for bit, inputs changed between advances (fast-check)", () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.array(
          fc.record({
            spanS: finite(0, 50),
            maxStepS: finite(1e-3, 5),
            qInW: finite(0, 1e4),
            qOutW: finite(0, 1e4),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (p, legs) => {
          const { ref, fast } = pair(makeSeedParams(p));
          let t = 0;
          for (const leg of legs) {
            ref.model.qInW = fast.model.qInW = leg.qInW;
            ref.model.qOutW = fast.model.qOutW = leg.qOutW;
            const a = outcome(() => ref.rk.advance(t, ref.y, t + leg.spanS, leg.maxStepS));
            const b = outcome(() => fast.rk.advance(t, fast.y, t + leg.spanS, leg.maxStepS));
            expect(b).toEqual(a);
            expect(Object.is(fast.y[0], ref.y[0]) && Object.is(fast.y[1], ref.y[1])).toBe(true);
            if (a.error !== undefined) return;
            t += leg.spanS;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("matches the 24 h reference run at dt = 0.1 s bit for bit at every output time", () => {
    const { ref, fast } = pair(DEFAULT_SEED_PARAMS);
    const hMaxS = ref.model.fastestTimeConstantS() / 20;
    let mismatches = 0;
    for (let k = 1; k <= 864_000; k++) {
      const t0 = (k - 1) * 0.1;
      const t1 = k * 0.1;
      ref.rk.advance(t0, ref.y, t1, hMaxS);
      fast.rk.advance(t0, fast.y, t1, hMaxS);
      if (!(Object.is(fast.y[0], ref.y[0]) && Object.is(fast.y[1], ref.y[1]))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("fails as Rk4 does: the same IntegrationError (time, state, step) when the state overflows", () => {
    const p = makeSeedParams({ C: 1e-300, Q_in: 1e4 });
    const { ref, fast } = pair(p);
    const a = outcome(() => ref.rk.advance(0, ref.y, 1, 0.1));
    const b = outcome(() => fast.rk.advance(0, fast.y, 1, 0.1));
    expect(a.error).toMatch(/^IntegrationError: integration failed at t=0\.1 s: state 0 is not finite/);
    expect(b).toEqual(a);
  });

  it("names the end of the step that overflowed, steps after the start", () => {
    // C = 1, no coupling, steps of 2 s: T_hot rises 2 x 1e307 K a step; after 9 steps it would be
    // 1.8e308, past the largest double (1.797e308). From t = 10 s the 9th step ends at t = 28 s.
    // (The state is NaN, not Infinity: the 4th stage's T_hot overflows, and m_dot cp x Infinity
    // is 0 x Infinity.)
    const model = new SeedModel(makeSeedParams({ C: 1, UA: 0, m_dot: 0, Q_in: 1e307, Q_out: 0, T_hot0: 0 }));
    const y = model.initialState();
    expect(outcome(() => new SeedRk4(model).advance(10, y, 40, 2))).toEqual({
      error:
        "IntegrationError: integration failed at t=28 s: state 0 is not finite (NaN) after an RK4 step of 2 s",
      tS: 28,
    });
  });

  it("rejects a span backwards and a step that is not positive, with Rk4's messages", () => {
    const { ref, fast } = pair(DEFAULT_SEED_PARAMS);
    for (const [t0, t1, h] of [
      [1, 0, 0.1],
      [0, 1, 0],
      [0, 1, Number.NaN],
    ] as const) {
      const a = outcome(() => ref.rk.advance(t0, ref.y, t1, h));
      expect(a.error).toMatch(/^RangeError: Rk4\.advance: /);
      expect(outcome(() => fast.rk.advance(t0, fast.y, t1, h))).toEqual(a);
    }
    expect(outcome(() => fast.rk.advance(2, fast.y, 2, 0))).toEqual({ steps: 0 });
  });
});
