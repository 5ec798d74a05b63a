/**
 * Pump curve: PWM duty (0-255) to mass flow [kg/s] for a small DC circulation pump in a fixed loop.
 *
 * Below the stall duty the motor does not overcome static friction and the pump does not turn
 * (dead band); duty 0 is always off. From the stall duty up, flow rises monotonically from
 * `pump_min_frac * m_dot_max` to `m_dot_max` at duty 255:
 *
 *   m_dot(d) = m_dot_max * (f_min + (1 - f_min) * ((d - d_stall) / (255 - d_stall))^n)
 *
 * with d_stall = `pump_stall_duty`, f_min = `pump_min_frac`, n = `pump_exponent`. With a fixed
 * system curve the operating flow of a centrifugal pump is proportional to its speed (affinity
 * laws, e.g. Karassik, Pump Handbook, ch. 2), and the speed of a PWM-driven DC motor is roughly
 * linear in duty above stall, hence the default n = 1; other exponents fit measured curves.
 */
import { DUTY_MAX } from "../core/units.js";
import type { LoopParams } from "./loopParams.js";

/** Mass flow [kg/s] delivered at pump duty `dutyRaw` (0-255; fractional duties are allowed). */
export function pumpMassFlowKgS(params: LoopParams, dutyRaw: number): number {
  const stall = params.pump_stall_duty;
  if (dutyRaw <= 0 || dutyRaw < stall) return 0;
  const x = dutyRaw >= DUTY_MAX ? 1 : (dutyRaw - stall) / (DUTY_MAX - stall);
  const shape = params.pump_exponent === 1 ? x : x ** params.pump_exponent;
  const fMin = params.pump_min_frac;
  return params.m_dot_max * (fMin + (1 - fMin) * shape);
}
