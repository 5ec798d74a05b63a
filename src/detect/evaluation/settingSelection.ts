/**
 * The procedure that sets the learned detector up for a family of labelled files (SKAB's valve1 is
 * the one at hand), stated as data so that no setting rests on its own score:
 *
 * - Fixed by reasoning, never searched: PCA combined T2/Q index (90 % of the variance), the drift
 *   screen (cutoff 0.5), thresholds by peaks over threshold at a stated exceedance probability per
 *   row, fitted to out-of-block scores of the training rows (4 blocks: each quarter scored by a
 *   model fitted without it), the POT's initial quantile 0.9.
 * - Searched over {@link SETTING_GRID}: window length, persistence (on-delay), hold (off-delay),
 *   the stated exceedance probability alpha, the channel scale (training standard deviation or
 *   leave-block-out spread), and the level baseline (the training level, or one that follows slow
 *   wander and holds still while the score exceeds the threshold).
 * - Chosen by the rule of leaveOneFileOut.ts: the highest F1 with FAR at most {@link FAR_LIMIT} on
 *   the files it is chosen on, on each kind of file when kinds are given (labelled files, nominal
 *   runs). The honest figure is leave-one-file-out; the setting for new files is the one the same
 *   rule picks on all files.
 */
import { ConfigError } from "../../core/errors.js";
import type { LabelledTable } from "../data/labelledTable.js";
import { DEFAULT_POT_INITIAL_QUANTILE } from "../learned/extremeValue.js";
import {
  alarmsFromScores,
  type LearnedDetectorOptions,
  type LearnedModel,
  resolveLearnedDetectorOptions,
} from "../learned/learnedDetector.js";
import {
  type EvaluationSummary,
  evaluateScoredTable,
  type FileEvaluation,
  scoreTable,
} from "./evaluation.js";
import {
  type CandidateEvaluations,
  type LofoResult,
  leaveOneFileOut,
  selectCandidate,
} from "./leaveOneFileOut.js";

/** The searched settings: every combination is a candidate. */
export interface SettingGrid {
  readonly windowRows: readonly number[];
  readonly persistenceRows: readonly number[];
  /** Off-delay of the alarm, rows. */
  readonly holdRows: readonly number[];
  /** Stated exceedance probabilities per nominal row of the POT threshold. */
  readonly alpha: readonly number[];
  /** 1 = training standard deviation; K = leave-block-out spread over K blocks. */
  readonly scaleBlocks: readonly number[];
  /** Time constant of the followed level baseline, rows; 0 = the training level. */
  readonly baselineRows: readonly number[];
}

/**
 * Windows from a few seconds to the better part of a minute, persistence (on-delay) from none to
 * ten rows and a hold (off-delay) from none to half a minute (SKAB rows are 1 s apart; its faults
 * last minutes), alpha from one row in 20 to one in 1000 (the 1-2-5 steps between), both scales,
 * and a fixed baseline or one following wander slower than about 2 or 5 minutes.
 */
export const SETTING_GRID: SettingGrid = {
  windowRows: [3, 5, 10, 20],
  persistenceRows: [1, 2, 3, 5, 10],
  holdRows: [0, 3, 10, 30],
  alpha: [0.05, 0.02, 0.01, 0.001],
  scaleBlocks: [1, 4],
  baselineRows: [0, 100, 300],
};

/** The largest pooled FAR a candidate may have on the files it is chosen on. */
export const FAR_LIMIT = 0.1;

/** The settings every candidate shares (see the file comment for why each). */
export const FIXED_SETTINGS: Partial<LearnedDetectorOptions> = {
  detector: "pca",
  pca: { varianceFraction: 0.9 },
  driftCutoff: 0.5,
  smoothingRows: 1,
  calibrationBlocks: 4,
};

/** Every combination of the grid, over the fixed settings, in a stable order. */
export function gridCandidates(grid: SettingGrid = SETTING_GRID): Partial<LearnedDetectorOptions>[] {
  const out: Partial<LearnedDetectorOptions>[] = [];
  for (const windowRows of grid.windowRows)
    for (const persistenceRows of grid.persistenceRows)
      for (const holdRows of grid.holdRows)
        for (const alpha of grid.alpha)
          for (const scaleBlocks of grid.scaleBlocks)
            for (const baselineRows of grid.baselineRows)
              out.push({
                ...FIXED_SETTINGS,
                windowRows,
                persistenceRows,
                holdRows,
                scaleBlocks,
                baselineRows,
                threshold: { kind: "pot", alpha, initialQuantile: DEFAULT_POT_INITIAL_QUANTILE, margin: 1 },
              });
  if (out.length === 0) throw new ConfigError("grid", 0, "has no candidate (an empty list)");
  return out;
}

