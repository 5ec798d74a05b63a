/**
 * The header checks' errors read whole: the file, line 1 and the column each names, and the
 * 1-based column numbers (docs/mutation.md: every error message is pinned by field and value).
 */
import { describe, expect, it } from "vitest";
import { checkColumnNames, columnRef, decimalOrNaN } from "../../src/detect/data/csvHeader.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

describe("labelled CSV header errors", () => {
  it("an empty name is named by its 1-based column number alone, on line 1", () => {
    const e = inputFileErrorOf(() => checkColumnNames(["t_s", "", "b"], "f.csv"));
    expect(e.message).toBe("f.csv (line 1, column 2): empty column name");
    expect([e.file, e.line, e.column]).toEqual(["f.csv", 1, "2"]);
  });

  it("a repeated name is named by its number and name, and says where it came first", () => {
    const e = inputFileErrorOf(() => checkColumnNames(["t_s", "a", "b", "a"], "f.csv"));
    expect(e.message).toBe("f.csv (line 1, column 4 (a)): duplicate column name (also column 2)");
    expect([e.line, e.column]).toEqual([1, "4 (a)"]);
    const first = inputFileErrorOf(() => checkColumnNames(["x", "x"], "g.csv"));
    expect(first.message).toBe("g.csv (line 1, column 2 (x)): duplicate column name (also column 1)");
  });

  it("columnRef counts from 1 with or without a name", () => {
    expect(columnRef(9, "anomaly")).toBe("10 (anomaly)");
    expect(columnRef(9, undefined)).toBe("10");
  });
});

describe("labelled CSV cells: decimalOrNaN", () => {
  it("reads a decimal number as a CSV writer puts it", () => {
    const cases: readonly (readonly [text: string, value: number])[] = [
      ["0", 0],
      ["-0.27", -0.27],
      ["32.0", 32],
      [".5", 0.5],
      [".25", 0.25],
      ["-.5", -0.5],
      ["5.", 5],
      ["+3e-4", 0.0003],
      ["1E2", 100],
      ["2.5e+3", 2500],
      ["6.02e23", 6.02e23],
      ["007", 7],
    ];
    for (const [text, value] of cases) expect(decimalOrNaN(text), text).toBe(value);
  });

  it("gives NaN for the other things Number reads, and for what is not a number at all", () => {
    for (const text of ["", " ", ".", "+", "-", "e5", "1e", "1e+", "1.2.3", "--1", "1,5", "1 2", " 1"])
      expect(decimalOrNaN(text), JSON.stringify(text)).toBeNaN();
    for (const text of ["0x1A", "0X1a", "0o17", "0b11", "Infinity", "-Infinity", "NaN"])
      expect(decimalOrNaN(text), text).toBeNaN();
  });
});
