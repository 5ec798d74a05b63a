/**
 * Exact zero-order-hold discretisation of the loop model's linear part (docs/design.md 2.2 at a fixed
 * operating point, y' = A y + b, A 2x2): over a step Δ,
 *
 *   y(t + Δ) = Φ y(t) + Ψ b,   Φ = e^(AΔ),   Ψ = ∫_0^Δ e^(As) ds
 *
 * (Franklin, Powell & Workman, Digital Control of Dynamic Systems, 3rd ed., section 4.3.3).
 * Both are functions of A, so for a 2x2 matrix with eigenvalues λ1, λ2 they are c0 I + c1 A with
 * the coefficients given by divided differences (Sylvester's formula): for F(λ) = e^(λΔ),
 * c1 = F[λ1, λ2] and c0 = F(λ2) - c1 λ2; likewise for G(λ) = (e^(λΔ) - 1)/λ. The loop's A always
 * has real eigenvalues (its off-diagonal entries have the same sign); close eigenvalues are
 * handled with expm1 and a series for the derivative, so the result is accurate for any Δ,
 * including long gaps, where RK sub-stepping would be slow.
 *
 * Pure, allocation-free (writes into `out`).
 */

/** Offsets in the output array: Φ row-major at 0..3, Ψ row-major at 4..7. */
export const PHI = 0;
export const PSI = 4;

/** Fills `out[0..7]` with Φ and Ψ of A = [[a11, a12], [a21, a22]] over `dtS`; returns `out`. */
export function discretizeLoop(
  a11: number,
  a12: number,
  a21: number,
  a22: number,
  dtS: number,
  out: Float64Array,
): Float64Array {
  const half = (a11 + a22) / 2;
  const d = (a11 - a22) / 2;
  const disc = d * d + a12 * a21;
  if (disc < -1e-12 * (half * half + 1e-30))
    throw new RangeError(`discretizeLoop: A has complex eigenvalues (discriminant ${disc})`);
  const r = Math.sqrt(disc > 0 ? disc : 0);
  const l1 = half + r;
  const l2 = half - r;
  const diff = l1 - l2;
  const e2 = Math.exp(l2 * dtS);
  // Φ coefficients: c1 = (e^{l1Δ} - e^{l2Δ}) / (l1 - l2), written with expm1 to survive l1 ≈ l2.
  const c1 = diff > 0 ? (e2 * Math.expm1(diff * dtS)) / diff : e2 * dtS;
  const c0 = e2 - c1 * l2;
  // Ψ coefficients from G(λ) = (e^{λΔ} - 1)/λ.
  const g2 = gFn(l2, dtS);
  const d1 = diff * dtS > 1e-4 ? (gFn(l1, dtS) - g2) / diff : gDerivative(half, dtS);
  const d0 = g2 - d1 * l2;
  out[0] = c0 + c1 * a11;
  out[1] = c1 * a12;
  out[2] = c1 * a21;
  out[3] = c0 + c1 * a22;
  out[4] = d0 + d1 * a11;
  out[5] = d1 * a12;
  out[6] = d1 * a21;
  out[7] = d0 + d1 * a22;
  return out;
}

/** G(λ) = (e^(λΔ) - 1) / λ, = Δ at λ = 0. */
function gFn(l: number, dt: number): number {
  return l === 0 ? dt : Math.expm1(l * dt) / l;
}

/** G'(λ) = Δ² Σ_{n>=1} n (λΔ)^(n-1) / (n+1)!, or in closed form for |λΔ| >= 1. */
function gDerivative(l: number, dt: number): number {
  const x = l * dt;
  if (Math.abs(x) >= 1) return (dt * Math.exp(x) * l - Math.expm1(x)) / (l * l);
  let term = 1 / 2; // n = 1: 1 · x^0 / 2!
  let sum = term;
  let fact = 2;
  let pow = 1;
  for (let n = 2; n < 30; n++) {
    fact *= n + 1;
    pow *= x;
    term = (n * pow) / fact;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return dt * dt * sum;
}
