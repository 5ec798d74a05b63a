/**
 * The signals a scenario can name (`wait_until`, `band`): what the rig measured (the converted
 * sample), what the twin predicted and the residuals (the monitor's output), the TLM flags, and,
 * on the in-process emulator only, the plant's ground truth (`true_*`). Each is one column of the
 * run's history ({@link SIGNAL_INDEX} gives the column).
 */

/** Where a signal comes from; `truth` exists only where the target exposes the plant (emulator). */
export type SignalSource = "sample" | "monitor" | "truth";

export interface SignalSpec {
  readonly name: string;
  readonly unit: string;
  readonly source: SignalSource;
  readonly doc: string;
}

/** Every signal, in history-column order. Names carry units. */
export const SIGNALS = [
  { name: "t_hot_c", unit: "C", source: "sample", doc: "measured heater-outlet temperature" },
  { name: "t_cold_c", unit: "C", source: "sample", doc: "measured radiator-outlet temperature" },
  { name: "t_amb_c", unit: "C", source: "sample", doc: "measured ambient (NaN without a probe)" },
  { name: "delta_t_k", unit: "K", source: "sample", doc: "measured T_hot - T_cold" },
  { name: "flow_lpm", unit: "L/min", source: "sample", doc: "measured flow" },
  { name: "adc_hot", unit: "counts", source: "sample", doc: "raw 12-bit counts of the hot thermistor" },
  { name: "adc_cold", unit: "counts", source: "sample", doc: "raw 12-bit counts of the cold thermistor" },
  { name: "pump_duty", unit: "duty", source: "sample", doc: "pump duty the device applies (TLM)" },
  { name: "heater_duty", unit: "duty", source: "sample", doc: "heater duty the device applies (TLM)" },
  { name: "fan_duty", unit: "duty", source: "sample", doc: "fan duty the device applies (TLM)" },
  { name: "flag_hold", unit: "0/1", source: "sample", doc: "TLM flag: a hold is active" },
  { name: "flag_hb_lost", unit: "0/1", source: "sample", doc: "TLM flag: heartbeat lost (SAFE)" },
  { name: "flag_overtemp", unit: "0/1", source: "sample", doc: "TLM flag: over-temperature interlock" },
  { name: "flag_sensor", unit: "0/1", source: "sample", doc: "TLM flag: a thermistor out of range" },
  { name: "pred_t_hot_c", unit: "C", source: "monitor", doc: "twin's T_hot" },
  { name: "pred_t_cold_c", unit: "C", source: "monitor", doc: "twin's T_cold" },
  { name: "pred_flow_lpm", unit: "L/min", source: "monitor", doc: "twin's flow" },
  { name: "res_t_hot_k", unit: "K", source: "monitor", doc: "T_hot residual (measured - twin)" },
  { name: "res_t_cold_k", unit: "K", source: "monitor", doc: "T_cold residual" },
  { name: "res_flow_lpm", unit: "L/min", source: "monitor", doc: "flow residual" },
  { name: "score", unit: "1", source: "monitor", doc: "combined anomaly score (>= 1: alarm level)" },
  { name: "ua_ratio", unit: "1", source: "monitor", doc: "tracked radiator UA / nominal" },
  { name: "pump_ratio", unit: "1", source: "monitor", doc: "tracked pump flow coefficient / nominal" },
  { name: "true_t_hot_c", unit: "C", source: "truth", doc: "plant's true T_hot (emulator only)" },
  { name: "true_t_cold_c", unit: "C", source: "truth", doc: "plant's true T_cold (emulator only)" },
  { name: "true_flow_lpm", unit: "L/min", source: "truth", doc: "plant's true flow (emulator only)" },
  {
    name: "true_ua_ratio",
    unit: "1",
    source: "truth",
    doc: "plant's radiator UA / its fault-free value at the applied fan duty (emulator only)",
  },
  { name: "true_q_in_w", unit: "W", source: "truth", doc: "plant's true heat input (emulator only)" },
] as const satisfies readonly SignalSpec[];

export type SignalName = (typeof SIGNALS)[number]["name"];

export const SIGNAL_NAMES: readonly SignalName[] = SIGNALS.map((s) => s.name);

/** Column of each signal in the history. */
export const SIGNAL_INDEX: Readonly<Record<SignalName, number>> = Object.fromEntries(
  SIGNALS.map((s, i) => [s.name, i]),
) as Record<SignalName, number>;

export function isSignalName(s: string): s is SignalName {
  return (SIGNAL_NAMES as readonly string[]).includes(s);
}

export function signalSpec(name: SignalName): SignalSpec {
  return SIGNALS[SIGNAL_INDEX[name]] as SignalSpec;
}

/** Ground truth of the plant, as a target that has one exposes it (see {@link SIGNALS} `true_*`). */
export interface PlantTruth {
  tHotC: number;
  tColdC: number;
  flowLpm: number;
  uaRatio: number;
  qInW: number;
}
