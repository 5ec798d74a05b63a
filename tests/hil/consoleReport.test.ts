/** The line printed as a scenario ends: its speed-up, whole above real time, two decimals below. */
import { describe, expect, it } from "vitest";
import { scenarioLines } from "../../src/hil/consoleReport.js";
import type { ScenarioResult } from "../../src/hil/runner.js";

const result = (rigS: number, wallS: number): ScenarioResult =>
  ({
    status: "passed",
    scenario: { name: "pump-failure-deadman", file: "hil/scenarios/pump-failure-deadman.yaml" },
    rigS,
    wallS,
    verdicts: [],
    steps: [],
  }) as unknown as ScenarioResult;

describe("scenarioLines", () => {
  it.each([
    [360, 1.2, "(360.0 s rig in 1.2 s wall, 300x)"],
    [60, 60, "(60.0 s rig in 60.0 s wall, 1x)"],
    // A simulated Firmata board at --speed 0.5, with its warm-up: printed "0x" when rounded.
    [180, 607.2, "(180.0 s rig in 607.2 s wall, 0.30x)"],
  ])("%s s of rig in %s s of wall", (rigS, wallS, text) => {
    expect(scenarioLines(result(rigS, wallS), 0, 1)[0]).toBe(`PASS  [1/1] pump-failure-deadman  ${text}`);
  });
});
