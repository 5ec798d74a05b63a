import type { AlarmEvent } from "./alarmManager.js";

/** The fields of a recording's `alarm` record (src/rig/recording/recording.ts) for one alarm event. */
export interface AlarmRecordFields {
  readonly tS: number;
  readonly source: string;
  readonly state: "raised" | "acknowledged" | "cleared";
  readonly diagnosis?: string;
  readonly score: number;
  readonly message: string;
}

/**
 * An alarm event as a recording writes it, the same for the live session and the HIL runner: an
 * escalation or a new diagnosis is the alarm still raised, now with this severity or diagnosis;
 * the message says what happened with the evidence.
 */
export function alarmRecordFields(e: AlarmEvent): AlarmRecordFields {
  return {
    tS: e.tS,
    source: e.cause,
    state: e.type === "escalated" || e.type === "rediagnosed" ? "raised" : e.type,
    ...(e.diagnosis !== "" ? { diagnosis: e.diagnosis } : {}),
    score: e.level,
    message: `${e.type} ${e.severity}${e.evidence.length > 0 ? `: ${e.evidence.join("; ")}` : ""}`,
  };
}
