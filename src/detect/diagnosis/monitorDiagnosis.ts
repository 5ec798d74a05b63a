/**
 * Diagnosis and evidence of each alarm family of the monitor (monitor.ts), from a snapshot of
 * what the pipeline knows at one moment. The signature table and the parameter refinements are
 * isolation.ts's; this adds what a single table row cannot say:
 *
 * - flow family (pump or flow meter): which of two twins explains the temperatures, the one
 *   driven by the intended flow (then the meter is wrong) or the one driven by the measured flow
 *   (then the pump is). The log-likelihood ratio of the two under Gaussian thermistor noise,
 *   summed since the flow residual moved, decides once it exceeds `pumpEvidenceNats` either way
 *   (a dedicated-observer scheme, Frank 1990, Automatica 26(3); Gertler, Fault Detection and
 *   Diagnosis in Engineering Systems, 1998, ch. 6). Until then the diagnosis is
 *   `flow_undecided`: right after a change of flow the temperatures cannot have moved yet (the
 *   loop's thermal lag, flowDecisionTime.ts), so "T_hot - T_cold did not move" is no evidence
 *   for the meter. The table's answer (smoothed residuals) stands in for the ratio only where
 *   the twins say the temperatures have had time to react: a pump row when the measured-flow
 *   twin explains T_hot - T_cold (within `deltaTBandK`), the meter row when it does not (its
 *   prediction has left the measurement by more than the band while the intended-flow twin's
 *   has not). An undecided alarm is critical when the flow has stopped (it may be a failed
 *   pump; DIAGNOSIS_SEVERITY of a pump failure), else a warning.
 *   A failed pump is a pump fault whose measured flow over the short window is below
 *   `stoppedRatio` of the expected.
 * - thermistor families: out of range (open/short), a frozen reading, an erratic reading, or the
 *   residual of one thermistor alone; each is that sensor, with what was seen. The ambient
 *   probe's family has the first three only (ambientProbeChecks.ts).
 * - loop family (both temperatures left the twin together): the hot node's energy balance tells
 *   the heater (it moved) from the radiator (it did not), see {@link diagnoseLoop}.
 *
 * These run only while an alarm is raised or open, at most every `diagnosisRefreshS`; they
 * allocate (strings), the per-sample path does not call them.
 */
import type { AlarmDiagnosis } from "../alarms/alarmManager.js";
import { CHANNEL_LABEL, ratioText, signed } from "./evidenceText.js";
import {
  classifyMove,
  classifyParameter,
  DIAGNOSIS_SEVERITY,
  type Diagnosis,
  diagnosisResult,
  type FlowMove,
  isolate,
  type ParameterRatio,
  type SensorRange,
} from "./isolation.js";

/** Alarm families of the monitor; each is one alarm cause. */
export const MONITOR_CAUSES = ["flow", "t_hot", "t_cold", "loop", "t_amb"] as const;
export type MonitorCause = (typeof MONITOR_CAUSES)[number];

/** A thermistor's state as the checks see it (overwritten in place). */
export interface SensorEvidence {
  range: SensorRange | "missing";
  /** Seconds the reading has been unchanged, and the value. */
  frozenS: number;
  frozenValueC: number;
  flatlineS: number;
  /** Erratic test: its score and the residual noise it implies [K rms] (NaN when off). */
  erraticScore: number;
  noiseK: number;
  /** Out-of-range count score (>= 1: alarm). */
  rangeScore: number;
  /** Smoothed residual of this thermistor against the better twin [K]. */
  residualK: number;
  /** Score of the "this thermistor alone" detector. */
  aloneScore: number;
}

