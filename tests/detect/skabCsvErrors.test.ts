/**
 * parseSkabCsv's and parseSkabDatetime's errors read whole (file, line, column, problem) and
 * their edges: spaces and CRs around names and cells, blank lines at the end, a file with one
 * label column, repeated times, and the range of each datetime field. Expected tables, messages
 * and seconds are written by hand from the SKAB layout (src/detect/data/skabCsv.ts's header) and
 * the calendar (1970 has 365 days: its last second is 31,536,000 - 1).
 */
import { describe, expect, it } from "vitest";
import { parseSkabCsv, parseSkabDatetime } from "../../src/detect/data/skabCsv.js";
import { inputFileErrorOf } from "../core/inputFileErrorOf.js";

function errorOf(text: string): { message: string; line: number | undefined; column: string | undefined } {
  const e = inputFileErrorOf(() => parseSkabCsv(text, "x.csv"));
  expect(e.file).toBe("x.csv");
  return { message: e.message, line: e.line, column: e.column };
}

const T0 = "2020-01-01 00:00:00";
const T1 = "2020-01-01 00:00:01";

describe("parseSkabDatetime: each field's range", () => {
  it("reads the first and last valid value of every field", () => {
    expect(parseSkabDatetime("1970-01-01 00:00:00")).toBe(0);
    expect(parseSkabDatetime("1970-12-31 23:59:59")).toBe(31_535_999);
    expect(parseSkabDatetime("1970-01-31 00:00:00")).toBe(30 * 86_400);
    expect(parseSkabDatetime("1970-01-01 00:59:00")).toBe(3540);
    expect(parseSkabDatetime("1970-01-01 00:00:60")).toBe(60);
    expect(parseSkabDatetime("1970-01-01 00:00:01.25")).toBe(1.25);
    expect(parseSkabDatetime("1970-01-02T00:00:00Z")).toBe(86_400);
  });

  it("reads a year below 100 as that year, not as 1900 + it (as Date.UTC does)", () => {
    // 0000-01-01 is 719,528 days before 1970-01-01 in the proleptic Gregorian calendar: Python's
    // date(1970, 1, 1).toordinal() is 719,163, counted from 0001-01-01 as day 1, and the year 0 has
    // 366 days (divisible by 400), so 0000-02-29 exists and is day 59 of it.
    expect(parseSkabDatetime("0000-01-01 00:00:00")).toBe(-719_528 * 86_400);
    expect(parseSkabDatetime("0000-02-29 00:00:00")).toBe((-719_528 + 59) * 86_400);
    const last99 = parseSkabDatetime("0099-12-31 23:59:59") as number;
    expect((parseSkabDatetime("0100-01-01 00:00:00") as number) - last99).toBe(1);
  });

  it("trims spaces around the text", () => {
    expect(parseSkabDatetime(" \t1970-01-01 00:01:00 ")).toBe(60);
  });

  it("refuses a field out of range, even where the calendar would roll it over", () => {
    for (const text of [
      "1970-00-10 00:00:00", // month 0 (Date.UTC would give 1969-12-10)
      "1970-13-01 00:00:00", // month 13 (Date.UTC would give 1971-01-01)
      "1970-01-00 00:00:00",
      "1970-01-32 00:00:00",
      "1970-04-31 00:00:00",
      "1970-01-01 24:00:00",
      "1970-01-01 10:60:00", // minute 60 (Date.UTC would give 11:00)
      "1970-01-01 00:00:61",
    ])
      expect(parseSkabDatetime(text), text).toBeUndefined();
  });

  it("refuses text around or inside the pattern", () => {
    for (const text of [
      "x1970-01-01 00:00:00",
      "1970-01-01 00:00:00x",
      "1970-1-01 00:00:00",
      "1970-01-01_00:00:00",
      "1970-01-01 0:00:00",
      "1970-01-01 00:00:00.",
      "",
    ])
      expect(parseSkabDatetime(text), text).toBeUndefined();
  });
});

