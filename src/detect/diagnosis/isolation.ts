/**
 * Fault isolation: from which residuals moved, and in which direction, to a diagnosis with its
 * evidence. Residuals are measured minus twin, the twin driven by the operator's intended
 * setpoints (docs/design.md 2.4), so a physical fault shows as the plant leaving the twin.
 *
 * Signatures from the loop model (docs/design.md 2.2; steady state with UA_loss = 0:
 * T_cold = T_sink + Q_in/UA, T_hot - T_cold = Q_in/(m_dot cp)):
 * - weak pump (m_dot down): T_hot - T_cold up, T_cold unchanged (dips in the transient), flow
 *   down against the pump curve; a failed pump: flow near zero, T_hot up, T_cold falling;
 * - fouling (UA down): T_hot and T_cold up by the same amount, their difference and the flow
 *   unchanged;
 * - heater fault (Q_in changed): T_hot - T_cold changes with the flow normal (and, more slowly
 *   and by Q/UA, both temperatures with it);
 * - sensor fault: that sensor's residual alone, the other temperature and the flow consistent;
 * - flow-meter fault: the flow residual alone, the temperatures consistent (a real change of flow
 *   would move T_hot - T_cold).
 *
 * The table {@link SIGNATURES} is data: its rows are disjoint, every combination of moves matches
 * at most one row (the tests enumerate them all), and what matches none is `unknown`. Estimated
 * parameter changes then refine the table's answer ({@link REFINEMENTS}). What the residuals
 * cannot say is judged before the table, where it is known: a thermistor reading the rail or
 * frozen (the monitor's thermistor families, monitorDiagnosis.ts), a link losing lines (gaps the
 * source reports).
 *
 * Called once per alarm transition or diagnosis refresh, not per sample: it may allocate.
 *
 * The table is a steady-state signature: it holds once the loop has had time to respond. Known
 * ambiguities, by the physics rather than the table: a heater step first moves T_hot alone (it
 * reads as a T_hot sensor fault until T_cold follows); a change of flow shows first in the flow
 * alone, whether the pump or the meter changed, because T_hot - T_cold needs seconds to respond
 * (its time constant C_hot C_cold / (m_dot cp (C_hot + C_cold)), ~5 s on the default rig). So
 * `flow_alone` is evidence for the meter only once a real change of flow would have shown in the
 * temperatures; until then the monitor says `flow_undecided` (monitorDiagnosis.ts,
 * flowDecisionTime.ts). The caller should refresh the diagnosis while the alarm is open
 * (AlarmManager.update takes a diagnosis every sample).
 */

import type { FaultKind, SensorChannel } from "../../model/faultSpec.js";
import type { AlarmSeverity } from "../alarms/alarmManager.js";
import { checkNonNegative } from "../detectors/optionChecks.js";
import { CHANNEL_LABEL, ratioText, signed, signedPercent } from "./evidenceText.js";

/**
 * Diagnoses, in the order. `flow_undecided` is not a cause but the honest state of a flow
 * alarm before the temperatures can tell the pump from the meter (see the file comment); it ends
 * as `pump_failure`, `pump_degradation` or `flow_sensor`.
 */
export const DIAGNOSES = [
  "pump_degradation",
  "pump_failure",
  "hx_fouling",
  "t_hot_sensor",
  "t_cold_sensor",
  "t_amb_sensor",
  "flow_sensor",
  "flow_undecided",
  "heater_fault",
  "link_fault",
  "unknown",
] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];

/** Human text of each diagnosis. */
export const DIAGNOSIS_TEXT: Readonly<Record<Diagnosis, string>> = {
  pump_degradation: "pump degradation",
  pump_failure: "pump failure",
  hx_fouling: "HX fouling",
  t_hot_sensor: "T_hot sensor fault",
  t_cold_sensor: "T_cold sensor fault",
  t_amb_sensor: "ambient probe fault",
  flow_sensor: "flow sensor fault",
  flow_undecided: "flow fault: pump or flow meter, undecided",
  heater_fault: "heater fault",
  link_fault: "link fault",
  unknown: "unknown",
};

/** How one residual moved: beyond its band up or down, within it, or erratically (both ways). */
export const RESIDUAL_MOVES = ["up", "down", "none", "erratic"] as const;
export type ResidualMove = (typeof RESIDUAL_MOVES)[number];

/** The flow residual can also have collapsed: measured flow near zero while the pump should run. */
export const FLOW_MOVES = [...RESIDUAL_MOVES, "stopped"] as const;
export type FlowMove = (typeof FLOW_MOVES)[number];

