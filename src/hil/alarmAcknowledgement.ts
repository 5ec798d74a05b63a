import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import type { Monitor } from "../detect/monitor/monitorTypes.js";

/**
 * A scenario's `acknowledge` step: acknowledges the cause's alarm (or every open one) at tS and
 * hands each resulting event to `onAlarm` (an alarm the acknowledgement also cleared, its
 * condition having returned, gives its `cleared` event too); returns what was done.
 */
export function acknowledgeAlarms(
  m: Monitor,
  cause: string | undefined,
  tS: number,
  onAlarm: (ev: AlarmEvent) => void,
): string {
  const causes = cause !== undefined ? [cause] : m.openAlarms().map((x) => x.cause);
  const acked: string[] = [];
  for (const c of causes) {
    const events = m.acknowledge(tS, c);
    if (events.length > 0) acked.push(c);
    for (const ev of events) onAlarm(ev);
  }
  return acked.length === 0 ? "no open alarm to acknowledge" : `acknowledged ${acked.join(", ")}`;
}
