import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { heaterPowerW, radiatorUaWK } from "../../src/model/actuators.js";
import { DEFAULT_LOOP_PARAMS, makeLoopParams } from "../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../src/model/pumpCurve.js";

const p = DEFAULT_LOOP_PARAMS;
const lpm = (kgS: number): number => (kgS / 997.05) * 60_000;

describe("pump curve", () => {
  it("has a dead band below the stall duty and spans 0.5-5 L/min above it", () => {
    expect(pumpMassFlowKgS(p, 0)).toBe(0);
    expect(pumpMassFlowKgS(p, p.pump_stall_duty - 1)).toBe(0);
    expect(lpm(pumpMassFlowKgS(p, p.pump_stall_duty))).toBeCloseTo(0.5, 2);
    expect(lpm(pumpMassFlowKgS(p, 255))).toBeCloseTo(5, 2);
    expect(pumpMassFlowKgS(p, 255)).toBe(p.m_dot_max);
    // The default duty 200: 3.85 L/min with the linear curve.
    expect(lpm(pumpMassFlowKgS(p, 200))).toBeCloseTo(0.5 + 4.5 * (160 / 215), 2);
  });

  it("is monotonic in duty for any curve shape (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 254 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 255, noNaN: true }),
        fc.double({ min: 0, max: 255, noNaN: true }),
        (stall, fMin, exponent, d1, d2) => {
          const q = makeLoopParams({ pump_stall_duty: stall, pump_min_frac: fMin, pump_exponent: exponent });
          const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
          expect(pumpMassFlowKgS(q, lo)).toBeLessThanOrEqual(pumpMassFlowKgS(q, hi));
          expect(pumpMassFlowKgS(q, hi)).toBeLessThanOrEqual(q.m_dot_max * (1 + 1e-15));
        },
      ),
    );
  });

  it("is off at duty 0 even with no dead band (stall duty 0), and at f_min just above it", () => {
    const q = makeLoopParams({ pump_stall_duty: 0, pump_min_frac: 0.1, pump_exponent: 1 });
    expect(pumpMassFlowKgS(q, 0)).toBe(0);
    expect(pumpMassFlowKgS(q, -1)).toBe(0);
    // m_dot(1) = m_dot_max (0.1 + 0.9 / 255).
    expect(pumpMassFlowKgS(q, 1)).toBeCloseTo(q.m_dot_max * (0.1 + 0.9 / 255), 15);
    // Above full duty the pump saturates at m_dot_max.
    expect(pumpMassFlowKgS(q, 300)).toBe(q.m_dot_max);
  });

  it("follows the documented power law above stall", () => {
    const q = makeLoopParams({ pump_stall_duty: 55, pump_min_frac: 0.2, pump_exponent: 2 });
    const x = (155 - 55) / 200;
    expect(pumpMassFlowKgS(q, 155)).toBeCloseTo(q.m_dot_max * (0.2 + 0.8 * x * x), 14);
  });
});

describe("heater and fan laws", () => {
  it("heater power is Q_heater_max * duty / 255", () => {
    expect(heaterPowerW(p, 255)).toBe(150);
    expect(heaterPowerW(p, 51)).toBeCloseTo(30, 12);
    expect(heaterPowerW(p, 0)).toBe(0);
  });

  it("fan duty scales UA from UA_fan_off_frac * UA to UA", () => {
    expect(radiatorUaWK(p, 255)).toBeCloseTo(10, 12);
    expect(radiatorUaWK(p, 0)).toBeCloseTo(3, 12);
    expect(radiatorUaWK(p, 127.5)).toBeCloseTo(6.5, 12);
  });
});