/** Residual channels of a signature. */
export const ISOLATION_CHANNELS = ["tHot", "tCold", "deltaT", "flow"] as const;
export type IsolationChannel = (typeof ISOLATION_CHANNELS)[number];

/** The moves of the four residuals at one moment. */
export interface ResidualMoves {
  readonly tHot: ResidualMove;
  readonly tCold: ResidualMove;
  /** The residual of T_hot - T_cold. */
  readonly deltaT: ResidualMove;
  readonly flow: FlowMove;
}

/** One row of the signature table: the moves it accepts per channel. */
export interface Signature {
  readonly id: string;
  readonly diagnosis: Diagnosis;
  readonly tHot: readonly ResidualMove[];
  readonly tCold: readonly ResidualMove[];
  readonly deltaT: readonly ResidualMove[];
  readonly flow: readonly FlowMove[];
  /** Why this pattern means this fault (loop model, docs/design.md 2.2). */
  readonly reason: string;
}

const MOVED: readonly ResidualMove[] = ["up", "down", "erratic"];
const ANY: readonly ResidualMove[] = RESIDUAL_MOVES;

/** The signature table; rows are disjoint. */
export const SIGNATURES: readonly Signature[] = [
  {
    id: "t_hot_alone",
    diagnosis: "t_hot_sensor",
    tHot: MOVED,
    tCold: ["none"],
    deltaT: ANY,
    flow: ["none"],
    reason: "only T_hot left the twin: the other temperature and the flow are consistent",
  },
  {
    id: "t_cold_alone",
    diagnosis: "t_cold_sensor",
    tHot: ["none"],
    tCold: MOVED,
    deltaT: ANY,
    flow: ["none"],
    reason: "only T_cold left the twin: the other temperature and the flow are consistent",
  },
  {
    id: "flow_alone",
    diagnosis: "flow_sensor",
    tHot: ["none"],
    tCold: ["none"],
    deltaT: ["none"],
    flow: ["up", "down", "erratic", "stopped"],
    reason: "the flow reading moved but T_hot - T_cold did not, as a real change of flow would make it",
  },
  {
    id: "weak_pump",
    diagnosis: "pump_degradation",
    tHot: ["up", "none"],
    tCold: ["none", "down"],
    deltaT: ["up"],
    flow: ["down"],
    reason: "less flow than the pump curve and T_hot - T_cold up (= Q_in/(m_dot cp)), T_cold not up",
  },
  {
    id: "no_flow",
    diagnosis: "pump_failure",
    tHot: ["up", "none"],
    tCold: ["none", "down"],
    deltaT: ["up"],
    flow: ["stopped"],
    reason: "flow near zero and T_hot - T_cold rising: the pump no longer moves the fluid",
  },
  {
    id: "both_up_together",
    diagnosis: "hx_fouling",
    tHot: ["up"],
    tCold: ["up"],
    deltaT: ["none"],
    flow: ["none"],
    reason:
      "T_hot and T_cold up together (T_cold = T_sink + Q_in/UA) with their difference and the flow normal",
  },
  {
    id: "more_heat",
    diagnosis: "heater_fault",
    tHot: ["up"],
    tCold: ["up"],
    deltaT: ["up"],
    flow: ["none"],
    reason: "T_hot - T_cold up with the flow normal, both temperatures following: more heat than intended",
  },
  {
    id: "less_heat",
    diagnosis: "heater_fault",
    tHot: ["down"],
    tCold: ["down"],
    deltaT: ["down"],
    flow: ["none"],
    reason: "T_hot - T_cold down with the flow normal, both temperatures following: less heat than intended",
  },
  {
    id: "difference_alone",
    diagnosis: "heater_fault",
    tHot: ["none"],
    tCold: ["none"],
    deltaT: ["up", "down"],
    flow: ["none"],
    reason: "T_hot - T_cold changed with the flow normal before either temperature left its band",
  },
];

/** Direction of an estimated parameter change (see {@link classifyParameter}). */
export const PARAMETER_TRENDS = ["down", "up", "unchanged", "unknown"] as const;
export type ParameterTrend = (typeof PARAMETER_TRENDS)[number];

/** A refinement of the table's answer by an estimated parameter change. */
export interface Refinement {
  readonly id: string;
  /** The table's answers it applies to. */
  readonly from: readonly Diagnosis[];
  readonly parameter: "ua" | "pump";
  readonly trend: ParameterTrend;
  readonly to: Diagnosis;
  readonly reason: string;
}

