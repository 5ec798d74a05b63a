/**
 * The JSON payloads a rig publishes (docs/mqtt.md), with units in the field names as in the
 * recordings (`tHotC`, `flowLpm`, `resTHotK`). Every payload carries the format version `v`, the
 * rig name and `sentAtMs` (Unix epoch milliseconds at publication), so a subscriber can tell how
 * old it is. Pure: builders take the time as an argument.
 */
import type { AlarmEvent, AlarmSeverity, AlarmState } from "../detect/alarms/alarmManager.js";
import type { LoopPerformanceFigures } from "../detect/monitor/monitorTypes.js";

/** Payload format version (bumped with the topic prefix's `v1` only on an incompatible change). */
export const PAYLOAD_VERSION = 1;

/** `.../status` (retained): the rig's session as a whole; `online: false` from the goodbye or the Last Will. */
export interface StatusPayload {
  readonly v: 1;
  readonly rig: string;
  readonly online: boolean;
  /** What publishes: `dashboard`, `serve`, `record`, `hil run`. */
  readonly command: string;
  /** The source: a port path, `emulator`, a target such as `fil`. */
  readonly source: string;
  /** Link state (CONNECTED, RECONNECTING, DISCONNECTED, REPLAY), or `UNKNOWN` in a Last Will. */
  readonly link: string;
  /** `fw_name fw_version` from HELLO ("" before it). */
  readonly firmware: string;
  readonly uid: string;
  /** Session start, ISO 8601 UTC. */
  readonly sessionStart: string;
  /** Why the rig is offline (`stopped (SIGINT)`, `connection lost (Last Will)`); "" when online. */
  readonly reason: string;
  /** Messages the bounded queue dropped so far. */
  readonly droppedMessages: number;
  /** Epoch ms of this status; null in the Last Will (the broker sends it when the rig is gone). */
  readonly sentAtMs: number | null;
  /**
   * The operator's setpoints (duties 0-255, null where unknown: a replay); null from a publisher
   * with no operator (`record`, `hil run`). Added in payload version 1 (absent from older rigs).
   */
  readonly setpoints?: StatusSetpoints | null;
  /** Faults injected now, oldest first (added in payload version 1; absent from older rigs). */
  readonly injections?: readonly StatusInjection[];
}

/** The setpoints in a status payload. */
export interface StatusSetpoints {
  readonly pumpDuty: number | null;
  readonly heaterDuty: number | null;
  readonly fanDuty: number | null;
}

/** One injection in force in a status payload. */
export interface StatusInjection {
  /** Its ground-truth label (a fault spec). */
  readonly text: string;
  /** Rig time it started [s]. */
  readonly startS: number;
  /** Planned end in rig time [s]; null until ended by hand. */
  readonly endS: number | null;
}

/** The measured columns of a telemetry row (after `tS`, before `flags`). */
export const TELEMETRY_SAMPLE_FIELDS = [
  "tHotC",
  "tColdC",
  "tAmbC",
  "flowLpm",
  "pumpDuty",
  "heaterDuty",
  "fanDuty",
] as const;

/** The twin's columns of a telemetry row: prediction, residuals, their bands, the score. */
export const TELEMETRY_TWIN_FIELDS = [
  "predTHotC",
  "predTColdC",
  "predFlowLpm",
  "resTHotK",
  "resTColdK",
  "resFlowLpm",
  "bandTHotK",
  "bandTColdK",
  "bandFlowLpm",
  "score",
] as const;

/** Telemetry columns, units in the names (as the recordings' samples, twin and residual records). */
export const TELEMETRY_FIELDS = [
  "tS",
  ...TELEMETRY_SAMPLE_FIELDS,
  "flags",
  ...TELEMETRY_TWIN_FIELDS,
] as const;
export type TelemetryField = (typeof TELEMETRY_FIELDS)[number];

/** `.../telemetry`: a batch of samples as rows under one list of field names; NaN is `null`. */
export interface TelemetryPayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly fields: readonly string[];
  readonly rows: readonly (readonly (number | null)[])[];
  /** Samples left out of batches so far because they came faster than a batch carries (virtual time). */
  readonly thinned: number;
}

/** One alarm transition as `.../alarms` carries it. */
export interface AlarmEventPayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly event: AlarmEvent["type"];
  readonly alarmId: number;
  /** Rig time of the transition [s]. */
  readonly tS: number;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly level: number | null;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
  /** Escalated: the old severity; rediagnosed: the old diagnosis. */
  readonly from?: string;
  /** Cleared: how long it was open [s]. */
  readonly durationS?: number;
}

