/**
 * How the diagnosis words numbers and channels in its evidence lines (isolation.ts,
 * monitorDiagnosis.ts): one home, so an alarm's evidence reads the same whichever path wrote it.
 */

/** Display names of the residual channels. */
export const CHANNEL_LABEL = {
  tHot: "T_hot",
  tCold: "T_cold",
  deltaT: "T_hot - T_cold",
  flow: "flow",
} as const;

/**
 * A value with its sign and `digits` decimals: `+2.31`, `-0.04`; no sign when it rounds to zero
 * (`0.00`); `n/a` when it is not a finite number (a residual before the twin has one).
 */
export function signed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return `${x > 0 ? "+" : "-"}${s}`;
}

/** A fraction as a signed whole percentage: `-32 %`, `+5 %`, `0 %`. */
export function signedPercent(x: number): string {
  const v = Math.round(100 * x);
  return `${v > 0 ? "+" : v < 0 ? "-" : ""}${Math.abs(v)} %`;
}

/** `-32 % +/- 4 %` for a ratio of 0.68 with std 0.04. */
export function ratioText(p: { readonly ratio: number; readonly std: number }): string {
  return `${signedPercent(p.ratio - 1)} +/- ${Math.round(100 * p.std)} %`;
}
