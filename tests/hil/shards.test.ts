/**
 * `--shard K/N`: every scenario in exactly one shard, the same split every time, shards balanced
 * within the longest scenario; `K/N` parsed strictly; the CLI's shards of the shipped suite cover
 * it once; bad K/N exit 2 with one line.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShard, shardOf, splitIntoShards } from "../../src/hil/shards.js";
import { runCli } from "../cli/runCli.js";

const ROOT = new URL("../..", import.meta.url).pathname;

const cli = (args: string[]) => runCli(args, ROOT);

/** Scenario names `hil list` printed (the lines that do not start with a space). */
function listed(out: string): string[] {
  return out
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith(" "))
    .map((l) => l.split(" ")[0] as string);
}

const suiteArb = fc.uniqueArray(
  fc.record({
    name: fc.string({ minLength: 1, maxLength: 8 }),
    durationS: fc.integer({ min: 1, max: 4000 }),
  }),
  { selector: (s) => s.name, minLength: 0, maxLength: 40 },
);

describe("splitIntoShards", () => {
  it("property: every scenario in exactly one shard, in its original order", () => {
    fc.assert(
      fc.property(suiteArb, fc.integer({ min: 1, max: 12 }), (suite, n) => {
        const shards = splitIntoShards(suite, n);
        expect(shards).toHaveLength(n);
        const all = shards.flat();
        expect(all.map((s) => s.name).sort()).toEqual(suite.map((s) => s.name).sort());
        for (const shard of shards) {
          const positions = shard.map((s) => suite.indexOf(s));
          expect(positions).toEqual([...positions].sort((a, b) => a - b));
        }
      }),
    );
  });

  it("property: loads differ by at most the longest scenario", () => {
    fc.assert(
      fc.property(suiteArb, fc.integer({ min: 1, max: 12 }), (suite, n) => {
        const loads = splitIntoShards(suite, n).map((s) => s.reduce((a, x) => a + x.durationS, 0));
        const longest = Math.max(0, ...suite.map((s) => s.durationS));
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest);
      }),
    );
  });

  it("property: the split depends on the scenarios, not on the order they were listed in", () => {
    fc.assert(
      fc.property(suiteArb, fc.integer({ min: 1, max: 6 }), (suite, n) => {
        const names = (x: readonly { name: string }[][]) => x.map((s) => s.map((y) => y.name).sort());
        expect(names(splitIntoShards([...suite].reverse(), n))).toEqual(names(splitIntoShards(suite, n)));
      }),
    );
  });

  it("puts the longest first into the lightest shard (a worked example)", () => {
    const suite = [
      { name: "a", durationS: 60 },
      { name: "b", durationS: 3600 },
      { name: "c", durationS: 1500 },
      { name: "d", durationS: 900 },
      { name: "e", durationS: 600 },
      { name: "f", durationS: 600 },
    ];
    // b -> 0 (3600); c -> 1 (1500); d -> 1 (2400); e (600 before f by name) -> 1 (3000); f -> 1 (3600); a -> 0.
    expect(splitIntoShards(suite, 2).map((s) => s.map((x) => x.name))).toEqual([
      ["a", "b"],
      ["c", "d", "e", "f"],
    ]);
    expect(shardOf(suite, { index: 1, count: 2 }).map((x) => x.name)).toEqual(["c", "d", "e", "f"]);
  });
});

describe("parseShard", () => {
  it.each([
    ["1/1", 0, 1],
    ["2/4", 1, 4],
    [" 4 / 4 ", 3, 4],
  ])("%j", (text, index, count) => {
    expect(parseShard(text)).toEqual({ index, count });
  });

  it.each([
    ["0/4", '--shard: K must be 1 to 4 (got "0/4")'],
    ["5/4", '--shard: K must be 1 to 4 (got "5/4")'],
    ["1/0", '--shard: N (the number of shards) must be at least 1 (got "1/0")'],
    ["2", '--shard: must be K/N, shard K of N (e.g. 2/4) (got "2")'],
    ["1.5/3", '--shard: must be K/N, shard K of N (e.g. 2/4) (got "1.5/3")'],
    ["-1/3", '--shard: must be K/N, shard K of N (e.g. 2/4) (got "-1/3")'],
  ])("refuses %j", (text, message) => {
    expect(() => parseShard(text)).toThrow(message);
  });
});

describe("looptwin hil --shard", () => {
  it("the shards 1/3, 2/3, 3/3 of the shipped suite cover it exactly once", async () => {
    const all = listed((await cli(["hil", "list"])).out);
    expect(all.length).toBeGreaterThanOrEqual(18);
    const parts: string[][] = [];
    for (const k of [1, 2, 3]) {
      const r = await cli(["hil", "list", "--shard", `${k}/3`]);
      expect(r.code).toBe(0);
      parts.push(listed(r.out));
    }
    expect(parts.flat().sort()).toEqual([...all].sort());
    for (const p of parts) expect(p.length).toBeGreaterThan(0);
  });

  it("shards what --filter selected", async () => {
    const sensor = listed((await cli(["hil", "list", "--filter", "sensor-"])).out);
    const halves = [
      listed((await cli(["hil", "list", "--filter", "sensor-", "--shard", "1/2"])).out),
      listed((await cli(["hil", "list", "--filter", "sensor-", "--shard", "2/2"])).out),
    ];
    expect(halves.flat().sort()).toEqual([...sensor].sort());
  });

  it.each([
    [["hil", "run", "--shard", "5/4"], 'looptwin hil: --shard: K must be 1 to 4 (got "5/4")\n'],
    [
      ["hil", "run", "--shard", "x"],
      'looptwin hil: --shard: must be K/N, shard K of N (e.g. 2/4) (got "x")\n',
    ],
    [
      ["hil", "run", "hil/scenarios/smoke-safety.yaml", "--shard", "2/2"],
      'looptwin hil: --shard: is empty: 1 scenario(s) do not fill 2 shards (got "2/2")\n',
    ],
  ])("%j exits 2 with one line", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(message);
  });
});
