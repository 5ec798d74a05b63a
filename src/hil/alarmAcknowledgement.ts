import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import type { Monitor } from "../detect/monitor/monitorTypes.js";

/**
 * A scenario's `acknowledge` step: acknowledges the cause's alarm (or every open one) at tS and
 * hands each resulting event to `onAlarm`; returns what was done. Monitor.acknowledge returns one
 * event, so an alarm the acknowledgement also cleared (its condition had returned) shows only as
 * gone from the open alarms: its `cleared` event is made up here from what was open before.
 */
export function acknowledgeAlarms(
  m: Monitor,
  cause: string | undefined,
  tS: number,
  onAlarm: (ev: AlarmEvent) => void,
): string {
  const before = m.openAlarms();
  const causes = cause !== undefined ? [cause] : before.map((x) => x.cause);
  const acked: string[] = [];
  for (const c of causes) {
    const ev = m.acknowledge(tS, c);
    if (ev !== undefined) {
      acked.push(c);
      onAlarm(ev);
    }
  }
  const still = new Set(m.openAlarms().map((x) => x.alarmId));
  for (const x of before) {
    if (still.has(x.alarmId) || !acked.includes(x.cause)) continue;
    onAlarm({
      type: "cleared",
      alarmId: x.alarmId,
      tS,
      cause: x.cause,
      severity: x.severity,
      level: x.level,
      diagnosis: x.diagnosis,
      evidence: x.evidence,
      raisedAtS: x.raisedAtS,
      durationS: tS - x.raisedAtS,
      peakLevel: x.peakLevel,
      acknowledged: true,
    });
  }
  return acked.length === 0 ? "no open alarm to acknowledge" : `acknowledged ${acked.join(", ")}`;
}
