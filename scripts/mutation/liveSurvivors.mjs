/**
 * A Stryker reporter for runs of an hour or more, which Stryker's own reporters describe only at
 * the end (a run stopped early writes no report at all):
 * - each surviving or uncovered mutant is appended to a file as soon as it is tested
 *   (`liveSurvivors.fileName`, default reports/mutation/survivors.txt), so the survivors can be
 *   worked on while the run goes;
 * - every tested mutant, whatever its status, goes into a partial report in Stryker's JSON schema
 *   (`liveSurvivors.partialFileName`, default reports/mutation/partial.json), rewritten every
 *   `PARTIAL_EVERY` mutants and at the end, which `npm run test:mutation:report` reads like a full
 *   one: a run stopped early keeps the score of what it tested.
 * Enable with `"appendPlugins": ["./scripts/mutation/liveSurvivors.mjs"]` and the reporter name
 * `live-survivors`.
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { commonTokens, declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";

/** Mutants tested between two rewrites of the partial report. */
export const PARTIAL_EVERY = 20;

/** One tested mutant as the report schema holds it (the fields npm run test:mutation:report reads). */
export function reportMutant(r) {
  return {
    id: r.id,
    mutatorName: r.mutatorName,
    replacement: r.replacement,
    status: r.status,
    location: r.location,
  };
}

/** Adds a tested mutant to `files` (report schema: path relative to `cwd` -> { mutants }). */
export function addToPartial(files, r, cwd) {
  const file = relative(cwd, r.fileName);
  files[file] ??= { language: "typescript", mutants: [] };
  files[file].mutants.push(reportMutant(r));
}

class LiveSurvivorsReporter {
  static inject = [commonTokens.options];
  constructor(options) {
    this.fileName = options.liveSurvivors?.fileName ?? "reports/mutation/survivors.txt";
    this.partialFileName = options.liveSurvivors?.partialFileName ?? "reports/mutation/partial.json";
    this.files = {};
    this.tested = 0;
    mkdirSync(dirname(this.fileName), { recursive: true });
    mkdirSync(dirname(this.partialFileName), { recursive: true });
    writeFileSync(this.fileName, "");
  }
  onMutantTested(r) {
    addToPartial(this.files, r, process.cwd());
    if (++this.tested % PARTIAL_EVERY === 0) this.writePartial();
    if (r.status !== "Survived" && r.status !== "NoCoverage") return;
    const where = `${r.fileName}:${r.location.start.line}:${r.location.start.column}`;
    const replacement = (r.replacement ?? "").replace(/\s+/g, " ").slice(0, 160);
    appendFileSync(this.fileName, `${where} ${r.status} ${r.mutatorName} -> ${replacement}\n`);
  }
  onMutationTestReportReady() {
    this.writePartial();
  }
  writePartial() {
    const tmp = `${this.partialFileName}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({ schemaVersion: "1.0", thresholds: { high: 90, low: 80 }, files: this.files }),
    );
    renameSync(tmp, this.partialFileName);
  }
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Reporter, "live-survivors", LiveSurvivorsReporter),
];