/** One open alarm in `.../alarms/open`. */
export interface OpenAlarmPayload {
  readonly alarmId: number;
  readonly cause: string;
  readonly severity: AlarmSeverity;
  readonly raisedAtS: number;
  readonly acknowledged: boolean;
  readonly conditionActive: boolean;
  readonly diagnosis: string;
  readonly evidence: readonly string[];
}

/** `.../alarms/open` (retained): the open alarms now, newest first. */
export interface OpenAlarmsPayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly alarms: readonly OpenAlarmPayload[];
}

/** `.../performance`: the loop figures once a second; NaN is `null`. */
export interface PerformancePayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly tS: number | null;
  readonly heatDeliveredW: number | null;
  readonly heatRejectedW: number | null;
  readonly hxEffectiveness: number | null;
  readonly thermalResistanceKPerW: number | null;
  readonly timeConstantS: number | null;
  readonly stability: LoopPerformanceFigures["stability"];
  readonly rmseTHotK: number | null;
  readonly rmseTColdK: number | null;
  readonly rmseFlowLpm: number | null;
}

/** `.../hil/<run-id>/<scenario>`: one scenario's verdict. */
export interface HilVerdictPayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly runId: string;
  readonly scenario: string;
  readonly target: string;
  readonly status: "passed" | "failed" | "skipped" | "error";
  readonly reason: string;
  readonly rigS: number;
  readonly wallS: number;
  readonly expectations: readonly {
    readonly name: string;
    readonly status: string;
    readonly observed: string;
  }[];
}

/** `.../hil/<run-id>/summary` (retained): the run's totals. */
export interface HilSummaryPayload {
  readonly v: 1;
  readonly rig: string;
  readonly sentAtMs: number;
  readonly runId: string;
  readonly target: string;
  readonly passed: boolean;
  readonly counts: {
    readonly passed: number;
    readonly failed: number;
    readonly error: number;
    readonly skipped: number;
  };
  readonly wallS: number;
  /** Messages of this run the bounded queue dropped before the summary (0 on a healthy broker). */
  readonly droppedMessages: number;
}

/** NaN and infinities as JSON `null`. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function alarmEventPayload(rig: string, e: AlarmEvent, sentAtMs: number): AlarmEventPayload {
  const base = {
    v: PAYLOAD_VERSION,
    rig,
    sentAtMs,
    event: e.type,
    alarmId: e.alarmId,
    tS: e.tS,
    cause: e.cause,
    severity: e.severity,
    level: finiteOrNull(e.level),
    diagnosis: e.diagnosis,
    evidence: e.evidence,
  } as const;
  switch (e.type) {
    case "escalated":
    case "rediagnosed":
      return { ...base, from: e.from };
    case "cleared":
      return { ...base, durationS: e.durationS };
    case "raised":
    case "acknowledged":
      return base;
  }
}

export function openAlarmsPayload(
  rig: string,
  open: readonly AlarmState[],
  sentAtMs: number,
): OpenAlarmsPayload {
  return {
    v: PAYLOAD_VERSION,
    rig,
    sentAtMs,
    alarms: open.map((a) => ({
      alarmId: a.alarmId,
      cause: a.cause,
      severity: a.severity,
      raisedAtS: a.raisedAtS,
      acknowledged: a.acknowledged,
      conditionActive: a.conditionActive,
      diagnosis: a.diagnosis,
      evidence: a.evidence,
    })),
  };
}

export function performancePayload(
  rig: string,
  tS: number,
  p: LoopPerformanceFigures,
  sentAtMs: number,
): PerformancePayload {
  return {
    v: PAYLOAD_VERSION,
    rig,
    sentAtMs,
    tS: finiteOrNull(tS),
    heatDeliveredW: finiteOrNull(p.heatDeliveredW),
    heatRejectedW: finiteOrNull(p.heatRejectedW),
    hxEffectiveness: finiteOrNull(p.hxEffectiveness),
    thermalResistanceKPerW: finiteOrNull(p.thermalResistanceKPerW),
    timeConstantS: finiteOrNull(p.timeConstantS),
    stability: p.stability,
    rmseTHotK: finiteOrNull(p.rmseTHotK),
    rmseTColdK: finiteOrNull(p.rmseTColdK),
    rmseFlowLpm: finiteOrNull(p.rmseFlowLpm),
  };
}
