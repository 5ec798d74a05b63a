/**
 * HIL scenarios on both implementations of the device: the in-process emulator (`--target
 * emulator`) and the firmware in simavr (`--target fil`), same scenario, same plant seed, same
 * monitor. The verdicts must agree: scenario status, and each expectation's status.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { runScenario, type ScenarioResult } from "../../src/hil/runner.js";
import { loadScenarioFile } from "../../src/hil/scenarioLoader.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import { filTarget } from "../../src/hil/targets/filTarget.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function summary(r: ScenarioResult): string {
  return [
    `${r.target}: ${r.status}${r.reason ? ` (${r.reason})` : ""}`,
    ...r.verdicts.map((v) => `  ${v.status} ${v.name}: ${v.observed}`),
  ].join("\n");
}

/** Runs scenario `name` (hil/scenarios/NAME.yaml) on both targets; checks it passes on both, alike. */
export async function expectSameVerdicts(name: string): Promise<ScenarioResult> {
  const loaded = loadScenarioFile(join(ROOT, "hil", "scenarios", `${name}.yaml`));
  // The runner's default wall timeout on virtual time assumes 50x real time; the firmware in
  // simavr runs 3-9x (slower on a loaded machine): allow real time.
  const scenario = { ...loaded, timeoutS: loaded.timeoutS ?? 120 + loaded.durationS };
  const monitorFactory = await loadDefaultMonitorFactory();
  const onEmulator = await runScenario(scenario, {
    target: emulatorTarget("", { cwd: ROOT }),
    monitorFactory,
  });
  const onFirmware = await runScenario(scenario, { target: filTarget("", { cwd: ROOT }), monitorFactory });
  const both = `${summary(onEmulator)}\n${summary(onFirmware)}`;
  expect(onFirmware.status, both).toBe("passed");
  expect(onFirmware.status, both).toBe(onEmulator.status);
  expect(
    onFirmware.verdicts.map((v) => [v.name, v.status]),
    both,
  ).toEqual(onEmulator.verdicts.map((v) => [v.name, v.status]));
  expect(onFirmware.rigS).toBeCloseTo(scenario.durationS, 0);
  return onFirmware;
}
