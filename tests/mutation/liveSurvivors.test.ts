/**
 * The live reporter of long mutation runs (scripts/mutation/liveSurvivors.mjs): survivors listed
 * as they come, and a partial report, in the schema the score script reads, that a run stopped
 * early leaves behind. Results written by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PARTIAL_EVERY, strykerPlugins } from "../../scripts/mutation/liveSurvivors.mjs";
import { countsByFile, type MutationReport } from "../../scripts/mutation/mutationScore.js";

interface Reporter {
  onMutantTested(r: unknown): void;
  onMutationTestReportReady(): void;
}

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function reporter(): { r: Reporter; survivors: string; partial: string } {
  dir = mkdtempSync(join(tmpdir(), "looptwin-live-"));
  const survivors = join(dir, "out", "survivors.txt");
  const partial = join(dir, "out", "partial.json");
  const plugin = strykerPlugins[0] as unknown as { injectableClass: new (o: unknown) => Reporter };
  const r = new plugin.injectableClass({ liveSurvivors: { fileName: survivors, partialFileName: partial } });
  return { r, survivors, partial };
}

function result(id: number, status: string, line: number) {
  return {
    id: String(id),
    fileName: join(process.cwd(), "src/detect/twins/observer.ts"),
    mutatorName: "ArithmeticOperator",
    replacement: "a   -\n b",
    status,
    location: { start: { line, column: 5 }, end: { line, column: 10 } },
  };
}

describe("live-survivors reporter", () => {
  it("appends each survivor and uncovered mutant at once, on one line, and nothing else", () => {
    const { r, survivors } = reporter();
    r.onMutantTested(result(1, "Killed", 10));
    r.onMutantTested(result(2, "Survived", 11));
    r.onMutantTested(result(3, "Timeout", 12));
    r.onMutantTested(result(4, "NoCoverage", 13));
    expect(readFileSync(survivors, "utf8")).toBe(
      `${join(process.cwd(), "src/detect/twins/observer.ts")}:11:5 Survived ArithmeticOperator -> a - b\n` +
        `${join(process.cwd(), "src/detect/twins/observer.ts")}:13:5 NoCoverage ArithmeticOperator -> a - b\n`,
    );
  });

  it(`writes a partial report every ${PARTIAL_EVERY} mutants and at the end, scored like a full one`, () => {
    const { r, partial } = reporter();
    expect(PARTIAL_EVERY).toBe(20);
    // 19 killed, then a survivor: the 20th result writes the report.
    for (let i = 1; i <= 19; i++) r.onMutantTested(result(i, "Killed", i));
    expect(() => readFileSync(partial)).toThrow();
    r.onMutantTested(result(20, "Survived", 20));
    const first = JSON.parse(readFileSync(partial, "utf8")) as MutationReport;
    expect(Object.keys(first.files)).toEqual(["src/detect/twins/observer.ts"]);
    expect(first.files["src/detect/twins/observer.ts"]!.mutants).toHaveLength(20);
    expect(first.files["src/detect/twins/observer.ts"]!.mutants[19]).toEqual({
      id: "20",
      mutatorName: "ArithmeticOperator",
      replacement: "a   -\n b",
      status: "Survived",
      location: { start: { line: 20, column: 5 }, end: { line: 20, column: 10 } },
    });
    // Two more, then the end of the run (or the last report before a stop).
    r.onMutantTested(result(21, "Timeout", 21));
    r.onMutantTested(result(22, "CompileError", 22));
    r.onMutationTestReportReady();
    const last = JSON.parse(readFileSync(partial, "utf8")) as MutationReport;
    const counts = countsByFile(last, []).get("src/detect/twins/observer.ts")!;
    expect(counts).toMatchObject({ killed: 19, timeout: 1, survived: 1, invalid: 1 });
  });
});
