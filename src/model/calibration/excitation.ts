/**
 * What a run excites: the duty levels each actuator held and for how long, and the mean measured
 * flow at each pump level (away from the transients after a pump change). Calibration uses it to
 * drop parameters the run cannot identify before fitting, to say why in a warning, and to start
 * the pump curve from the flow meter.
 */
import type { CalibrationData } from "./calibrationData.js";

/** One duty level of one actuator. */
export interface DutyLevel {
  readonly duty: number;
  /** Time spent at this duty, summed over the run [s]. */
  readonly dwellS: number;
  /** Mean measured flow at this pump duty [L/min] (NaN without flow data; pump levels only). */
  readonly meanFlowLpm: number;
  /** Flow observations behind `meanFlowLpm`. */
  readonly flowCount: number;
}

export interface Excitation {
  /** Levels sorted by duty. */
  readonly pump: readonly DutyLevel[];
  readonly heater: readonly DutyLevel[];
  readonly fan: readonly DutyLevel[];
  /** Observed time, gaps excluded [s]. */
  readonly observedS: number;
}

/** Levels shorter than this do not count as a level the run held [s]. */
export const MIN_LEVEL_DWELL_S = 30;

interface Acc {
  dwellS: number;
  flowSum: number;
  flowCount: number;
}

function levels(map: Map<number, Acc>): DutyLevel[] {
  return [...map.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([duty, a]) => ({
      duty,
      dwellS: a.dwellS,
      meanFlowLpm: a.flowCount > 0 ? a.flowSum / a.flowCount : Number.NaN,
      flowCount: a.flowCount,
    }));
}

function acc(map: Map<number, Acc>, duty: number): Acc {
  let a = map.get(duty);
  if (a === undefined) {
    a = { dwellS: 0, flowSum: 0, flowCount: 0 };
    map.set(duty, a);
  }
  return a;
}

/**
 * Duty levels of `data`. Each observation interval counts for the duties in force at its start;
 * a flow observation counts for its pump level when the pump duty has not changed for
 * `flowSettleS` seconds (the flow estimate averages over a window).
 */
export function analyseExcitation(data: CalibrationData, flowSettleS: number): Excitation {
  const pump = new Map<number, Acc>();
  const heater = new Map<number, Acc>();
  const fan = new Map<number, Acc>();
  const n = data.tS.length;
  let ic = 0;
  let lastPumpChangeS = Number.NEGATIVE_INFINITY;
  let observedS = 0;
  for (let k = 0; k < n; k++) {
    const t = data.tS[k] as number;
    while (ic + 1 < data.changeTS.length && (data.changeTS[ic + 1] as number) <= t) {
      ic++;
      if (data.pump[ic] !== data.pump[ic - 1]) lastPumpChangeS = data.changeTS[ic] as number;
    }
    const p = data.pump[ic] as number;
    const f = data.flowLpm[k] as number;
    if (Number.isFinite(f) && t - lastPumpChangeS >= flowSettleS) {
      const a = acc(pump, p);
      a.flowSum += f;
      a.flowCount++;
    }
    if (k + 1 < n && data.segmentStart[k + 1] !== 1) {
      const dt = (data.tS[k + 1] as number) - t;
      observedS += dt;
      acc(pump, p).dwellS += dt;
      acc(heater, data.heater[ic] as number).dwellS += dt;
      acc(fan, data.fan[ic] as number).dwellS += dt;
    }
  }
  return { pump: levels(pump), heater: levels(heater), fan: levels(fan), observedS };
}

/** Levels held at least `minDwellS` seconds. */
export function heldLevels(levels: readonly DutyLevel[], minDwellS = MIN_LEVEL_DWELL_S): DutyLevel[] {
  return levels.filter((l) => l.dwellS >= minDwellS);
}
