/**
 * What an open alarm keeps saying once its cause is decided. An alarm latches until acknowledged,
 * and what it says should be what the evidence decided while the fault showed. After a failed
 * pump restarts, the flow climbs back through the meter's window (a fresh diagnosis says "pump
 * degradation") and then sits in the noise (it flips between "pump degradation" and "unknown" on
 * the sign of that noise, the pump-versus-meter decision still standing). Neither contradicts
 * "pump failure": the restart ends the fault, it does not re-explain it.
 *
 * So a decided diagnosis is replaced only by one that contradicts it: another component (the
 * flow meter instead of the pump), or the same component worse (a degraded pump that then stops).
 * "unknown" and "undecided" name no cause and never replace one; the caller refreshes only while
 * the alarm's condition shows, so a latched alarm whose fault has gone keeps what it said.
 */
import type { Diagnosis } from "./isolation.js";
import type { MonitorDiagnosis } from "./monitorDiagnosis.js";

/** Diagnoses that name no cause: they never replace one that does. */
const UNDECIDED: ReadonlySet<Diagnosis> = new Set<Diagnosis>(["flow_undecided", "unknown"]);

/** Diagnoses of the same component, mildest first (others are each their own component). */
const PUMP_FINDINGS: readonly Diagnosis[] = ["pump_degradation", "pump_failure"];

/** Whether a diagnosis names a cause. */
export function isDecided(d: MonitorDiagnosis | undefined): d is MonitorDiagnosis {
  return d !== undefined && !UNDECIDED.has(d.diagnosis);
}

/** Whether `fresh` says something `held` did not: another cause, or the same component worse. */
function contradicts(held: Diagnosis, fresh: Diagnosis): boolean {
  const h = PUMP_FINDINGS.indexOf(held);
  const f = PUMP_FINDINGS.indexOf(fresh);
  if (h >= 0 && f >= 0) return f > h;
  return fresh !== held;
}

/**
 * The diagnosis an open alarm shows after a refresh: `held` (what it showed) when that named a
 * cause and `fresh` names none or does not contradict it; else `fresh` (which carries the newer
 * evidence even when it names the same cause).
 */
export function settledDiagnosis(
  held: MonitorDiagnosis | undefined,
  fresh: MonitorDiagnosis,
): MonitorDiagnosis {
  if (!isDecided(held)) return fresh;
  if (!isDecided(fresh)) return held;
  if (fresh.diagnosis === held.diagnosis) return fresh;
  return contradicts(held.diagnosis, fresh.diagnosis) ? fresh : held;
}
