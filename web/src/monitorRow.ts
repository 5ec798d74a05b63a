/**
 * One sample and the monitor's output beside it as a store row, and the monitor's open alarms as
 * the store's alarm views: shared by every page mode that runs the monitor in the browser (the
 * standalone twin, a rig over Web Serial).
 */
import type { ResidualMonitor } from "../../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import type { RigSample } from "../../src/model/rigSample.js";
import type { AlarmView, StoreRow } from "./pageStore.js";

/** A residual in units of its alarm band (NaN while the band is not yet known). */
function normalised(residual: number, band: number): number {
  return band > 0 ? residual / band : Number.NaN;
}

/** Fills `row` (reused, no allocation) from a sample, the monitor's output for it and the setpoints. */
export function fillMonitorRow(
  row: StoreRow,
  s: RigSample,
  out: ResidualMonitor["output"],
  sp: OperatorSetpoints,
): void {
  row.tHotC = s.tHotC;
  row.tColdC = s.tColdC;
  row.twinTHotC = out.predTHotC;
  row.twinTColdC = out.predTColdC;
  row.flowLpm = s.flowLpm;
  row.twinFlowLpm = out.predFlowLpm;
  row.resTHotBand = normalised(out.resTHotK, out.bandTHotK);
  row.resTColdBand = normalised(out.resTColdK, out.bandTColdK);
  row.resFlowBand = normalised(out.resFlowLpm, out.bandFlowLpm);
  row.pumpSetpoint = sp.pumpDuty;
  row.pumpApplied = s.pumpDuty;
  row.heaterSetpoint = sp.heaterDuty;
  row.heaterApplied = s.heaterDuty;
  row.fanSetpoint = sp.fanDuty;
  row.fanApplied = s.fanDuty;
}

/** The monitor's open alarms, newest first, their times shifted by `offsetS` into page time. */
export function alarmViews(monitor: ResidualMonitor, offsetS: number): AlarmView[] {
  return monitor.openAlarms().map(
    (a): AlarmView => ({
      alarmId: a.alarmId,
      cause: a.cause,
      severity: a.severity,
      raisedAtS: offsetS + a.raisedAtS,
      acknowledged: a.acknowledged,
      conditionActive: a.conditionActive,
      diagnosis: a.diagnosis,
      evidence: a.evidence,
    }),
  );
}
