/**
 * The Pump panel's rows: setpoint against applied duty per channel (they differ while a fault is
 * injected or the device overrides), the injections in force, why the twin follows the applied
 * duties, and the device's flags.
 */
import type { OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import { type RigSample, TLM_FLAGS } from "../model/rigSample.js";
import type { InjectionInForce } from "../session/sessionObserver.js";
import { dutyBar, fitText, fmt } from "./format.js";

/** An injected fault as the Pump panel and the chart labels show it (the session's own). */
export type InjectionView = Omit<InjectionInForce, "id">;

/** What the Pump panel shows. */
export interface PumpPanelFacts {
  /** The latest sample (its duties and flags are not shown before the first: `hasSample`). */
  readonly sample: Readonly<RigSample>;
  readonly hasSample: boolean;
  readonly setpoints: OperatorSetpoints;
  /** The twin's flow at the latest sample [L/min]. */
  readonly predFlowLpm: number;
  readonly injections: readonly InjectionView[];
  /** Rig time of the latest sample [s] (NaN before the first). */
  readonly nowS: number;
  /** Why the twin follows the applied duties ("" when it does not). */
  readonly overrideText: string;
}

/**
 * The rows, each fitted to `innerWidth`; `withFlow` adds the flow line (compact layout, where the
 * Flow chart is left out).
 */
export function pumpPanelRows(f: PumpPanelFacts, innerWidth: number, withFlow: boolean): string[] {
  const s = f.sample;
  const sp = f.setpoints;
  const barWidth = innerWidth - 31 >= 4 ? innerWidth - 31 : 0;
  const row = (name: string, set: number, applied: number): string => {
    const differs = f.hasSample && Number.isFinite(set) && Math.round(set) !== applied;
    const bar = barWidth > 0 ? ` ${dutyBar(f.hasSample ? applied : Number.NaN, barWidth)}` : "";
    return `${name.padEnd(6)} set ${fmt(set, 0, 3)}  applied ${f.hasSample ? fmt(applied, 0, 3) : " --"}${bar}${differs ? " ≠" : ""}`;
  };
  const rows = [
    row("pump", sp.pumpDuty, s.pumpDuty),
    row("heater", sp.heaterDuty, s.heaterDuty),
    row("fan", sp.fanDuty, s.fanDuty),
  ];
  if (withFlow) rows.push(`flow   ${fmt(s.flowLpm, 2)} L/min  twin ${fmt(f.predFlowLpm, 2)}`);
  // Injections and overrides before the flags: in the compact layout the last rows are cut.
  for (const inj of f.injections) {
    const left = Number.isFinite(inj.endS) ? ` ${Math.max(0, Math.ceil(inj.endS - f.nowS))} s left` : "";
    rows.push(`INJECTED ${inj.text}${left}`);
  }
  if (f.overrideText !== "") rows.push(`twin follows applied: ${f.overrideText}`);
  const flags: string[] = [];
  if (s.flags & TLM_FLAGS.holdActive) flags.push("HOLD");
  if (s.flags & TLM_FLAGS.heartbeatLost) flags.push("HB_LOST");
  if (s.flags & TLM_FLAGS.overTemp) flags.push("OVERTEMP");
  if (s.flags & TLM_FLAGS.sensorOutOfRange) flags.push("SENSOR");
  if (s.flags & TLM_FLAGS.watchdogReset) flags.push("WDT");
  rows.push(`flags  ${flags.length > 0 ? flags.join(" ") : "none"}`);
  return rows.map((r) => fitText(r, innerWidth).trimEnd());
}
