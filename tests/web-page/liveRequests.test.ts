import { describe, expect, it } from "vitest";
import { backoffMs } from "../../web/src/livePage.js";
import { DEFAULT_PUMP_FAILURE_S, planInjection } from "../../web/src/liveRequests.js";

describe("planInjection", () => {
  it("plays the physical faults as the terminal dashboard's menu does, on any rig", () => {
    for (const emulator of [false, true]) {
      expect(planInjection("pump_failure", emulator)).toEqual({
        ok: true,
        body: { kind: "pump_failure", duration_s: DEFAULT_PUMP_FAILURE_S },
      });
      expect(planInjection("pump_failure:end=12", emulator)).toEqual({
        ok: true,
        body: { kind: "pump_failure", duration_s: 12 },
      });
      expect(planInjection("pump_degradation:severity=0.35", emulator)).toEqual({
        ok: true,
        body: { kind: "pump_degradation", percent: 35 },
      });
      expect(planInjection("hx_fouling:severity=0.5", emulator)).toEqual({
        ok: true,
        body: { kind: "fan_reduction", percent: 50 },
      });
    }
  });

  it("hands what a PWM change cannot play to the emulator, as the spec typed", () => {
    for (const spec of [
      "sensor_bias:channel=hot,value=2",
      "pump_degradation:severity=0.3,ramp=20",
      "pump_failure:start=5",
      "hx_fouling:severity=0.5,end=60",
      "link_disconnect:end=5",
    ])
      expect(planInjection(spec, true)).toEqual({ ok: true, body: { kind: "emulator", spec } });
  });

  it("refuses them on a real rig with one line naming the kind", () => {
    const p = planInjection("sensor_bias:channel=hot,value=2", false);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error.startsWith("fault sensor_bias: a real rig takes")).toBe(true);
      expect(p.error).not.toContain("\n");
    }
  });

  it("refuses a bad spec with the parser's line", () => {
    expect(planInjection("pump_fail", true)).toEqual({
      ok: false,
      error: expect.stringMatching(/^fault kind: unknown fault kind/),
    });
  });
});

describe("backoffMs", () => {
  it("doubles from 0.5 s and stops at 10 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(backoffMs)).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });
});
