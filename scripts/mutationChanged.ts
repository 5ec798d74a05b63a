/**
 * `npm run test:mutation:changed`: mutation testing of what changed since a base commit, for CI.
 *
 *   node --import tsx scripts/mutationChanged.ts [--dry-list]
 *
 * Base: $MUTATION_BASE (any commit-ish), else HEAD~$MUTATION_COMMITS (default 1: the commit being
 * checked). Changes are those between the base and the working tree (uncommitted work included,
 * untracked files too). Mutated: the changed lines of src/protocol, src/model and src/detect, and
 * the whole of each of those files imported by a changed test under tests/{core,protocol,model,detect}
 * (smallest first, up to $MUTATION_MAX_IMPORTED_LINES source lines, default 1500, to bound CI time).
 * Nothing to mutate: says so, exit 0. Reports go to reports/mutation/changed/.
 *
 * Verdict per folder (exit 1 if one fails): the score of the mutants run, without the ones listed
 * in mutation/equivalent.md, must reach the folder's target (src/protocol 90 %, src/model and
 * src/detect 80 %). `--dry-list` prints what would be mutated and exits.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  importedSources,
  isMutatedSource,
  isTestedTest,
  type LineRanges,
  MUTATED_FOLDERS,
  mutatePatterns,
  parseDiffRanges,
  TESTED_FOLDERS,
} from "./mutation/changedSources.js";

const OUT_DIR = "reports/mutation/changed";

function git(args: readonly string[]): { ok: boolean; out: string } {
  const r = spawnSync("git", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, out: r.stdout ?? "" };
}

function baseRef(): string {
  const explicit = process.env.MUTATION_BASE;
  if (explicit !== undefined && explicit !== "") return explicit;
  const n = process.env.MUTATION_COMMITS ?? "1";
  if (!/^\d+$/.test(n) || Number(n) < 1) {
    process.stderr.write(`MUTATION_COMMITS: must be a whole number >= 1 (got "${n}")\n`);
    process.exit(2);
  }
  return `HEAD~${n}`;
}

/** Mutate targets: changed line ranges, or whole files (new ones, and sources a changed test imports). */
function targets(base: string): Map<string, LineRanges | "all"> {
  const paths = [...MUTATED_FOLDERS, ...TESTED_FOLDERS];
  const changed = new Map<string, LineRanges | "all">(
    parseDiffRanges(git(["diff", "-U0", "--no-color", "--diff-filter=AMR", base, "--", ...paths]).out),
  );
  const untracked = git(["ls-files", "--others", "--exclude-standard", "--", ...paths]).out.split("\n");
  for (const path of untracked) if (path !== "") changed.set(path, "all");
  const out = new Map<string, LineRanges | "all">();
  const imported = new Set<string>();
  for (const [path, ranges] of changed) {
    if (!existsSync(path)) continue;
    if (isMutatedSource(path)) {
      if (out.get(path) !== "all") out.set(path, ranges);
    } else if (isTestedTest(path)) {
      for (const src of importedSources(path, readFileSync(path, "utf8"))) imported.add(src);
    }
  }
  // Whole files for changed tests, smallest first, within a budget of source lines (CI time).
  const budget = Number(process.env.MUTATION_MAX_IMPORTED_LINES ?? 1500);
  let used = 0;
  const lines = (f: string): number => readFileSync(f, "utf8").split("\n").length;
  for (const src of [...imported].sort((a, b) => lines(a) - lines(b) || a.localeCompare(b))) {
    const n = lines(src);
    if (used + n > budget) {
      process.stdout.write(
        `mutation (changed): ${src} (${n} lines), imported by a changed test, left out: over MUTATION_MAX_IMPORTED_LINES=${budget}\n`,
      );
      continue;
    }
    used += n;
    out.set(src, "all");
  }
  return out;
}

function main(): number {
  const base = baseRef();
  if (!git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`]).ok) {
    process.stdout.write(
      `mutation (changed): base ${base} is not in this clone (a shallow clone needs depth >= 2, or set MUTATION_BASE); nothing run\n`,
    );
    return 0;
  }
  const t = targets(base);
  const patterns = mutatePatterns(t);
  if (patterns.length === 0) {
    process.stdout.write(
      `mutation (changed): nothing in ${MUTATED_FOLDERS.join(", ")} or their tests changed since ${base}; nothing run\n`,
    );
    return 0;
  }
  process.stdout.write(`mutation (changed) since ${base}:\n${patterns.map((p) => `  ${p}`).join("\n")}\n`);
  if (process.argv.includes("--dry-list")) return 0;

  const config = JSON.parse(readFileSync("stryker.config.json", "utf8")) as Record<string, unknown>;
  mkdirSync(OUT_DIR, { recursive: true });
  const configPath = join(OUT_DIR, "stryker.changed.json");
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        ...config,
        $schema: undefined,
        mutate: patterns,
        reporters: ["clear-text", "html", "json"],
        htmlReporter: { fileName: `${OUT_DIR}/index.html` },
        jsonReporter: { fileName: `${OUT_DIR}/mutation.json` },
        incremental: false,
      },
      null,
      2,
    ),
  );
  const run = spawnSync("npx", ["stryker", "run", configPath], { stdio: "inherit" });
  if (run.status !== 0) {
    process.stderr.write(`mutation (changed): stryker exited ${run.status ?? run.signal}\n`);
    return 1;
  }

  // The verdict: the score per folder against its target, survivors listed (mutationReport.ts).
  const verdict = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/mutationReport.ts", join(OUT_DIR, "mutation.json")],
    { stdio: "inherit" },
  );
  return verdict.status ?? 1;
}

process.exitCode = main();
