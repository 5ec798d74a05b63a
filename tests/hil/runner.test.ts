/**
 * The runner on the in-process emulator (virtual time, the real serial-source byte path) with a
 * stand-in monitor: steps, ground truth, overrides, skips, aborts and timeouts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { type MonitorContext, runScenario, type ScenarioResult } from "../../src/hil/runner.js";
import type { Scenario } from "../../src/hil/scenario.js";
import { loadScenarioFile, parseScenario } from "../../src/hil/scenarioLoader.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import type { HilTarget } from "../../src/hil/targets/target.js";
import type { CommandRecord, KnownRecord, LabelRecord } from "../../src/rig/recording/recording.js";
import { MemoryRecordSink } from "../../src/rig/recording/recordingWriter.js";
import { FakeMonitor } from "./fakeMonitor.js";

const ROOT = join(import.meta.dirname, "..", "..");

interface Run {
  readonly result: ScenarioResult;
  /** Undefined when the scenario was skipped before it ran. */
  readonly monitor: FakeMonitor | undefined;
  readonly records: readonly KnownRecord[];
}

async function run(
  scenario: Scenario,
  options: { target?: HilTarget; signal?: AbortSignal } = {},
): Promise<Run> {
  let monitor: FakeMonitor | undefined;
  const sink = new MemoryRecordSink(new ManualClock());
  const result = await runScenario(scenario, {
    target: options.target ?? emulatorTarget("", { cwd: ROOT }),
    monitorFactory: (c: MonitorContext) => {
      monitor = new FakeMonitor(c.params);
      return monitor;
    },
    record: sink,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  return { result, monitor, records: sink.records };
}

function commands(records: readonly KnownRecord[]): string[] {
  return records
    .filter((r): r is CommandRecord => r.type === "command")
    .map((r) => r.line.split("*")[0] ?? "");
}

function scenario(body: string): Scenario {
  return parseScenario(`name: t\nseed: 3\n${body}`, "t.yaml");
}

describe("runScenario on the emulator", () => {
  it("runs the shipped pump-failure scenario: injection, detection, hold expiry, ground truth, SAFE at the end", async () => {
    const sc = loadScenarioFile(join(ROOT, "hil", "scenarios", "pump-failure-deadman.yaml"));
    const { result, monitor, records } = await run(sc);
    expect(result.reason).toBe("");
    expect(result.status).toBe("passed");
    expect(result.verdicts.map((v) => v.status)).toEqual(["passed", "passed", "passed", "passed", "passed"]);
    expect(result.rigS).toBeCloseTo(180, 6);
    // Ground truth: from the injection to the device's hold expiry (30 s later, within a sample).
    expect(result.faults).toHaveLength(1);
    const f = result.faults[0];
    expect(f?.kind).toBe("pump_failure");
    expect(f?.startS).toBeCloseTo(60, 6);
    expect(f?.endS).toBeGreaterThan(89.8);
    expect(f?.endS).toBeLessThanOrEqual(90.1);
    // The twin kept the setpoint: the only setpoints it got are the initial ones.
    expect(monitor?.setpointLog.map((s) => s.setpoints.pumpDuty)).toEqual([200]);
    expect(monitor?.samples).toBeGreaterThan(1790);
    // As the dashboard does it: a 3 s dead-man hold renewed every second, the last one ending
    // the injection on time.
    const cmds = commands(records);
    const holds = cmds.filter((c) => /^PWM,\d+,pump,0,\d+$/.test(c)).map((c) => Number(c.split(",")[4]));
    // At 60 s, then every second until the hold left covers the rest (the last one ends at 90 s).
    expect(holds).toHaveLength(28);
    expect(holds.slice(0, -1).every((h) => h === 3000)).toBe(true);
    expect(holds[27]).toBeGreaterThan(2900);
    expect(holds[27]).toBeLessThanOrEqual(3000);
    expect(cmds[cmds.length - 1]).toMatch(/^SAFE,\d+$/);
    const labels = records.filter((r): r is LabelRecord => r.type === "label");
    expect(labels.map((l) => [l.action, l.by])).toEqual([
      ["start", "injector"],
      ["end", "scenario"],
    ]);
    expect(records.some((r) => r.type === "alarm")).toBe(true);
    expect(records.some((r) => r.type === "twin")).toBe(true);
  });

  it("heartbeat off: the device goes SAFE by itself, the twin follows, then the setpoints come back", async () => {
    const sc = scenario(`duration: 60
steps:
  - at: 20
    name: off
    heartbeat: off
  - at: 40
    name: on
    heartbeat: on
expect:
  - event: HB_LOST
    after: off + 2.5
    within: 1.5
  - band: heater_duty
    min: 0
    max: 0
    from: off + 4
    to: on
  - band: fan_duty
    min: 255
    max: 255
    from: off + 4
    to: on
  - band: heater_duty
    min: 255
    max: 255
    from: on + 1
`);
    const { result, monitor } = await run(sc);
    expect(result.verdicts.map((v) => `${v.status} ${v.observed}`)).toEqual([
      expect.stringMatching(/^passed EVT HB_LOST at 2[23]\.\d s$/),
      expect.stringMatching(/^passed range \[0\.000, 0\.000\]/),
      expect.stringMatching(/^passed range \[255\.0, 255\.0\]/),
      expect.stringMatching(/^passed range \[255\.0, 255\.0\]/),
    ]);
    expect(result.status).toBe("passed");
    expect(monitor?.follows).toEqual([true, false]);
    expect(monitor?.setpointLog.map((s) => Math.round(s.tS))).toEqual([0, 40]);
  });

  it("a disconnect is marked as a gap, handed to the monitor, and the link comes back", async () => {
    const sc = loadScenarioFile(join(ROOT, "hil", "scenarios", "disconnect-reconnect.yaml"));
    const { result, monitor } = await run(sc);
    const gap = result.verdicts.find((v) => v.name.startsWith("disconnect gap"));
    expect(gap?.status).toBe("passed");
    expect(monitor?.gaps).toHaveLength(1);
    expect(monitor?.gaps[0]?.fromS).toBeGreaterThan(119);
    expect(monitor?.gaps[0]?.fromS).toBeLessThan(120.5);
    expect(monitor?.gaps[0]?.toS).toBeGreaterThan(128);
    expect(result.linkCounters.reconnects).toBeGreaterThanOrEqual(1);
    expect(result.timeline.some((o) => o.kind === "link" && o.state === "RECONNECTING")).toBe(true);
  });

  it("a device that does not refuse a command expected to be refused fails the step", async () => {
    const sc = scenario(`duration: 5
steps:
  - at: 1
    name: heat
    setpoints: { heater: 200 }
    expect_nak: interlock
expect:
  - no_alarm: any
`);
    const { result } = await run(sc);
    expect(result.status).toBe("failed");
    expect(result.reason).toBe("step heat (line 5) failed: expected NAK interlock, the device acknowledged");
  });

  it("a wait_until that times out fails the step with the last value seen, and ends the run there", async () => {
    const sc = scenario(`duration: 120
steps:
  - wait_until: { signal: t_hot_c, above: 90 }
    name: hot
    timeout: 10
  - at: 100
    note: never
expect:
  - band: t_hot_c
    max: 90
`);
    const { result } = await run(sc);
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(
      /^step hot \(line 5\) failed: t_hot_c > 90 not met within 10\.0 s \(waited from 0\.0 s; last t_hot_c = (39|40)\.\d{3} at 9\.\d s\)$/,
    );
    expect(result.steps.map((s) => s.status)).toEqual(["failed", "not_reached"]);
    expect(result.rigS).toBeLessThan(11);
  });
});

describe("a link that does not come back", () => {
  it("ends the run with an error after 60 s of scenario time", async () => {
    const sc = scenario(`duration: 10 min
steps:
  - at: 30
    name: unplug
    link: link_disconnect:end=400
expect:
  - gap: any
    after: unplug
    within: 500
`);
    const { result } = await run(sc);
    expect(result.status).toBe("error");
    expect(result.reason).toMatch(
      /^the link has been RECONNECTING since 3\d\.\d s \(over 60 s\): the run cannot go on/,
    );
    expect(result.rigS).toBeGreaterThan(90);
    expect(result.rigS).toBeLessThan(100);
  });
});

describe("targets with their own fault channel", () => {
  it("get emulator faults through injectFault instead of EMU lines (a device that refuses EMU)", async () => {
    const injected: string[] = [];
    const base = emulatorTarget("", { cwd: ROOT });
    const target: HilTarget = {
      ...base,
      name: "side-channel",
      async open(options) {
        const session = await base.open(options);
        return {
          ...session,
          async injectFault(f) {
            injected.push(f === "clear" ? "clear" : f.kind);
          },
        };
      },
    };
    const sc = scenario(`duration: 20
steps:
  - at: 5
    emu: sensor_bias:channel=cold,value=2
  - at: 10
    link: device_reboot
  - at: 15
    emu: clear
expect:
  - no_alarm: any
`);
    const { result, records } = await run(sc, { target });
    expect(injected).toEqual(["sensor_bias", "device_reboot", "clear"]);
    expect(result.steps.map((x) => x.status)).toEqual(["done", "done", "done"]);
    expect(commands(records).some((c) => c.startsWith("EMU"))).toBe(false);
    expect(result.faults.map((f) => [f.kind, f.startS, f.endS])).toEqual([
      ["sensor_bias", expect.closeTo(5, 3), expect.closeTo(15, 1)],
      ["device_reboot", expect.closeTo(10, 3), expect.closeTo(11, 3)],
    ]);
  });
});

describe("a rig that cannot be preset", () => {
  const cold = (): HilTarget => {
    const t = emulatorTarget("", { cwd: ROOT });
    return { ...t, name: "cold-rig", capabilities: { ...t.capabilities, presetState: false } };
  };

  it("is warmed up at the setpoints until steady before t = 0", async () => {
    const sc = scenario("duration: 30\nexpect:\n  - band: t_cold_c\n    min: 38\n    max: 41\n");
    const { result } = await run(sc, { target: cold() });
    expect(result.status).toBe("passed");
    // Steady state at pump 200, heater 255, fan 255: T_cold = 25 + 150/10 less the losses, ~39.5 C.
    expect(result.history.value(1, 0)).toBeGreaterThan(38);
  });

  it("fails with the reason when the warm-up takes longer than allowed", async () => {
    const sc = scenario("rig:\n  warmup_timeout: 5 min\nduration: 30\nexpect:\n  - no_alarm: any\n");
    const { result } = await run(sc, { target: cold() });
    expect(result.status).toBe("error");
    expect(result.reason).toMatch(
      /^warm-up: not steady after 300 s \(still moving \d+\.\d{3} K\/min\); raise rig\.warmup_timeout$/,
    );
  });
});

describe("targets without EMU", () => {
  const noEmu = (): HilTarget => {
    const t = emulatorTarget("", { cwd: ROOT });
    return { ...t, name: "bench", capabilities: { ...t.capabilities, emu: false, truth: false } };
  };

  it("skip emulator-only steps with the reason and judge what does not depend on them", async () => {
    const sc = scenario(`duration: 30
steps:
  - at: 10
    name: bias
    emu: sensor_bias:channel=hot,value=1.5
expect:
  - alarm: t_hot_sensor
    after: bias
    within: 10
  - band: pump_duty
    min: 200
    max: 200
    from: 1
`);
    const { result } = await run(sc, { target: noEmu() });
    expect(result.steps[0]?.status).toBe("skipped");
    expect(result.steps[0]?.detail).toBe(
      "emulator-only (EMU sensor_bias:channel=hot,value=1.5): bench has no EMU command",
    );
    expect(result.verdicts.map((v) => v.status)).toEqual(["skipped", "passed"]);
    expect(result.status).toBe("passed");
  });

  it("skip a whole scenario that checks nothing but what emulator-only steps cause, without running it", async () => {
    const sc = loadScenarioFile(join(ROOT, "hil", "scenarios", "flow-blockage.yaml"));
    const { result } = await run(sc, { target: noEmu() });
    expect(result.status).toBe("skipped");
    expect(result.reason).toContain("skipped on bench: needs emulator-only steps (blocked)");
    expect(result.history.length).toBe(0);
  });
});

describe("aborts", () => {
  it("Ctrl-C mid-run ends with SAFE sent and the reason reported", async () => {
    const sc = scenario("duration: 1 h\nexpect:\n  - no_alarm: any\n");
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("SIGINT received")), 300);
    const { result, records } = await run(sc, { signal: ac.signal });
    expect(result.status).toBe("error");
    expect(result.reason).toContain("aborted: SIGINT received");
    expect(result.rigS).toBeGreaterThan(0);
    expect(result.rigS).toBeLessThan(3600);
    const cmds = commands(records);
    expect(cmds[cmds.length - 1]).toMatch(/^SAFE,\d+$/);
  });

  it("the per-scenario timeout ends the run with SAFE sent", async () => {
    const sc = scenario("duration: 1 h\ntimeout: 0.3\nexpect:\n  - no_alarm: any\n");
    const { result, records } = await run(sc);
    expect(result.status).toBe("error");
    expect(result.reason).toContain("scenario timeout: not done after 0.3 s of wall time");
    const cmds = commands(records);
    expect(cmds[cmds.length - 1]).toMatch(/^SAFE,\d+$/);
  });
});
