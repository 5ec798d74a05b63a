import { describe, expect, it } from "vitest";
import { type AlarmRow, alarmTableData } from "../../src/dashboard/alarmsPanel.js";

const critical: AlarmRow = {
  tS: 6.125,
  severity: "critical",
  cause: "flow",
  diagnosis: "pump failure",
  evidence: ["flow -100 % of the twin", "pump current normal", "a third", "a fourth, never shown"],
  state: "ACTIVE",
};
const cleared: AlarmRow = {
  tS: 2,
  severity: "warning",
  cause: "t_hot",
  diagnosis: "t_hot",
  evidence: ["hidden once cleared"],
  state: "CLEARED",
};

describe("alarmTableData", () => {
  it("says 'no alarms' when there are none", () => {
    expect(alarmTableData([], 5, 20, false)).toEqual([["--", "", "", "no alarms"]]);
  });

  it("puts an open alarm's first three evidence lines, wrapped, under its row; a cleared one has none", () => {
    // Text column 16 wide: evidence wraps at 15, indented by one space.
    expect(alarmTableData([critical, cleared], 10, 16, false)).toEqual([
      ["6.1s", "CRIT", "ACTIVE", "pump failure [flow]"],
      ["", "", "", " flow -100 % of"],
      ["", "", "", " the twin"],
      ["", "", "", " pump current"],
      ["", "", "", " normal"],
      ["", "", "", " a third"],
      ["2.0s", "WARN", "CLEARED", "t_hot"],
    ]);
  });

  it("stops at the rows visible, even inside an alarm's evidence", () => {
    expect(alarmTableData([critical, cleared], 2, 40, false)).toEqual([
      ["6.1s", "CRIT", "ACTIVE", "pump failure [flow]"],
      ["", "", "", " flow -100 % of the twin"],
    ]);
  });

  it("colours every non-empty cell: red critical, grey cleared", () => {
    const [row, evidence, , , clearedRow] = alarmTableData([critical, cleared], 10, 40, true);
    expect(row).toEqual([
      "\u001b[31m6.1s\u001b[39m",
      "\u001b[31mCRIT\u001b[39m",
      "\u001b[31mACTIVE\u001b[39m",
      "\u001b[31mpump failure [flow]\u001b[39m",
    ]);
    expect(evidence).toEqual(["", "", "", "\u001b[31m flow -100 % of the twin\u001b[39m"]);
    expect(clearedRow![1]).toBe("\u001b[90mWARN\u001b[39m");
  });
});
