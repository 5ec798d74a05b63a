/**
 * Parameters of the two-node loop model (docs/design.md 2.2), named exactly as `--set` and config files
 * name them. Temperatures are in degrees Celsius, everything else SI.
 *
 * The defaults describe a small bench rig (docs/design.md 2.2):
 * - Heat capacities: each node holds about 0.5 L of water (0.5 kg x 4186 J/(kg K) = 2.09 kJ/K)
 *   plus metal. Hot node: heater block and fittings, ~0.45 kg of aluminium/brass at ~0.9 J/(g K)
 *   -> C_hot ~ 2.5 kJ/K. Cold node: radiator, pump housing and reservoir, ~1 kg of metal
 *   -> C_cold ~ 3.0 kJ/K.
 * - Radiator UA = 10 W/K with the fan at full; 150 W heater; so the cold side settles about 15 K
 *   above the 25 C sink (T_cold = T_sink + Q_in/UA ~ 40 C).
 * - Pump 0.5-5 L/min: m_dot_max = 5 L/min of water at 25 C = 0.0831 kg/s; below a stall duty of
 *   40/255 the pump does not turn; at the stall duty it delivers 10 % (0.5 L/min). At 2 L/min
 *   (0.0332 kg/s) the hot-cold difference is Q_in/(m_dot cp) ~ 1.1 K; at the default duty 200
 *   (3.85 L/min) it is ~0.56 K.
 * - UA_loss = 0.2 W/K per node: natural convection (h ~ 5 W/(m^2 K)) from ~0.04 m^2 of tubing and
 *   blocks per node. It lowers the steady state by ~0.6 K compared with UA_loss = 0.
 * - Time constants at the defaults: the flow exchange C_hot/(m_dot cp) ~ 9 s, the radiator
 *   C_cold/UA = 300 s, and the warm-up of the whole loop (C_hot + C_cold)/(UA + 2 UA_loss) ~ 530 s.
 */
import {
  ABSOLUTE_ZERO_C,
  buildParams,
  type ParamSpec,
  type ParamValues,
  validateParams,
} from "./paramSpec.js";

/** Parameter names of the loop model, in the order help text lists them. */
export const LOOP_PARAM_NAMES = [
  "C_hot",
  "C_cold",
  "UA",
  "UA_loss",
  "T_sink",
  "T_amb",
  "cp",
  "m_dot_max",
  "Q_heater_max",
  "T_hot0",
  "T_cold0",
  "pump_stall_duty",
  "pump_min_frac",
  "pump_exponent",
  "UA_fan_off_frac",
] as const;

export type LoopParamName = (typeof LOOP_PARAM_NAMES)[number];

/** A full, validated loop parameter set (frozen). */
export type LoopParams = ParamValues<LoopParamName>;

/** Every loop parameter with its unit, default, range and meaning. */
export const LOOP_PARAM_SPECS: readonly ParamSpec<LoopParamName>[] = [
  {
    name: "C_hot",
    unit: "J/K",
    default: 2500,
    min: 0,
    minExclusive: true,
    doc: "heat capacity of the hot node (0.5 L water + heater block)",
  },
  {
    name: "C_cold",
    unit: "J/K",
    default: 3000,
    min: 0,
    minExclusive: true,
    doc: "heat capacity of the cold node (0.5 L water + radiator, pump, reservoir)",
  },
  { name: "UA", unit: "W/K", default: 10, min: 0, doc: "radiator conductance to the sink, fan at full duty" },
  {
    name: "UA_loss",
    unit: "W/K",
    default: 0.2,
    min: 0,
    doc: "loss conductance of each node to ambient (tubing, blocks)",
  },
  {
    name: "T_sink",
    unit: "C",
    default: 25,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "radiator sink temperature",
  },
  {
    name: "T_amb",
    unit: "C",
    default: 25,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "ambient temperature of the losses (the t_amb input's default)",
  },
  {
    name: "cp",
    unit: "J/(kg K)",
    default: 4186,
    min: 0,
    minExclusive: true,
    doc: "specific heat of the coolant",
  },
  { name: "m_dot_max", unit: "kg/s", default: 0.0831, min: 0, doc: "mass flow at pump duty 255 (5 L/min)" },
  {
    name: "Q_heater_max",
    unit: "W",
    default: 150,
    min: 0,
    doc: "heater power at duty 255 (Q_in = Q_heater_max*duty/255)",
  },
  {
    name: "T_hot0",
    unit: "C",
    default: 25,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "initial hot-node temperature (rig at ambient)",
  },
  {
    name: "T_cold0",
    unit: "C",
    default: 25,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "initial cold-node temperature (rig at ambient)",
  },
  {
    name: "pump_stall_duty",
    unit: "duty",
    default: 40,
    min: 0,
    max: 254,
    doc: "pump duty below which the pump does not turn (dead band)",
  },
  {
    name: "pump_min_frac",
    unit: "1",
    default: 0.1,
    min: 0,
    max: 1,
    doc: "flow at the stall duty as a fraction of m_dot_max (0.5 L/min)",
  },
  {
    name: "pump_exponent",
    unit: "1",
    default: 1,
    min: 0,
    minExclusive: true,
    doc: "shape of the pump curve above the stall duty (1 = linear)",
  },
  {
    name: "UA_fan_off_frac",
    unit: "1",
    default: 0.3,
    min: 0,
    max: 1,
    doc: "radiator UA with the fan off, as a fraction of UA (natural convection)",
  },
];

/** The default loop parameters (the bench rig described above). */
export const DEFAULT_LOOP_PARAMS: LoopParams = buildParams(LOOP_PARAM_SPECS, {});

/**
 * Loop parameters from defaults and `overrides` (names as in {@link LOOP_PARAM_NAMES}). Throws a
 * ConfigError naming the parameter (with `prefix`, e.g. `--set `) for an unknown name, a
 * non-number, a non-finite or negative value, or one out of range.
 */
export function makeLoopParams(overrides: Readonly<Record<string, unknown>> = {}, prefix = ""): LoopParams {
  return buildParams(LOOP_PARAM_SPECS, overrides, prefix, "the loop model");
}

/** Validates a complete loop parameter object (a missing parameter is an error too). */
export function validateLoopParams(values: Readonly<Record<string, unknown>>, prefix = ""): LoopParams {
  return validateParams(LOOP_PARAM_SPECS, values, prefix, "the loop model");
}
