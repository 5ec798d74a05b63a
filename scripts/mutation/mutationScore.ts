/**
 * Mutation scores from a Stryker JSON report (mutation-testing-report-schema), per file and per
 * folder, with the survivors listed in mutation/equivalent.md taken out: an equivalent mutant
 * behaves exactly like the original, so no test can kill it and it is not counted.
 *
 * Score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's "mutation
 * score" over valid mutants: mutants that do not compile (the TypeScript checker) or fail at
 * runtime are not counted, and neither are ignored (static) ones.
 */

/** The part of a Stryker JSON report that is read. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly ReportMutant[] }>>;
}

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

/**
 * Reads a Stryker JSON report (a full one, or the live reporter's partial.json) from its text;
 * throws an Error naming what is wrong for anything else.
 */
export function parseReport(text: string): MutationReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message.replace(/\s+/g, " ")})`);
  }
  const files = (json as { files?: unknown } | null)?.files;
  if (typeof files !== "object" || files === null || Array.isArray(files))
    throw new Error("not a Stryker report: no `files` object");
  for (const [file, entry] of Object.entries(files)) {
    const mutants = (entry as { mutants?: unknown } | null)?.mutants;
    if (!Array.isArray(mutants))
      throw new Error(`not a Stryker report: files["${file}"] has no mutants list`);
    for (const m of mutants as { status?: unknown; location?: { start?: { line?: unknown } } }[])
      if (typeof m?.status !== "string" || typeof m.location?.start?.line !== "number")
        throw new Error(`not a Stryker report: a mutant of ${file} has no status or start line`);
  }
  return json as MutationReport;
}

/** One row of mutation/equivalent.md: a surviving mutant that no test can kill. */
export interface EquivalentMutant {
  readonly file: string;
  readonly line: number;
  /**
   * The mutant's first column (1-based, as Stryker reports it), when the row gives one
   * (`src/file.ts:LINE:COLUMN`): needed where the same mutator and replacement occur twice on a
   * line and only one is equivalent. A row without it matches every column.
   */
  readonly column?: number;
  readonly mutator: string;
  /** The replacement as Stryker shows it; `*` matches any. */
  readonly replacement: string;
  readonly reason: string;
}

export interface MutantCounts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Survivors listed as equivalent (not counted in the score). */
  equivalent: number;
  /** Compile and runtime errors, ignored mutants: not valid, not counted. */
  invalid: number;
}

export function emptyCounts(): MutantCounts {
  return { killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, invalid: 0 };
}

/** (killed + timeout) / valid, as a percentage; NaN when there is no valid mutant. */
export function mutationScore(c: MutantCounts): number {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? Number.NaN : (100 * (c.killed + c.timeout)) / valid;
}

/**
 * Reads the table rows of mutation/equivalent.md:
 * `| src/path.ts:LINE[:COLUMN] | MutatorName | replacement | reason |` (replacement in backticks or `*`).
 */
export function parseEquivalents(markdown: string): EquivalentMutant[] {
  const out: EquivalentMutant[] = [];
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("| src/")) continue;
    const cells = line
      .slice(1, line.endsWith("|") ? -1 : undefined)
      .split(" | ")
      .map((c) => c.trim());
    const [where, mutator, replacement, ...reason] = cells;
    const m = /^(src\/\S+?):(\d+)(?::(\d+))?$/.exec(where ?? "");
    if (m === null || mutator === undefined || replacement === undefined)
      throw new Error(
        `mutation/equivalent.md: bad row (want | src/file.ts:LINE[:COLUMN] | Mutator | \`replacement\` | reason |): ${line}`,
      );
    out.push({
      file: m[1]!,
      line: Number(m[2]),
      ...(m[3] === undefined ? {} : { column: Number(m[3]) }),
      mutator,
      replacement: replacement.replace(/^`(.*)`$/, "$1").replace(/\\\|/g, "|"), // `\|` is a | in a table cell
      reason: reason.join(" | "),
    });
  }
  return out;
}

const oneLine = (code: string): string => code.replace(/\s+/g, " ").trim();

function isListed(file: string, m: ReportMutant, equivalents: readonly EquivalentMutant[]): boolean {
  return equivalents.some(
    (e) =>
      e.file === file &&
      e.line === m.location.start.line &&
      (e.column === undefined || e.column === m.location.start.column) &&
      e.mutator === m.mutatorName &&
      (e.replacement === "*" || oneLine(e.replacement) === oneLine(m.replacement ?? "")),
  );
}

