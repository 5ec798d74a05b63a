/**
 * Independent reference for the tests: the exact solution of a 2x2 linear system y' = A y + b,
 * y(t) = y* + expm(A t) (y0 - y*), y* = -A^-1 b, with expm from Sylvester's formula for distinct
 * real eigenvalues (Moler & Van Loan, "Nineteen dubious ways", method 10 for n = 2).
 */
export interface Linear2 {
  a11: number;
  a12: number;
  a21: number;
  a22: number;
  b1: number;
  b2: number;
}

export function exactLinear2(sys: Linear2, y0: readonly [number, number], tS: number): [number, number] {
  const { a11, a12, a21, a22, b1, b2 } = sys;
  const det = a11 * a22 - a12 * a21;
  const ys1 = -(a22 * b1 - a12 * b2) / det;
  const ys2 = -(-a21 * b1 + a11 * b2) / det;
  const z1 = y0[0] - ys1;
  const z2 = y0[1] - ys2;
  const tr = a11 + a22;
  const disc = Math.sqrt((tr * tr) / 4 - det);
  const l1 = tr / 2 + disc;
  const l2 = tr / 2 - disc;
  const e1 = Math.exp(l1 * tS);
  const e2 = Math.exp(l2 * tS);
  const d = l1 - l2;
  // expm(At) = (e1 (A - l2 I) - e2 (A - l1 I)) / (l1 - l2)
  const m11 = (e1 * (a11 - l2) - e2 * (a11 - l1)) / d;
  const m12 = ((e1 - e2) * a12) / d;
  const m21 = ((e1 - e2) * a21) / d;
  const m22 = (e1 * (a22 - l2) - e2 * (a22 - l1)) / d;
  return [ys1 + m11 * z1 + m12 * z2, ys2 + m21 * z1 + m22 * z2];
}
