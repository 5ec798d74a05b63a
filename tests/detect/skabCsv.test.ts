import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputFileError } from "../../src/core/errors.js";
import { parseSkabCsv, parseSkabDatetime } from "../../src/detect/data/skabCsv.js";

const HEADER = "datetime;Pressure;Volume Flow RateRMS;anomaly;changepoint";
const GOOD = [
  HEADER,
  "2020-03-09 10:14:33;0.054711;32.0;0.0;0.0",
  "2020-03-09 10:14:34;0.382638;32.5;1.0;1.0",
  "2020-03-09 10:14:36;-0.27;31.0;1.0;0.0",
].join("\r\n");

function errorOf(text: string): InputFileError {
  try {
    parseSkabCsv(text, "x.csv");
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error("expected an InputFileError");
}

describe("parseSkabCsv", () => {
  it("reads channels, labels and times of a SKAB-layout file with CRLF line ends", () => {
    const t = parseSkabCsv(`${GOOD}\r\n`, "x.csv");
    expect(t.rowCount).toBe(3);
    expect(t.timeColumn).toBe("datetime");
    expect(t.channelNames).toEqual(["Pressure", "Volume Flow RateRMS"]);
    expect(Array.from(t.channels[0] ?? [])).toEqual([0.054711, 0.382638, -0.27]);
    expect(Array.from(t.channels[1] ?? [])).toEqual([32, 32.5, 31]);
    expect(Array.from(t.anomaly ?? [])).toEqual([0, 1, 1]);
    expect(Array.from(t.changepoint ?? [])).toEqual([0, 1, 0]);
    expect(t.timeText).toEqual(["2020-03-09 10:14:33", "2020-03-09 10:14:34", "2020-03-09 10:14:36"]);
    expect((t.timeS[1] as number) - (t.timeS[0] as number)).toBe(1);
    expect((t.timeS[2] as number) - (t.timeS[0] as number)).toBe(3);
  });

  it("accepts a file without label columns, LF line ends and trailing blank lines", () => {
    const t = parseSkabCsv("datetime;a;b\n2020-01-01 00:00:00;1;2\n\n\n", "x.csv");
    expect(t.rowCount).toBe(1);
    expect(t.anomaly).toBeUndefined();
    expect(t.changepoint).toBeUndefined();
    expect(t.channelNames).toEqual(["a", "b"]);
  });

  it("parses datetimes as UTC seconds and rejects impossible dates", () => {
    expect(parseSkabDatetime("1970-01-01 00:01:00")).toBe(60);
    expect(parseSkabDatetime("2020-03-09T10:14:33.5")).toBe(Date.UTC(2020, 2, 9, 10, 14, 33) / 1000 + 0.5);
    expect(parseSkabDatetime("2020-02-30 00:00:00")).toBeUndefined();
    expect(parseSkabDatetime("2020-13-01 00:00:00")).toBeUndefined();
    expect(parseSkabDatetime("yesterday")).toBeUndefined();
  });

  it("rejects a non-numeric cell with its line and column", () => {
    const e = errorOf(GOOD.replace("32.5", "n/a"));
    expect(e.file).toBe("x.csv");
    expect(e.line).toBe(3);
    expect(e.column).toBe("3 (Volume Flow RateRMS)");
    expect(e.message).toMatch(/not a number: "n\/a"/);
  });

  it("rejects an empty cell", () => {
    const e = errorOf(GOOD.replace(";0.382638;", ";;"));
    expect([e.line, e.column]).toEqual([3, "2 (Pressure)"]);
  });

  it("rejects ragged rows, short and long, naming the first missing or extra column", () => {
    const short = errorOf(GOOD.replace(";31.0;1.0;0.0", ";31.0;1.0"));
    expect([short.line, short.column]).toEqual([4, "5 (changepoint)"]);
    expect(short.message).toMatch(/ragged row: 4 fields, header has 5/);
    const long = errorOf(GOOD.replace(";32.0;0.0;0.0", ";32.0;0.0;0.0;7"));
    expect([long.line, long.column]).toEqual([2, "6"]);
  });

  it("rejects a blank line between rows as a ragged row", () => {
    const e = errorOf(GOOD.replace("\r\n2020-03-09 10:14:34", "\r\n\r\n2020-03-09 10:14:34"));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/ragged row/);
  });

  it("rejects missing columns: no datetime first, or no channel at all", () => {
    expect(errorOf("time;a\n2020-01-01 00:00:00;1").column).toBe("1 (time)");
    const noChannel = errorOf("datetime;anomaly;changepoint\n2020-01-01 00:00:00;0;0");
    expect(noChannel.line).toBe(1);
    expect(noChannel.message).toMatch(/missing columns/);
  });

  it("rejects a comma-separated header", () => {
    expect(errorOf("datetime,a,b\n2020-01-01 00:00:00,1,2").message).toMatch(/not ";"-separated/);
  });

  it("rejects label columns out of place or out of order, and duplicate names", () => {
    expect(errorOf("datetime;anomaly;a\n2020-01-01 00:00:00;0;1").column).toBe("2 (anomaly)");
    expect(errorOf("datetime;a;changepoint;anomaly\n2020-01-01 00:00:00;1;0;0").line).toBe(1);
    expect(errorOf("datetime;a;a\n2020-01-01 00:00:00;1;2").column).toBe("3 (a)");
  });

  it("rejects labels other than 0 and 1, bad datetimes and time going backwards", () => {
    const label = errorOf(GOOD.replace("1.0;1.0", "2.0;1.0"));
    expect([label.line, label.column]).toEqual([3, "4 (anomaly)"]);
    const time = errorOf(GOOD.replace("2020-03-09 10:14:34", "10:14:34"));
    expect([time.line, time.column]).toEqual([3, "1 (datetime)"]);
    const back = errorOf(GOOD.replace("2020-03-09 10:14:36", "2020-03-09 10:14:30"));
    expect(back.line).toBe(4);
    expect(back.message).toMatch(/backwards/);
  });

  it("rejects an empty file and a header without rows", () => {
    expect(errorOf("").line).toBe(1);
    expect(errorOf(`${HEADER}\r\n`).message).toMatch(/no data rows/);
  });

  it("never throws anything but an InputFileError, on any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.boolean(), (s, withHeader) => {
        const text = withHeader ? `datetime;a;anomaly\n${s}` : s;
        try {
          const t = parseSkabCsv(text, "f.csv");
          expect(t.channels.every((c) => c.length === t.rowCount)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(InputFileError);
        }
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});
