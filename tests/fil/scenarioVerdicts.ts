/**
 * HIL scenarios on both implementations of the device: the in-process emulator (`--target
 * emulator`) and the firmware in simavr (`--target fil`), same scenario, same plant seed, same
 * monitor. The verdicts must agree: scenario status, and each expectation's status.
 *
 * The whole suite (hil/scenarios, about 10,400 device seconds) runs in `npm run test:fil`, split
 * into {@link FIL_SCENARIO_SHARDS} shards (scenarioSuite1..6.fil.ts) that vitest's workers take one
 * at a time: {@link scenarioShard}.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { runScenario, type ScenarioResult } from "../../src/hil/runner.js";
import type { Scenario } from "../../src/hil/scenario.js";
import { loadScenarioFile } from "../../src/hil/scenarioLoader.js";
import { shardOf } from "../../src/hil/shards.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import { filTarget } from "../../src/hil/targets/filTarget.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCENARIO_DIR = join(ROOT, "hil", "scenarios");
/**
 * Shards of the suite, one file each. More shards than cores: the longest scenario (nominal-hour,
 * a third of the suite) gets a shard of its own and starts first, and the other shards fill in
 * beside it and beside firmata.fil.ts, so both workers finish close together. On this project's
 * 2-core machine two shards (one per core) left one worker idle for about 90 s of the 657 s stage.
 */
export const FIL_SCENARIO_SHARDS = 6;
/** The slowest the firmware in simavr may run and still pass: device seconds per wall second. */
const MIN_SPEEDUP = 4;

function summary(r: ScenarioResult): string {
  return [
    `${r.target}: ${r.status}${r.reason ? ` (${r.reason})` : ""}`,
    ...r.verdicts.map((v) => `  ${v.status} ${v.name}: ${v.observed}`),
  ].join("\n");
}

/** Runs a scenario on both targets; checks it passes on both, alike. */
export async function expectSameVerdicts(loaded: Scenario): Promise<ScenarioResult> {
  // Wall timeout: real time (the firmware target keeps at least 1x), not the emulator's 50x.
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

/** Every scenario of hil/scenarios, longest first. */
export function suiteScenarios(): Scenario[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => loadScenarioFile(join(SCENARIO_DIR, f), `hil/scenarios/${f}`))
    .sort((a, b) => b.durationS - a.durationS || a.name.localeCompare(b.name));
}

/**
 * Shard `index` (0-based) of `count` of the suite, split as `looptwin hil run --shard K/N` splits
 * it (src/hil/shards.ts): longest first onto the lightest shard, every scenario in exactly one.
 */
export function scenarioShard(index: number, count: number): Scenario[] {
  return shardOf(suiteScenarios(), { index, count });
}

/** One vitest test per scenario of shard `index` of `count`. */
export function describeScenarioShard(index: number, count: number): void {
  const shard = scenarioShard(index, count);
  describe(`HIL suite on --target fil agrees with --target emulator (shard ${index + 1} of ${count})`, () => {
    it("the shard has scenarios", () => {
      expect(shard.length).toBeGreaterThan(0);
    });
    for (const s of shard) {
      it(
        `${s.name} (${s.durationS} device s)`,
        async () => {
          await expectSameVerdicts(s);
        },
        60_000 + (s.durationS * 1000) / MIN_SPEEDUP,
      );
    }
  });
}
