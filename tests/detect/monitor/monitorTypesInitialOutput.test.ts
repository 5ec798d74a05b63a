/**
 * The monitor's output before any sample (src/detect/monitor/monitorTypes.ts, createMonitorOutput):
 * every prediction, residual, band and ratio NaN, score 0, no anomaly, no diagnosis. A consumer that
 * reads the output before the first step (the dashboard, the fleet view) must see "nothing yet",
 * never an anomaly or a diagnosis text.
 */
import { describe, expect, it } from "vitest";
import { createMonitorOutput } from "../../../src/detect/monitor/monitorTypes.js";

describe("createMonitorOutput: the output before any sample", () => {
  it("has no anomaly and an empty diagnosis, score 0", () => {
    const o = createMonitorOutput();
    expect(o.anomaly).toBe(false);
    expect(o.diagnosis).toBe("");
    expect(o.score).toBe(0);
  });

  it("has every time, prediction, residual, innovation, ratio and band NaN", () => {
    const o = createMonitorOutput();
    const nanKeys = [
      "tS",
      "predTHotC",
      "predTColdC",
      "predFlowLpm",
      "resTHotK",
      "resTColdK",
      "resFlowLpm",
      "innovTHot",
      "innovTCold",
      "innovFlow",
      "uaRatio",
      "uaRatioSigma",
      "pumpRatio",
      "pumpRatioSigma",
      "bandTHotK",
      "bandTColdK",
      "bandFlowLpm",
    ] as const;
    for (const k of nanKeys) expect(o[k], k).toBeNaN();
    expect(Object.keys(o).sort()).toEqual([...nanKeys, "score", "anomaly", "diagnosis"].sort());
  });

  it("returns a new object each call (the monitor overwrites its output in place)", () => {
    const a = createMonitorOutput();
    const b = createMonitorOutput();
    expect(a).not.toBe(b);
    a.score = 3;
    expect(b.score).toBe(0);
  });
});