describe("SKAB CSV: what is read", () => {
  it("trims spaces around names and cells, keeping the time text as trimmed", () => {
    const t = parseSkabCsv(`datetime ; a ;anomaly\r\n ${T0} ; 1.25 ; 1 \r\n${T1};\t3\t; 0.0\r\n`, "x.csv");
    expect(t.channelNames).toEqual(["a"]);
    expect(t.timeText).toEqual([T0, T1]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([1.25, 3]);
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0]);
  });

  it("has only the label array whose column is there", () => {
    const cp = parseSkabCsv(`datetime;a;changepoint\n${T0};1.5;1\n${T1};2;0\n`, "x.csv");
    expect(cp.anomaly).toBeUndefined();
    expect(Array.from(cp.changepoint ?? [])).toEqual([1, 0]);
    expect(Array.from(cp.channels[0] as Float64Array)).toEqual([1.5, 2]);
    const an = parseSkabCsv(`datetime;a;anomaly\n${T0};1.5;1\n${T1};2;0\n`, "x.csv");
    expect(Array.from(an.anomaly ?? [])).toEqual([1, 0]);
    expect(an.changepoint).toBeUndefined();
  });

  it("reads both labels into their own arrays", () => {
    const t = parseSkabCsv(`datetime;a;anomaly;changepoint\n${T0};1;1;0\n${T1};2;0;1\n`, "x.csv");
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0]);
    expect(Array.from(t.changepoint ?? [])).toEqual([0, 1]);
  });

  it("accepts a repeated time (non-decreasing)", () => {
    const t = parseSkabCsv(`datetime;a\n${T1};1\n${T1};2\n`, "x.csv");
    expect((t.timeS[1] as number) - (t.timeS[0] as number)).toBe(0);
  });

  it("drops blank lines at the end, CRLF and spaces included", () => {
    const t = parseSkabCsv(`datetime;a\r\n${T0};1\r\n\r\n  \r\n\t\n`, "x.csv");
    expect(t.rowCount).toBe(1);
  });

  it("reads a file that starts with a byte-order mark", () => {
    const t = parseSkabCsv(`\ufeffdatetime;a\r\n${T0};1\r\n`, "x.csv");
    expect(t.channelNames).toEqual(["a"]);
    expect(t.timeText).toEqual([T0]);
  });

  it("reads a row that starts with a stray CR whole (only a CR at the end is a line end)", () => {
    const t = parseSkabCsv(`datetime;a\n\r${T0};1.5\n`, "x.csv");
    expect(t.timeText).toEqual([T0]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([1.5]);
  });
});

