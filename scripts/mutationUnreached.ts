/**
 * `npm run test:mutation:unreached`: runs the mutants of the pure layers that no kept report holds
 * (mutation/runs/*.json; see docs/mutation.md), and only those: `--mutate` takes line ranges, and a
 * range that holds one unreached mutant of a function's body holds every mutant of the function,
 * so the run lets through only the listed mutants (scripts/mutation/onlyListed.mjs, with their
 * ancestors' own mutants: a few more, never fewer).
 *
 *   node --import tsx scripts/mutationUnreached.ts [PREFIX...] [--list-only]
 *
 * PREFIX: only sources whose path starts with it (src/model, src/detect/diagnosis/isolation.ts).
 * The list goes to reports/mutation/unreached/only.json; `--list-only` writes it and stops. The
 * run's reports go to reports/mutation/unreached/ and, while it runs, reports/mutation/partial.json
 * (keep one under mutation/runs/ as for any run). Exit: Stryker's; 0 with nothing to run; 2 on a
 * bad option or an unreadable kept report.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MutationReport } from "./mutation/mutationScore.js";
import { readReports } from "./mutation/readReports.js";
import { unreachedInSources } from "./mutation/unreachedSources.js";

const RUNS = "mutation/runs";
const OUT_DIR = "reports/mutation/unreached";

// Piped into `head`: stop quietly when the reader has gone.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const args = process.argv.slice(2);
const unknown = args.find((a) => a.startsWith("--") && a !== "--list-only");
if (unknown !== undefined) {
  process.stderr.write(`test:mutation:unreached: unknown option ${unknown} (options: --list-only)\n`);
  process.exit(2);
}
const prefixes = args.filter((a) => !a.startsWith("--"));

let kept: MutationReport;
try {
  kept = readReports(
    readdirSync(RUNS)
      .filter((n) => n.endsWith(".json"))
      .sort()
      .map((n) => join(RUNS, n)),
  );
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}

const unreached = await unreachedInSources(kept, prefixes);
const places: Record<string, [number, number][]> = {};
for (const m of unreached) {
  const list = places[m.file] ?? [];
  list.push([m.line, m.column]);
  places[m.file] = list;
}
const sources = Object.keys(places);
mkdirSync(OUT_DIR, { recursive: true });
const listPath = resolve(OUT_DIR, "only.json");
writeFileSync(listPath, `${JSON.stringify({ files: places })}\n`);
process.stdout.write(
  `test:mutation:unreached: ${unreached.length} mutants in ${sources.length} files are in no kept report (listed in ${join(OUT_DIR, "only.json")})\n`,
);
for (const f of sources) process.stdout.write(`  ${f} ${places[f]?.length}\n`);
if (unreached.length === 0 || args.includes("--list-only")) process.exit(0);

const run = spawnSync(
  "npx",
  ["stryker", "run", "stryker.unreached.config.mjs", "--mutate", sources.join(",")],
  {
    stdio: "inherit",
    env: { ...process.env, MUTATION_ONLY: listPath },
  },
);
process.exit(run.status ?? 1);
