import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FAULT_KINDS, type FaultSpec, parseFaultSpec } from "../../src/model/faultSpec.js";
import { DEFAULT_RUN, formatRunUrl, parseRunUrl, type RunSpec } from "../../web/src/runUrl.js";

describe("parseRunUrl", () => {
  it("reads the issue's example URL", () => {
    const { run, errors } = parseRunUrl("?fault=pump_failure:start=30&speed=50&seed=3&set=UA=9");
    expect(errors).toEqual([]);
    expect(run.speed).toBe(50);
    expect(run.seed).toBe(3);
    expect(run.set).toEqual({ UA: 9 });
    expect(run.faults).toHaveLength(1);
    const f = run.faults[0] as FaultSpec;
    expect(f.kind).toBe("pump_failure");
    expect(f.startS).toBe(30);
    expect(f.endS).toBe(Number.POSITIVE_INFINITY);
    expect(f.severity).toBe(1);
    expect([run.pumpDuty, run.heaterDuty, run.fanDuty]).toEqual([200, 255, 255]);
  });

  it("takes fault and set repeated, and the duties", () => {
    const { run, errors } = parseRunUrl(
      "fault=hx_fouling:start=10,ramp=60,severity=0.5&fault=sensor_bias:channel=cold,value=1.5&set=UA=12&set=C_hot=4000&pump=120&heater=0&fan=90&speed=max",
    );
    expect(errors).toEqual([]);
    expect(run.faults.map((f) => f.kind)).toEqual(["hx_fouling", "sensor_bias"]);
    expect(run.faults[1]?.channel).toBe("cold");
    expect(run.faults[1]?.value).toBe(1.5);
    expect(run.set).toEqual({ UA: 12, C_hot: 4000 });
    expect([run.pumpDuty, run.heaterDuty, run.fanDuty]).toEqual([120, 0, 90]);
    expect(run.speed).toBe("max");
  });

  it("an empty query is the default run", () => {
    expect(parseRunUrl("")).toEqual({ run: DEFAULT_RUN, errors: [] });
  });

  // Each bad entry: the one-line error names the URL parameter, the default stays, the rest is read.
  const bad: [string, string, (r: RunSpec) => unknown, unknown][] = [
    ["speed=0", "speed", (r) => r.speed, 10],
    ["speed=2000", "speed", (r) => r.speed, 10],
    ["speed=fast", "speed", (r) => r.speed, 10],
    ["seed=-1", "seed", (r) => r.seed, 1],
    ["seed=1.5", "seed", (r) => r.seed, 1],
    ["set=UA=-3", "set UA", (r) => r.set, {}],
    ["set=UA=", "set UA", (r) => r.set, {}],
    ["set=FOO=1", "set", (r) => r.set, {}],
    ["fault=pump_fail", "fault kind", (r) => r.faults.length, 0],
    ["fault=pump_failure:start=-5", "fault pump_failure.start", (r) => r.faults.length, 0],
    ["fault=link_drop:value=0.1", "fault", (r) => r.faults.length, 0],
    ["pump=300", "pump", (r) => r.pumpDuty, 200],
    ["heater=abc", "heater", (r) => r.heaterDuty, 255],
    ["colour=red", "colour", () => 0, 0],
  ];
  for (const [query, name, pick, dflt] of bad) {
    it(`refuses ${query} with one line naming ${name}`, () => {
      const { run, errors } = parseRunUrl(`?${query}&fan=77`);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.startsWith(`${name}:`)).toBe(true);
      expect(errors[0]).not.toContain("\n");
      expect(pick(run)).toEqual(dflt);
      expect(run.fanDuty).toBe(77);
    });
  }

  it("never throws, whatever the query", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseRunUrl(s);
        expect(Array.isArray(r.errors)).toBe(true);
      }),
    );
  });
});

describe("formatRunUrl", () => {
  const faultText = fc.oneof(
    fc.constantFrom(
      ...FAULT_KINDS.filter(
        (k) => !k.startsWith("link_") && k !== "device_reboot" && !k.startsWith("sensor_"),
      ),
    ),
    fc
      .record({ start: fc.integer({ min: 0, max: 5000 }), sev: fc.integer({ min: 0, max: 100 }) })
      .map(({ start, sev }) => `pump_degradation:start=${start},severity=${sev / 100},ramp=20`),
    fc
      .record({ v: fc.double({ min: -5, max: 5, noNaN: true }), ch: fc.constantFrom("hot", "cold") })
      .map(({ v, ch }) => `sensor_bias:channel=${ch},value=${v}`),
  );
  const runArb = fc.record({
    faults: fc.array(
      faultText.map((t) => parseFaultSpec(t)),
      { maxLength: 3 },
    ),
    speed: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant("max" as const)),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    set: fc.record(
      { UA: fc.double({ min: 0.5, max: 50, noNaN: true }), C_hot: fc.integer({ min: 100, max: 9000 }) },
      { requiredKeys: [] },
    ),
    pumpDuty: fc.integer({ min: 0, max: 255 }),
    heaterDuty: fc.integer({ min: 0, max: 255 }),
    fanDuty: fc.integer({ min: 0, max: 255 }),
  });

  it("parseRunUrl(formatRunUrl(run)) is the run", () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const back = parseRunUrl(formatRunUrl(run));
        expect(back.errors).toEqual([]);
        expect(back.run).toEqual(run);
      }),
    );
  });

  it("leaves the defaults out", () => {
    expect(formatRunUrl(DEFAULT_RUN)).toBe("");
    expect(formatRunUrl({ ...DEFAULT_RUN, seed: 3, set: { UA: 9 } })).toBe("?seed=3&set=UA%3D9");
  });
});
