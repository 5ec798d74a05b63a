/**
 * The shape shared by every right-hand side and integrator in the project (as in dopri-js and
 * ode-rk4): the right-hand side writes the derivative into a preallocated array, so stepping
 * allocates nothing.
 */

/** `dydt = f(tS, y)`, written into `dydt` (same length as `y`); must not keep either array. */
export type OdeRhs = (tS: number, y: Float64Array, dydt: Float64Array) => void;

/** Whether every entry of `y` is finite (integrators check this and raise an IntegrationError). */
export function allFinite(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i] as number)) return false;
  return true;
}
