import { describe, expect, it } from "vitest";
import { InputFileError } from "../../src/core/errors.js";
import { parseLooptwinCsv } from "../../src/detect/data/looptwinCsv.js";
import { runMonitorOnTable } from "../../src/detect/monitor/monitorTable.js";

function problem(text: string): { line?: number; column?: string; message: string } {
  try {
    parseLooptwinCsv(text, "f.csv");
  } catch (e) {
    if (e instanceof InputFileError) return { line: e.line, column: e.column, message: e.message };
    throw e;
  }
  throw new Error("no error");
}

describe("looptwin CSV", () => {
  it("reads numeric channels (empty = NaN), labels, and skips the fault text column", () => {
    const t = parseLooptwinCsv(
      "t_s,meas_t_hot_c,meas_flow_lpm,anomaly,changepoint,fault\r\n0.0,40.1,,0,0,\n0.1,,3.8,1,1,pump_failure\n\n",
      "f.csv",
    );
    expect(t.rowCount).toBe(2);
    expect(t.channelNames).toEqual(["meas_t_hot_c", "meas_flow_lpm"]);
    expect(Array.from(t.channels[0] as Float64Array)).toEqual([40.1, Number.NaN]);
    expect(Array.from(t.anomaly ?? [])).toEqual([0, 1]);
    expect(Array.from(t.changepoint ?? [])).toEqual([0, 1]);
    expect(t.timeText).toEqual(["0.0", "0.1"]);
  });

  it("names the line and column of every problem", () => {
    expect(problem("time,a\n0,1\n")).toMatchObject({ line: 1, column: "1 (time)" });
    expect(problem("t_s,a\n0,1,2\n")).toMatchObject({
      line: 2,
      message: expect.stringMatching(/extra field/),
    });
    expect(problem("t_s,a\n0,x\n")).toMatchObject({ line: 2, column: "2 (a)" });
    expect(problem("t_s,a,anomaly\n0,1,2\n")).toMatchObject({ line: 2, column: "3 (anomaly)" });
    expect(problem("t_s,a\n1,1\n0,1\n")).toMatchObject({
      line: 3,
      message: expect.stringMatching(/backwards/),
    });
    expect(problem("t_s,a,a\n0,1,1\n")).toMatchObject({
      line: 1,
      message: expect.stringMatching(/duplicate/),
    });
  });

  it("the monitor follows the duties of a file without setpoint columns, and refuses a duty out of range", () => {
    const rows = ["t_s,meas_t_hot_c,meas_t_cold_c,meas_flow_lpm,pump_duty,heater_duty,fan_duty"];
    for (let i = 0; i < 50; i++)
      rows.push(`${(i / 10).toFixed(1)},40.0${i % 3},39.5${i % 2},3.85,200,255,255`);
    const ok = runMonitorOnTable(parseLooptwinCsv(`${rows.join("\n")}\n`, "d.csv"));
    expect(ok.score).toHaveLength(50);
    expect(ok.alarmsRaised).toBe(0);
    rows.push("5.0,40,39.5,3.85,300,255,255");
    expect(() => runMonitorOnTable(parseLooptwinCsv(`${rows.join("\n")}\n`, "d.csv"))).toThrow(/0-255/);
  });
});
