/** The suite's shards for `npm run test:fil`: every scenario in exactly one, balanced. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIL_SCENARIO_SHARDS, scenarioShard, suiteScenarios } from "./scenarioVerdicts.js";

const shardIndices = Array.from({ length: FIL_SCENARIO_SHARDS }, (_v, k) => k);

describe("scenario shards", () => {
  it("cover every scenario of hil/scenarios exactly once", () => {
    const all = suiteScenarios().map((s) => s.name);
    const sharded = shardIndices.flatMap((k) => scenarioShard(k, FIL_SCENARIO_SHARDS)).map((s) => s.name);
    expect(all.length).toBeGreaterThanOrEqual(18);
    expect([...sharded].sort()).toEqual([...all].sort());
  });

  it("are balanced within the longest scenario, and the longest is alone in the first", () => {
    const seconds = shardIndices.map((k) =>
      scenarioShard(k, FIL_SCENARIO_SHARDS).reduce((sum, s) => sum + s.durationS, 0),
    );
    const longest = suiteScenarios()[0];
    expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(longest?.durationS ?? 0);
    expect(scenarioShard(0, FIL_SCENARIO_SHARDS).map((s) => s.name)).toEqual([longest?.name]);
  });

  it("each have a file that runs them", () => {
    const files = readdirSync(new URL(".", import.meta.url)).filter((f) =>
      /^scenarioSuite\d+\.fil\.ts$/.test(f),
    );
    expect(files.sort()).toEqual(shardIndices.map((k) => `scenarioSuite${k + 1}.fil.ts`));
  });
});
