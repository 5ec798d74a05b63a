/**
 * What the changed-files mutation run mutates: the lines of src/protocol, src/model and
 * src/detect changed since a base commit (from `git diff -U0`), and, for a changed test of those
 * layers, the whole of each source file it imports, so that a weak test added with its code, or
 * on its own, meets the mutants it should kill.
 */
import { dirname, join, normalize } from "node:path";

/** The layers under mutation testing. */
export const MUTATED_FOLDERS = ["src/protocol", "src/model", "src/detect"] as const;
/** Tests that Stryker runs (stryker.config.json `testFiles`). */
export const TESTED_FOLDERS = ["tests/core", "tests/protocol", "tests/model", "tests/detect"] as const;

/** Inclusive 1-based line ranges of a file's new version. */
export type LineRanges = [number, number][];

const under = (path: string, folders: readonly string[]): boolean =>
  folders.some((f) => path.startsWith(`${f}/`));

/** A source file Stryker mutates: TypeScript under a mutated folder. */
export function isMutatedSource(path: string): boolean {
  return under(path, MUTATED_FOLDERS) && path.endsWith(".ts") && !path.endsWith(".d.ts");
}

/** A test file of the tested folders (helpers included: a changed helper changes its tests). */
export function isTestedTest(path: string): boolean {
  return under(path, TESTED_FOLDERS) && path.endsWith(".ts");
}

/**
 * Changed line ranges per file from `git diff -U0` output. An added or changed run of lines gives
 * its range in the new file; a pure deletion gives the lines either side of where it was.
 */
export function parseDiffRanges(diff: string): Map<string, LineRanges> {
  const out = new Map<string, LineRanges>();
  let file: string | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const path = line.slice(4).trim();
      file = path === "/dev/null" ? undefined : path.replace(/^b\//, "");
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk === null || file === undefined) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    const range: [number, number] =
      count === 0 ? [Math.max(1, start), start + 1] : [start, start + count - 1];
    const ranges = out.get(file) ?? [];
    ranges.push(range);
    out.set(file, ranges);
  }
  return out;
}

/** Source files of the mutated layers that a test file imports (relative `.js` specifiers). */
export function importedSources(testPath: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\bfrom\s+["'](\.{1,2}\/[^"']+)\.js["']/g)) {
    const target = normalize(join(dirname(testPath), `${m[1]}.ts`)).replace(/\\/g, "/");
    if (isMutatedSource(target)) out.add(target);
  }
  return [...out].sort();
}

/**
 * Stryker `--mutate` patterns: a whole file where `ranges` is `"all"`, else `file:start-end`
 * per range (Stryker's line-range syntax).
 */
export function mutatePatterns(targets: ReadonlyMap<string, LineRanges | "all">): string[] {
  const out: string[] = [];
  for (const [file, ranges] of [...targets].sort(([a], [b]) => a.localeCompare(b))) {
    if (ranges === "all") out.push(file);
    else for (const [a, b] of ranges) out.push(`${file}:${a}-${b}`);
  }
  return out;
}
