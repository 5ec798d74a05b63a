import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  FAULT_KINDS,
  faultLevel,
  formatFaultSpec,
  isFaultActive,
  isLinkFault,
  isPhysicalFault,
  isSensorFault,
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
    // An empty key is an unknown key, not a pair without '='.
    [
      "pump_failure:=5",
      `--fault pump_failure.: unknown key (one of start, end, ramp, severity, value, channel) (got "5")`,
    ],
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

describe("fault specs: exact messages and edges (issue 19)", () => {
  const KINDS =
    "pump_degradation, pump_failure, hx_fouling, heater_overpower, sensor_bias, sensor_drift, sensor_noise, " +
    "sensor_stuck, sensor_open, sensor_short, flow_blockage, link_corrupt, link_drop, link_disconnect, device_reboot";

  it.each([
    ["pump_explosion", `--fault kind: unknown fault kind (one of ${KINDS}) (got "pump_explosion")`],
    // A colon first: the kind is the empty text before it.
    [":start=1", `--fault kind: unknown fault kind (one of ${KINDS}) (got "")`],
    ["pump_degradation:", `--fault: nothing after ':' (expected key=value pairs) (got "pump_degradation:")`],
    [
      "pump_degradation:  ",
      `--fault: nothing after ':' (expected key=value pairs) (got "pump_degradation:  ")`,
    ],
    [
      "pump_degradation:start",
      `--fault: expected key=value in fault spec "pump_degradation:start" (got "start")`,
    ],
    [
      "pump_failure:start=abc",
      `--fault pump_failure.start: must be a finite number in fault spec "pump_failure:start=abc" (got "abc")`,
    ],
    [
      "pump_failure:start=",
      `--fault pump_failure.start: must be a finite number in fault spec "pump_failure:start=" (got "")`,
    ],
    [
      "pump_failure:end=Infinity",
      `--fault pump_failure.end: must be a finite number in fault spec "pump_failure:end=Infinity" (got "Infinity")`,
    ],
    ["pump_failure:start=-1", `--fault pump_failure.start: must be >= 0 s (got "-1")`],
    ["pump_failure:ramp=-0.5", `--fault pump_failure.ramp: must be >= 0 s (got "-0.5")`],
    [
      "pump_degradation:severity=1.5",
      `--fault pump_degradation.severity: must be between 0 and 1 (got "1.5")`,
    ],
    [
      "pump_degradation:severity=-0.1",
      `--fault pump_degradation.severity: must be between 0 and 1 (got "-0.1")`,
    ],
    [
      "pump_degradation:sev=0.5",
      `--fault pump_degradation.sev: unknown key (one of start, end, ramp, severity, value, channel) (got "0.5")`,
    ],
    ["pump_failure:start=1,start=2", `--fault pump_failure.start: given twice (got "2")`],
    ["pump_failure:start=10,end=5", "--fault pump_failure.end: must be after start (10 s) (got 5)"],
    ["pump_failure:start=10,end=10", "--fault pump_failure.end: must be after start (10 s) (got 10)"],
    ["sensor_bias:value=1", "--fault sensor_bias.channel: required for sensor faults (hot, cold or amb)"],
    [
      "sensor_bias:channel=warm,value=1",
      `--fault sensor_bias.channel: unknown channel (one of hot, cold, amb) (got "warm")`,
    ],
    [
      "pump_failure:channel=hot",
      `--fault pump_failure.channel: only sensor faults take a channel (got "hot")`,
    ],
    ["sensor_bias:channel=hot", "--fault sensor_bias.value: required (bias in K)"],
    ["sensor_drift:channel=hot", "--fault sensor_drift.value: required (drift in K/s)"],
    ["sensor_noise:channel=hot", "--fault sensor_noise.value: required (noise in K rms)"],
    ["link_corrupt:end=5", "--fault link_corrupt.value: required (byte error rate, 0-1)"],
    ["link_drop", "--fault link_drop.value: required (line loss rate, 0-1)"],
    ["link_corrupt:value=2", "--fault link_corrupt.value: must be a rate between 0 and 1 (got 2)"],
    ["link_drop:value=-0.25", "--fault link_drop.value: must be a rate between 0 and 1 (got -0.25)"],
    ["link_drop:value=1.5", "--fault link_drop.value: must be a rate between 0 and 1 (got 1.5)"],
    ["sensor_noise:channel=amb,value=-1", "--fault sensor_noise.value: must be >= 0 K rms (got -1)"],
    ["hx_fouling:value=3", "--fault hx_fouling.value: hx_fouling takes no value (got 3)"],
    [
      "link_disconnect:start=5",
      `--fault link_disconnect.end: a disconnect needs an end (the time the device comes back) (got "never")`,
    ],
  ])("refuses %j with the whole message", (text, message) => {
    let caught: unknown;
    try {
      parseFaultSpec(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
  });

  it("names the argument it is given in every message", () => {
    expect(() => parseFaultSpec("pump_explosion", "--inject")).toThrow(
      `--inject kind: unknown fault kind (one of ${KINDS}) (got "pump_explosion")`,
    );
    expect(() => parseFaultSpec("pump_failure:ramp=-1", "faults[2]")).toThrow(
      `faults[2] pump_failure.ramp: must be >= 0 s (got "-1")`,
    );
  });

  it("accepts the edges of every range and trims blanks around kind, keys and values", () => {
    expect(parseFaultSpec(" pump_degradation : start = 5 , severity = 0 , ramp = 0 ")).toEqual({
      kind: "pump_degradation",
      startS: 5,
      endS: Number.POSITIVE_INFINITY,
      rampS: 0,
      severity: 0,
      value: undefined,
      channel: undefined,
    });
    expect(parseFaultSpec("pump_degradation:severity=1,start=0").severity).toBe(1);
    expect(parseFaultSpec("link_corrupt:value=0").value).toBe(0);
    expect(parseFaultSpec("link_drop:value=1").value).toBe(1);
    expect(parseFaultSpec("sensor_noise:channel=amb,value=0")).toMatchObject({ value: 0, channel: "amb" });
    // A bias and a drift may be negative; only a noise level and the link rates are bounded.
    expect(parseFaultSpec("sensor_bias: channel = cold , value = -2 ")).toMatchObject({
      channel: "cold",
      value: -2,
    });
    expect(parseFaultSpec("sensor_drift:channel=hot,value=-0.01").value).toBe(-0.01);
    expect(parseFaultSpec("link_disconnect:start=5,end=6")).toMatchObject({ startS: 5, endS: 6 });
  });

  it("formats the canonical text: defaults left out, keys in a fixed order", () => {
    expect(formatFaultSpec(parseFaultSpec("pump_failure"))).toBe("pump_failure");
    expect(formatFaultSpec(parseFaultSpec("pump_degradation:severity=1,ramp=0,start=0"))).toBe(
      "pump_degradation",
    );
    expect(
      formatFaultSpec(
        parseFaultSpec("sensor_bias:channel=hot,value=1.5,severity=0.5,ramp=4,end=30,start=10"),
      ),
    ).toBe("sensor_bias:start=10,end=30,ramp=4,severity=0.5,value=1.5,channel=hot");
  });

  it("is at full severity from the start without a ramp, and 0 from the end on", () => {
    const f = parseFaultSpec("pump_degradation:start=100,end=200,severity=0.3");
    expect(faultLevel(f, 99.999)).toBe(0);
    expect(faultLevel(f, 100)).toBe(0.3);
    expect(faultLevel(f, 199.999)).toBe(0.3);
    expect(faultLevel(f, 200)).toBe(0);
    // With a ramp: a quarter of the way in, a quarter of the severity; full from the ramp's end.
    const r = parseFaultSpec("pump_degradation:start=100,ramp=40,severity=0.8");
    expect(faultLevel(r, 100)).toBe(0);
    expect(faultLevel(r, 110)).toBe(0.2);
    expect(faultLevel(r, 140)).toBe(0.8);
    expect(faultLevel(r, 1e9)).toBe(0.8);
    // "ramp=-0" is accepted (-0 is not below 0) and is a step like ramp=0.
    const minusZero = parseFaultSpec("pump_degradation:start=10,ramp=-0,severity=0.5");
    expect(faultLevel(minusZero, 10)).toBe(0.5);
    expect(faultLevel(minusZero, 20)).toBe(0.5);
    expect(isFaultActive(f, 99.999)).toBe(false);
    expect(isFaultActive(f, 199.999)).toBe(true);
    expect(isFaultActive(f, 200)).toBe(false);
  });

  it("sorts kinds into physical, sensor, flow-meter and link faults (docs/design.md 5)", () => {
    const physical = FAULT_KINDS.filter(isPhysicalFault);
    const sensor = FAULT_KINDS.filter(isSensorFault);
    const link = FAULT_KINDS.filter(isLinkFault);
    expect(physical).toEqual(["pump_degradation", "pump_failure", "hx_fouling", "heater_overpower"]);
    expect(sensor).toEqual([
      "sensor_bias",
      "sensor_drift",
      "sensor_noise",
      "sensor_stuck",
      "sensor_open",
      "sensor_short",
    ]);
    expect(link).toEqual(["link_corrupt", "link_drop", "link_disconnect", "device_reboot"]);
  });
});
