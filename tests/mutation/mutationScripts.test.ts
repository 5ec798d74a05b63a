/**
 * The helpers of the mutation-testing scripts (scripts/mutation/): which lines and files the
 * changed-files run mutates, and how the score leaves out the listed equivalent mutants. Inputs
 * and expected values written by hand.
 */
import { describe, expect, it } from "vitest";
import {
  importedSources,
  isMutatedSource,
  isTestedTest,
  mutatePatterns,
  parseDiffRanges,
} from "../../scripts/mutation/changedSources.js";
import {
  countsByFile,
  countsByFolder,
  type MutationReport,
  mergeMutants,
  mutationScore,
  parseEquivalents,
  parseReport,
  unlistedSurvivors,
} from "../../scripts/mutation/mutationScore.js";

describe("changed sources", () => {
  it("reads the new-file line ranges of a -U0 diff; a deletion marks the lines either side", () => {
    const diff = [
      "diff --git a/src/protocol/crc16.ts b/src/protocol/crc16.ts",
      "--- a/src/protocol/crc16.ts",
      "+++ b/src/protocol/crc16.ts",
      "@@ -10,2 +10,3 @@ export function crc16(",
      "-a",
      "+b",
      "@@ -40 +41 @@",
      "@@ -50,3 +51,0 @@",
      "diff --git a/src/model/new.ts b/src/model/new.ts",
      "--- /dev/null",
      "+++ b/src/model/new.ts",
      "@@ -0,0 +1,7 @@",
      "diff --git a/src/detect/gone.ts b/src/detect/gone.ts",
      "--- a/src/detect/gone.ts",
      "+++ /dev/null",
      "@@ -1,4 +0,0 @@",
    ].join("\n");
    expect([...parseDiffRanges(diff)]).toEqual([
      [
        "src/protocol/crc16.ts",
        [
          [10, 12],
          [41, 41],
          [51, 52],
        ],
      ],
      ["src/model/new.ts", [[1, 7]]],
    ]);
  });

  it("knows the mutated sources and the tests that can kill their mutants", () => {
    expect(isMutatedSource("src/detect/monitor/monitor.ts")).toBe(true);
    expect(isMutatedSource("src/model/ode.ts")).toBe(true);
    expect(isMutatedSource("src/cli/main.ts")).toBe(false);
    expect(isMutatedSource("src/dashboard/blessed-contrib.d.ts")).toBe(false);
    expect(isMutatedSource("src/protocolX/a.ts")).toBe(false);
    expect(isTestedTest("tests/detect/monitor.test.ts")).toBe(true);
    expect(isTestedTest("tests/detect/plantHarness.ts")).toBe(true);
    expect(isTestedTest("tests/cli/args.test.ts")).toBe(false);
  });

  it("a changed test brings in the mutated-layer sources it imports, nothing else", () => {
    const text = [
      'import { describe } from "vitest";',
      'import { isolate } from "../../src/detect/diagnosis/isolation.js";',
      'import type { FaultKind } from "../../src/model/faultSpec.js";',
      'import { main } from "../../src/cli/main.js";',
      'import { PlantHarness } from "./plantHarness.js";',
      "import {",
      "  crc16,",
      '} from "../../src/protocol/crc16.js";',
    ].join("\n");
    expect(importedSources("tests/detect/x.test.ts", text)).toEqual([
      "src/detect/diagnosis/isolation.ts",
      "src/model/faultSpec.ts",
      "src/protocol/crc16.ts",
    ]);
  });

  it("writes Stryker's --mutate patterns, whole files or line ranges, sorted by file", () => {
    const t = new Map<string, [number, number][] | "all">([
      ["src/model/b.ts", "all"],
      [
        "src/model/a.ts",
        [
          [3, 5],
          [9, 9],
        ],
      ],
    ]);
    expect(mutatePatterns(t)).toEqual(["src/model/a.ts:3-5", "src/model/a.ts:9-9", "src/model/b.ts"]);
  });
});

