/**
 * When a setpoint change reaches the monitor's models (src/detect/monitor/monitor.ts,
 * setSetpoints): at its own rig time, when that is after the last sample and at most a second
 * ahead of it (the models are first brought there on the old duties); otherwise at the next
 * sample. A change whose time is not finite is refused, naming the field. Expected values are
 * properties of the twin (a heater step moves the hot node's prediction by about Q / C_hot per
 * second), compared between monitors fed the same samples.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import type { RigSample } from "../../../src/model/rigSample.js";
import { HEATER_OFF, NOMINAL, nominalRigSamples } from "./nominalRigSamples.js";

/** The rig's samples up to `toS`, seed 3. */
const samples = (toS: number): RigSample[] => nominalRigSamples(toS, 3);

describe("monitor: a setpoint change's rig time", () => {
  it("refuses a change at no finite rig time, naming tS", () => {
    const m = createMonitor();
    for (const tS of [Number.NaN, Number.POSITIVE_INFINITY]) {
      let err: unknown;
      try {
        m.setSetpoints(NOMINAL, tS);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe("tS");
      expect((err as Error).message).toBe(`tS: must be a finite rig time in seconds (got ${tS})`);
    }
  });

  it("takes a change from its rig time up to a second ahead of the last sample, inclusive; later ones from the next sample", () => {
    const rows = samples(12);
    // The heater goes off at rig time `at`, told after the sample at 10 s; the prediction of the
    // hot node at the 11 s sample.
    const predAt11 = (at: number): number => {
      const m = createMonitor();
      m.setSetpoints(NOMINAL, 0);
      let pred = Number.NaN;
      for (const s of rows) {
        if (s.tS > 11 + 1e-9) break;
        m.step(s);
        if (Math.abs(s.tS - 10) < 1e-9) m.setSetpoints(HEATER_OFF, at);
        if (Math.abs(s.tS - 11) < 1e-9) pred = m.output.predTHotC;
      }
      return pred;
    };
    const last = rows.find((s) => Math.abs(s.tS - 10) < 1e-9)?.tS as number;
    const atOneSecond = predAt11(last + 1);
    const justInside = predAt11(last + 0.999);
    const justOutside = predAt11(last + 1.001);
    // Told 1 s ahead: the twin ran the second to 11 s on the old duties (as at 0.999 s ahead,
    // within 1 ms of heating); told 1.001 s ahead: the change applies from the last sample, a
    // second without the heater (150 W / 2500 J/K = 0.06 K/s less).
    expect(Math.abs(atOneSecond - justInside)).toBeLessThan(1e-4);
    expect(atOneSecond - justOutside).toBeGreaterThan(0.04);
    expect(atOneSecond - justOutside).toBeLessThan(0.08);
  });
});
