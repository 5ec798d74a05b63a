/**
 * The format sniffer and the one entry point from text to a table (src/detect/data/tableReaders.ts):
 * which header lines say SKAB (`datetime;`), which say looptwin (`t_s,`, or a recording's `{`),
 * and the message for a format that is neither. Expected formats are read off the header by hand.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { TableFormat } from "../../src/detect/data/labelledTable.js";
import { parseLabelledTable, sniffTableFormat } from "../../src/detect/data/tableReaders.js";

describe("sniffTableFormat", () => {
  it("reads SKAB from a first line starting datetime then ';', spaces allowed around the name", () => {
    expect(sniffTableFormat("datetime;a;b\n2020-01-01 00:00:00;1;2\n")).toBe("skab");
    expect(sniffTableFormat(" \tdatetime ;a")).toBe("skab");
    expect(sniffTableFormat("\ufeffdatetime;a")).toBe("skab");
  });

  it("does not take a name that only contains or starts with datetime, or a comma after it", () => {
    expect(sniffTableFormat("my_datetime;a")).toBeUndefined();
    expect(sniffTableFormat("datetimes;a")).toBeUndefined();
    expect(sniffTableFormat("datetime,a")).toBeUndefined();
  });

  it("reads looptwin from a first line starting t_s then ',', or a JSON object (a recording)", () => {
    expect(sniffTableFormat("t_s,a\n0,1\n")).toBe("looptwin");
    expect(sniffTableFormat("  t_s\t,a")).toBe("looptwin");
    expect(sniffTableFormat("\ufefft_s,a")).toBe("looptwin");
    expect(sniffTableFormat('{"t_ms":0}\n')).toBe("looptwin");
    expect(sniffTableFormat(' \t{"t_ms":0}')).toBe("looptwin");
  });

  it("does not take a name that only contains or starts with t_s, nor a line with a { later on", () => {
    expect(sniffTableFormat("at_s,a")).toBeUndefined();
    expect(sniffTableFormat("t_s2,a")).toBeUndefined();
    expect(sniffTableFormat('x{"t_ms":0}')).toBeUndefined();
  });

  it("reads only the first line, and says nothing for an empty or unknown header", () => {
    expect(sniffTableFormat("a;b\ndatetime;a\nt_s,a\n")).toBeUndefined();
    expect(sniffTableFormat("")).toBeUndefined();
    expect(sniffTableFormat("time,a\n")).toBeUndefined();
  });
});

describe("parseLabelledTable", () => {
  it("reads each format with its own parser", () => {
    const skab = parseLabelledTable("skab", "datetime;p;anomaly\n2020-01-01 00:00:00;1.5;1\n", "s.csv");
    expect([skab.source, skab.timeColumn, skab.channelNames]).toEqual(["s.csv", "datetime", ["p"]]);
    expect(Array.from(skab.channels[0] as Float64Array)).toEqual([1.5]);
    const own = parseLabelledTable("looptwin", "t_s,q\n0.5,2.25\n", "l.csv");
    expect([own.source, own.timeColumn, own.channelNames]).toEqual(["l.csv", "t_s", ["q"]]);
    expect(Array.from(own.timeS)).toEqual([0.5]);
  });

  it("refuses a format it does not know, naming --format and the value", () => {
    let caught: unknown;
    try {
      parseLabelledTable("xlsx" as TableFormat, "t_s,q\n0,1\n", "l.csv");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe('--format: unknown format (got "xlsx")');
  });
});