/** Everything the diagnosis reads (a preallocated object the monitor fills when needed). */
export interface DiagnosisSnapshot {
  tS: number;
  /** Smoothed residuals of the intended-flow twin (a) and the measured-flow twin (b) [K]. */
  aHotK: number;
  aColdK: number;
  aDeltaK: number;
  bHotK: number;
  bColdK: number;
  bDeltaK: number;
  /**
   * Heat-input residual of each twin [W]: the heat the hot node's balance needs beyond the twin's,
   * C_hot de_hot/dt + m_dot cp (e_hot - e_cold) + UA_loss e_hot on the twice-filtered residuals.
   * A change of UA does not enter the hot node's balance, a change of heat input does.
   */
  aHeatW: number;
  bHeatW: number;
  /** Smoothed flow residual [L/min], and the windowed measured and expected flows. */
  flowResLpm: number;
  flowMeasLpm: number;
  flowExpLpm: number;
  /** Short-window measured and expected flows [L/min]. */
  shortMeasLpm: number;
  shortExpLpm: number;
  /** Log-likelihood ratio, measured-flow twin over intended-flow twin [nats]. */
  pumpLlr: number;
  /** +1 once the ratio reached +pumpEvidenceNats (the pump), -1 once it reached the minus side (the meter), else 0. */
  pumpDecision: number;
  /** Seconds the ratio has been accumulating (since the flow residual moved); NaN when it is not. */
  flowUndecidedS: number;
  /**
   * Seconds after a change of flow to the measured one at which the temperatures are expected to
   * decide pump versus meter (flowDecisionTime.ts); Infinity: they cannot; NaN: not computed.
   */
  flowDecisionS: number;
  /** Heat input the twins assume [W]. */
  heaterW: number;
  /** Flow driving the measured-flow twin: the meter over the last sample interval [L/min]. */
  twinBFlowLpm: number;
  ua: ParameterRatio;
  pump: ParameterRatio;
  heater: ParameterRatio;
  hot: SensorEvidence;
  cold: SensorEvidence;
  /** The ambient probe (its residual NaN: no twin predicts the room). */
  amb: SensorEvidence;
}

export interface DiagnosisBands {
  readonly temperatureBandK: number;
  readonly deltaTBandK: number;
  readonly flowBandLpm: number;
  readonly pumpEvidenceNats: number;
  readonly stoppedRatio: number;
  readonly sensorNoiseK: number;
  /** Heat-input residual beyond which the heater is at fault [W]. */
  readonly heatBandW: number;
}

/** A diagnosis with its id (for evaluation) and what the alarm manager takes. */
export interface MonitorDiagnosis extends AlarmDiagnosis {
  readonly diagnosis: Diagnosis;
  readonly rule: string;
}

export function createSensorEvidence(): SensorEvidence {
  return {
    range: "ok",
    frozenS: 0,
    frozenValueC: Number.NaN,
    flatlineS: Number.POSITIVE_INFINITY,
    erraticScore: 0,
    noiseK: Number.NaN,
    rangeScore: 0,
    residualK: Number.NaN,
    aloneScore: 0,
  };
}

export function createDiagnosisSnapshot(): DiagnosisSnapshot {
  const p = { ratio: 1, std: Number.NaN };
  return {
    tS: Number.NaN,
    aHotK: Number.NaN,
    aColdK: Number.NaN,
    aDeltaK: Number.NaN,
    bHotK: Number.NaN,
    bColdK: Number.NaN,
    bDeltaK: Number.NaN,
    aHeatW: Number.NaN,
    bHeatW: Number.NaN,
    flowResLpm: Number.NaN,
    flowMeasLpm: Number.NaN,
    flowExpLpm: Number.NaN,
    shortMeasLpm: Number.NaN,
    shortExpLpm: Number.NaN,
    pumpLlr: 0,
    pumpDecision: 0,
    flowUndecidedS: Number.NaN,
    flowDecisionS: Number.NaN,
    heaterW: Number.NaN,
    twinBFlowLpm: Number.NaN,
    ua: { ...p },
    pump: { ...p },
    heater: { ...p },
    hot: createSensorEvidence(),
    cold: createSensorEvidence(),
    amb: createSensorEvidence(),
  };
}

/** Whether the pump looks stopped: the short-window flow below `stoppedRatio` of the expected. */
export function pumpStopped(s: DiagnosisSnapshot, b: DiagnosisBands): boolean {
  return s.shortExpLpm > b.flowBandLpm && s.shortMeasLpm < b.stoppedRatio * s.shortExpLpm;
}

function flowMove(s: DiagnosisSnapshot, b: DiagnosisBands): FlowMove {
  if (pumpStopped(s, b)) return "stopped";
  return classifyMove(s.flowResLpm, b.flowBandLpm);
}

function twinLines(s: DiagnosisSnapshot): string {
  return `twin on intended flow: T_hot ${signed(s.aHotK, 2)} K, T_cold ${signed(s.aColdK, 2)} K; twin on measured flow: T_hot ${signed(s.bHotK, 2)} K, T_cold ${signed(s.bColdK, 2)} K`;
}

