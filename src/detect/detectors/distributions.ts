/**
 * Distribution functions the detectors need to turn a false-alarm probability into a limit: the
 * standard normal and the chi-square CDF and quantile. Pure, allocation-free, used at
 * configuration time (never in the per-sample path).
 *
 * Sources: log-gamma by the Lanczos approximation (g = 7, 9 terms; Press et al., Numerical
 * Recipes 3rd ed., section 6.1); the regularised incomplete gamma function by its series and its
 * Lentz continued fraction (ibid. section 6.2); the normal quantile by Acklam's rational
 * approximation refined by one Halley step; the chi-square quantile by Wilson & Hilferty's cube-
 * root approximation (1931) refined by safeguarded Newton steps on the log of the tail.
 */
import { ConfigError } from "../../core/errors.js";

const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
] as const;
const HALF_LOG_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(π x).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;
/** ln(2^-1022), the smallest normal double: the lower-tail roots below it are the small-x expansion. */
const LOG_SMALLEST_NORMAL = -1022 * Math.LN2;
/** ln(1e-10): an upper-tail root whose half (the small-x expansion's y) is below it is found in the lower tail. */
const LOG_SMALL_ROOT_HALF = Math.log(1e-10);
const MAX_ITER = 10_000; // near x = a the series needs ~sqrt(74 a) terms: 3100 at dof 64 × 4096
/**
 * The largest shape a taken, 2^26 (dof 2^27): up to it the series needs at most 60,879 terms
 * (a = 2^26, x = a + 0.5) of its cap of 80,471 there and the continued fraction at most 3,794 steps
 * of its 10,000 (x = a + 1), so neither stops before it converges. Past it they would: against
 * scipy, the CDF at x = dof came out 1.6e-3 off at dof 2e9, and 92 % off at a = 1e12.
 */
const MAX_SHAPE = 2 ** 26;

/** Regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), 0 < a <= 2^26, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  checkShape(a);
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  checkShape(a);
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  // Near x = a the terms fall like e^(-n^2 / 2a), so the series needs about sqrt(74 a) of them to
  // reach 1e-16: more than MAX_ITER from a = 1.35e6 (35,000 at a = 2^24, where a cut at 10,000
  // gave the CDF at x = dof as 0.4927 for 0.50003). a <= MAX_SHAPE keeps the cap below 80,500.
  const cap = MAX_ITER + Math.ceil(Math.sqrt(74 * a));
  for (let n = 0; n < cap; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Complementary error function erfc(x) = 1 - erf(x). */
