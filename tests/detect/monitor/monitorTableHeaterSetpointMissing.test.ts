/**
 * The table runner (src/detect/monitor/monitorTable.ts) on a table with the pump's and the fan's
 * setpoints but not the heater's: "without setpoints the twin follows the duties" (the module's
 * doc comment) holds for any one setpoint column missing, the heater's too. Against a recording
 * stand-in for the monitor, as in tests/detect/monitor/monitorTable.test.ts (which covers the
 * pump's and the fan's column missing).
 */
import { describe, expect, it, vi } from "vitest";
import type { LabelledTable } from "../../../src/detect/data/labelledTable.js";
import { MONITOR_TABLE_COLUMNS, runMonitorOnTable } from "../../../src/detect/monitor/monitorTable.js";
import type { RigSample } from "../../../src/model/rigSample.js";

const rec = vi.hoisted(() => ({ calls: [] as string[] }));

vi.mock("../../../src/detect/monitor/monitor.js", () => ({
  createMonitor() {
    return {
      output: { score: 0, anomaly: false, diagnosis: "" },
      setSetpoints(sp: { pumpDuty: number; heaterDuty: number; fanDuty: number }, tS: number) {
        rec.calls.push(`setpoints ${sp.pumpDuty},${sp.heaterDuty},${sp.fanDuty} at ${tS}`);
      },
      followApplied(on: boolean) {
        rec.calls.push(`follow ${on}`);
      },
      markGap(fromTS: number, toTS: number) {
        rec.calls.push(`gap ${fromTS} to ${toTS}`);
      },
      step(s: RigSample) {
        rec.calls.push(`step ${s.tS} duties ${s.pumpDuty},${s.heaterDuty},${s.fanDuty}`);
        return [];
      },
    };
  },
}));

const C = MONITOR_TABLE_COLUMNS;

describe("runMonitorOnTable: the heater's setpoint column missing", () => {
  it("follows the applied duties, the heater's from its duty column", () => {
    rec.calls.length = 0;
    const columns: Record<string, number[]> = {
      [C.tHotC]: [40, 41],
      [C.tColdC]: [30, 31],
      [C.flowLpm]: [3, 3.1],
      [C.pumpSetpoint]: [200, 200],
      [C.fanSetpoint]: [50, 50],
      [C.pumpDuty]: [0, 0],
      [C.heaterDuty]: [70, 80],
    };
    const names = Object.keys(columns);
    const table: LabelledTable = {
      source: "run.csv",
      timeColumn: "t_s",
      timeText: ["0", "1"],
      timeS: Float64Array.of(0, 1),
      channelNames: names,
      channels: names.map((n) => Float64Array.from(columns[n] as number[])),
      anomaly: undefined,
      changepoint: undefined,
      rowCount: 2,
    };
    runMonitorOnTable(table);
    // The setpoints the table has (the heater's from its duty), then following the applied duties
    // (the pump overridden to 0 by the device): the twin runs on those.
    expect(rec.calls).toEqual([
      "setpoints 200,70,50 at 0",
      "follow true",
      "step 0 duties 0,70,50",
      "setpoints 200,80,50 at 1",
      "follow true",
      "step 1 duties 0,80,50",
    ]);
  });
});