describe("SKAB CSV: errors", () => {
  it("an empty file, or one of blank lines only", () => {
    for (const text of ["", "\r\n", " \r\n\t\n\n"])
      expect(errorOf(text)).toEqual({
        message: "x.csv (line 1): empty file: expected a header row",
        line: 1,
        column: undefined,
      });
  });

  it("a header that is not ';'-separated", () => {
    expect(errorOf(`datetime,a,b\n${T0},1,2\n`)).toEqual({
      message: 'x.csv (line 1): header is not ";"-separated (got "datetime,a,b")',
      line: 1,
      column: undefined,
    });
  });

  it("a first column that is not datetime", () => {
    expect(errorOf(`time;a\n${T0};1\n`)).toEqual({
      message: 'x.csv (line 1, column 1 (time)): first column must be "datetime" (got "time")',
      line: 1,
      column: "1 (time)",
    });
  });

  it("labels out of order, naming the first label column", () => {
    expect(errorOf(`datetime;a;changepoint;anomaly\n${T0};1;0;0\n`)).toEqual({
      message:
        "x.csv (line 1, column 3 (changepoint)): label columns must be in the order anomaly;changepoint",
      line: 1,
      column: "3 (changepoint)",
    });
  });

  it("a label before a channel", () => {
    expect(errorOf(`datetime;anomaly;a\n${T0};0;1\n`)).toEqual({
      message: "x.csv (line 1, column 2 (anomaly)): label columns must come after every channel column",
      line: 1,
      column: "2 (anomaly)",
    });
  });

  it("no channel", () => {
    expect(errorOf(`datetime;anomaly\n${T0};0\n`)).toEqual({
      message: "x.csv (line 1): missing columns: no numeric channel between datetime and the labels",
      line: 1,
      column: undefined,
    });
  });

  it("a header without rows", () => {
    expect(errorOf("datetime;a\r\n")).toEqual({
      message: "x.csv (line 2): no data rows after the header",
      line: 2,
      column: undefined,
    });
  });

  it("a short row names the first missing column, a long one the first extra field", () => {
    expect(errorOf(`datetime;a;b\n${T0};1;2\n${T1};1\n`)).toEqual({
      message: "x.csv (line 3, column 3 (b)): ragged row: 2 fields, header has 3 (column missing)",
      line: 3,
      column: "3 (b)",
    });
    expect(errorOf(`datetime;a\n${T0};1;2;3\n`)).toEqual({
      message: "x.csv (line 2, column 3): ragged row: 4 fields, header has 2 (extra field)",
      line: 2,
      column: "3",
    });
  });

  it("a time that is not a datetime, trimmed in the message", () => {
    expect(errorOf(`datetime;a\n${T0};1\n 10:14:34 ;2\n`)).toEqual({
      message: 'x.csv (line 3, column 1 (datetime)): not a datetime (want YYYY-MM-DD HH:MM:SS): "10:14:34"',
      line: 3,
      column: "1 (datetime)",
    });
  });

  it("time going backwards, with both times as written", () => {
    expect(errorOf(`datetime;a\n${T0};1\n2020-01-01 00:00:10;1\n2020-01-01 00:00:05;1\n`)).toEqual({
      message:
        "x.csv (line 4, column 1 (datetime)): time goes backwards (2020-01-01 00:00:05 after 2020-01-01 00:00:10)",
      line: 4,
      column: "1 (datetime)",
    });
  });

  it("a channel cell that is empty, blank or not a finite number, trimmed in the message", () => {
    expect(errorOf(`datetime;a;b\n${T0};1; x \n`)).toEqual({
      message: 'x.csv (line 2, column 3 (b)): not a number: "x"',
      line: 2,
      column: "3 (b)",
    });
    expect(errorOf(`datetime;a;b\n${T0};   ;1\n`).message).toBe(
      'x.csv (line 2, column 2 (a)): not a number: ""',
    );
    expect(errorOf(`datetime;a\n${T0};Infinity\n`).message).toBe(
      'x.csv (line 2, column 2 (a)): not a number: "Infinity"',
    );
  });

  it("a hexadecimal, octal or binary number, which Number alone would read (0x1A as 26)", () => {
    expect(errorOf(`datetime;a\n${T0};0x1A\n`)).toEqual({
      message: 'x.csv (line 2, column 2 (a)): not a number: "0x1A"',
      line: 2,
      column: "2 (a)",
    });
    expect(errorOf(`datetime;a;anomaly\n${T0};1;0b1\n`).message).toBe(
      'x.csv (line 2, column 3 (anomaly)): label must be 0 or 1: "0b1"',
    );
  });

  it("reads every decimal form a CSV writer uses", () => {
    const t = parseSkabCsv(`datetime;a;anomaly\n${T0};.5;1.0\n${T1};+3e-4;+0\n`, "x.csv");
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([0.5, 3e-4]);
    expect(Array.from(t.anomaly ?? [])).toEqual([1, 0]);
  });

  it("a label that is empty, blank or not 0 or 1, trimmed in the message", () => {
    expect(errorOf(`datetime;a;anomaly\n${T0};1; 2 \n`)).toEqual({
      message: 'x.csv (line 2, column 3 (anomaly)): label must be 0 or 1: "2"',
      line: 2,
      column: "3 (anomaly)",
    });
    expect(errorOf(`datetime;a;anomaly\n${T0};1;  \n`).message).toBe(
      'x.csv (line 2, column 3 (anomaly)): label must be 0 or 1: ""',
    );
    expect(errorOf(`datetime;a;changepoint\n${T0};1;\n`).message).toBe(
      'x.csv (line 2, column 3 (changepoint)): label must be 0 or 1: ""',
    );
  });
});
