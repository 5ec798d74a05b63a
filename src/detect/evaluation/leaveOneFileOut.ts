/**
 * Leave-one-file-out (LOFO) choice of a detector's settings, and the honest figure for it.
 *
 * A setting (window, persistence, threshold rate, ...) picked by its score on the files it is then
 * scored on looks better than it will on a new file. LOFO separates the two: for each file, the
 * setting is chosen by a stated rule on the other files only, and that file is scored with it; the
 * held-out files' counts pooled are the figure a new file of the same kind can expect.
 *
 * Every file is trained on its own first rows whatever the setting, so a candidate's evaluation of
 * one file does not depend on the other files: the caller evaluates each candidate on each file
 * once, and the folds only re-add counts (pure, no detector runs here).
 *
 * Selection rule ({@link selectCandidate}): on the training files' pooled counts, the highest F1
 * among candidates whose FAR is at most `farLimit`; equal F1 goes to the lower FAR, then to the
 * earlier candidate. When no candidate meets the limit, the lowest FAR.
 */
import { ConfigError } from "../../core/errors.js";
import { type EvaluationSummary, type FileEvaluation, summarise } from "./evaluation.js";

/** One fold: the held-out file and the files the setting is chosen on. */
export interface LofoSplit {
  readonly heldOut: number;
  readonly training: readonly number[];
}

/** The fold of each file of `fileCount` (>= 2): held out once, every other file for training. */
export function leaveOneFileOutSplits(fileCount: number): LofoSplit[] {
  if (!Number.isInteger(fileCount) || fileCount < 2)
    throw new ConfigError("files", fileCount, "leave-one-file-out needs at least 2 files");
  return Array.from({ length: fileCount }, (_, heldOut) => ({
    heldOut,
    training: Array.from({ length: fileCount - 1 }, (_, k) => (k < heldOut ? k : k + 1)),
  }));
}

/** `perCandidate[c][f]`: candidate c's evaluation of file f (the same files, in the same order, for every c). */
export type CandidateEvaluations = readonly (readonly FileEvaluation[])[];

function checkShape(perCandidate: CandidateEvaluations): number {
  if (perCandidate.length === 0) throw new ConfigError("candidates", 0, "need at least one candidate");
  const files = perCandidate[0]?.length ?? 0;
  perCandidate.forEach((evals, c) => {
    if (evals.length !== files)
      throw new ConfigError(`candidates[${c}]`, `${evals.length} files`, `must evaluate all ${files} files`);
  });
  return files;
}

/** The candidate the selection rule (file comment) picks on the files `fileIndices`. */
export function selectCandidate(
  perCandidate: CandidateEvaluations,
  fileIndices: readonly number[],
  farLimit: number,
): { readonly index: number; readonly summary: EvaluationSummary } {
  const files = checkShape(perCandidate);
  if (!(Number.isFinite(farLimit) && farLimit >= 0 && farLimit <= 1))
    throw new ConfigError("farLimit", farLimit, "must be in [0, 1]");
  for (const f of fileIndices)
    if (!Number.isInteger(f) || f < 0 || f >= files)
      throw new ConfigError("fileIndices", f, `must be a file index in 0..${files - 1}`);
  const summaries = perCandidate.map((evals) =>
    summarise(fileIndices.map((f) => evals[f] as FileEvaluation)),
  );
  const far = (s: EvaluationSummary): number => s.far ?? 0;
  const f1 = (s: EvaluationSummary): number => s.f1 ?? 0;
  let best = -1;
  for (let c = 0; c < summaries.length; c++) {
    const s = summaries[c] as EvaluationSummary;
    if (far(s) > farLimit) continue;
    const b = summaries[best];
    if (b === undefined || f1(s) > f1(b) || (f1(s) === f1(b) && far(s) < far(b))) best = c;
  }
  if (best < 0) {
    best = 0;
    for (let c = 1; c < summaries.length; c++)
      if (far(summaries[c] as EvaluationSummary) < far(summaries[best] as EvaluationSummary)) best = c;
  }
  return { index: best, summary: summaries[best] as EvaluationSummary };
}

/** One LOFO fold's result. */
export interface LofoFold {
  readonly heldOut: number;
  /** Index of the candidate chosen on the other files. */
  readonly chosen: number;
  /** The chosen candidate's pooled figures on the other files (what it was chosen by). */
  readonly training: EvaluationSummary;
  /** The chosen candidate's evaluation of the held-out file. */
  readonly evaluation: FileEvaluation;
}

export interface LofoResult {
  readonly folds: readonly LofoFold[];
  /** The held-out evaluations pooled: the LOFO figure. */
  readonly pooled: EvaluationSummary;
}

/** Runs every fold of leave-one-file-out over precomputed candidate evaluations. */
export function leaveOneFileOut(perCandidate: CandidateEvaluations, farLimit: number): LofoResult {
  const files = checkShape(perCandidate);
  const folds = leaveOneFileOutSplits(files).map(({ heldOut, training }): LofoFold => {
    const { index, summary } = selectCandidate(perCandidate, training, farLimit);
    return {
      heldOut,
      chosen: index,
      training: summary,
      evaluation: perCandidate[index]?.[heldOut] as FileEvaluation,
    };
  });
  return { folds, pooled: summarise(folds.map((f) => f.evaluation)) };
}