/** The flow family: pump degradation, pump failure or the flow meter. */
export function diagnoseFlow(s: DiagnosisSnapshot, b: DiagnosisBands): MonitorDiagnosis {
  const table = isolate({
    moves: {
      tHot: classifyMove(s.aHotK, b.temperatureBandK),
      tCold: classifyMove(s.aColdK, b.temperatureBandK),
      deltaT: classifyMove(s.aDeltaK, b.deltaTBandK),
      flow: flowMove(s, b),
    },
    residuals: { tHot: s.aHotK, tCold: s.aColdK, deltaT: s.aDeltaK, flow: s.flowResLpm },
    flowRatio: s.flowExpLpm > 0 ? s.flowMeasLpm / s.flowExpLpm : Number.NaN,
    pumpFlowCoeffRatio: s.pump,
  });
  const evidence = [...table.evidence];
  const llr = s.pumpLlr;
  evidence.push(
    `temperatures vs flow: ${signed(llr, 1)} nats for the measured flow (decides at +/-${b.pumpEvidenceNats}); ${twinLines(s)}`,
  );
  if (s.pumpDecision > 0) {
    if (pumpStopped(s, b)) return diagnosisResult("pump_failure", evidence, "twin_on_measured_flow_stopped");
    if (s.flowResLpm < 0) return diagnosisResult("pump_degradation", evidence, "twin_on_measured_flow");
    return diagnosisResult("unknown", evidence, "twin_on_measured_flow_above_curve");
  }
  if (s.pumpDecision < 0) return diagnosisResult("flow_sensor", evidence, "twin_on_intended_flow");
  // The ratio has not decided: the table only where the temperatures have had time to react.
  const measuredTwinFits = Math.abs(s.bDeltaK) <= b.deltaTBandK;
  switch (table.diagnosis) {
    case "pump_degradation":
    case "pump_failure":
      if (measuredTwinFits) return diagnosisResult(table.diagnosis, evidence, table.rule);
      break;
    case "flow_sensor":
      if (!measuredTwinFits)
        return diagnosisResult("flow_sensor", evidence, `${table.rule}_measured_twin_off`);
      break;
    default:
      return diagnosisResult("unknown", evidence, table.rule);
  }
  evidence.unshift(waitingLine(s, b));
  const severity = pumpStopped(s, b) ? DIAGNOSIS_SEVERITY.pump_failure : DIAGNOSIS_SEVERITY.flow_undecided;
  return diagnosisResult(
    "flow_undecided",
    evidence,
    s.flowDecisionS === Number.POSITIVE_INFINITY ? "temperatures_cannot_tell" : "awaiting_temperatures",
    severity,
  );
}

/** Why a flow alarm is undecided, and how long the temperatures need (flowDecisionTime.ts). */
function waitingLine(s: DiagnosisSnapshot, b: DiagnosisBands): string {
  const flow = `a real change of flow to ${Number.isFinite(s.twinBFlowLpm) ? s.twinBFlowLpm.toFixed(2) : "n/a"} L/min`;
  const since = Number.isFinite(s.flowUndecidedS) ? `; undecided for ${s.flowUndecidedS.toFixed(1)} s` : "";
  if (s.flowDecisionS === Number.POSITIVE_INFINITY)
    return `the temperatures cannot tell pump from flow meter: at ${Number.isFinite(s.heaterW) ? s.heaterW.toFixed(0) : "n/a"} W heat input ${flow} would not move T_hot - T_cold beyond ${b.deltaTBandK} K${since}`;
  if (Number.isFinite(s.flowDecisionS))
    return `waiting for the temperatures: ${flow} shows in T_hot - T_cold within ~${s.flowDecisionS.toFixed(1)} s (loop model)${since}`;
  return `waiting for the temperatures: ${flow} takes seconds to show in T_hot - T_cold${since}`;
}

/** The label of a thermistor family's channel. */
function thermistorLabel(channel: "hot" | "cold"): string {
  return CHANNEL_LABEL[channel === "hot" ? "tHot" : "tCold"];
}

/**
 * What a probe's own checks saw (out of range, stuck, erratic), each a line of evidence, and the
 * rule of the first; "alone" when none fired.
 */
function probeChecks(label: string, e: SensorEvidence, b: DiagnosisBands, evidence: string[]): string {
  let rule = "alone";
  if (e.range !== "ok" && e.rangeScore >= 1) {
    rule = "sensor_range";
    evidence.push(
      e.range === "open"
        ? `${label} thermistor reads open (rail high)`
        : e.range === "short"
          ? `${label} thermistor reads short (rail low)`
          : `${label} reading missing`,
    );
  }
  if (e.frozenS >= e.flatlineS) {
    if (rule === "alone") rule = "frozen";
    evidence.push(
      `${label} reading unchanged at ${e.frozenValueC.toFixed(2)} C for ${e.frozenS.toFixed(1)} s (stuck)`,
    );
  }
  if (e.erraticScore >= 1) {
    if (rule === "alone") rule = "erratic";
    evidence.push(
      `${label} erratic: sample-to-sample noise ${e.noiseK.toFixed(2)} K rms (expected ${b.sensorNoiseK.toFixed(2)})`,
    );
  }
  return rule;
}

