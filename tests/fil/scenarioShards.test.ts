/** The suite's shards for `npm run test:fil`: every scenario in exactly one, balanced. */
import { describe, expect, it } from "vitest";
import { scenarioShard, suiteScenarios } from "./scenarioVerdicts.js";

describe("scenario shards", () => {
  it("cover every scenario of hil/scenarios exactly once", () => {
    const all = suiteScenarios().map((s) => s.name);
    const sharded = [...scenarioShard(0, 2), ...scenarioShard(1, 2)].map((s) => s.name);
    expect(all.length).toBeGreaterThanOrEqual(18);
    expect([...sharded].sort()).toEqual([...all].sort());
  });

  it("are balanced within the longest scenario", () => {
    const seconds = (k: number) => scenarioShard(k, 2).reduce((sum, s) => sum + s.durationS, 0);
    const longest = Math.max(...suiteScenarios().map((s) => s.durationS));
    expect(Math.abs(seconds(0) - seconds(1))).toBeLessThanOrEqual(longest);
  });
});