/** Adds one mutant to its counts. */
function count(c: MutantCounts, m: ReportMutant, equivalent: boolean): void {
  switch (m.status) {
    case "Killed":
      c.killed++;
      return;
    case "Timeout":
      c.timeout++;
      return;
    case "Survived":
      if (equivalent) c.equivalent++;
      else c.survived++;
      return;
    case "NoCoverage":
      if (equivalent) c.equivalent++;
      else c.noCoverage++;
      return;
    default:
      c.invalid++;
  }
}

/** Counts per file (report paths relative to the project root). */
export function countsByFile(
  report: MutationReport,
  equivalents: readonly EquivalentMutant[] = [],
): Map<string, MutantCounts> {
  const out = new Map<string, MutantCounts>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const c = emptyCounts();
    for (const m of mutants) count(c, m, isListed(file, m, equivalents));
    out.set(file, c);
  }
  return out;
}

/** Sums counts of the files under each folder (`src/protocol`, ...). */
export function countsByFolder(
  byFile: ReadonlyMap<string, MutantCounts>,
  folders: readonly string[],
): Map<string, MutantCounts> {
  const out = new Map<string, MutantCounts>();
  for (const folder of folders) {
    const sum = emptyCounts();
    for (const [file, c] of byFile) {
      if (!file.startsWith(`${folder}/`)) continue;
      for (const k of Object.keys(sum) as (keyof MutantCounts)[]) sum[k] += c[k];
    }
    out.set(folder, sum);
  }
  return out;
}

/** Survivors (and uncovered mutants) not listed as equivalent, for the report. */
export function unlistedSurvivors(
  report: MutationReport,
  equivalents: readonly EquivalentMutant[] = [],
): { file: string; line: number; column: number; mutator: string; replacement: string }[] {
  const out: { file: string; line: number; column: number; mutator: string; replacement: string }[] = [];
  for (const [file, { mutants }] of Object.entries(report.files))
    for (const m of mutants)
      if ((m.status === "Survived" || m.status === "NoCoverage") && !isListed(file, m, equivalents))
        out.push({
          file,
          line: m.location.start.line,
          column: m.location.start.column,
          mutator: m.mutatorName,
          replacement: m.replacement ?? "",
        });
  return out;
}

/** Targets of issue 19 per folder [%]. */
export const SCORE_TARGETS: Readonly<Record<string, number>> = {
  "src/protocol": 90,
  "src/model": 80,
  "src/detect": 80,
};

/**
 * The mutants of one file from two runs: those of `newer` replace those of `older` at the same
 * place with the same mutator and replacement (a re-run after new tests), the rest are kept. An
 * `Ignored` mutant never replaces another: it was not run, by the run's configuration
 * (`ignoreStatic`, which ignores it in every run) or because the run was restricted to other
 * mutants (scripts/mutation/onlyListed.mjs).
 */
export function mergeMutants(older: readonly ReportMutant[], newer: readonly ReportMutant[]): ReportMutant[] {
  const out = new Map<string, ReportMutant>();
  for (const m of [...older, ...newer]) {
    const place = mutantPlace(m);
    if (m.status !== "Ignored" || !out.has(place)) out.set(place, m);
  }
  return [...out.values()];
}

/** What names a mutant within its file: its first line and column, mutator and replacement. */
export function mutantPlace(m: Pick<ReportMutant, "location" | "mutatorName" | "replacement">): string {
  return `${m.location.start.line}:${m.location.start.column}:${m.mutatorName}:${m.replacement ?? ""}`;
}

/** A mutant the instrumenter makes of a file's current text (line and column 1-based). */
export interface InstrumentedMutant {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly mutatorName: string;
  readonly replacement: string;
}

/**
 * The mutants of the current sources that no report holds, in the instrumenter's order: never
 * run, or run on an older text of their file whose lines have moved since.
 */
export function unreachedMutants(
  report: MutationReport,
  instrumented: readonly InstrumentedMutant[],
): InstrumentedMutant[] {
  const run = new Map<string, Set<string>>();
  for (const [file, { mutants }] of Object.entries(report.files))
    run.set(file, new Set(mutants.map(mutantPlace)));
  return instrumented.filter(
    (m) =>
      !run.get(m.file)?.has(
        mutantPlace({
          location: { start: { line: m.line, column: m.column } },
          mutatorName: m.mutatorName,
          replacement: m.replacement,
        }),
      ),
  );
}

/** Sorted line numbers as ranges: [3, 4, 5, 9] -> "3-5,9". */
export function lineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(",");
}