/** A thermistor family: the sensor, with what was seen. */
export function diagnoseSensor(
  channel: "hot" | "cold",
  s: DiagnosisSnapshot,
  b: DiagnosisBands,
): MonitorDiagnosis {
  const e = channel === "hot" ? s.hot : s.cold;
  const other = channel === "hot" ? s.cold : s.hot;
  const label = thermistorLabel(channel);
  const d: Diagnosis = channel === "hot" ? "t_hot_sensor" : "t_cold_sensor";
  const evidence: string[] = [];
  const rule = probeChecks(label, e, b, evidence);
  evidence.push(
    `${label} ${signed(e.residualK, 2)} K vs twin, ${thermistorLabel(channel === "hot" ? "cold" : "hot")} ${signed(other.residualK, 2)} K, flow ${signed(s.flowResLpm, 2)} L/min`,
  );
  return diagnosisResult(d, evidence, rule);
}

/**
 * The ambient probe's family: the probe, with what its checks saw and what the twins use instead
 * (they keep the last smoothed ambient while the reading is not a temperature).
 */
export function diagnoseAmbient(s: DiagnosisSnapshot, b: DiagnosisBands): MonitorDiagnosis {
  const evidence: string[] = [];
  const rule = probeChecks("T_amb", s.amb, b, evidence);
  return diagnosisResult("t_amb_sensor", evidence, rule);
}

/**
 * The loop family: both temperatures left the twin together. The hot node's energy balance
 * answers (docs/design.md 2.2): a change of heat input appears in it, a change of UA does not, so the
 * heat-input residual (see {@link DiagnosisSnapshot.aHeatW}) beyond `heatBandW` is the heater and
 * both temperatures up without it is the radiator. (T_hot - T_cold alone would not do: while the
 * loop warms, the hot node's storage lowers it by C_hot dT/dt / (m_dot cp) whatever the cause.)
 * The parameter tracker's UA and heat-input ratios are the evidence beside it.
 */
export function diagnoseLoop(s: DiagnosisSnapshot, b: DiagnosisBands): MonitorDiagnosis {
  // The twin that explains the flow is the reference: b (measured flow) unless the meter is wrong.
  const useA = s.pumpDecision < 0;
  const hot = useA ? s.aHotK : s.bHotK;
  const cold = useA ? s.aColdK : s.bColdK;
  const delta = useA ? s.aDeltaK : s.bDeltaK;
  const heat = useA ? s.aHeatW : s.bHeatW;
  const table = isolate({
    moves: {
      tHot: classifyMove(hot, b.temperatureBandK),
      tCold: classifyMove(cold, b.temperatureBandK),
      deltaT: classifyMove(delta, b.deltaTBandK),
      flow: flowMove(s, b),
    },
    residuals: { tHot: hot, tCold: cold, deltaT: delta, flow: s.flowResLpm },
    uaRatio: s.ua,
    pumpFlowCoeffRatio: s.pump,
  });
  const evidence = [
    ...table.evidence,
    `heat input ${ratioText(s.heater)}; hot-node balance ${signed(heat, 1)} W vs twin (band ${b.heatBandW.toFixed(1)} W)`,
  ];
  if (heat >= b.heatBandW) return diagnosisResult("heater_fault", evidence, "more_heat");
  if (heat <= -b.heatBandW) return diagnosisResult("heater_fault", evidence, "less_heat");
  if (hot > 0 && cold > 0) return diagnosisResult("hx_fouling", evidence, "both_up_together");
  if (classifyParameter(s.ua) === "down") return diagnosisResult("hx_fouling", evidence, "ua_down");
  return diagnosisResult("unknown", evidence, "no_match");
}

/** The diagnosis of one family. */
export function diagnose(cause: MonitorCause, s: DiagnosisSnapshot, b: DiagnosisBands): MonitorDiagnosis {
  switch (cause) {
    case "flow":
      return diagnoseFlow(s, b);
    case "t_hot":
      return diagnoseSensor("hot", s, b);
    case "t_cold":
      return diagnoseSensor("cold", s, b);
    case "loop":
      return diagnoseLoop(s, b);
    case "t_amb":
      return diagnoseAmbient(s, b);
    default: {
      const never: never = cause;
      return never;
    }
  }
}
