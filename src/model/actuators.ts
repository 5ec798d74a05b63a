/**
 * Heater and fan: from applied duties to the heat input and the radiator conductance of the loop
 * model (docs/design.md 2.2). The pump is in pumpCurve.ts.
 */
import { DUTY_MAX } from "../core/units.js";
import type { LoopParams } from "./loopParams.js";

/** Heater power [W] at duty `dutyRaw`: `Q_heater_max * duty / 255` (docs/design.md 5). */
export function heaterPowerW(params: LoopParams, dutyRaw: number): number {
  return (params.Q_heater_max * dutyRaw) / DUTY_MAX;
}

/**
 * Radiator conductance [W/K] at fan duty `dutyRaw`:
 *
 *   UA_eff = UA * (f0 + (1 - f0) * fan / 255),   f0 = `UA_fan_off_frac`
 *
 * With the fan off the radiator still sheds heat by natural convection (f0 = 0.3 by default, a
 * typical ratio of free to forced convection for a 120 mm radiator); the air-side coefficient
 * rises with air speed, which is about proportional to fan speed and so to duty. The law is
 * linear rather than the textbook h ~ v^0.8 because the water-side resistance in series flattens
 * the curve; `UA_fan_off_frac` is the one knob to fit.
 */
export function radiatorUaWK(params: LoopParams, fanDutyRaw: number): number {
  const f0 = params.UA_fan_off_frac;
  return params.UA * (f0 + ((1 - f0) * fanDutyRaw) / DUTY_MAX);
}
