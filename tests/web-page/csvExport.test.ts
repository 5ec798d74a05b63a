import { describe, expect, it } from "vitest";
import { CSV_HEADER, exportFileName, rangeToCsv } from "../../web/src/csvExport.js";
import { createStoreRow, PageStore } from "../../web/src/pageStore.js";

describe("rangeToCsv", () => {
  it("writes the visible rows with units in the header and empty fields for unknown values", () => {
    const s = new PageStore(100);
    s.setWindowS(15);
    const row = createStoreRow();
    for (let i = 0; i < 40; i++) {
      row.tHotC = 30 + i / 10;
      row.tColdC = 25;
      row.twinTHotC = i < 25 ? Number.NaN : 31.5;
      row.twinTColdC = 25.25;
      row.flowLpm = 3.85;
      row.twinFlowLpm = 3.85;
      row.resTHotBand = -0.5;
      row.resTColdBand = 0;
      row.resFlowBand = 0.125;
      row.pumpSetpoint = 200;
      row.pumpApplied = 0;
      row.heaterSetpoint = 255;
      row.heaterApplied = 255;
      row.fanSetpoint = 255;
      row.fanApplied = 255;
      s.addSample(i, row);
    }
    const csv = rangeToCsv(s, s.rangeOf(1, 25)); // t = 24 and 25
    expect(csv).toBe(
      [
        "t_s,t_hot_c,t_cold_c,twin_t_hot_c,twin_t_cold_c,flow_lpm,twin_flow_lpm,res_t_hot_band,res_t_cold_band,res_flow_band,pump_setpoint,pump_applied,heater_setpoint,heater_applied,fan_setpoint,fan_applied",
        "24.000,32.4000,25.0000,,25.2500,3.8500,3.8500,-0.5000,0.0000,0.1250,200.0000,0.0000,255.0000,255.0000,255.0000,255.0000",
        "25.000,32.5000,25.0000,31.5000,25.2500,3.8500,3.8500,-0.5000,0.0000,0.1250,200.0000,0.0000,255.0000,255.0000,255.0000,255.0000",
        "",
      ].join("\n"),
    );
    // The visible window (15 s ending at the newest row, t = 39) is 16 rows and the header.
    expect(rangeToCsv(s, s.visibleRange()).trimEnd().split("\n")).toHaveLength(17);
  });

  it("an empty window is the header alone", () => {
    expect(rangeToCsv(new PageStore(10), { start: 0, length: 0 })).toBe(`${CSV_HEADER}\n`);
  });

  it("names the file by rig time", () => {
    expect(exportFileName(123.45, "csv")).toBe("looptwin-window-123.5s.csv");
    expect(exportFileName(Number.NaN, "png")).toBe("looptwin-window-0s.png");
  });
});
