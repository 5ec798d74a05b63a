/**
 * Where the changed-files mutation run starts, and how much of it fits in CI's time.
 *
 * The base is the last landed commit: CI runs on a clean clone, where "the previous commit"
 * (HEAD~1) sees only the last of the commits a landing brings and misses a weak test added two
 * commits earlier. So the commit CI last passed on is committed in mutation/landed-commit
 * (`npm run test:mutation:land` writes it at landing), and every later commit is checked
 * against it.
 */
import type { LineRanges } from "./changedSources.js";

/** The committed file holding the last landed commit (one 40-hex line; `#` lines are comments). */
export const LANDED_COMMIT_FILE = "mutation/landed-commit";

/** Where the base came from, said in the run's first line. */
export type BaseChoice =
  | { readonly kind: "explicit"; readonly ref: string }
  | { readonly kind: "landed"; readonly ref: string }
  | { readonly kind: "commits"; readonly ref: string; readonly why: string }
  | { readonly kind: "error"; readonly message: string };

/**
 * The base commit-ish: $MUTATION_BASE if set, else the commit in mutation/landed-commit, else
 * HEAD~$MUTATION_COMMITS (default 1). `landedText` is the file's text, undefined when absent.
 */
export function chooseBase(
  env: { readonly MUTATION_BASE?: string; readonly MUTATION_COMMITS?: string },
  landedText: string | undefined,
): BaseChoice {
  if (env.MUTATION_BASE !== undefined && env.MUTATION_BASE !== "")
    return { kind: "explicit", ref: env.MUTATION_BASE };
  if (landedText !== undefined) {
    const lines = landedText
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    const sha = lines[0];
    if (lines.length !== 1 || sha === undefined || !/^[0-9a-f]{40}$/.test(sha))
      return {
        kind: "error",
        message: `${LANDED_COMMIT_FILE}: want one line with a 40-hex commit id (got ${JSON.stringify(lines.join(" ").slice(0, 60))})`,
      };
    return { kind: "landed", ref: sha };
  }
  const n = env.MUTATION_COMMITS ?? "1";
  if (!/^\d+$/.test(n) || Number(n) < 1)
    return { kind: "error", message: `MUTATION_COMMITS: must be a whole number >= 1 (got "${n}")` };
  return { kind: "commits", ref: `HEAD~${n}`, why: `no ${LANDED_COMMIT_FILE}` };
}

/** The text of mutation/landed-commit for a commit id. */
export function landedCommitText(sha: string): string {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`landed commit: want a 40-hex commit id (got "${sha}")`);
  return [
    "# The commit CI last passed on (npm run test:mutation:land writes it at landing). The",
    "# changed-files mutation run (npm run test:mutation:changed) checks everything changed since.",
    sha,
    "",
  ].join("\n");
}

/** Lines that can hold a mutant: not blank, not only a comment. */
export function codeLineCount(text: string, ranges: LineRanges | "all"): number {
  const lines = text.split("\n");
  const spans: LineRanges = ranges === "all" ? [[1, lines.length]] : ranges;
  let n = 0;
  for (const [a, b] of spans)
    for (let i = a; i <= Math.min(b, lines.length); i++) {
      const t = (lines[i - 1] ?? "").trim();
      if (t !== "" && !t.startsWith("//") && !t.startsWith("*") && !t.startsWith("/*")) n++;
    }
  return n;
}

/** One mutate target with its size in code lines. */
export interface SizedTarget {
  readonly file: string;
  readonly ranges: LineRanges | "all";
  readonly codeLines: number;
}

/**
 * Keeps targets in the order given while their code lines fit in `budget`; the rest is left out
 * (and printed by the caller: the run says what it did not check). A target bigger than the
 * whole budget is split by range when it has ranges, so a large change still gets its first hunks
 * checked.
 */
export function fitBudget(
  targets: readonly SizedTarget[],
  budget: number,
  sizeOfRange: (file: string, range: [number, number]) => number,
): { kept: SizedTarget[]; leftOut: SizedTarget[] } {
  const kept: SizedTarget[] = [];
  const leftOut: SizedTarget[] = [];
  let used = 0;
  for (const t of targets) {
    if (used + t.codeLines <= budget) {
      kept.push(t);
      used += t.codeLines;
      continue;
    }
    if (t.ranges === "all") {
      leftOut.push(t);
      continue;
    }
    const fit: LineRanges = [];
    const rest: LineRanges = [];
    let fitLines = 0;
    let restLines = 0;
    for (const r of t.ranges) {
      const n = sizeOfRange(t.file, r);
      if (rest.length === 0 && used + n <= budget) {
        fit.push(r);
        used += n;
        fitLines += n;
      } else {
        rest.push(r);
        restLines += n;
      }
    }
    if (fit.length > 0) kept.push({ file: t.file, ranges: fit, codeLines: fitLines });
    if (rest.length > 0) leftOut.push({ file: t.file, ranges: rest, codeLines: restLines });
  }
  return { kept, leftOut };
}
