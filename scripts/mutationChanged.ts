/**
 * `npm run test:mutation:changed`: mutation testing of what changed since the last landed commit,
 * for CI. `npm run test:mutation:land` records the landed commit.
 *
 *   node --import tsx scripts/mutationChanged.ts [--dry-list]
 *   node --import tsx scripts/mutationChanged.ts --land [COMMIT]
 *
 * Base: $MUTATION_BASE (any commit-ish), else the commit in mutation/landed-commit (committed; the
 * commit CI last passed on), else HEAD~$MUTATION_COMMITS (default 1). A landed commit missing from
 * the clone (shallow) is an error (exit 2): the run cannot know what changed. Changes are those
 * between the base and the working tree (uncommitted work included, untracked files too).
 * Mutated: the changed lines of src/protocol, src/model and src/detect, then the whole of each of
 * those files imported by a changed test under tests/{core,protocol,model,detect}, smallest first,
 * within $MUTATION_MAX_LINES code lines (default 200, of the order of 10 minutes on an idle 2-core
 * machine); what does not fit is listed as not checked. Nothing to mutate: says so, exit 0.
 * Reports go to reports/mutation/changed/.
 *
 * Verdict per folder (exit 1 if one fails): the score of the mutants run, without the ones listed
 * in mutation/equivalent.md, must reach the folder's target (src/protocol 90 %, src/model and
 * src/detect 80 %). `--dry-list` prints what would be mutated and exits. `--land` writes COMMIT
 * (default HEAD) to mutation/landed-commit, for the lead to commit once CI passed on it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  chooseBase,
  codeLineCount,
  fitBudget,
  LANDED_COMMIT_FILE,
  landedCommitText,
  type SizedTarget,
} from "./mutation/changedBase.js";
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

/** The base commit, checked against the clone; exits 2 when it cannot be used. */
function baseRef(): string {
  const landedText = existsSync(LANDED_COMMIT_FILE) ? readFileSync(LANDED_COMMIT_FILE, "utf8") : undefined;
  const choice = chooseBase(process.env, landedText);
  if (choice.kind === "error") fail(choice.message);
  if (!git(["rev-parse", "--verify", "--quiet", `${choice.ref}^{commit}`]).ok) {
    if (choice.kind === "landed")
      fail(
        `${LANDED_COMMIT_FILE}: commit ${choice.ref} is not in this clone (a shallow clone: fetch the history with git fetch --unshallow, or set MUTATION_BASE)`,
      );
    if (choice.kind === "explicit") fail(`MUTATION_BASE: ${choice.ref} is not a commit in this clone`);
    process.stdout.write(
      `mutation (changed): base ${choice.ref} is not in this clone (a shallow clone needs depth >= 2, or set MUTATION_BASE); nothing run\n`,
    );
    process.exit(0);
  }
  if (choice.kind === "landed" && !git(["merge-base", "--is-ancestor", choice.ref, "HEAD"]).ok) {
    // History rewritten or a side branch: what changed is what this side did since the fork.
    const fork = git(["merge-base", choice.ref, "HEAD"]).out.trim();
    if (fork === "") fail(`${LANDED_COMMIT_FILE}: commit ${choice.ref} shares no history with HEAD`);
    process.stdout.write(
      `mutation (changed): ${choice.ref} (${LANDED_COMMIT_FILE}) is not an ancestor of HEAD; base: their fork point ${fork}\n`,
    );
    return fork;
  }
  const from =
    choice.kind === "landed"
      ? `the last landed commit (${LANDED_COMMIT_FILE})`
      : choice.kind === "explicit"
        ? "MUTATION_BASE"
        : `${choice.why}, MUTATION_COMMITS`;
  process.stdout.write(`mutation (changed): base ${choice.ref}, from ${from}\n`);
  return choice.ref;
}

function fail(message: string): never {
  process.stderr.write(`mutation (changed): ${message}\n`);
  process.exit(2);
}

