/**
 * A Stryker reporter that appends each surviving or uncovered mutant to a file as soon as it is
 * tested (`liveSurvivors.fileName`, default reports/mutation/survivors.txt), so that a run of an
 * hour can be worked on while it goes: Stryker's own reporters list survivors only at the end.
 * Enable with `"appendPlugins": ["./scripts/mutation/liveSurvivors.mjs"]` and the reporter name
 * `live-survivors`.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { commonTokens, declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";

class LiveSurvivorsReporter {
  static inject = [commonTokens.options];
  constructor(options) {
    this.fileName = options.liveSurvivors?.fileName ?? "reports/mutation/survivors.txt";
    mkdirSync(dirname(this.fileName), { recursive: true });
    writeFileSync(this.fileName, "");
  }
  onMutantTested(r) {
    if (r.status !== "Survived" && r.status !== "NoCoverage") return;
    const where = `${r.fileName}:${r.location.start.line}:${r.location.start.column}`;
    const replacement = (r.replacement ?? "").replace(/\s+/g, " ").slice(0, 160);
    appendFileSync(this.fileName, `${where} ${r.status} ${r.mutatorName} -> ${replacement}\n`);
  }
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Reporter, "live-survivors", LiveSurvivorsReporter),
];
