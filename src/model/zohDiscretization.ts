/**
 * Exact discretisation of the loop model over a step with constant inputs (zero-order hold).
 *
 * At a fixed operating point the loop model (loopModel.ts) is `y' = A y + b` with A the 2x2
 * Jacobian and b the forcing. Over a step h:
 *
 *   y(t + h) = Phi y(t) + Gamma b,   Phi = e^{A h},   Gamma = integral_0^h e^{A s} ds
 *
 * (e.g. Franklin, Powell & Workman, Digital Control of Dynamic Systems, 3rd ed., sec. 4.3.3).
 * For a 2x2 matrix with eigenvalues z1, z2 of Z = A h, any analytic f satisfies
 * `f(Z) = f(z1) I + f[z1, z2] (Z - z1 I)` (Newton's divided-difference form of Sylvester's
 * formula; Higham, Functions of Matrices, 2008, sec. 1.2.2). Phi uses f = exp and Gamma/h uses
 * phi1(z) = (e^z - 1)/z; both divided differences are evaluated without cancellation (expm1, and
 * the derivative at the midpoint when the eigenvalues nearly coincide). The loop's eigenvalues are
 * real (loopEigenvalues), so everything stays in real arithmetic. Exact for any step length, a
 * smooth function of the parameters (unlike an adaptive sub-step count), and a handful of exp
 * calls per new (A, h): cheap enough to recompute on every sample of a jittered time base.
 */

/** Row-major `Phi` (4 entries) then `Gamma` (4 entries) of one step. */
export type ZohMatrices = Float64Array;

/** A buffer for {@link zohDiscretize}. */
export function createZohMatrices(): ZohMatrices {
  return new Float64Array(8);
}

/** phi1(z) = (e^z - 1)/z, with phi1(0) = 1; no cancellation near 0. */
export function phi1(z: number): number {
  if (Math.abs(z) < 1e-5) return 1 + z / 2 + (z * z) / 6;
  return Math.expm1(z) / z;
}

/** phi1'(z) = (e^z (z - 1) + 1)/z^2, with its Taylor series near 0 (truncation < 1e-17 for |z| < 0.1). */
export function phi1Derivative(z: number): number {
  if (Math.abs(z) < 0.1) {
    // sum_{k>=1} k z^(k-1) / (k+1)!
    return (
      1 / 2 +
      z *
        (1 / 3 +
          z *
            (1 / 8 +
              z *
                (1 / 30 +
                  z *
                    (1 / 144 +
                      z * (1 / 840 + z * (1 / 5760 + z * (1 / 45360 + z * (1 / 403200 + z / 3991680))))))))
    );
  }
  return (Math.exp(z) * (z - 1) + 1) / (z * z);
}

/** Below this spread of the eigenvalues of A h, the divided difference of phi1 is its derivative. */
const NEAR_EQUAL = 1e-4;

/**
 * Writes Phi and Gamma of `y' = A y + b`, A = [[a11, a12], [a21, a22]] with real eigenvalues
 * (a12 a21 >= 0, as in the loop model), over a step `hS` >= 0, into `out` (see {@link ZohMatrices}).
 */
export function zohDiscretize(
  a11: number,
  a12: number,
  a21: number,
  a22: number,
  hS: number,
  out: ZohMatrices,
): ZohMatrices {
  const half = (a11 - a22) / 2;
  const disc = Math.sqrt(half * half + a12 * a21);
  const mid = (a11 + a22) / 2;
  // z1 >= z2: eigenvalues of Z = A h.
  const z1 = (mid + disc) * hS;
  const z2 = (mid - disc) * hS;
  const dz = z1 - z2;
  const e1 = Math.exp(z1);
  // exp[z1, z2] = (e^z1 - e^z2)/(z1 - z2) = e^z1 phi1(z2 - z1): no cancellation, no overflow.
  const expDiv = e1 * phi1(-dz);
  const p1 = phi1(z1);
  const phiDiv = dz < NEAR_EQUAL ? phi1Derivative((z1 + z2) / 2) : (p1 - phi1(z2)) / dz;
  // Z - z1 I = h (A - lambda1 I).
  const l1 = mid + disc;
  const m11 = (a11 - l1) * hS;
  const m12 = a12 * hS;
  const m21 = a21 * hS;
  const m22 = (a22 - l1) * hS;
  out[0] = e1 + expDiv * m11;
  out[1] = expDiv * m12;
  out[2] = expDiv * m21;
  out[3] = e1 + expDiv * m22;
  out[4] = hS * (p1 + phiDiv * m11);
  out[5] = hS * phiDiv * m12;
  out[6] = hS * phiDiv * m21;
  out[7] = hS * (p1 + phiDiv * m22);
  return out;
}
