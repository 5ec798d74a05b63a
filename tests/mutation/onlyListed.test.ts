/**
 * The only-listed ignorer (scripts/mutation/onlyListed.mjs): a run restricted to listed mutants
 * instruments only those (and their ancestors' own), checked with Stryker's instrumenter on a
 * source written here.
 */
import { Instrumenter } from "@stryker-mutator/instrumenter";
import { describe, expect, it } from "vitest";
import { quietLogger as quiet } from "../../scripts/mutation/instrumentSources.js";
import { holdsNoPlace, onlyListedIgnorer, readPlaceList } from "../../scripts/mutation/onlyListed.mjs";

// Line 2 column 7 is `x > 1`; line 3 column 12 is `x + 1`.
const SOURCE = [
  "export function f(x: number): number {",
  "  if (x > 1) {",
  "    return x + 1;",
  "  }",
  "  return x === 0 ? 0 : -1;",
  "}",
  "",
].join("\n");

async function notIgnored(list: Map<string, number[][]> | null): Promise<string[]> {
  const r = await new Instrumenter(quiet).instrument([{ name: "src/x.ts", content: SOURCE, mutate: true }], {
    plugins: null,
    excludedMutations: [],
    ignorers: [onlyListedIgnorer(list, "/work")],
    noHeader: false,
  });
  return r.mutants
    .filter((m) => m.status !== "Ignored")
    .map(
      (m) => `${m.location.start.line + 1}:${m.location.start.column + 1} ${m.mutatorName} ${m.replacement}`,
    );
}

describe("only-listed ignorer", () => {
  it("lets through the listed mutant's node and its ancestors' own mutants only", async () => {
    expect(await notIgnored(new Map([["src/x.ts", [[3, 12]]]]))).toEqual([
      "1:38 BlockStatement {}",
      "2:14 BlockStatement {}",
      "3:12 ArithmeticOperator x - 1",
    ]);
  });

  it("ignores every mutant of a file not listed, and everything without a list", async () => {
    expect(await notIgnored(new Map([["src/y.ts", [[3, 12]]]]))).toEqual([]);
    expect(await notIgnored(null)).toEqual([]);
  });

  it("reads a file name given as an absolute path relative to the working folder", async () => {
    const r = await new Instrumenter(quiet).instrument(
      [{ name: "/work/src/x.ts", content: SOURCE, mutate: true }],
      {
        plugins: null,
        excludedMutations: [],
        ignorers: [onlyListedIgnorer(new Map([["src/x.ts", [[2, 7]]]]), "/work")],
        noHeader: false,
      },
    );
    expect(r.mutants.filter((m) => m.status !== "Ignored").map((m) => m.mutatorName)).toEqual([
      "BlockStatement",
      "ConditionalExpression",
      "ConditionalExpression",
      "EqualityOperator",
      "EqualityOperator",
    ]);
  });
});

describe("holdsNoPlace", () => {
  // Babel positions: line 1-based, column 0-based, end exclusive; places 1-based.
  const start = { line: 2, column: 4 };
  const end = { line: 2, column: 9 };
  it("holds a place at the node's first column and not one at its end", () => {
    expect(holdsNoPlace([[2, 5]], start, end)).toBe(false);
    expect(holdsNoPlace([[2, 9]], start, end)).toBe(false);
    expect(holdsNoPlace([[2, 10]], start, end)).toBe(true);
    expect(holdsNoPlace([[2, 4]], start, end)).toBe(true);
    expect(holdsNoPlace([[1, 5]], start, end)).toBe(true);
    expect(holdsNoPlace([], start, end)).toBe(true);
  });
});

describe("readPlaceList", () => {
  it("reads files to [line, column] pairs", () => {
    expect(readPlaceList('{"files":{"src/a.ts":[[3,4],[5,1]]}}')).toEqual(
      new Map([
        [
          "src/a.ts",
          [
            [3, 4],
            [5, 1],
          ],
        ],
      ]),
    );
  });

  it("names what is wrong in one line", () => {
    expect(() => readPlaceList("{", "list.json")).toThrow(/^list\.json: not JSON \(/);
    expect(() => readPlaceList("[]", "list.json")).toThrow('list.json: no "files" object');
    expect(() => readPlaceList('{"files":{"src/a.ts":[[0,1]]}}', "list.json")).toThrow(
      'list.json: files["src/a.ts"] must be a list of [line, column] pairs (1-based)',
    );
    expect(() => readPlaceList('{"files":{"src/a.ts":[[1.5,1]]}}', "list.json")).toThrow(/must be a list/);
  });
});
