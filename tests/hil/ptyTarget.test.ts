/**
 * The pty target: `looptwin emulate` as a child process on a real pseudo-terminal, driven through
 * the real serialport bindings at 10x device speed, with the stand-in monitor (the smoke scenario
 * checks the link and the device's safety behaviour, which do not depend on the detectors).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/hil/runner.js";
import { loadScenarioFile } from "../../src/hil/scenarioLoader.js";
import { defaultLooptwinCommand, ptyTarget, shebangNodeOptions } from "../../src/hil/targets/ptyTarget.js";
import { FakeMonitor } from "./fakeMonitor.js";

const ROOT = join(import.meta.dirname, "..", "..");
/** The CLI from source (the pty target's child), so the test needs no build. */
const LOOPTWIN = [process.execPath, "--import", "tsx", join(ROOT, "tests", "hil", "cliEntry.ts")];

describe("pty target", () => {
  it("runs the smoke scenario through a pseudo-terminal: heartbeat loss, hold expiry, sensor events", async () => {
    const sc = loadScenarioFile(join(ROOT, "hil", "scenarios", "smoke-safety.yaml"));
    const target = ptyTarget("", { cwd: ROOT, speed: 10, looptwinCommand: LOOPTWIN });
    const result = await runScenario(sc, { target, monitorFactory: (c) => new FakeMonitor(c.params) });
    expect(result.reason).toBe("");
    expect(result.status).toBe("passed");
    expect(result.verdicts.every((v) => v.status === "passed")).toBe(true);
    expect(result.steps.map((s) => s.status)).toEqual(["done", "done", "done", "done", "done"]);
    // Real time at 10x: 60 device seconds took seconds of wall time, not a virtual instant.
    expect(result.rigS).toBeGreaterThanOrEqual(60);
    expect(result.history.length).toBeGreaterThan(500);
  }, 90_000);

  it("skips scenarios that set plant parameters it cannot pass to the emulator process", async () => {
    const sc = loadScenarioFile(join(ROOT, "hil", "scenarios", "smoke-safety.yaml"));
    const withParams = { ...sc, rig: { ...sc.rig, params: { UA: 12 } } };
    const target = ptyTarget("", { cwd: ROOT, speed: 10, looptwinCommand: LOOPTWIN });
    const result = await runScenario(withParams, {
      target,
      monitorFactory: (c) => new FakeMonitor(c.params),
    });
    expect(result.status).toBe("skipped");
    expect(result.reason).toBe(
      "skipped on pty: sets rig.params (UA) for an emulated plant; pty is a fixed rig",
    );
  });
});

describe("the looptwin command the pty target starts", () => {
  it("reads the node options of an env -S #! line, and none from any other first line", () => {
    expect(shebangNodeOptions("#!/usr/bin/env -S node --max-semi-space-size=2 --stack-size=500")).toEqual([
      "--max-semi-space-size=2",
      "--stack-size=500",
    ]);
    expect(shebangNodeOptions("#!/usr/bin/env node")).toEqual([]);
    expect(shebangNodeOptions("// not a #! line --max-semi-space-size=2 node --x")).toEqual([]);
    expect(shebangNodeOptions("#!/bin/sh")).toEqual([]);
  });

  it("runs bin/looptwin.js with this node and the young-generation cap of its #! line", () => {
    expect(defaultLooptwinCommand()).toEqual([
      process.execPath,
      "--max-semi-space-size=2",
      join(ROOT, "bin", "looptwin.js"),
    ]);
  });
});
