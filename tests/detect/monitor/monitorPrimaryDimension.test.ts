/**
 * The monitor feeds its primary detector one residual per family and sample (update(x)), so a
 * chi-square primary must have one component. A config is validated once, at construction
 * (monitorConfig.ts), naming the field: a primary chi-square of dimension 2 is refused there,
 * rather than accepted and then throwing at the first sample after the alignment.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { EmulatedRig } from "../../../src/detect/evaluation/emulatedRig.js";
import { createMonitor } from "../../../src/detect/monitor/monitor.js";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";

describe("monitor config: the primary detector's dimension", () => {
  it("refuses a chi-square primary of more than one component, naming the field", () => {
    let err: unknown;
    try {
      resolveMonitorConfig({
        detectors: { primary: { kind: "chi_square", dimension: 2, window: 5, alpha: 0.01 } },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe("detectors.primary.chi_square.dimension");
    expect((err as ConfigError).value).toBe(2);
    expect((err as Error).message).toBe(
      "detectors.primary.chi_square.dimension: must be 1 (one residual per sample) (got 2)",
    );
  });

  it("runs a one-component chi-square primary (given or by default) past the alignment", () => {
    for (const primary of [
      { kind: "chi_square", dimension: 1, window: 5, alpha: 0.01 },
      { kind: "chi_square", window: 5, alpha: 0.01 },
    ] as const) {
      const m = createMonitor({ detectors: { primary } });
      const rig = new EmulatedRig({
        seed: 1,
        setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
        faults: [],
      });
      m.setSetpoints(rig.initialSetpoints, 0);
      expect(() => {
        while (rig.nextTS <= 5 + 1e-9) m.step(rig.next());
      }).not.toThrow();
      expect(m.output.tS).toBe(5);
    }
  });
});
