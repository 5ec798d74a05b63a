/** Unit conversions used across the project. Names carry units (docs/design.md 3). */

/** 0 degrees Celsius in kelvin. */
export const KELVIN_OFFSET = 273.15;

export function cToK(tempC: number): number {
  return tempC + KELVIN_OFFSET;
}

export function kToC(tempK: number): number {
  return tempK - KELVIN_OFFSET;
}

/** Density of water near 25 C [kg/m^3] (IAPWS-95: 997.05 at 25 C). */
export const WATER_DENSITY_KG_M3 = 997.05;

/** Volumetric flow [L/min] to mass flow [kg/s] of water. */
export function lpmToKgS(flowLpm: number, densityKgM3 = WATER_DENSITY_KG_M3): number {
  return (flowLpm / 60_000) * densityKgM3;
}

/** Mass flow [kg/s] of water to volumetric flow [L/min]. */
export function kgSToLpm(mDotKgS: number, densityKgM3 = WATER_DENSITY_KG_M3): number {
  return (mDotKgS / densityKgM3) * 60_000;
}

/** Largest value of an 8-bit PWM duty. */
export const DUTY_MAX = 255;

/** Clamps a number into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
