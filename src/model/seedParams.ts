/**
 * Parameters of the seed model (docs/design.md 2.1), named exactly `C m_dot cp UA Q_in Q_out T_hot0
 * T_cold0`. The defaults are the reference set of the earlier Python implementation (C=1000,
 * m_dot=0.1, cp=4180, UA=50, Q_in=1000, Q_out=1000) started at 350 K / 300 K, written here in
 * degrees Celsius (76.85 C / 26.85 C) like every temperature on the command line.
 */
import {
  ABSOLUTE_ZERO_C,
  buildParams,
  type ParamSpec,
  type ParamValues,
  validateParams,
} from "./paramSpec.js";

export const SEED_PARAM_NAMES = ["C", "m_dot", "cp", "UA", "Q_in", "Q_out", "T_hot0", "T_cold0"] as const;
export type SeedParamName = (typeof SEED_PARAM_NAMES)[number];
export type SeedParams = ParamValues<SeedParamName>;

export const SEED_PARAM_SPECS: readonly ParamSpec<SeedParamName>[] = [
  {
    name: "C",
    unit: "J/K",
    default: 1000,
    min: 0,
    minExclusive: true,
    doc: "thermal capacitance of each node",
  },
  { name: "m_dot", unit: "kg/s", default: 0.1, min: 0, doc: "mass flow" },
  { name: "cp", unit: "J/(kg K)", default: 4180, min: 0, minExclusive: true, doc: "specific heat" },
  { name: "UA", unit: "W/K", default: 50, min: 0, doc: "heat-exchanger conductance between the nodes" },
  { name: "Q_in", unit: "W", default: 1000, min: 0, doc: "heat input (the q_in input schedules it)" },
  { name: "Q_out", unit: "W", default: 1000, min: 0, doc: "heat rejection (the q_out input schedules it)" },
  {
    name: "T_hot0",
    unit: "C",
    default: 76.85,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "initial hot temperature (350 K)",
  },
  {
    name: "T_cold0",
    unit: "C",
    default: 26.85,
    min: ABSOLUTE_ZERO_C,
    minExclusive: true,
    doc: "initial cold temperature (300 K)",
  },
];

/** The reference parameter set of docs/design.md 2.1. */
export const DEFAULT_SEED_PARAMS: SeedParams = buildParams(SEED_PARAM_SPECS, {});

/** Seed parameters from defaults and `overrides`; errors name the parameter (with `prefix`). */
export function makeSeedParams(overrides: Readonly<Record<string, unknown>> = {}, prefix = ""): SeedParams {
  return buildParams(SEED_PARAM_SPECS, overrides, prefix, "the seed model");
}

/** Validates a complete seed parameter object (a missing parameter is an error too). */
export function validateSeedParams(values: Readonly<Record<string, unknown>>, prefix = ""): SeedParams {
  return validateParams(SEED_PARAM_SPECS, values, prefix, "the seed model");
}
