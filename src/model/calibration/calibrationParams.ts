/**
 * The parameters a calibration can fit: loop-model parameters (loopParams.ts) and the thermistor
 * offsets, each with the scale it is fitted on, its bounds and the uncertainty above which the
 * fit warns. Positive quantities are fitted as logarithms, so a step is relative, the parameter
 * never turns negative, and the standard deviation of the logarithm is the relative uncertainty.
 */
import type { LoopParamName } from "../loopParams.js";

export const CALIBRATION_PARAM_NAMES = [
  "C_hot",
  "C_cold",
  "UA",
  "UA_loss",
  "m_dot_max",
  "pump_stall_duty",
  "pump_min_frac",
  "pump_exponent",
  "UA_fan_off_frac",
  "Q_heater_max",
  "T_sink",
  "offset_hot_k",
  "offset_cold_k",
] as const;

export type CalibrationParamName = (typeof CALIBRATION_PARAM_NAMES)[number];

/** Offsets are not loop parameters; everything else is. */
export type OffsetParamName = "offset_hot_k" | "offset_cold_k";

export function isOffsetParam(name: CalibrationParamName): name is OffsetParamName {
  return name === "offset_hot_k" || name === "offset_cold_k";
}

/** The loop parameter behind a calibration parameter name (offsets have none). */
export function loopParamOf(name: CalibrationParamName): LoopParamName | undefined {
  return isOffsetParam(name) ? undefined : name;
}

/** What `looptwin calibrate` fits unless told otherwise (the list). */
export const DEFAULT_FIT_PARAMS: readonly CalibrationParamName[] = [
  "C_hot",
  "C_cold",
  "UA",
  "UA_loss",
  "m_dot_max",
  "pump_stall_duty",
  "offset_hot_k",
  "offset_cold_k",
];

export interface CalibrationParamSpec {
  readonly name: CalibrationParamName;
  readonly unit: string;
  /** `log`: fitted as ln(value) (value > 0); `linear`: fitted as is. */
  readonly scale: "log" | "linear";
  /** Bounds of the value (not of its logarithm). */
  readonly lower: number;
  readonly upper: number;
  /** Finite-difference step on the fitted scale. */
  readonly differenceStep: number;
  /** Warn when the standard deviation exceeds this: relative (of the value) or absolute (in `unit`). */
  readonly uncertaintyLimit: { readonly kind: "relative" | "absolute"; readonly value: number };
  /** One line for help text. */
  readonly doc: string;
}

const REL = (value: number) => ({ kind: "relative", value }) as const;
const ABS = (value: number) => ({ kind: "absolute", value }) as const;

export const CALIBRATION_PARAM_SPECS: Readonly<Record<CalibrationParamName, CalibrationParamSpec>> = {
  C_hot: {
    name: "C_hot",
    unit: "J/K",
    scale: "log",
    lower: 1,
    upper: 1e8,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "heat capacity of the hot node",
  },
  C_cold: {
    name: "C_cold",
    unit: "J/K",
    scale: "log",
    lower: 1,
    upper: 1e8,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "heat capacity of the cold node",
  },
  UA: {
    name: "UA",
    unit: "W/K",
    scale: "log",
    lower: 1e-4,
    upper: 1e5,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "radiator conductance, fan at full duty",
  },
  UA_loss: {
    name: "UA_loss",
    unit: "W/K",
    scale: "log",
    lower: 1e-6,
    upper: 1e4,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "loss conductance of each node to ambient",
  },
  m_dot_max: {
    name: "m_dot_max",
    unit: "kg/s",
    scale: "log",
    lower: 1e-6,
    upper: 10,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "pump mass flow at duty 255",
  },
  pump_stall_duty: {
    name: "pump_stall_duty",
    unit: "duty",
    scale: "linear",
    lower: 0,
    upper: 254,
    differenceStep: 1e-3,
    uncertaintyLimit: ABS(5),
    doc: "pump duty below which the pump does not turn",
  },
  pump_min_frac: {
    name: "pump_min_frac",
    unit: "1",
    scale: "linear",
    lower: 0,
    upper: 1,
    differenceStep: 1e-5,
    uncertaintyLimit: ABS(0.05),
    doc: "flow at the stall duty as a fraction of m_dot_max",
  },
  pump_exponent: {
    name: "pump_exponent",
    unit: "1",
    scale: "log",
    lower: 0.05,
    upper: 20,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "shape of the pump curve above the stall duty",
  },
  UA_fan_off_frac: {
    name: "UA_fan_off_frac",
    unit: "1",
    scale: "linear",
    lower: 0,
    upper: 1,
    differenceStep: 1e-5,
    uncertaintyLimit: ABS(0.05),
    doc: "radiator UA with the fan off, as a fraction of UA",
  },
  Q_heater_max: {
    name: "Q_heater_max",
    unit: "W",
    scale: "log",
    lower: 1e-3,
    upper: 1e6,
    differenceStep: 1e-5,
    uncertaintyLimit: REL(0.1),
    doc: "heater power at duty 255 (identifiable only through the flow meter)",
  },
  T_sink: {
    name: "T_sink",
    unit: "C",
    scale: "linear",
    lower: -50,
    upper: 150,
    differenceStep: 1e-4,
    uncertaintyLimit: ABS(0.5),
    doc: "radiator sink temperature",
  },
  offset_hot_k: {
    name: "offset_hot_k",
    unit: "K",
    scale: "linear",
    lower: -20,
    upper: 20,
    differenceStep: 1e-4,
    uncertaintyLimit: ABS(0.1),
    doc: "hot thermistor offset (added to the reading)",
  },
  offset_cold_k: {
    name: "offset_cold_k",
    unit: "K",
    scale: "linear",
    lower: -20,
    upper: 20,
    differenceStep: 1e-4,
    uncertaintyLimit: ABS(0.1),
    doc: "cold thermistor offset (added to the reading)",
  },
};

/** The value on the fitted scale. */
export function toFitScale(spec: CalibrationParamSpec, value: number): number {
  return spec.scale === "log" ? Math.log(value) : value;
}

/** The value from the fitted scale. */
export function fromFitScale(spec: CalibrationParamSpec, theta: number): number {
  return spec.scale === "log" ? Math.exp(theta) : theta;
}

/**
 * Whether a fitted value `theta` (on the fitted scale) sits on a bound of the search
 * [`lower`, `upper`]: within 1e-9 of the search's span of it, and at least 1e-9, so a value the
 * solver clamped to a bound counts whatever the bound's size. At exactly the tolerance it counts.
 */
export function onSearchBound(theta: number, lower: number, upper: number): boolean {
  const toleranceFit = 1e-9 * Math.max(1, Math.abs(upper - lower));
  return Math.abs(theta - lower) <= toleranceFit || Math.abs(theta - upper) <= toleranceFit;
}

/**
 * Whether a fitted parameter's uncertainty is over its limit: the relative one (`relStd`) or the
 * absolute one (`std`, in the parameter's unit), as the limit says. At the limit is within it; an
 * uncertainty that is not a number (a relative one of a value of 0, a singular fit) is over.
 */
export function overUncertaintyLimit(
  limit: CalibrationParamSpec["uncertaintyLimit"],
  std: number,
  relStd: number,
): boolean {
  return limit.kind === "relative" ? !(relStd <= limit.value) : !(std <= limit.value);
}
