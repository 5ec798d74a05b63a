/**
 * `npm run test:mutation:report -- --unreached`: the mutants of the current sources that no kept
 * report holds (scripts/mutation/mutationScore.ts, unreachedMutants and lineRanges), and the
 * instrumenter's places turned 1-based as Stryker's reports give them
 * (scripts/mutation/instrumentSources.ts). Inputs and expected values written by hand.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { instrumentSources } from "../../scripts/mutation/instrumentSources.js";
import {
  type InstrumentedMutant,
  lineRanges,
  type MutationReport,
  unreachedMutants,
} from "../../scripts/mutation/mutationScore.js";

const at = (file: string, line: number, column: number, mutatorName: string, replacement: string) => ({
  file,
  line,
  column,
  mutatorName,
  replacement,
});

describe("unreached mutants", () => {
  it("are those whose file, line, column, mutator and replacement no report holds", () => {
    const report: MutationReport = {
      files: {
        "src/a.ts": {
          mutants: [
            {
              id: "1",
              mutatorName: "EqualityOperator",
              replacement: "x >= 0",
              status: "Killed",
              location: { start: { line: 3, column: 7 } },
            },
          ],
        },
      },
    };
    const instrumented: InstrumentedMutant[] = [
      at("src/a.ts", 3, 7, "EqualityOperator", "x >= 0"), // in the report
      at("src/a.ts", 3, 7, "EqualityOperator", "x < 0"), // another replacement
      at("src/a.ts", 4, 7, "EqualityOperator", "x >= 0"), // the line has moved
      at("src/a.ts", 3, 8, "EqualityOperator", "x >= 0"), // another column
      at("src/a.ts", 3, 7, "ConditionalExpression", "x >= 0"), // another mutator
      at("src/b.ts", 3, 7, "EqualityOperator", "x >= 0"), // a file no report holds
    ];
    expect(unreachedMutants(report, instrumented)).toEqual(instrumented.slice(1));
  });

  it("lists lines as sorted ranges, each line once", () => {
    expect(lineRanges([9, 3, 4, 5, 4, 12, 11])).toBe("3-5,9,11-12");
    expect(lineRanges([7])).toBe("7");
    expect(lineRanges([])).toBe("");
  });

  it("gives the instrumenter's mutants at 1-based lines and columns, as Stryker's reports do", async () => {
    const content = "// a comment\nexport function pos(x: number): boolean {\n  return x > 0;\n}\n";
    const mutants = await instrumentSources([{ name: "src/pos.ts", content }]);
    // `x > 0` starts on line 3 at column 10 (1-based): "  return " is nine characters. Stryker's
    // equality mutator turns `>` into `>=` and `<=` (its documented table).
    const onComparison = mutants
      .filter((m) => m.line === 3 && m.column === 10)
      .map((m) => `${m.mutatorName} ${m.replacement}`)
      .sort();
    expect(onComparison).toEqual([
      "ConditionalExpression false",
      "ConditionalExpression true",
      "EqualityOperator x <= 0",
      "EqualityOperator x >= 0",
    ]);
    expect(mutants.every((m) => m.file === "src/pos.ts")).toBe(true);
  });
});

describe("npm run test:mutation:report's options", () => {
  it("refuses an option it does not know, in one line naming it and the ones it knows", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/mutationReport.ts", "--unreachd"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "test:mutation:report: unknown option --unreachd (options: --json, --by-file, --unreached)\n",
    );
    expect(r.stdout).toBe("");
  });
});
