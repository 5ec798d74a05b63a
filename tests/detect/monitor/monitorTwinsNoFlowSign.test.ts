/**
 * Twin (b)'s mass flow (src/detect/monitor/monitorTwins.ts) for a flow that is not above zero:
 * exactly +0 kg/s, whatever the zero's sign. A meter reading of -0 L/min (a signed zero, e.g. a
 * negated or rounded-down reading) stands in for the interval flow at the first sample, where no
 * pulse interval exists yet; twin (b) then runs with no flow, and its mass flow is +0 as for any
 * flow at or below zero, not the -0 that -0 L/min converts to (Object.is tells them apart, as
 * vitest's toBe does).
 */
import { describe, expect, it } from "vitest";
import { lpmToKgS } from "../../../src/core/units.js";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { MonitorTwins } from "../../../src/detect/monitor/monitorTwins.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

describe("MonitorTwins: twin (b)'s mass flow at no flow", () => {
  it("is +0 for a measured flow of -0 L/min, +0 L/min or below zero", () => {
    // Premise: converting -0 L/min keeps the sign, so only the clamp gives +0.
    expect(Object.is(lpmToKgS(-0), -0)).toBe(true);
    for (const flowLpm of [-0, 0, -1]) {
      const v = new SampleValues();
      const tw = new MonitorTwins(resolveMonitorConfig({}), v);
      tw.setDuties(0, 255, 255, 25);
      tw.start(0, 50, 40);
      // No pulse count: the measured flow stands in for the interval flow.
      v.tS = 0.1;
      v.hotC = 50;
      v.coldC = 40;
      v.flowLpm = flowLpm;
      v.pulses = Number.NaN;
      tw.step();
      expect(Object.is(tw.mDotB, 0), `flow ${Object.is(flowLpm, -0) ? "-0" : flowLpm}`).toBe(true);
    }
  });
});
