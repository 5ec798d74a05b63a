/**
 * parseLooptwinCsv's errors read whole (file, line, column, problem) and its edges: spaces and
 * CRs around names and cells, blank lines at the end, labels in any place, repeated times, and
 * files without labels. Expected tables and messages are written by hand from the file format
 * (src/detect/data/looptwinCsv.ts's header; InputFileError's `file (line L, column C): problem`).
 */
import { describe, expect, it } from "vitest";
import { parseLooptwinCsv } from "../../src/detect/data/looptwinCsv.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

function errorOf(text: string): { message: string; line: number | undefined; column: string | undefined } {
  const e = inputFileErrorOf(() => parseLooptwinCsv(text, "f.csv"));
  expect(e.file).toBe("f.csv");
  return { message: e.message, line: e.line, column: e.column };
}

describe("looptwin CSV: what is read", () => {
  it("takes every column but the labels and the fault text as a channel, in file order", () => {
    const t = parseLooptwinCsv(
      "t_s,anomaly,x,fault,changepoint,y\n0,1,2.5,pump,0,3\n0.5,0,4,,1,-1\n",
      "f.csv",
    );
    expect(t.source).toBe("f.csv");
    expect(t.timeColumn).toBe("t_s");
    expect(t.rowCount).toBe(2);
    expect(t.channelNames).toEqual(["x", "y"]);
    expect(t.channels.map((c) => Array.from(c))).toEqual([
      [2.5, 4],
      [3, -1],
    ]);
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0]);
    expect(Array.from(t.changepoint ?? [])).toEqual([0, 1]);
    expect(Array.from(t.timeS)).toEqual([0, 0.5]);
  });

  it("has no label arrays when the file has no label columns, and only the one it has", () => {
    const none = parseLooptwinCsv("t_s,a\n0,1\n1,2\n", "f.csv");
    expect(none.anomaly).toBeUndefined();
    expect(none.changepoint).toBeUndefined();
    expect(Array.from(none.channels[0] as Float64Array)).toEqual([1, 2]);
    const cp = parseLooptwinCsv("t_s,a,changepoint\n0,1,1\n", "f.csv");
    expect(cp.anomaly).toBeUndefined();
    expect(Array.from(cp.changepoint ?? [])).toEqual([1]);
    const an = parseLooptwinCsv("t_s,a,anomaly\n0,1,1\n", "f.csv");
    expect(Array.from(an.anomaly ?? [])).toEqual([1]);
    expect(an.changepoint).toBeUndefined();
  });

  it("trims spaces around names and cells, keeping the time text as trimmed", () => {
    const t = parseLooptwinCsv("t_s , a ,anomaly\r\n 0.5 , 1.25 , 1 \r\n 2 ,\t3\t, 0.0\r\n", "f.csv");
    expect(t.channelNames).toEqual(["a"]);
    expect(t.timeText).toEqual(["0.5", "2"]);
    expect(Array.from(t.timeS)).toEqual([0.5, 2]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([1.25, 3]);
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0]);
  });

  it("reads a cell of spaces as empty (NaN), like an empty one", () => {
    const t = parseLooptwinCsv("t_s,a,b\n0,   ,\n", "f.csv");
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([Number.NaN]);
    expect(Array.from(t.channels[1] as Float64Array)).toEqual([Number.NaN]);
  });

  it("reads every decimal form a CSV writer uses", () => {
    const t = parseLooptwinCsv("t_s,a,anomaly\n.5,5.,1.0\n5.,+3e-4,0.0\n1E2,-.5,+1\n", "f.csv");
    expect(Array.from(t.timeS)).toEqual([0.5, 5, 100]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([5, 3e-4, -0.5]);
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0, 1]);
  });

  it("accepts a repeated time (non-decreasing)", () => {
    const t = parseLooptwinCsv("t_s,a\n1,1\n1,2\n", "f.csv");
    expect(Array.from(t.timeS)).toEqual([1, 1]);
  });

  it("drops blank lines at the end, CRLF and spaces included", () => {
    const t = parseLooptwinCsv("t_s,a\r\n0,1\r\n\r\n  \r\n\t\n", "f.csv");
    expect(t.rowCount).toBe(1);
    expect(t.timeText).toEqual(["0"]);
  });

  it("reads a file that starts with a byte-order mark", () => {
    const t = parseLooptwinCsv("\ufefft_s,a\n0,1\n", "f.csv");
    expect(t.channelNames).toEqual(["a"]);
    expect(t.timeText).toEqual(["0"]);
  });

  it("reads a row that starts with a stray CR whole (only a CR at the end is a line end)", () => {
    const t = parseLooptwinCsv("t_s,a\n\r0,1.5\n", "f.csv");
    expect(t.timeText).toEqual(["0"]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([1.5]);
  });
});