/** One line naming a candidate's searched settings. */
export function describeCandidate(c: Partial<LearnedDetectorOptions>): string {
  const alpha = c.threshold && "alpha" in c.threshold ? c.threshold.alpha : undefined;
  const scale = (c.scaleBlocks ?? 1) > 1 ? `leave-${c.scaleBlocks}-block-out spread` : "sd";
  const baseline = (c.baselineRows ?? 0) > 0 ? `followed (${c.baselineRows} rows)` : "training level";
  return `window ${c.windowRows}, persistence ${c.persistenceRows}, hold ${c.holdRows ?? 0}, alpha ${alpha}, scale ${scale}, baseline ${baseline}`;
}

export interface SelectionResult {
  readonly candidates: readonly Partial<LearnedDetectorOptions>[];
  /** `evaluations[c][f]`: candidate c on file f (each file trained on its own first rows). */
  readonly evaluations: CandidateEvaluations;
  /** Leave-one-file-out: per file the candidate chosen on the others, and the pooled figure. */
  readonly lofo: LofoResult;
  /** The candidate chosen on all files, and its pooled figures on them (not a held-out figure). */
  readonly final: {
    readonly index: number;
    readonly summary: EvaluationSummary;
    readonly files: readonly FileEvaluation[];
  };
}

/**
 * `result[c][f]`: candidate c on table f, each table trained on its own first `trainRows` rows.
 * Candidates that differ only in persistence and hold share one fit and one run of scores per
 * table (the scores, the threshold and the followed baseline do not depend on them), and each
 * applies its own to those scores: the same decisions as a detector of its own would make.
 */
export function evaluateCandidates(
  tables: readonly LabelledTable[],
  trainRows: number,
  candidates: readonly Partial<LearnedDetectorOptions>[],
): FileEvaluation[][] {
  const scored = new Map<string, { model: LearnedModel; score: Float64Array }[]>();
  return candidates.map((c) => {
    const o = resolveLearnedDetectorOptions(c);
    const stage = JSON.stringify({ ...o, persistenceRows: 1, holdRows: 0 });
    let runs = scored.get(stage);
    if (runs === undefined) {
      runs = tables.map((t) => scoreTable(t, trainRows, o));
      scored.set(stage, runs);
    }
    return tables.map((t, f) => {
      const run = runs[f] as { model: LearnedModel; score: Float64Array };
      const decisions = { ...run.model, persistenceRows: o.persistenceRows, holdRows: o.holdRows };
      return evaluateScoredTable(t, trainRows, alarmsFromScores(decisions, run.score));
    });
  });
}

/**
 * The procedure on precomputed evaluations of at least two files: LOFO, and the choice on all
 * files; `fileKinds` (one per file, or none) puts the FAR limit on each kind (leaveOneFileOut.ts).
 */
export function selectSettings(
  candidates: readonly Partial<LearnedDetectorOptions>[],
  evaluations: CandidateEvaluations,
  farLimit = FAR_LIMIT,
  fileKinds: readonly number[] = [],
): SelectionResult {
  const lofo = leaveOneFileOut(evaluations, farLimit, fileKinds);
  const files = evaluations[0]?.length ?? 0;
  const all = selectCandidate(
    evaluations,
    Array.from({ length: files }, (_, i) => i),
    farLimit,
    fileKinds,
  );
  return {
    candidates,
    evaluations,
    lofo,
    final: { index: all.index, summary: all.summary, files: evaluations[all.index] as FileEvaluation[] },
  };
}

/** Runs the whole procedure on labelled tables (at least two), each trained on its first `trainRows` rows. */
export function runSettingSelection(
  tables: readonly LabelledTable[],
  trainRows: number,
  candidates: readonly Partial<LearnedDetectorOptions>[] = gridCandidates(),
  farLimit = FAR_LIMIT,
  fileKinds: readonly number[] = [],
): SelectionResult {
  return selectSettings(candidates, evaluateCandidates(tables, trainRows, candidates), farLimit, fileKinds);
}

/**
 * A long run cut into consecutive pieces of `chunkRows` rows (a shorter tail is dropped), each a
 * table of its own; without labels every row is labelled nominal (for a false-alarm rate on an
 * anomaly-free run).
 */
export function chunkTable(table: LabelledTable, chunkRows: number): LabelledTable[] {
  if (!Number.isInteger(chunkRows) || chunkRows < 2)
    throw new ConfigError("chunkRows", chunkRows, "must be a whole number >= 2");
  const out: LabelledTable[] = [];
  for (let from = 0; from + chunkRows <= table.rowCount; from += chunkRows) {
    const to = from + chunkRows;
    out.push({
      source: `${table.source} rows ${from + 1}-${to}`,
      timeColumn: table.timeColumn,
      timeText: table.timeText.slice(from, to),
      timeS: table.timeS.subarray(from, to),
      channelNames: table.channelNames,
      channels: table.channels.map((c) => c.subarray(from, to)),
      anomaly: table.anomaly ? table.anomaly.subarray(from, to) : new Uint8Array(chunkRows),
      changepoint: table.changepoint?.subarray(from, to),
      rowCount: chunkRows,
    });
  }
  return out;
}
