import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputFileError } from "../../src/core/errors.js";
import { loadScenarioFiles, parseScenario } from "../../src/hil/scenarioLoader.js";
import { parseDurationS } from "../../src/hil/yamlFields.js";

const ROOT = join(import.meta.dirname, "..", "..");

const VALID = `name: demo
description: a demo
seed: 42
rig:
  params: { UA: 12 }
  rate_hz: 20
  start: ambient
setpoints: { pump: 180 }
duration: 5 min
tags: [smoke]
steps:
  - at: 60
    name: off
    inject: { channel: pump, duty: 0, hold: 20 s, fault: pump_failure }
  - wait_until: { event: HOLD_EXPIRED, detail: pump }
    timeout: 40
    name: back
  - at: 100
    emu: sensor_bias:channel=hot,value=1.5
  - at: 110
    link: link_drop:value=0.05,end=10
  - at: 120
    heartbeat: off
  - at: 125
    safe: true
    expect_nak: interlock
expect:
  - alarm: pump_failure
    after: off
    within: 2
  - no_alarm: any
    to: off
  - band: t_hot_c
    min: 20
    max: 60
    from: off + 1 min
    to: end - 10
  - event: HB_LOST
    after: step 5
    within: 4
  - recovery: { diagnosis: pump_failure, severity: critical }
    after: back
    within: 30
  - gap: any
    from: 100
    to: 130
  - link:
      crc_errors: { max: 0 }
`;

/** The error a parse throws (fails the test when it does not throw). */
function parseError(text: string): InputFileError {
  try {
    parseScenario(text, "s.yaml");
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error("expected an InputFileError");
}

/** VALID with the line containing `find` replaced by `replace`. */
function variant(find: string, replace: string): string {
  expect(VALID).toContain(find);
  return VALID.replace(find, replace);
}

describe("parseScenario", () => {
  it("reads every part of a valid scenario", () => {
    const s = parseScenario(VALID, "s.yaml");
    expect(s.name).toBe("demo");
    expect(s.seed).toBe(42);
    expect(s.durationS).toBe(300);
    expect(s.setpoints).toEqual({ pump: 180, heater: 255, fan: 255 });
    expect(s.rig).toMatchObject({ params: { UA: 12 }, rateHz: 20, start: "ambient", ambientProbe: true });
    expect(s.tags).toEqual(["smoke"]);
    expect(s.steps.map((x) => x.name)).toEqual(["off", "back", "step 3", "step 4", "step 5", "step 6"]);
    expect(s.steps[0]).toMatchObject({
      line: 12,
      trigger: { kind: "at", tS: 60 },
      action: { kind: "inject", channel: "pump", duty: 0, holdMs: 20000, fault: "pump_failure" },
    });
    expect(s.steps[1]?.trigger).toEqual({
      kind: "wait_until",
      condition: { kind: "event", code: "HOLD_EXPIRED", detail: "pump" },
      timeoutS: 40,
    });
    expect(s.steps[2]?.action).toMatchObject({ kind: "emu", text: "sensor_bias:channel=hot,value=1.5" });
    expect(s.steps[3]?.action).toMatchObject({
      kind: "link",
      spec: { kind: "link_drop", value: 0.05, endS: 10 },
    });
    expect(s.steps[4]?.action).toEqual({ kind: "heartbeat", on: false });
    expect(s.steps[5]?.expectNak).toBe("interlock");
    const [alarm, none, band, event, recovery, gap, link] = s.expectations.map((e) => e.expectation);
    expect(alarm).toEqual({
      kind: "alarm",
      match: { diagnosis: "pump_failure" },
      window: {
        from: { kind: "step", step: "off", offsetS: 0 },
        to: { kind: "step", step: "off", offsetS: 2 },
      },
    });
    expect(none).toMatchObject({ kind: "no_alarm", match: {}, window: { from: { kind: "abs", tS: 0 } } });
    expect(band).toMatchObject({
      signal: "t_hot_c",
      min: 20,
      max: 60,
      window: { from: { kind: "step", step: "off", offsetS: 60 }, to: { kind: "end", offsetS: -10 } },
    });
    expect(event).toMatchObject({ code: "HB_LOST", window: { from: { kind: "step", step: "step 5" } } });
    expect(recovery).toMatchObject({ match: { diagnosis: "pump_failure", severity: "critical" } });
    expect(gap).toMatchObject({
      kind: "gap",
      window: { from: { kind: "abs", tS: 100 }, to: { kind: "abs", tS: 130 } },
    });
    expect(gap).not.toHaveProperty("reason");
    expect(link).toEqual({ kind: "link", bounds: { crc_errors: { max: 0 } } });
    expect(s.expectations[0]?.name).toBe("pump_failure alarm raised in off .. off + 2 s");
  });

  it.each([
    ["duty: 0, hold", "duty: 300, hold", 14, "steps[0].inject.duty: must be <= 255 (got 300)"],
    ["    name: off\n", "    name: off\n    colour: red\n", 14, 'steps[0].colour: unknown key "colour"'],
    ["    after: off\n", "    after: of\n", 29, "after: names no step"],
    ["  - band: t_hot_c", "  - band: t_hotter", 33, "band: unknown signal"],
    ["value=1.5", "value=x", 19, "steps[2].emu: fault spec sensor_bias.value: must be a finite number"],
    ["emu: sensor_bias:channel=hot,value=1.5", "emu: link_corrupt:value=0.1", 19, "is a link fault"],
    ["  - at: 125", "  - at: 900", 24, "after the duration"],
    ["  - at: 110", "  - at: 50", 20, "before the previous step"],
    ["duration: 5 min", "duration: 5 parsecs", 9, "duration: must be a duration"],
    ["    heartbeat: off", "    heartbeat: off\n    safe: true", 22, "several actions"],
    ["  - no_alarm: any", "  - no_alarm: any\n    band: t_hot_c", 31, "needs exactly one of"],
    ["    within: 2\n", "", 28, "needs a window end"],
    ["seed: 42", "seed: -1", 3, "seed: must be >= 0"],
    ["  params: { UA: 12 }", "  params: { UA: -3 }", 5, "rig.params.UA: UA: must not be negative"],
  ])("refuses %j -> %j at line %i: %s", (find, replace, line, message) => {
    const e = parseError(variant(find, replace));
    expect(e.file).toBe("s.yaml");
    expect(e.line).toBe(line);
    expect(e.message).toContain(message);
    expect(e.message.startsWith(`s.yaml (line ${line}): `)).toBe(true);
  });

  it("refuses bad YAML with its line, a scenario without expectations, and unknown top-level keys", () => {
    expect(parseError("name: x\nduration: 10\n  bad: [\n").message).toContain("not valid YAML");
    expect(parseError("name: x\nduration: 10\nexpect: []\n").message).toContain(
      "needs at least one expectation",
    );
    const e = parseError("name: x\nduration: 10\nexpect:\n  - no_alarm: any\nduratoin: 5\n");
    expect(e.line).toBe(5);
    expect(e.message).toContain('unknown key "duratoin"');
  });
});

describe("parseDurationS", () => {
  it("reads seconds and units", () => {
    expect(parseDurationS("90")).toBe(90);
    expect(parseDurationS("90 s")).toBe(90);
    expect(parseDurationS("1.5 min")).toBe(90);
    expect(parseDurationS("500 ms")).toBeCloseTo(0.5, 12);
    expect(parseDurationS("2 h")).toBe(7200);
    expect(parseDurationS("2 hours")).toBeUndefined();
    expect(parseDurationS("-3")).toBeUndefined();
  });

  it("n min is 60 n s for every n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => parseDurationS(`${n} min`) === 60 * n),
    );
  });
});