/** Applied in order; the first that applies wins. */
export const REFINEMENTS: readonly Refinement[] = [
  {
    id: "ua_down",
    from: ["hx_fouling", "heater_fault", "unknown"],
    parameter: "ua",
    trend: "down",
    to: "hx_fouling",
    reason: "the radiator conductance estimated from the energy balance fell",
  },
  {
    id: "ua_unchanged",
    from: ["hx_fouling"],
    parameter: "ua",
    trend: "unchanged",
    to: "heater_fault",
    reason: "both temperatures rose with UA unchanged: the heat input, not the radiator, changed",
  },
  {
    id: "pump_down",
    from: ["unknown"],
    parameter: "pump",
    trend: "down",
    to: "pump_degradation",
    reason: "the pump's flow coefficient fell",
  },
];

/**
 * Severity of each diagnosis when raised (the alarm's level can still escalate it). An undecided
 * flow fault is a warning here; the monitor raises it critical when the flow has stopped (it may
 * be a failed pump: monitorDiagnosis.ts).
 */
export const DIAGNOSIS_SEVERITY: Readonly<Record<Diagnosis, AlarmSeverity>> = {
  pump_degradation: "warning",
  pump_failure: "critical",
  hx_fouling: "warning",
  t_hot_sensor: "warning",
  t_cold_sensor: "warning",
  t_amb_sensor: "warning",
  flow_sensor: "warning",
  flow_undecided: "warning",
  heater_fault: "warning",
  link_fault: "warning",
  unknown: "warning",
};

/** An estimated parameter as a ratio to its nominal value, with its standard deviation. */
export interface ParameterRatio {
  readonly ratio: number;
  readonly std: number;
}

/** State of a thermistor channel as the conversion sees it. */
export type SensorRange = "ok" | "open" | "short";

export interface IsolationInput {
  readonly moves: ResidualMoves;
  /** Residual values for the evidence text: K for temperatures, L/min for flow (measured - twin). */
  readonly residuals?: Partial<Readonly<Record<IsolationChannel, number>>>;
  /** Measured flow / flow the pump curve gives at the intended duty. */
  readonly flowRatio?: number;
  /** Radiator UA estimated online / nominal. */
  readonly uaRatio?: ParameterRatio;
  /** Pump flow coefficient estimated online / nominal. */
  readonly pumpFlowCoeffRatio?: ParameterRatio;
}

export interface IsolationOptions {
  /** Smallest relative parameter change that counts (|ratio - 1|). @default 0.1 */
  readonly minParameterChange?: number;
  /** Standard deviations a parameter change must exceed to count. @default 3 */
  readonly parameterSigmas?: number;
}

export interface IsolationResult {
  readonly diagnosis: Diagnosis;
  /** {@link DIAGNOSIS_TEXT} of the diagnosis. */
  readonly text: string;
  /** What moved, by how much, and the parameter estimates, e.g. `UA -32 % +/- 4 %`. */
  readonly evidence: readonly string[];
  readonly severity: AlarmSeverity;
  /** What decided it: a signature id, a refinement id or `no_match`. */
  readonly rule: string;
}

/** The table row whose moves match, or undefined. */
export function matchSignature(moves: ResidualMoves): Signature | undefined {
  for (const s of SIGNATURES) {
    if (
      s.tHot.includes(moves.tHot) &&
      s.tCold.includes(moves.tCold) &&
      s.deltaT.includes(moves.deltaT) &&
      s.flow.includes(moves.flow)
    )
      return s;
  }
  return undefined;
}

/**
 * Direction of an estimated parameter change: `down`/`up` when |ratio - 1| exceeds both
 * `minChange` and `sigmas` standard deviations; `unchanged` when it is within `minChange` and the
 * estimate is precise enough to say so (sigmas × std < minChange); else `unknown`. Throws a
 * ConfigError for a threshold that is negative or not finite.
 */
export function classifyParameter(
  p: ParameterRatio | undefined,
  minChange = 0.1,
  sigmas = 3,
): ParameterTrend {
  checkNonNegative("minParameterChange", minChange);
  checkNonNegative("parameterSigmas", sigmas);
  if (p === undefined || !Number.isFinite(p.ratio) || !(p.std >= 0)) return "unknown";
  const d = p.ratio - 1;
  if (Math.abs(d) > minChange && Math.abs(d) > sigmas * p.std) return d < 0 ? "down" : "up";
  if (Math.abs(d) <= minChange && sigmas * p.std < minChange) return "unchanged";
  return "unknown";
}

/** The move of a residual against its band (|r| <= band: none). NaN is `none` (no evidence). */
export function classifyMove(residual: number, band: number): ResidualMove {
  if (residual > band) return "up";
  if (residual < -band) return "down";
  return "none";
}

