import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FAULT_KINDS,
  faultLevel,
  formatFaultSpec,
  isFaultActive,
  parseFaultSpec,
} from "../../src/model/faultSpec.js";

describe("fault specs", () => {
  it("parses the docs/design.md 5 example", () => {
    const f = parseFaultSpec("pump_degradation:start=120,severity=0.3,ramp=20");
    expect(f).toEqual({
      kind: "pump_degradation",
      startS: 120,
      endS: Number.POSITIVE_INFINITY,
      rampS: 20,
      severity: 0.3,
      value: undefined,
      channel: undefined,
    });
  });

  it("applies the defaults", () => {
    expect(parseFaultSpec("pump_failure")).toMatchObject({ startS: 0, rampS: 0, severity: 1 });
  });

  it("ramps linearly to its severity and ends", () => {
    const f = parseFaultSpec("hx_fouling:start=100,ramp=50,severity=0.4,end=300");
    expect(faultLevel(f, 99)).toBe(0);
    expect(faultLevel(f, 125)).toBeCloseTo(0.2, 12);
    expect(faultLevel(f, 200)).toBeCloseTo(0.4, 12);
    expect(faultLevel(f, 300)).toBe(0);
    expect(isFaultActive(f, 100)).toBe(true);
    expect(isFaultActive(f, 300)).toBe(false);
  });

  it.each([
    ["pump_explosion", /--fault kind: unknown fault kind.*got "pump_explosion"/],
    ["pump_failure:start=abc", /pump_failure\.start.*"abc"/],
    ["pump_failure:start=-1", /pump_failure\.start.*>= 0/],
    ["pump_degradation:severity=1.5", /severity.*between 0 and 1/],
    ["pump_degradation:sev=0.5", /pump_degradation\.sev.*unknown key/],
    ["pump_degradation:start", /expected key=value/],
    ["pump_degradation:", /nothing after ':'/],
    ["pump_degradation:start=10,end=5", /end.*must be after start/],
    ["sensor_bias:value=1", /sensor_bias\.channel.*required/],
    ["sensor_bias:channel=warm,value=1", /sensor_bias\.channel: unknown channel.*got "warm"/],
    ["sensor_bias:channel=hot", /sensor_bias\.value.*required \(bias in K\)/],
    ["pump_failure:channel=hot", /only sensor faults take a channel/],
    ["link_corrupt:value=2", /rate between 0 and 1/],
    ["link_disconnect:start=5", /needs an end/],
    ["hx_fouling:value=3", /takes no value/],
    ["pump_failure:start=1,start=2", /given twice/],
  ])("rejects %s naming what is wrong", (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(message);
  });

  it("format then parse gives the same spec (property)", () => {
    const specArb = fc
      .record({
        kind: fc.constantFrom(...FAULT_KINDS),
        start: fc.double({ min: 0, max: 1e5, noNaN: true }),
        len: fc.option(fc.double({ min: 0.001, max: 1e5, noNaN: true })),
        ramp: fc.double({ min: 0, max: 1e3, noNaN: true }),
        severity: fc.double({ min: 0, max: 1, noNaN: true }),
        value: fc.double({ min: 0, max: 1, noNaN: true }),
        channel: fc.constantFrom("hot", "cold", "amb"),
      })
      .map((r) => {
        const parts = [`start=${r.start}`, `ramp=${r.ramp}`, `severity=${r.severity}`];
        const end =
          r.kind === "link_disconnect"
            ? r.start + (r.len ?? 1)
            : r.len === null
              ? undefined
              : r.start + r.len;
        if (end !== undefined && end > r.start) parts.push(`end=${end}`);
        else if (r.kind === "link_disconnect") parts.push(`end=${r.start + 1}`);
        if (["sensor_bias", "sensor_drift", "sensor_noise", "link_corrupt", "link_drop"].includes(r.kind)) {
          parts.push(`value=${r.value}`);
        }
        if (r.kind.startsWith("sensor_")) parts.push(`channel=${r.channel}`);
        return `${r.kind}:${parts.join(",")}`;
      });
    fc.assert(
      fc.property(specArb, (text) => {
        const spec = parseFaultSpec(text);
        expect(parseFaultSpec(formatFaultSpec(spec))).toEqual(spec);
      }),
    );
  });
});
