/**
 * The mutants of the mutated folders' current sources that no report holds (Stryker's instrumenter,
 * before the checker): what `npm run test:mutation:report -- --unreached` lists and
 * `npm run test:mutation:unreached` runs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { MUTATED_FOLDERS } from "./changedSources.js";
import { instrumentSources } from "./instrumentSources.js";
import { type InstrumentedMutant, type MutationReport, unreachedMutants } from "./mutationScore.js";

/** The unreached mutants of the tracked sources under the mutated folders whose path starts with one of `prefixes` (all when empty). */
export async function unreachedInSources(
  read: MutationReport,
  prefixes: readonly string[] = [],
): Promise<InstrumentedMutant[]> {
  const names = execFileSync("git", ["ls-files", "--", ...MUTATED_FOLDERS.map((f) => `${f}/*.ts`)], {
    encoding: "utf8",
  })
    .split("\n")
    .filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))
    .filter((n) => prefixes.length === 0 || prefixes.some((p) => n.startsWith(p)));
  const instrumented = await instrumentSources(
    names.map((name) => ({ name, content: readFileSync(name, "utf8") })),
  );
  return unreachedMutants(read, instrumented);
}
