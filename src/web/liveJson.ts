/**
 * The session's state as the web's JSON (liveMessages.ts; `GET /api/snapshot`): snake_case names
 * with units, NaN as null. Pure.
 */
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import type { LearnedStatus } from "../detect/learned/learnedBesideMonitor.js";
import type {
  LoopPerformanceFigures,
  MonitorOutput,
  OperatorSetpoints,
} from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { InjectionInForce, SessionStatus } from "../session/sessionObserver.js";
import type {
  LiveAlarm,
  LiveBands,
  LiveFault,
  LiveLearned,
  LivePerformance,
  LiveServerMessage,
  LiveStatus,
} from "./liveMessages.js";

/** A finite number, else null (JSON has no NaN or Infinity). */
export function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function alarmJson(a: AlarmState): LiveAlarm {
  return {
    alarm_id: a.alarmId,
    cause: a.cause,
    severity: a.severity,
    diagnosis: a.diagnosis,
    evidence: a.evidence,
    raised_at_s: a.raisedAtS,
    acknowledged: a.acknowledged,
    condition_active: a.conditionActive,
    level: a.level,
  };
}

export function alarmEventJson(e: AlarmEvent): LiveServerMessage {
  return {
    type: "alarm",
    event: e.type,
    alarm_id: e.alarmId,
    t_s: e.tS,
    cause: e.cause,
    severity: e.severity,
    diagnosis: e.diagnosis,
    evidence: e.evidence,
  };
}

export function performanceJson(p: LoopPerformanceFigures): LivePerformance {
  return {
    heat_delivered_w: num(p.heatDeliveredW),
    heat_rejected_w: num(p.heatRejectedW),
    hx_effectiveness: num(p.hxEffectiveness),
    thermal_resistance_k_per_w: num(p.thermalResistanceKPerW),
    time_constant_s: num(p.timeConstantS),
    stability: p.stability,
    rmse_t_hot_k: num(p.rmseTHotK),
    rmse_t_cold_k: num(p.rmseTColdK),
    rmse_flow_lpm: num(p.rmseFlowLpm),
  };
}

export function statusJson(
  s: SessionStatus,
  rigTimeS: number,
  viewers: number,
  override: string,
): LiveStatus {
  return {
    source: s.source,
    link: s.state,
    firmware: s.firmware,
    recording: s.recording,
    rig_time_s: rigTimeS,
    crc_errors: s.crcErrors,
    lost_samples: s.lostSamples,
    reconnects: s.reconnects,
    malformed: s.malformed,
    viewers,
    override,
  };
}

/** The learned detector's state for the stream (null: none runs). */
export function learnedJson(s: LearnedStatus | null): LiveLearned | null {
  if (s === null) return null;
  switch (s.kind) {
    case "learning":
      return { state: "learning", learned_s: s.learnedS, span_s: s.spanS };
    case "scoring":
      return { state: "scoring", score: num(s.score), alarm: s.alarm };
    case "failed":
      return { state: "failed", reason: s.reason };
  }
}

export function faultJson(i: InjectionInForce): LiveFault {
  return { id: i.id, label: i.text, start_s: i.startS, end_s: num(i.endS) };
}

export function bandsJson(out: Readonly<MonitorOutput>): LiveBands {
  return { t_hot_k: num(out.bandTHotK), t_cold_k: num(out.bandTColdK), flow_lpm: num(out.bandFlowLpm) };
}

export function setpointsJson(sp: OperatorSetpoints): LiveServerMessage {
  return {
    type: "setpoints",
    pump_duty: num(sp.pumpDuty),
    heater_duty: num(sp.heaterDuty),
    fan_duty: num(sp.fanDuty),
  };
}

/** The measured sample (`sample` of the snapshot). */
export function sampleJson(s: Readonly<RigSample>) {
  return {
    t_s: s.tS,
    seq: s.seq,
    t_hot_c: num(s.tHotC),
    t_cold_c: num(s.tColdC),
    t_amb_c: num(s.tAmbC),
    flow_lpm: num(s.flowLpm),
    pump_duty: s.pumpDuty,
    heater_duty: s.heaterDuty,
    fan_duty: s.fanDuty,
    flags: s.flags,
  };
}

/** The twin's prediction and the residuals (`twin` and `residuals` of the snapshot). */
export function twinJson(out: Readonly<MonitorOutput>) {
  return {
    twin: { t_hot_c: num(out.predTHotC), t_cold_c: num(out.predTColdC), flow_lpm: num(out.predFlowLpm) },
    residuals: {
      t_hot_k: num(out.resTHotK),
      t_cold_k: num(out.resTColdK),
      flow_lpm: num(out.resFlowLpm),
      band_t_hot_k: num(out.bandTHotK),
      band_t_cold_k: num(out.bandTColdK),
      band_flow_lpm: num(out.bandFlowLpm),
      score: num(out.score),
      anomaly: out.anomaly,
      diagnosis: out.diagnosis,
    },
  };
}