describe("the shipped suite", () => {
  it("parses, with unique names, and covers every scenario the issue lists", () => {
    const all = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
    const names = all.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      "nominal-hour",
      "pump-degradation-30",
      "pump-failure-deadman",
      "hx-fouling-ramp",
      "heater-overpower",
      "sensor-bias-hot",
      "sensor-bias-cold",
      "sensor-stuck-hot",
      "sensor-stuck-cold",
      "sensor-open-hot",
      "sensor-open-cold",
      "flow-blockage",
      "link-corrupt-pump-failure",
      "disconnect-reconnect",
      "device-reboot",
      "heartbeat-loss-safe",
      "overtemp-interlock",
    ])
      expect(names).toContain(n);
    expect(all.find((s) => s.name === "nominal-hour")?.durationS).toBe(3600);
    expect(all.filter((s) => s.tags.includes("smoke")).length).toBeGreaterThan(0);
  });

  it("the examples' scenarios parse too", () => {
    const ex = loadScenarioFiles([join(ROOT, "examples", "scenarios")], ROOT);
    expect(ex.map((s) => s.name)).toContain("example-pump-restart");
  });
});

describe("the learned detector in a scenario (issue 17)", () => {
  it("reads learned: { learn_first } in seconds or with a unit, and detector: on alarm expectations", () => {
    const s = parseScenario(
      [
        "name: l",
        "duration: 300",
        "learned: { learn_first: 2 min }",
        "steps:",
        "  - { at: 120, name: fault, emu: clear }",
        "  - wait_until: { alarm: any, detector: learned }",
        "expect:",
        "  - { alarm: any, detector: learned, after: fault, within: 10 }",
        "  - { no_alarm: { cause: flow, detector: residual } }",
        "  - { recovery: pump_failure, detector: residual, after: fault, within: 60 }",
        "",
      ].join("\n"),
      "l.yaml",
    );
    expect(s.learned).toEqual({ learnFirstS: 120 });
    expect(s.expectations.map((e) => ("match" in e.expectation ? e.expectation.match : null))).toEqual([
      { detector: "learned" },
      { cause: "flow", detector: "residual" },
      { diagnosis: "pump_failure", detector: "residual" },
    ]);
    expect(s.expectations[0]?.name).toBe("learned detector alarm raised in fault .. fault + 10 s");
    const wait = s.steps[1]?.trigger;
    expect(wait?.kind === "wait_until" && wait.condition).toEqual({
      kind: "alarm",
      match: { detector: "learned" },
    });
    expect(parseScenario("name: x\nduration: 10\nexpect:\n  - no_alarm: any\n", "x.yaml").learned).toBe(
      undefined,
    );
  });

  it("refuses a span under 10 s, an unknown key under learned and an unknown detector, naming each", () => {
    const base = "name: x\nduration: 100\nexpect:\n  - no_alarm: any\n";
    const short = parseError(`${base}learned: { learn_first: 8 }\n`);
    expect(short.line).toBe(5);
    expect(short.message).toContain("learned.learn_first");
    expect(short.message).toContain("10");
    expect(parseError(`${base}learned: { learn_frist: 60 }\n`).message).toContain(
      'unknown key "learn_frist"',
    );
    expect(parseError(`${base}learned: 60\n`).message).toContain("learned: { learn_first: 60 s }");
    const detector = parseError("name: x\nduration: 100\nexpect:\n  - { no_alarm: any, detector: twin }\n");
    expect(detector.line).toBe(4);
    expect(detector.message).toMatch(/detector.*learned.*residual/);
  });
});
