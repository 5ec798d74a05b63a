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
 *
 * Files of different kinds (labelled runs, and nominal runs at another operating point) can be
 * given a kind each: the FAR limit then holds on each kind's pooled FAR, not only on all files
 * together, because a limit on the pool lets the kind with fewer nominal rows, or the quieter
 * one, pay for the other's false alarms, and a new file of the other kind would see them. "The
 * lowest FAR" is then the lowest of the worst kind's.
 */
import { ConfigError } from "../../core/errors.js";
import { type EvaluationSummary, type FileEvaluation, summarise } from "./evaluation.js";
import { addCounts, falseAlarmRate, ZERO_COUNTS } from "./metrics.js";

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

/**
 * The candidate the selection rule (file comment) picks on the files `fileIndices`. `fileKinds`,
 * when not empty, gives every file's kind (any numbers): the FAR limit then holds on each kind.
 */
export function selectCandidate(
  perCandidate: CandidateEvaluations,
  fileIndices: readonly number[],
  farLimit: number,
  fileKinds: readonly number[] = [],
): { readonly index: number; readonly summary: EvaluationSummary } {
  const files = checkShape(perCandidate);
  if (!(Number.isFinite(farLimit) && farLimit >= 0 && farLimit <= 1))
    throw new ConfigError("farLimit", farLimit, "must be in [0, 1]");
  for (const f of fileIndices)
    if (!Number.isInteger(f) || f < 0 || f >= files)
      throw new ConfigError("fileIndices", f, `must be a file index in 0..${files - 1}`);
  checkKinds(fileKinds, files);
  const kinds = [...new Set(fileIndices.map((f) => fileKinds[f] ?? 0))];
  const summaries = perCandidate.map((evals) =>
    summarise(fileIndices.map((f) => evals[f] as FileEvaluation)),
  );
  // The FAR the limit applies to: the worst kind's (with one kind, the pool's).
  const worstFar = perCandidate.map((evals) =>
    Math.max(...kinds.map((k) => kindFar(evals, fileIndices, fileKinds, k))),
  );
  const far = (c: number): number => (summaries[c] as EvaluationSummary).far ?? 0;
  const f1 = (c: number): number => (summaries[c] as EvaluationSummary).f1 ?? 0;
  let best = -1;
  for (let c = 0; c < summaries.length; c++) {
    if ((worstFar[c] as number) > farLimit) continue;
    if (best < 0 || f1(c) > f1(best) || (f1(c) === f1(best) && far(c) < far(best))) best = c;
  }
  // None within the limit: the first of the lowest worst-kind FAR.
  if (best < 0) best = worstFar.indexOf(Math.min(...worstFar));
  return { index: best, summary: summaries[best] as EvaluationSummary };
}

function checkKinds(fileKinds: readonly number[], files: number): void {
  if (fileKinds.length !== 0 && fileKinds.length !== files)
    throw new ConfigError("fileKinds", fileKinds.length, `must give the kind of each of the ${files} files`);
}

/** FAR pooled over the files of `fileIndices` whose kind is `kind` (0 without nominal rows). */
function kindFar(
  evals: readonly FileEvaluation[],
  fileIndices: readonly number[],
  fileKinds: readonly number[],
  kind: number,
): number {
  let counts = ZERO_COUNTS;
  for (const f of fileIndices)
    if ((fileKinds[f] ?? 0) === kind) counts = addCounts(counts, (evals[f] as FileEvaluation).counts);
  return falseAlarmRate(counts) ?? 0;
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

/**
 * Runs every fold of leave-one-file-out over precomputed candidate evaluations (`fileKinds` as for
 * {@link selectCandidate}).
 */
export function leaveOneFileOut(
  perCandidate: CandidateEvaluations,
  farLimit: number,
  fileKinds: readonly number[] = [],
): LofoResult {
  const files = checkShape(perCandidate);
  const folds = leaveOneFileOutSplits(files).map(({ heldOut, training }): LofoFold => {
    const { index, summary } = selectCandidate(perCandidate, training, farLimit, fileKinds);
    return {
      heldOut,
      chosen: index,
      training: summary,
      evaluation: perCandidate[index]?.[heldOut] as FileEvaluation,
    };
  });
  return { folds, pooled: summarise(folds.map((f) => f.evaluation)) };
}