export function erfc(x: number): number {
  return x >= 0 ? regularizedGammaQ(0.5, x * x) : 2 - regularizedGammaQ(0.5, x * x);
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;

/** Standard normal quantile Φ⁻¹(p), p in [0, 1] (±Infinity at the ends); relative error ~1e-15. */
export function normalQuantile(p: number): number {
  checkProbability("p", p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // One Halley step against the accurate CDF (upper tail through erfc to keep precision).
  const e = x > 0 ? 1 - p - 0.5 * erfc(x / Math.SQRT2) : normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Chi-square CDF with `dof` degrees of freedom: P(dof/2, x/2). */
export function chiSquareCdf(x: number, dof: number): number {
  checkDof(dof);
  return regularizedGammaP(dof / 2, x / 2);
}

/** Chi-square survival function 1 - CDF, accurate for small tail probabilities. */
export function chiSquareSurvival(x: number, dof: number): number {
  checkDof(dof);
  return regularizedGammaQ(dof / 2, x / 2);
}

/**
 * Chi-square quantile: the x with CDF(x; dof) = p. p in [0, 1] (Infinity at 1), dof > 0.
 * Relative accuracy about 1e-12 (checked against tabulated values in the tests); about 2e-12 for
 * dof under 0.01, where the root moves 2 / dof times as much as the probability.
 */
export function chiSquareQuantile(p: number, dof: number): number {
  checkProbability("p", p);
  checkDof(dof);
  return p > 0.5 ? chiSquareRoot(1 - p, dof, true) : chiSquareRoot(p, dof, false);
}

/**
 * Upper-tail chi-square quantile: the x with P(X > x) = alpha, without the loss of precision of
 * `chiSquareQuantile(1 - alpha, dof)` when alpha is tiny. alpha in [0, 1], dof > 0.
 */
export function chiSquareUpperQuantile(alpha: number, dof: number): number {
  checkProbability("alpha", alpha);
  checkDof(dof);
  return alpha < 0.5 ? chiSquareRoot(alpha, dof, true) : chiSquareRoot(1 - alpha, dof, false);
}

/**
 * Solves CDF(x) = target (upperTail false) or survival(x) = target (upperTail true), by Newton's
 * method on the log of that tail: log P(a, x/2) and -log Q(a, x/2) are close to straight lines in
 * the tails (Q falls like e^(-x/2), P rises like x^a near 0), where Newton on the tail itself
 * moved a fixed distance a step and ran out of steps (alpha 1e-300), or jumped from a start far
 * below the root to 1e20 (the lower tail for dof in the hundreds). A bracket [lo, hi] around the
 * root catches a step that leaves it: the bracket is then halved, geometrically while it spans
 * more than a factor of 4.
 */
function chiSquareRoot(target: number, dof: number, upperTail: boolean): number {
  if (target === 0) return upperTail ? Number.POSITIVE_INFINITY : 0;
  // The upper tail is asked only for targets below 1/2 (its callers above), so never for 1.
  const a = dof / 2;
  const p = upperTail ? 1 - target : target;
  const logTarget = Math.log(target);
  const logGammaA = logGamma(a);
  // The small-x expansion P(a, y) ≈ y^a / Γ(a + 1), y = x / 2, in either tail (p is the lower
  // tail's probability). A root below the smallest normal double is the expansion itself: there
  // its relative error is of the order of the root, and Newton cannot refine it (x / 2 loses bits
  // in the denormals, down to a CDF of 0 at 5e-324). exp rounds it to the nearest denormal, or to
  // 0 below 2^-1075. This happens only for dof below about 2, where a root that small is tiny.
  const logSmallHalf = (Math.log(p) + logGamma(a + 1)) / a;
  if (logSmallHalf + Math.LN2 < LOG_SMALLEST_NORMAL) return Math.exp(logSmallHalf + Math.LN2);
  // A small root in the upper tail (dof below about 0.06, alpha under 1/2): Q = 1 - P(a, y) moves
  // only in its last bits as y changes by decades, so Newton on -log Q cannot find it (from 1e-250
  // it went to 1e-64 at dof 0.001); it is found in the lower tail from P = p, no worse
  // conditioned than the problem itself (1 - target is exact to 1e-16 of p >= 1/2).
  if (upperTail && logSmallHalf < LOG_SMALL_ROOT_HALF) return chiSquareRoot(p, dof, false);
  // Initial guess: Wilson-Hilferty, or the small-x expansion in the lower tail.
  const z = upperTail ? -normalQuantile(Math.min(target, 1)) : normalQuantile(p);
  const v = 2 / (9 * dof);
  const wh = 1 - v + z * Math.sqrt(v);
  let x = dof * wh * wh * wh;
  if (!upperTail) {
    const small = 2 * Math.exp(logSmallHalf);
    if (!(x > 0) || small < x * 0.5) x = small;
  } else if (!(x > 0)) {
    x = dof;
  }
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const tail = upperTail ? chiSquareSurvival(x, dof) : chiSquareCdf(x, dof);
    // f rises with x through 0 at the root: log P - log target, or log target - log Q.
    const f = upperTail ? logTarget - Math.log(tail) : Math.log(tail) - logTarget;
    if (f < 0) lo = x;
    else hi = x;
    // d/dx log P = pdf / P and d/dx (-log Q) = pdf / Q; tail / pdf taken in logs (both underflow).
    const logPdf = (a - 1) * Math.log(x / 2) - x / 2 - logGammaA - Math.LN2;
    let next = x - f * Math.exp(Math.log(tail) - logPdf);
    if (!(next > lo && next < hi)) {
      if (!Number.isFinite(hi)) next = Math.max(4 * x, 2 * lo + 1);
      else next = lo > 0 && hi > 4 * lo ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    }
    if (Math.abs(next - x) <= 1e-14 * x) return next;
    x = next;
  }
  return x;
}

function checkProbability(field: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ConfigError(field, p, "must be a probability in [0, 1]");
}

function checkDof(dof: number): void {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new ConfigError("dof", dof, "must be a finite number > 0");
  if (dof > 2 * MAX_SHAPE) throw new ConfigError("dof", dof, `must be at most ${2 * MAX_SHAPE} (2^27)`);
}

function checkShape(a: number): void {
  if (!(a > 0 && a <= MAX_SHAPE)) throw new ConfigError("a", a, `must be a number in (0, ${MAX_SHAPE}]`);
}
