/**
 * Several Stryker JSON reports read as one, in the order given: a mutant in more than one counts
 * from the last (mergeMutants). Throws an Error starting with the report's path for a missing or
 * malformed one.
 */
import { existsSync, readFileSync } from "node:fs";
import { type MutationReport, mergeMutants, parseReport } from "./mutationScore.js";

export function readReports(paths: readonly string[]): MutationReport {
  const files: Record<string, MutationReport["files"][string]> = {};
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`${path}: no such report (run npm run test:mutation first)`);
    let read: MutationReport;
    try {
      read = parseReport(readFileSync(path, "utf8"));
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    for (const [file, { mutants }] of Object.entries(read.files))
      files[file] = { mutants: mergeMutants(files[file]?.mutants ?? [], mutants) };
  }
  return { files };
}