/**
 * The move of the flow residual: `stopped` when the pump should deliver more than `bandLpm` but
 * the meter reads less than `stoppedRatio` of it; else as {@link classifyMove}.
 */
export function classifyFlowMove(
  measuredLpm: number,
  expectedLpm: number,
  bandLpm: number,
  stoppedRatio = 0.1,
): FlowMove {
  if (expectedLpm > bandLpm && measuredLpm < stoppedRatio * expectedLpm) return "stopped";
  return classifyMove(measuredLpm - expectedLpm, bandLpm);
}

/** Diagnoses one alarm from its residual moves and what else is known. */
export function isolate(input: IsolationInput, options: IsolationOptions = {}): IsolationResult {
  const minChange = options.minParameterChange ?? 0.1;
  const sigmas = options.parameterSigmas ?? 3;
  const evidence = residualEvidence(input);
  const row = matchSignature(input.moves);
  let diagnosis: Diagnosis = row?.diagnosis ?? "unknown";
  let rule = row?.id ?? "no_match";
  const trends = {
    ua: classifyParameter(input.uaRatio, minChange, sigmas),
    pump: classifyParameter(input.pumpFlowCoeffRatio, minChange, sigmas),
  };
  for (const r of REFINEMENTS) {
    if (r.from.includes(diagnosis) && trends[r.parameter] === r.trend) {
      diagnosis = r.to;
      rule = r.id;
      break;
    }
  }
  return diagnosisResult(diagnosis, evidence, rule);
}

/** A diagnosis with its text, evidence, severity (by default the diagnosis's own) and deciding rule. */
export function diagnosisResult(
  diagnosis: Diagnosis,
  evidence: readonly string[],
  rule: string,
  severity: AlarmSeverity = DIAGNOSIS_SEVERITY[diagnosis],
): IsolationResult {
  return { diagnosis, text: DIAGNOSIS_TEXT[diagnosis], evidence, severity, rule };
}

function residualEvidence(input: IsolationInput): string[] {
  const out: string[] = [];
  for (const ch of ISOLATION_CHANNELS) {
    const move = input.moves[ch];
    const value = input.residuals?.[ch];
    const unit = ch === "flow" ? "L/min" : "K";
    const label: string = CHANNEL_LABEL[ch];
    const shown = value !== undefined && Number.isFinite(value) ? ` ${signed(value, 2)} ${unit}` : "";
    let line: string;
    switch (move) {
      case "none":
        line = `${label}${shown} (consistent)`;
        break;
      case "erratic":
        line = `${label} erratic${shown}`;
        break;
      case "stopped":
        line = `${label} stopped${shown}`;
        break;
      case "up":
      case "down":
        line = shown ? `${label}${shown}` : `${label} ${move}`;
        break;
      default: {
        const never: never = move;
        line = String(never);
      }
    }
    if (ch === "flow" && input.flowRatio !== undefined && Number.isFinite(input.flowRatio))
      line += ` (${signedPercent(input.flowRatio - 1)} vs pump curve)`;
    out.push(line);
  }
  if (input.uaRatio !== undefined) out.push(`UA ${ratioText(input.uaRatio)}`);
  if (input.pumpFlowCoeffRatio !== undefined)
    out.push(`pump flow coefficient ${ratioText(input.pumpFlowCoeffRatio)}`);
  return out;
}

/**
 * The diagnosis a correct isolation gives for an injected fault (the ground truth of HIL runs and
 * of the emulator's labels). An ambient-probe fault has no diagnosis of its own: `unknown`.
 */
export function expectedDiagnosis(kind: FaultKind, channel?: SensorChannel): Diagnosis {
  switch (kind) {
    case "pump_degradation":
      return "pump_degradation";
    case "pump_failure":
      return "pump_failure";
    case "hx_fouling":
      return "hx_fouling";
    case "heater_overpower":
      return "heater_fault";
    case "sensor_bias":
    case "sensor_drift":
    case "sensor_noise":
    case "sensor_stuck":
    case "sensor_open":
    case "sensor_short":
      if (channel === "hot") return "t_hot_sensor";
      if (channel === "cold") return "t_cold_sensor";
      return channel === "amb" ? "t_amb_sensor" : "unknown";
    case "flow_blockage":
      return "flow_sensor";
    case "link_corrupt":
    case "link_drop":
    case "link_disconnect":
    case "device_reboot":
      return "link_fault";
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export { ratioText } from "./evidenceText.js";
