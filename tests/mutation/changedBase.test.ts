/**
 * Where the changed-files mutation run starts (the last landed commit) and what fits in its line
 * budget (scripts/mutation/changedBase.ts). Inputs and expected values written by hand.
 */
import { describe, expect, it } from "vitest";
import {
  chooseBase,
  codeLineCount,
  fitBudget,
  landedCommitText,
  type SizedTarget,
} from "../../scripts/mutation/changedBase.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("the base of the changed-files run", () => {
  it("is MUTATION_BASE when set, whatever mutation/landed-commit says", () => {
    expect(chooseBase({ MUTATION_BASE: "v1.2" }, `${SHA}\n`)).toEqual({ kind: "explicit", ref: "v1.2" });
  });

  it("is the commit in mutation/landed-commit, comment lines and blanks skipped", () => {
    expect(chooseBase({}, landedCommitText(SHA))).toEqual({ kind: "landed", ref: SHA });
    expect(chooseBase({ MUTATION_BASE: "", MUTATION_COMMITS: "5" }, `# c\n\n  ${SHA}  \n`)).toEqual({
      kind: "landed",
      ref: SHA,
    });
  });

  it("refuses a landed-commit file that is not one full commit id, naming the file", () => {
    for (const text of ["", "# only a comment\n", "abc123\n", `${SHA}\n${SHA}\n`, `${SHA.toUpperCase()}\n`]) {
      const c = chooseBase({}, text);
      expect(c.kind).toBe("error");
      if (c.kind === "error") expect(c.message).toMatch(/^mutation\/landed-commit: want one line/);
    }
  });

  it("without the file, is HEAD~MUTATION_COMMITS (default 1), and refuses a bad count", () => {
    expect(chooseBase({}, undefined)).toEqual({
      kind: "commits",
      ref: "HEAD~1",
      why: "no mutation/landed-commit",
    });
    expect(chooseBase({ MUTATION_COMMITS: "12" }, undefined)).toMatchObject({ ref: "HEAD~12" });
    for (const bad of ["0", "-1", "two", "1.5"])
      expect(chooseBase({ MUTATION_COMMITS: bad }, undefined)).toEqual({
        kind: "error",
        message: `MUTATION_COMMITS: must be a whole number >= 1 (got "${bad}")`,
      });
  });

  it("writes the landed commit so that it reads back, and refuses what is not a commit id", () => {
    expect(
      landedCommitText(SHA)
        .split("\n")
        .filter((l) => !l.startsWith("#")),
    ).toEqual([SHA, ""]);
    expect(() => landedCommitText("HEAD")).toThrow(/want a 40-hex commit id \(got "HEAD"\)/);
  });
});

describe("the line budget", () => {
  const text = [
    "/**", // 1
    " * doc", // 2
    " */", // 3
    "export function f(a: number): number {", // 4
    "  // why", // 5
    "", // 6
    "  return a + 1;", // 7
    "}", // 8
  ].join("\n");

  it("counts only lines that can hold a mutant", () => {
    expect(codeLineCount(text, "all")).toBe(3);
    expect(codeLineCount(text, [[1, 5]])).toBe(1);
    expect(
      codeLineCount(text, [
        [6, 7],
        [8, 20],
      ]),
    ).toBe(2);
  });

  const t = (file: string, ranges: SizedTarget["ranges"], codeLines: number): SizedTarget => ({
    file,
    ranges,
    codeLines,
  });
  // Each range's size is its length, for the test.
  const size = (_f: string, [a, b]: [number, number]): number => b - a + 1;

  it("keeps targets in order while they fit, and leaves out the rest", () => {
    const r = fitBudget([t("a.ts", "all", 4), t("b.ts", "all", 5), t("c.ts", "all", 2)], 7, size);
    expect(r.kept.map((k) => k.file)).toEqual(["a.ts", "c.ts"]);
    expect(r.leftOut.map((k) => k.file)).toEqual(["b.ts"]);
  });

  it("splits a changed file by its hunks: the first ones that fit are checked, the rest listed", () => {
    const big = t(
      "a.ts",
      [
        [1, 3],
        [10, 13],
        [20, 20],
      ],
      8,
    );
    const r = fitBudget([big], 5, size);
    expect(r.kept).toEqual([t("a.ts", [[1, 3]], 3)]);
    // The 1-line hunk would fit, but hunks stay in order: once one is left out, the rest are.
    expect(r.leftOut).toEqual([
      t(
        "a.ts",
        [
          [10, 13],
          [20, 20],
        ],
        5,
      ),
    ]);
  });

  it("keeps everything when the budget is large enough, exactly at the limit", () => {
    const all = [t("a.ts", "all", 4), t("b.ts", [[2, 4]], 3)];
    expect(fitBudget(all, 7, size)).toEqual({ kept: all, leftOut: [] });
    expect(fitBudget(all, 6, size).leftOut).toEqual([t("b.ts", [[2, 4]], 3)]);
  });
});
