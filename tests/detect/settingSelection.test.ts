import { describe, expect, it } from "vitest";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { parseSkabCsv } from "../../src/detect/data/skabCsv.js";
import { evaluateTable } from "../../src/detect/evaluation/evaluation.js";
import {
  chunkTable,
  describeCandidate,
  evaluateCandidates,
  gridCandidates,
  runSettingSelection,
} from "../../src/detect/evaluation/settingSelection.js";
import { correlatedChannels, skabCsv } from "./syntheticData.js";

/** A SKAB-layout file of 1000 rows with a 4-sigma shift on one channel over rows [from, from + 200). */
function faultFile(seed: number, from: number, channel: number): LabelledTable {
  const data = correlatedChannels({
    rows: 1000,
    channels: 4,
    seed,
    fault: { from, to: from + 200, channel, shift: 4 },
  });
  return parseSkabCsv(skabCsv(data), `f${seed}.csv`);
}

const FILES = [faultFile(41, 600, 0), faultFile(42, 650, 1), faultFile(43, 550, 2), faultFile(44, 700, 3)];
const SMALL_GRID = {
  windowRows: [3, 10],
  persistenceRows: [1, 5],
  holdRows: [0],
  alpha: [0.01],
  scaleBlocks: [1, 4],
  baselineRows: [0],
};

describe("the setting-selection procedure, end to end on synthetic files", () => {
  const candidates = gridCandidates(SMALL_GRID);
  const result = runSettingSelection(FILES, 400, candidates);

  it("spans the grid over the fixed settings", () => {
    expect(candidates).toHaveLength(8);
    for (const c of candidates) {
      expect(c.calibrationBlocks).toBe(4);
      expect(c.threshold).toEqual({ kind: "pot", alpha: 0.01, initialQuantile: 0.9, margin: 1 });
    }
    expect(describeCandidate(candidates[1] ?? {})).toBe(
      "window 3, persistence 1, hold 0, alpha 0.01, scale leave-4-block-out spread, baseline training level",
    );
  });

  it("finds every hand-placed fault with few false alarms, held out and on all files", () => {
    for (const s of [result.lofo.pooled, result.final.summary]) {
      expect(s.events).toBe(4);
      expect(s.eventsDetected).toBe(4);
      expect(s.f1 ?? 0).toBeGreaterThan(0.85);
      expect(s.far ?? 1).toBeLessThan(0.05);
    }
    expect(result.lofo.folds.map((f) => f.heldOut)).toEqual([0, 1, 2, 3]);
  });

  it("never lets the held-out file choose its own setting", () => {
    // Replace file 0 by a file whose fault is so faint that a different setting would suit it:
    // fold 0's choice, made on files 1-3, must not move.
    const faint = parseSkabCsv(
      skabCsv(
        correlatedChannels({
          rows: 1000,
          channels: 4,
          seed: 45,
          fault: { from: 600, to: 800, channel: 0, shift: 0.8 },
        }),
      ),
      "faint.csv",
    );
    const other = runSettingSelection([faint, ...FILES.slice(1)], 400, candidates);
    expect(other.lofo.folds[0]?.chosen).toBe(result.lofo.folds[0]?.chosen);
    expect(other.lofo.folds[0]?.training).toEqual(result.lofo.folds[0]?.training);
  });
});

describe("candidates sharing their scores", () => {
  it("each candidate's evaluation is that of a detector of its own, whatever persistence and hold", () => {
    const grid = {
      ...SMALL_GRID,
      windowRows: [5],
      persistenceRows: [1, 3],
      holdRows: [0, 10],
      scaleBlocks: [1],
    };
    const candidates = gridCandidates(grid);
    expect(candidates).toHaveLength(4);
    expect(candidates.map((c) => [c.persistenceRows, c.holdRows])).toEqual([
      [1, 0],
      [1, 10],
      [3, 0],
      [3, 10],
    ]);
    const tables = FILES.slice(0, 2);
    const shared = evaluateCandidates(tables, 400, candidates);
    for (const [i, c] of candidates.entries())
      for (const [f, t] of tables.entries())
        expect(shared[i]?.[f]).toEqual(evaluateTable(t, 400, c).evaluation);
    // Hold adds alarm rows, persistence removes them (the same scores underneath).
    const alarmed = (i: number): number =>
      (shared[i] ?? []).reduce((n, e) => n + e.counts.tp + e.counts.fp, 0);
    expect(alarmed(1)).toBeGreaterThan(alarmed(0));
    expect(alarmed(2)).toBeLessThan(alarmed(0));
  });

  it("the grid's order: window, persistence, hold, alpha, scale, baseline", () => {
    const candidates = gridCandidates({
      windowRows: [3],
      persistenceRows: [1],
      holdRows: [0, 30],
      alpha: [0.05, 0.001],
      scaleBlocks: [1],
      baselineRows: [0],
    });
    expect(candidates.map(describeCandidate)).toEqual([
      "window 3, persistence 1, hold 0, alpha 0.05, scale sd, baseline training level",
      "window 3, persistence 1, hold 0, alpha 0.001, scale sd, baseline training level",
      "window 3, persistence 1, hold 30, alpha 0.05, scale sd, baseline training level",
      "window 3, persistence 1, hold 30, alpha 0.001, scale sd, baseline training level",
    ]);
    expect(describeCandidate({ ...candidates[0], baselineRows: 100 })).toBe(
      "window 3, persistence 1, hold 0, alpha 0.05, scale sd, baseline followed (100 rows)",
    );
    expect(() => gridCandidates({ ...SMALL_GRID, holdRows: [] })).toThrow(
      "grid: has no candidate (an empty list) (got 0)",
    );
  });
});

describe("chunkTable", () => {
  it("cuts a run into consecutive pieces, labelled nominal when the run has no labels", () => {
    const data = correlatedChannels({ rows: 2500, channels: 2, seed: 46 });
    const run = parseSkabCsv(skabCsv(data, false), "free.csv");
    const pieces = chunkTable(run, 1000);
    expect(pieces).toHaveLength(2);
    expect(pieces[1]?.rowCount).toBe(1000);
    expect(pieces[1]?.channels[1]?.[0]).toBe(run.channels[1]?.[1000]);
    expect(pieces[1]?.timeText[999]).toBe(run.timeText[1999]);
    expect(pieces[1]?.source).toBe("free.csv rows 1001-2000");
    expect(Array.from(pieces[0]?.anomaly ?? [1]).every((a) => a === 0)).toBe(true);
    expect(() => chunkTable(run, 1)).toThrow(/chunkRows/);
  });
});
