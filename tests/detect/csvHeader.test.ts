/** The labelled-CSV header checks shared by the SKAB and looptwin readers. */
import { describe, expect, it } from "vitest";
import { checkColumnNames, columnRef } from "../../src/detect/data/csvHeader.js";
import { parseLooptwinCsv } from "../../src/detect/data/looptwinCsv.js";
import { parseSkabCsv } from "../../src/detect/data/skabCsv.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

describe("labelled CSV headers", () => {
  it("name a column by its 1-based number and its name", () => {
    expect(columnRef(0, "t_s")).toBe("1 (t_s)");
    expect(columnRef(4, "")).toBe("5");
    expect(columnRef(2, undefined)).toBe("3");
  });

  it("accept distinct names; refuse an empty or a repeated one, naming the column", () => {
    expect(() => checkColumnNames(["t_s", "a", "b"], "f.csv")).not.toThrow();
    const empty = inputFileErrorOf(() => checkColumnNames(["t_s", "", "b"], "f.csv"));
    expect(empty.message).toMatch(/empty column name/);
    expect(empty.message).toMatch(/f\.csv/);
    const dup = inputFileErrorOf(() => checkColumnNames(["t_s", "a", "b", "a"], "f.csv"));
    expect(dup.message).toMatch(/duplicate column name \(also column 2\)/);
    expect(dup.message).toMatch(/4 \(a\)/);
  });

  it("are checked by both readers", () => {
    expect(inputFileErrorOf(() => parseLooptwinCsv("t_s,a,a\n0,1,2\n", "l.csv")).message).toMatch(
      /duplicate column name \(also column 2\)/,
    );
    expect(
      inputFileErrorOf(() => parseSkabCsv("datetime;a;a\n2020-01-01 00:00:00;1;2\n", "s.csv")).message,
    ).toMatch(/duplicate column name \(also column 2\)/);
  });
});