describe("looptwin CSV: errors", () => {
  it("an empty file, or one of blank lines only", () => {
    for (const text of ["", "\n", " \r\n\t\n\n"])
      expect(errorOf(text)).toEqual({
        message: "f.csv (line 1): empty file: expected a header row",
        line: 1,
        column: undefined,
      });
  });

  it("a header without rows", () => {
    expect(errorOf("t_s,a\n")).toEqual({
      message: "f.csv (line 2): no data rows after the header",
      line: 2,
      column: undefined,
    });
  });

  it("a first column that is not t_s", () => {
    expect(errorOf("time,a\n0,1\n")).toEqual({
      message: 'f.csv (line 1, column 1 (time)): first column must be "t_s" (got "time")',
      line: 1,
      column: "1 (time)",
    });
  });

  it("a short row names the first missing column, a long one the first extra field", () => {
    expect(errorOf("t_s,a,b\n0,1,2\n1\n")).toEqual({
      message: "f.csv (line 3, column 2 (a)): ragged row: 1 fields, header has 3 (column missing)",
      line: 3,
      column: "2 (a)",
    });
    expect(errorOf("t_s,a\n0,1,2,3\n")).toEqual({
      message: "f.csv (line 2, column 3): ragged row: 4 fields, header has 2 (extra field)",
      line: 2,
      column: "3",
    });
  });

  it("a time that is empty, not a number or not finite", () => {
    expect(errorOf("t_s,a\n,1\n")).toEqual({
      message: 'f.csv (line 2, column 1 (t_s)): not a time in seconds: ""',
      line: 2,
      column: "1 (t_s)",
    });
    expect(errorOf("t_s,a\n0,1\n abc ,2\n").message).toBe(
      'f.csv (line 3, column 1 (t_s)): not a time in seconds: "abc"',
    );
    expect(errorOf("t_s,a\nInfinity,1\n").message).toBe(
      'f.csv (line 2, column 1 (t_s)): not a time in seconds: "Infinity"',
    );
  });

  it("time going backwards, with both times as written", () => {
    expect(errorOf("t_s,a\n0,1\n2.50,1\n2.25,1\n")).toEqual({
      message: "f.csv (line 4, column 1 (t_s)): time goes backwards (2.25 after 2.50)",
      line: 4,
      column: "1 (t_s)",
    });
  });

  it("a channel cell that is not a finite number, trimmed in the message", () => {
    expect(errorOf("t_s,a,b\n0,1, x \n")).toEqual({
      message: 'f.csv (line 2, column 3 (b)): not a number: "x"',
      line: 2,
      column: "3 (b)",
    });
    expect(errorOf("t_s,a\n0,-Infinity\n").message).toBe(
      'f.csv (line 2, column 2 (a)): not a number: "-Infinity"',
    );
  });

  it("a hexadecimal, octal or binary number, which Number alone would read (0x1A as 26)", () => {
    expect(errorOf("t_s,a\n0x10,1\n")).toEqual({
      message: 'f.csv (line 2, column 1 (t_s)): not a time in seconds: "0x10"',
      line: 2,
      column: "1 (t_s)",
    });
    expect(errorOf("t_s,a\n0,0x1A\n").message).toBe('f.csv (line 2, column 2 (a)): not a number: "0x1A"');
    expect(errorOf("t_s,a\n0,0o17\n").message).toBe('f.csv (line 2, column 2 (a)): not a number: "0o17"');
    expect(errorOf("t_s,a,anomaly\n0,1,0b1\n")).toEqual({
      message: 'f.csv (line 2, column 3 (anomaly)): label must be 0 or 1: "0b1"',
      line: 2,
      column: "3 (anomaly)",
    });
    expect(errorOf("t_s,changepoint\n0,0x0\n").message).toBe(
      'f.csv (line 2, column 2 (changepoint)): label must be 0 or 1: "0x0"',
    );
  });

  it("a label that is empty, blank or not 0 or 1", () => {
    expect(errorOf("t_s,a,anomaly\n0,1,\n")).toEqual({
      message: 'f.csv (line 2, column 3 (anomaly)): label must be 0 or 1: ""',
      line: 2,
      column: "3 (anomaly)",
    });
    expect(errorOf("t_s,a,anomaly\n0,1,  \n").message).toBe(
      'f.csv (line 2, column 3 (anomaly)): label must be 0 or 1: ""',
    );
    expect(errorOf("t_s,changepoint,a\n0,0,1\n1, 2 ,1\n")).toEqual({
      message: 'f.csv (line 3, column 2 (changepoint)): label must be 0 or 1: "2"',
      line: 3,
      column: "2 (changepoint)",
    });
  });
});
