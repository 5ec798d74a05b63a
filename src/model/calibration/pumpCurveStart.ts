/**
 * The pump curve's starting point for the calibration (calibrateLoop.ts): which pump levels of the
 * run had the pump turning, and m_dot_max and the stall duty from the mean flow the meter read at
 * each (weighted least squares on the curve of docs/design.md 2.2), so that the fit starts near
 * the answer instead of at the configured defaults.
 */
import { lpmToKgS } from "../../core/units.js";
import type { LoopParams } from "../loopParams.js";
import { type Excitation, heldLevels } from "./excitation.js";

/** Mean flow [L/min] below which a pump level counts as stopped (2 % of the largest, at least 0.05). */
export function stoppedFlowLpm(exc: Excitation): number {
  const maxFlow = Math.max(0, ...exc.pump.map((l) => (Number.isFinite(l.meanFlowLpm) ? l.meanFlowLpm : 0)));
  return Math.max(0.05, 0.02 * maxFlow);
}

/** Pump levels the run held with the pump turning (by the flow meter when there is one). */
export function runningPumpLevels(exc: Excitation, base: LoopParams, haveFlow: boolean): number[] {
  const held = heldLevels(exc.pump).filter((l) => l.duty > 0);
  if (!haveFlow) return held.filter((l) => l.duty >= base.pump_stall_duty).map((l) => l.duty);
  const threshold = stoppedFlowLpm(exc);
  return held.filter((l) => l.meanFlowLpm > threshold).map((l) => l.duty);
}

/** Pump-curve shape at duty d (flow / m_dot_max) for a stall duty, min fraction and exponent. */
function pumpShape(d: number, stall: number, minFrac: number, exponent: number): number {
  if (d <= 0 || d < stall) return 0;
  const x = d >= 255 ? 1 : (d - stall) / (255 - stall);
  return minFrac + (1 - minFrac) * x ** exponent;
}

/** Starting m_dot_max and stall duty from the mean flow at each pump level (least squares). */
export function pumpCurveStart(
  exc: Excitation,
  running: readonly number[],
  base: LoopParams,
  fitStall: boolean,
  stallBounds: { lower: number; upper: number },
): { mDotMax: number; stall: number } {
  const pts = exc.pump
    .filter((l) => running.includes(l.duty) && Number.isFinite(l.meanFlowLpm))
    .map((l) => ({ d: l.duty, m: lpmToKgS(l.meanFlowLpm), w: l.flowCount }));
  let stall = base.pump_stall_duty;
  if (fitStall && pts.length >= 2) {
    // Line m = alpha + beta d through the levels; m(255) = m_dot_max, m(stall) = f m_dot_max.
    let sw = 0;
    let sd = 0;
    let sm = 0;
    for (const p of pts) {
      sw += p.w;
      sd += p.w * p.d;
      sm += p.w * p.m;
    }
    const dBar = sd / sw;
    const mBar = sm / sw;
    let sdd = 0;
    let sdm = 0;
    for (const p of pts) {
      sdd += p.w * (p.d - dBar) ** 2;
      sdm += p.w * (p.d - dBar) * (p.m - mBar);
    }
    const beta = sdm / sdd;
    const alpha = mBar - beta * dBar;
    const mMax = alpha + 255 * beta;
    if (beta > 0 && mMax > 0) {
      const s = (base.pump_min_frac * mMax - alpha) / beta;
      if (Number.isFinite(s)) stall = Math.min(stallBounds.upper, Math.max(stallBounds.lower, s));
    }
  }
  let num = 0;
  let den = 0;
  for (const p of pts) {
    const shape = pumpShape(p.d, stall, base.pump_min_frac, base.pump_exponent);
    num += p.w * shape * p.m;
    den += p.w * shape * shape;
  }
  return { mDotMax: den > 0 && num > 0 ? num / den : base.m_dot_max, stall };
}