function budgetFromEnv(): number {
  const raw = process.env.MUTATION_MAX_LINES ?? "200";
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    fail(`MUTATION_MAX_LINES: must be a whole number >= 1 (got "${raw}")`);
  return Number(raw);
}

/** Mutate targets: changed line ranges, or whole files (new ones, and sources a changed test imports). */
function targets(base: string): { kept: SizedTarget[]; leftOut: SizedTarget[] } {
  const paths = [...MUTATED_FOLDERS, ...TESTED_FOLDERS];
  const changed = new Map<string, LineRanges | "all">(
    parseDiffRanges(git(["diff", "-U0", "--no-color", "--diff-filter=AMR", base, "--", ...paths]).out),
  );
  const untracked = git(["ls-files", "--others", "--exclude-standard", "--", ...paths]).out.split("\n");
  for (const path of untracked) if (path !== "") changed.set(path, "all");
  const texts = new Map<string, string>();
  const text = (f: string): string => {
    let t = texts.get(f);
    if (t === undefined) {
      t = readFileSync(f, "utf8");
      texts.set(f, t);
    }
    return t;
  };
  const sized = (file: string, ranges: LineRanges | "all"): SizedTarget => ({
    file,
    ranges,
    codeLines: codeLineCount(text(file), ranges),
  });
  const own: SizedTarget[] = [];
  const imported = new Set<string>();
  for (const [path, ranges] of [...changed].sort(([a], [b]) => a.localeCompare(b))) {
    if (!existsSync(path)) continue;
    if (isMutatedSource(path)) own.push(sized(path, ranges));
    else if (isTestedTest(path)) for (const src of importedSources(path, text(path))) imported.add(src);
  }
  // Changed source lines first; then whole files for changed tests, smallest first.
  const whole = [...imported]
    .filter((f) => !own.some((t) => t.file === f && t.ranges === "all"))
    .map((f) => sized(f, "all"))
    .sort((a, b) => a.codeLines - b.codeLines || a.file.localeCompare(b.file));
  const fitted = fitBudget([...own, ...whole], budgetFromEnv(), (f, r) => codeLineCount(text(f), [r]));
  // A whole file replaces the line ranges of the same file.
  const wholeKept = new Set(fitted.kept.filter((t) => t.ranges === "all").map((t) => t.file));
  return {
    kept: fitted.kept.filter((t) => t.ranges === "all" || !wholeKept.has(t.file)),
    leftOut: fitted.leftOut,
  };
}

function land(commitish: string): number {
  const r = git(["rev-parse", "--verify", "--quiet", `${commitish}^{commit}`]);
  if (!r.ok) fail(`--land: ${commitish} is not a commit`);
  const sha = r.out.trim();
  writeFileSync(LANDED_COMMIT_FILE, landedCommitText(sha));
  process.stdout.write(
    `mutation: ${LANDED_COMMIT_FILE} = ${sha}; commit it (git commit -m "mutation: landed at ${sha.slice(0, 12)}" -- ${LANDED_COMMIT_FILE})\n`,
  );
  return 0;
}

function main(): number {
  const landAt = process.argv.indexOf("--land");
  if (landAt >= 0) return land(process.argv[landAt + 1] ?? "HEAD");
  const base = baseRef();
  const { kept, leftOut } = targets(base);
  const patterns = mutatePatterns(new Map(kept.map((t) => [t.file, t.ranges])));
  for (const t of leftOut)
    process.stdout.write(
      `mutation (changed): NOT CHECKED, over MUTATION_MAX_LINES: ${mutatePatterns(new Map([[t.file, t.ranges]])).join(" ")} (${t.codeLines} code lines)\n`,
    );
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
  if (leftOut.length > 0)
    process.stdout.write(
      `mutation (changed): ${leftOut.length} target(s) NOT CHECKED (over MUTATION_MAX_LINES, listed above); npm run test:mutation -- --mutate FILE checks them\n`,
    );
  return verdict.status ?? 1;
}

process.exitCode = main();
