/**
 * Splitting a scenario suite into shards that run side by side (CI jobs of a matrix, vitest
 * forks): longest scenario first onto the shard with the fewest device seconds so far, so the
 * shards take about the same time (within the longest scenario). Every scenario lands in exactly
 * one shard; the split depends only on the scenarios' durations and names, so every job of a
 * matrix computes the same split.
 */
import { ConfigError } from "../core/errors.js";

/** Shard `index` (0-based) of `count`. */
export interface ShardChoice {
  readonly index: number;
  readonly count: number;
}

/** What a shard is balanced on. */
export interface Shardable {
  readonly name: string;
  /** Device seconds the scenario runs. */
  readonly durationS: number;
}

/** Parses `K/N` (1 <= K <= N, whole numbers) as given to `--shard`. */
export function parseShard(text: string, option = "--shard"): ShardChoice {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new ConfigError(option, text, "must be K/N, shard K of N (e.g. 2/4)");
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1) throw new ConfigError(option, text, "N (the number of shards) must be at least 1");
  if (k < 1 || k > n) throw new ConfigError(option, text, `K must be 1 to ${n}`);
  return { index: k - 1, count: n };
}

/** All `count` shards of `scenarios`, each in the order the scenarios came. */
export function splitIntoShards<T extends Shardable>(scenarios: readonly T[], count: number): T[][] {
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError("shard count", count, "must be a whole number >= 1");
  const order = scenarios
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.durationS - a.s.durationS || a.s.name.localeCompare(b.s.name) || a.i - b.i);
  const loads = new Array<number>(count).fill(0);
  const members = Array.from({ length: count }, (): { s: T; i: number }[] => []);
  for (const entry of order) {
    let lightest = 0;
    for (let k = 1; k < count; k++) if ((loads[k] as number) < (loads[lightest] as number)) lightest = k;
    loads[lightest] = (loads[lightest] as number) + entry.s.durationS;
    members[lightest]?.push(entry);
  }
  return members.map((m) => m.sort((a, b) => a.i - b.i).map((e) => e.s));
}

/** The scenarios of one shard. */
export function shardOf<T extends Shardable>(scenarios: readonly T[], choice: ShardChoice): T[] {
  return splitIntoShards(scenarios, choice.count)[choice.index] ?? [];
}