describe("mutation score", () => {
  const mutant = (
    id: string,
    line: number,
    status: string,
    mutatorName = "EqualityOperator",
    replacement = "a >= b",
  ) => ({
    id,
    line,
    mutatorName,
    replacement,
    status,
    location: { start: { line, column: 1 } },
  });
  const report: MutationReport = {
    files: {
      "src/protocol/a.ts": {
        mutants: [
          mutant("1", 1, "Killed"),
          mutant("2", 2, "Killed"),
          mutant("3", 3, "Timeout"),
          mutant("4", 4, "Survived"),
          mutant("5", 5, "Survived", "ConditionalExpression", "true"),
          mutant("6", 6, "CompileError"),
          mutant("7", 7, "Ignored"),
        ],
      },
      "src/model/b.ts": { mutants: [mutant("8", 1, "NoCoverage"), mutant("9", 2, "Killed")] },
    },
  };
  const equivalents = parseEquivalents(
    [
      "| mutant | mutator | replacement | why |",
      "|---|---|---|---|",
      "| src/protocol/a.ts:5 | ConditionalExpression | `true` | same output: a shortcut |",
      "| src/protocol/a.ts:9 | EqualityOperator | * | no such mutant: matches nothing |",
    ].join("\n"),
  );

  it("reads the rows of mutation/equivalent.md and refuses a malformed one", () => {
    expect(equivalents).toEqual([
      {
        file: "src/protocol/a.ts",
        line: 5,
        mutator: "ConditionalExpression",
        replacement: "true",
        reason: "same output: a shortcut",
      },
      {
        file: "src/protocol/a.ts",
        line: 9,
        mutator: "EqualityOperator",
        replacement: "*",
        reason: "no such mutant: matches nothing",
      },
    ]);
    expect(() => parseEquivalents("| src/protocol/a.ts | X | y | z |")).toThrow(/bad row/);
    // A | inside a cell is written \| in the table.
    expect(parseEquivalents("| src/p.ts:3 | LogicalOperator | `a \\|\\| b` | why |")[0]?.replacement).toBe(
      "a || b",
    );
  });

  it("a row with a column matches only the mutant that starts there", () => {
    // Two `true` mutants on line 4, at columns 7 and 42: the row names column 42 only.
    const at = (id: string, column: number) => ({
      ...mutant(id, 4, "Survived", "ConditionalExpression", "true"),
      location: { start: { line: 4, column } },
    });
    const twoOnALine: MutationReport = {
      files: { "src/model/c.ts": { mutants: [at("a", 7), at("b", 42)] } },
    };
    const rows = parseEquivalents("| src/model/c.ts:4:42 | ConditionalExpression | `true` | why |");
    expect(rows[0]).toMatchObject({ file: "src/model/c.ts", line: 4, column: 42 });
    expect(unlistedSurvivors(twoOnALine, rows).map((m) => m.column)).toEqual([7]);
    expect(countsByFile(twoOnALine, rows).get("src/model/c.ts")).toMatchObject({
      survived: 1,
      equivalent: 1,
    });
    // Without the column the row matches both.
    const anyColumn = parseEquivalents("| src/model/c.ts:4 | ConditionalExpression | `true` | why |");
    expect(unlistedSurvivors(twoOnALine, anyColumn)).toEqual([]);
    expect(() => parseEquivalents("| src/model/c.ts:4:x | ConditionalExpression | `true` | why |")).toThrow(
      /bad row/,
    );
  });

  it("is (killed + timeout) / valid, errors and ignored mutants not counted, equivalents left out", () => {
    const byFile = countsByFile(report, equivalents);
    expect(byFile.get("src/protocol/a.ts")).toEqual({
      killed: 2,
      timeout: 1,
      survived: 1,
      noCoverage: 0,
      equivalent: 1,
      invalid: 2,
    });
    expect(mutationScore(byFile.get("src/protocol/a.ts")!)).toBe(75); // 3 of 4
    const byFolder = countsByFolder(byFile, ["src/protocol", "src/model", "src/detect"]);
    expect(mutationScore(byFolder.get("src/model")!)).toBe(50); // 1 killed, 1 uncovered
    expect(mutationScore(byFolder.get("src/detect")!)).toBeNaN();
    // Without the list, the shortcut counts as a survivor: 3 of 5.
    expect(mutationScore(countsByFile(report).get("src/protocol/a.ts")!)).toBe(60);
  });

  it("merges a re-run: a mutant at the same place, mutator and replacement takes the newer status", () => {
    const older = [mutant("1", 4, "Survived"), mutant("2", 5, "Survived", "ConditionalExpression", "true")];
    const newer = [mutant("9", 4, "Killed"), mutant("8", 5, "Killed", "ConditionalExpression", "false")];
    expect(mergeMutants(older, newer).map((m) => [m.location.start.line, m.replacement, m.status])).toEqual([
      [4, "a >= b", "Killed"],
      [5, "true", "Survived"],
      [5, "false", "Killed"],
    ]);
  });

  it("never lets an Ignored mutant replace another, and keeps it where it is the only one", () => {
    const older = [mutant("1", 4, "Survived"), mutant("2", 6, "Ignored")];
    const newer = [mutant("9", 4, "Ignored"), mutant("8", 6, "Killed"), mutant("7", 7, "Ignored")];
    expect(mergeMutants(older, newer).map((m) => [m.location.start.line, m.status])).toEqual([
      [4, "Survived"],
      [6, "Killed"],
      [7, "Ignored"],
    ]);
  });

  it("lists the survivors that are neither killed nor listed", () => {
    expect(unlistedSurvivors(report, equivalents)).toEqual([
      { file: "src/protocol/a.ts", line: 4, column: 1, mutator: "EqualityOperator", replacement: "a >= b" },
      { file: "src/model/b.ts", line: 1, column: 1, mutator: "EqualityOperator", replacement: "a >= b" },
    ]);
  });
});

describe("reading a report", () => {
  it("takes a Stryker report, full or partial, and names what is wrong with anything else", () => {
    const mutant = {
      id: "1",
      mutatorName: "BooleanLiteral",
      status: "Killed",
      location: { start: { line: 3, column: 1 } },
    };
    expect(
      parseReport(JSON.stringify({ schemaVersion: "1.0", files: { "src/a.ts": { mutants: [mutant] } } })),
    ).toEqual({
      schemaVersion: "1.0",
      files: { "src/a.ts": { mutants: [mutant] } },
    });
    expect(() => parseReport("not json\n")).toThrow(
      `not JSON (Unexpected token 'o', "not json " is not valid JSON)`,
    );
    expect(() => parseReport("null")).toThrow("not a Stryker report: no `files` object");
    expect(() => parseReport('{"files": 3}')).toThrow("not a Stryker report: no `files` object");
    expect(() => parseReport('{"files": []}')).toThrow("not a Stryker report: no `files` object");
    expect(() => parseReport('{"files": {"src/a.ts": {}}}')).toThrow(
      'not a Stryker report: files["src/a.ts"] has no mutants list',
    );
    expect(() => parseReport('{"files": {"src/a.ts": {"mutants": [{"status": "Killed"}]}}}')).toThrow(
      "not a Stryker report: a mutant of src/a.ts has no status or start line",
    );
    expect(() =>
      parseReport('{"files": {"src/a.ts": {"mutants": [{"location": {"start": {"line": 1}}}]}}}'),
    ).toThrow("not a Stryker report: a mutant of src/a.ts has no status or start line");
  });
});
