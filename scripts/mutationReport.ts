/**
 * `npm run test:mutation:report`: the mutation score per folder from a Stryker JSON report, with
 * the mutants listed in mutation/equivalent.md taken out, and the survivors left to deal with.
 *
 *   node --import tsx scripts/mutationReport.ts [REPORT...] [--json] [--by-file] [--unreached]
 *
 * REPORT defaults to reports/mutation/mutation.json (written by `npm run test:mutation`). Several
 * reports (runs over different files or line ranges) are read as one; a mutant in more than one
 * report (same place, mutator and replacement) counts from the last one given: re-run the
 * survivors' lines after new tests and give that report last. Exit 1
 * when a folder that was run is below its target (src/protocol 90 %, src/model and src/detect 80 %).
 *
 * `--unreached` also makes every mutant of the three folders' current sources (Stryker's
 * instrumenter, before the checker) and lists, per file, those no report holds: never run, or run
 * on an older text whose lines have moved. The score covers only the mutants the reports hold.
 */
import { existsSync, readFileSync } from "node:fs";
import { MUTATED_FOLDERS } from "./mutation/changedSources.js";
import {
  countsByFile,
  countsByFolder,
  lineRanges,
  type MutationReport,
  mutationScore,
  parseEquivalents,
  SCORE_TARGETS,
  unlistedSurvivors,
} from "./mutation/mutationScore.js";
import { readReports } from "./mutation/readReports.js";
import { unreachedInSources } from "./mutation/unreachedSources.js";

// Piped into `head`: stop quietly when the reader has gone.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const args = process.argv.slice(2);
const OPTIONS = ["--json", "--by-file", "--unreached"];
const unknown = args.find((a) => a.startsWith("--") && !OPTIONS.includes(a));
if (unknown !== undefined) {
  process.stderr.write(`test:mutation:report: unknown option ${unknown} (options: ${OPTIONS.join(", ")})\n`);
  process.exit(2);
}
const json = args.includes("--json");
const paths = args.filter((a) => !a.startsWith("--"));
if (paths.length === 0) paths.push("reports/mutation/mutation.json");
let report: MutationReport;
try {
  report = readReports(paths);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const equivalents = existsSync("mutation/equivalent.md")
  ? parseEquivalents(readFileSync("mutation/equivalent.md", "utf8"))
  : [];
const byFile = countsByFile(report, equivalents);
const byFolder = countsByFolder(byFile, MUTATED_FOLDERS);
const survivors = unlistedSurvivors(report, equivalents);
const unreached = args.includes("--unreached") ? await unreachedByFile(report) : undefined;
let failed = false;
const rows = [...byFolder]
  .filter(([, c]) => !Number.isNaN(mutationScore(c)))
  .map(([folder, c]) => {
    const score = mutationScore(c);
    const target = SCORE_TARGETS[folder] ?? 80;
    failed ||= score < target;
    return {
      folder,
      score,
      target,
      files: [...byFile.keys()].filter((f) => f.startsWith(`${folder}/`)).length,
      ...c,
    };
  });
if (json) {
  process.stdout.write(
    `${JSON.stringify({ reports: paths, folders: rows, survivors, unreached }, null, 2)}\n`,
  );
} else {
  process.stdout.write(
    "folder          files   score  target  killed timeout survived no-cov equivalent invalid\n",
  );
  for (const r of rows)
    process.stdout.write(
      `${r.folder.padEnd(14)} ${String(r.files).padStart(6)} ${r.score.toFixed(1).padStart(7)} ${String(r.target).padStart(7)} ${String(r.killed).padStart(7)} ${String(r.timeout).padStart(7)} ${String(r.survived).padStart(8)} ${String(r.noCoverage).padStart(6)} ${String(r.equivalent).padStart(10)} ${String(r.invalid).padStart(7)}  ${r.score >= r.target ? "ok" : "BELOW TARGET"}\n`,
    );
  if (args.includes("--by-file")) {
    process.stdout.write(
      "\nfile                                          score  killed timeout survived no-cov equivalent invalid\n",
    );
    for (const [file, c] of [...byFile].sort(([a], [b]) => a.localeCompare(b)))
      process.stdout.write(
        `${file.padEnd(44)} ${Number.isNaN(mutationScore(c)) ? "    -" : mutationScore(c).toFixed(1).padStart(6)} ${String(c.killed).padStart(7)} ${String(c.timeout).padStart(7)} ${String(c.survived).padStart(8)} ${String(c.noCoverage).padStart(6)} ${String(c.equivalent).padStart(10)} ${String(c.invalid).padStart(7)}\n`,
      );
  }
  if (survivors.length > 0) {
    process.stdout.write(`\n${survivors.length} survivors not listed in mutation/equivalent.md:\n`);
    for (const s of survivors)
      process.stdout.write(
        `  ${s.file}:${s.line}:${s.column} ${s.mutator} -> ${s.replacement.replace(/\s+/g, " ")}\n`,
      );
  }
  if (unreached !== undefined) {
    const total = unreached.reduce((n, u) => n + u.mutants, 0);
    process.stdout.write(
      `\n${total} mutants of the current sources are in no report given (before the checker, so some will not compile):\n`,
    );
    for (const u of unreached) process.stdout.write(`  ${u.file} ${u.mutants}: lines ${u.lines}\n`);
  }
}
process.exitCode = failed ? 1 : 0;

/** Per file of the mutated folders, the mutants of its current text that no report holds. */
async function unreachedByFile(
  read: MutationReport,
): Promise<{ file: string; mutants: number; lines: string }[]> {
  const byFile = new Map<string, number[]>();
  for (const m of await unreachedInSources(read)) {
    const lines = byFile.get(m.file) ?? [];
    lines.push(m.line);
    byFile.set(m.file, lines);
  }
  return [...byFile].map(([file, lines]) => ({ file, mutants: lines.length, lines: lineRanges(lines) }));
}
