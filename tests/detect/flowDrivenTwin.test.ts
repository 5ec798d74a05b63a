import { describe, expect, it } from "vitest";
import { FlowDrivenTwin } from "../../src/detect/twins/flowDrivenTwin.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { LoopTwin } from "../../src/model/twin.js";
import { exactLinear2 } from "../model/linearReference.js";

describe("FlowDrivenTwin", () => {
  const p = DEFAULT_LOOP_PARAMS;
  /** The loop model (docs/design.md 2.2) at a fixed operating point, as y' = A y + b. */
  const linear = (mDotKgS: number, qInW: number, uaWK: number, tSinkC: number, tAmbC: number) => {
    const g = mDotKgS * p.cp;
    const L = p.UA_loss;
    return {
      a11: -(g + L) / p.C_hot,
      a12: g / p.C_hot,
      a21: g / p.C_cold,
      a22: -(g + uaWK + L) / p.C_cold,
      b1: (qInW + L * tAmbC) / p.C_hot,
      b2: (uaWK * tSinkC + L * tAmbC) / p.C_cold,
    };
  };

  it("at a constant flow follows the loop model's exact solution, coarse steps sub-stepped", () => {
    const twin = new FlowDrivenTwin(p);
    twin.setState(60, 30);
    twin.setInputs(150, 10, 25, 22);
    const sys = linear(0.05, 150, 10, 25, 22);
    for (let k = 1; k <= 20; k++) {
      twin.step(30, 0.05);
      const ref = exactLinear2(sys, [60, 30], k * 30);
      expect(Math.abs(twin.tHotC - ref[0])).toBeLessThan(1e-5);
      expect(Math.abs(twin.tColdC - ref[1])).toBeLessThan(1e-5);
    }
  });

  it("agrees with the operating-point twin at the same inputs", () => {
    const twin = new FlowDrivenTwin(p);
    const ref = new LoopTwin(p);
    ref.setOperatingPoint({ mDotKgS: 0.02, qInW: 120, uaWK: 8, tSinkC: 24, tAmbC: 21 });
    twin.setInputs(120, 8, 24, 21);
    for (let k = 0; k < 600; k++) {
      twin.step(0.1, 0.02);
      ref.step(0.1);
    }
    expect(Math.abs(twin.tHotC - ref.tHotC)).toBeLessThan(1e-9);
    expect(Math.abs(twin.tColdC - ref.tColdC)).toBeLessThan(1e-9);
  });

  it("ignores a step that is not positive", () => {
    const twin = new FlowDrivenTwin(p);
    twin.setState(40, 30);
    twin.setInputs(150, 10, 25, 25);
    twin.step(0, 0.05);
    twin.step(-1, 0.05);
    twin.step(Number.NaN, 0.05);
    expect([twin.tHotC, twin.tColdC]).toEqual([40, 30]);
  });
});
