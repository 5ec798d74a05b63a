/**
 * Judges a scenario's expectations on what the run observed. Pure: observations in, verdicts out.
 * A failed verdict says what was expected and what was observed, with scenario times; an
 * expectation whose window refers to a step the target skipped is itself skipped, with the reason.
 */
import { DIAGNOSIS_TEXT } from "../detect/diagnosis/isolation.js";
import { LEARNED_CAUSE } from "../detect/learned/learnedBesideMonitor.js";
import type {
  FaultInterval,
  Observation,
  OpenAlarmView,
  SignalHistory,
  StepOutcome,
} from "./observations.js";
import {
  type AlarmMatch,
  alarmMatchText,
  type Expectation,
  type ExpectationEntry,
  type LinkCounter,
  type TimeRef,
  type TimeWindow,
  timeRefText,
} from "./scenario.js";
import { SIGNAL_INDEX, type SignalName } from "./signals.js";

export type VerdictStatus = "passed" | "failed" | "skipped";

export interface Verdict {
  readonly name: string;
  readonly line: number;
  readonly status: VerdictStatus;
  /** What was expected, with the window resolved to scenario times. */
  readonly expected: string;
  /** What was observed (or why it was skipped). */
  readonly observed: string;
}

/** Everything a judgement needs. */
export interface RunObservations {
  readonly steps: readonly StepOutcome[];
  /** Scenario time the run ended [s]. */
  readonly endS: number;
  readonly timeline: readonly Observation[];
  readonly history: SignalHistory;
  readonly linkCounters: Readonly<Record<LinkCounter, number>>;
  readonly faults?: readonly FaultInterval[];
  /** Signals the target cannot provide (the plant's ground truth on a real rig): bands on them are skipped. */
  readonly unavailable?: ReadonlySet<SignalName>;
  /**
   * Whether the learned detector ran beside the monitor (`--learned`, `--learn-first` or the
   * scenario's `learned:`); an expectation naming `detector: learned` is skipped when it did not.
   * @default true
   */
  readonly learnedRan?: boolean;
}

/** Why an alarm expectation naming the learned detector is skipped in a run without one. */
export const NO_LEARNED_DETECTOR =
  "no learned detector ran (hil run --learned MODEL or --learn-first S, or the scenario's learned: { learn_first: S })";

/** Whether an alarm of `cause` comes from the detector an expectation names (any when undefined). */
export function alarmFromDetector(cause: string, detector: AlarmMatch["detector"]): boolean {
  if (detector === undefined) return true;
  return (cause === LEARNED_CAUSE) === (detector === "learned");
}

type Resolved = { ok: true; tS: number } | { ok: false; skip: boolean; why: string };

function resolve(ref: TimeRef, obs: RunObservations): Resolved {
  switch (ref.kind) {
    case "abs":
      return { ok: true, tS: ref.tS };
    case "end":
      return { ok: true, tS: obs.endS + ref.offsetS };
    case "step": {
      const s = obs.steps.find((x) => x.name === ref.step);
      if (s === undefined || s.status === "not_reached")
        return { ok: false, skip: false, why: `step ${ref.step} never ran` };
      if (s.status === "skipped")
        return { ok: false, skip: true, why: `step ${ref.step} was skipped: ${s.detail}` };
      if (!Number.isFinite(s.tS))
        return { ok: false, skip: false, why: `step ${ref.step} failed: ${s.detail}` };
      return { ok: true, tS: s.tS + ref.offsetS };
    }
  }
}

/** `12.3 s` */
export function fmtS(tS: number): string {
  return `${Number.isFinite(tS) ? tS.toFixed(1) : String(tS)} s`;
}

function fmtV(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** Whether a diagnosis text names the expected diagnosis (`pump failure`, `pump_failure`, ...). */
export function diagnosisMatches(text: string, expected: keyof typeof DIAGNOSIS_TEXT): boolean {
  const norm = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[\s_-]+/g, " ")
      .trim();
  const t = norm(text);
  const want = norm(DIAGNOSIS_TEXT[expected]);
  const id = norm(expected);
  return (
    t === want || t === id || t.startsWith(`${want} `) || t.startsWith(`${want}:`) || t.startsWith(`${id} `)
  );
}

const SEVERITY_RANK = { warning: 1, critical: 2 } as const;

interface AlarmView {
  readonly alarmId: number;
  readonly cause: string;
  readonly raisedAtS: number;
  /** First time the alarm matched (diagnosis/cause/severity), NaN if never. */
  matchedAtS: number;
  clearedAtS: number;
  /** Every diagnosis it had, in order. */
  readonly diagnoses: string[];
  severity: "warning" | "critical";
}

/** Folds the timeline into one view per alarm, noting when each first matched `m`. */
function alarmViews(timeline: readonly Observation[], m: AlarmMatch): AlarmView[] {
  const views = new Map<number, AlarmView>();
  const consider = (v: AlarmView, tS: number, diagnosis: string, severity: "warning" | "critical"): void => {
    if (diagnosis !== "" && v.diagnoses[v.diagnoses.length - 1] !== diagnosis) v.diagnoses.push(diagnosis);
    if (SEVERITY_RANK[severity] > SEVERITY_RANK[v.severity]) v.severity = severity;
    if (!Number.isNaN(v.matchedAtS)) return;
    if (m.cause !== undefined && v.cause !== m.cause) return;
    if (!alarmFromDetector(v.cause, m.detector)) return;
    if (m.severity !== undefined && SEVERITY_RANK[v.severity] < SEVERITY_RANK[m.severity]) return;
    if (m.diagnosis !== undefined && !diagnosisMatches(diagnosis, m.diagnosis)) return;
    v.matchedAtS = tS;
  };
  for (const o of timeline) {
    if (o.kind === "alarm") {
      const e = o.event;
      let v = views.get(e.alarmId);
      if (v === undefined) {
        v = {
          alarmId: e.alarmId,
          cause: e.cause,
          raisedAtS: o.tS,
          matchedAtS: Number.NaN,
          clearedAtS: Number.NaN,
          diagnoses: [],
          severity: e.severity,
        };
        views.set(e.alarmId, v);
      }
      if (e.type === "cleared") v.clearedAtS = o.tS;
      else consider(v, o.tS, e.diagnosis, e.severity);
    } else if (o.kind === "diagnosis") {
      for (const a of o.open as readonly OpenAlarmView[]) {
        const v = views.get(a.alarmId);
        if (v !== undefined && Number.isNaN(v.clearedAtS)) consider(v, o.tS, a.diagnosis, a.severity);
      }
    }
  }
  return [...views.values()];
}

/** `pump degradation -> pump failure`, or for a diagnosis that kept changing `A, B (23 changes)`. */
function diagnosisHistory(v: AlarmView): string {
  const d = v.diagnoses;
  if (d.length === 0) return "no diagnosis";
  if (d.length <= 4) return d.join(" -> ");
  return `${[...new Set(d)].join(", ")} (${d.length - 1} changes, last ${d[d.length - 1]})`;
}

function describeAlarms(views: readonly AlarmView[], limit = 6): string {
  if (views.length === 0) return "no alarm at all";
  const shown = views.slice(0, limit).map((v) => {
    const d = diagnosisHistory(v);
    const cleared = Number.isNaN(v.clearedAtS) ? "" : `, cleared at ${fmtS(v.clearedAtS)}`;
    return `${v.cause} (${d}, ${v.severity}) raised at ${fmtS(v.raisedAtS)}${cleared}`;
  });
  return `${views.length} alarm(s): ${shown.join("; ")}${views.length > limit ? "; ..." : ""}`;
}

function judgeOne(
  e: Expectation,
  obs: RunObservations,
): { status: VerdictStatus; expected: string; observed: string } {
  if (e.kind === "link") {
    const parts: string[] = [];
    const bad: string[] = [];
    for (const [k, b] of Object.entries(e.bounds)) {
      const v = obs.linkCounters[k as LinkCounter];
      const want = `${k}${b.min !== undefined ? ` >= ${b.min}` : ""}${b.max !== undefined ? ` <= ${b.max}` : ""}`;
      parts.push(want);
      if ((b.min !== undefined && !(v >= b.min)) || (b.max !== undefined && !(v <= b.max)))
        bad.push(`${k} = ${v}`);
    }
    const all = Object.keys(e.bounds)
      .map((k) => `${k} = ${obs.linkCounters[k as LinkCounter]}`)
      .join(", ");
    return {
      status: bad.length === 0 ? "passed" : "failed",
      expected: `at the end: ${parts.join(", ")}`,
      observed: bad.length === 0 ? all : `${bad.join(", ")} (all: ${all})`,
    };
  }
  const w: TimeWindow = e.window;
  const from = resolve(w.from, obs);
  const to = resolve(w.to, obs);
  const bad = !from.ok ? from : !to.ok ? to : undefined;
  const windowText = `${timeRefText(w.from)} .. ${timeRefText(w.to)}`;
  if (bad !== undefined && !bad.ok) {
    return { status: bad.skip ? "skipped" : "failed", expected: windowText, observed: bad.why };
  }
  if (
    (e.kind === "alarm" || e.kind === "no_alarm" || e.kind === "recovery") &&
    e.match.detector === "learned" &&
    obs.learnedRan === false
  )
    return { status: "skipped", expected: alarmMatchText(e.match), observed: NO_LEARNED_DETECTOR };
  const fromS = (from as { tS: number }).tS;
  const toS = Math.min((to as { tS: number }).tS, obs.endS);
  const span = `${fmtS(fromS)} .. ${fmtS(toS)}`;
  switch (e.kind) {
    case "alarm": {
      const views = alarmViews(obs.timeline, e.match);
      // Up by the end of the window: raised in it, or earlier and still open when it opened (an
      // early detection; an alarm before the fault is a false alarm, which a no_alarm catches).
      const hit = views.find((v) => v.matchedAtS <= toS && !(v.clearedAtS < fromS));
      const expected = `${alarmMatchText(e.match)} raised in ${span} (${windowText})`;
      if (hit !== undefined) {
        const when =
          hit.raisedAtS >= fromS
            ? `${fmtS(hit.matchedAtS - fromS)} after the window opened`
            : `raised before the window and still open when it opened`;
        return {
          status: "passed",
          expected,
          observed: `${hit.cause} raised at ${fmtS(hit.raisedAtS)}, matched at ${fmtS(hit.matchedAtS)} (${when}); diagnoses: ${diagnosisHistory(hit)}`,
        };
      }
      const late = views.find((v) => !(v.clearedAtS < fromS) && Number.isFinite(v.matchedAtS));
      const observed =
        late !== undefined
          ? `it came late: matched at ${fmtS(late.matchedAtS)} (${fmtS(late.matchedAtS - fromS)} after the window opened); ${describeAlarms(views)}`
          : describeAlarms(views);
      return { status: "failed", expected, observed };
    }
    case "no_alarm": {
      const views = alarmViews(obs.timeline, e.match);
      const hits = views.filter(
        (v) => Number.isFinite(v.matchedAtS) && v.raisedAtS >= fromS && v.raisedAtS <= toS,
      );
      const expected = `no ${alarmMatchText(e.match).replace(/^any /, "")} raised in ${span} (${windowText})`;
      return hits.length === 0
        ? { status: "passed", expected, observed: "none raised" }
        : { status: "failed", expected, observed: describeAlarms(hits) };
    }
    case "recovery": {
      const views = alarmViews(obs.timeline, e.match).filter(
        (v) => Number.isFinite(v.matchedAtS) && v.raisedAtS <= toS,
      );
      const expected = `${alarmMatchText(e.match)} cleared in ${span} (${windowText})`;
      if (views.length === 0)
        return { status: "failed", expected, observed: `no such alarm was raised before ${fmtS(toS)}` };
      const open = views.filter((v) => !(v.clearedAtS >= fromS && v.clearedAtS <= toS));
      return open.length === 0
        ? {
            status: "passed",
            expected,
            observed: views.map((v) => `${v.cause} cleared at ${fmtS(v.clearedAtS)}`).join("; "),
          }
        : { status: "failed", expected, observed: `not cleared in the window: ${describeAlarms(open)}` };
    }
    case "band": {
      if (obs.unavailable?.has(e.signal))
        return {
          status: "skipped",
          expected: `${e.signal} within [${e.min}, ${e.max}] over ${span} (${windowText})`,
          observed: `${e.signal} is not available on this target`,
        };
      const h = obs.history;
      const col = SIGNAL_INDEX[e.signal];
      const expected = `${e.signal} within [${e.min}, ${e.max}] over ${span} (${windowText})`;
      let n = 0;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let firstBad = -1;
      for (let i = h.firstAtOrAfter(fromS); i < h.length && h.timeS(i) <= toS; i++) {
        const v = h.value(col, i);
        n++;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (firstBad < 0 && !(v >= e.min && v <= e.max)) firstBad = i;
      }
      if (n === 0) return { status: "failed", expected, observed: "no sample in the window" };
      const range = `range [${fmtV(lo)}, ${fmtV(hi)}] over ${n} samples`;
      if (firstBad < 0) return { status: "passed", expected, observed: range };
      return {
        status: "failed",
        expected,
        observed: `${e.signal} = ${fmtV(h.value(col, firstBad))} at ${fmtS(h.timeS(firstBad))}; ${range}`,
      };
    }
    case "event": {
      const events = obs.timeline.filter(
        (o): o is Extract<Observation, { kind: "device_event" }> => o.kind === "device_event",
      );
      const want = `EVT ${e.code}${e.detail !== undefined ? ` ${e.detail}` : ""}`;
      const expected = `${want} in ${span} (${windowText})`;
      const hit = events.find(
        (o) =>
          o.code === e.code &&
          (e.detail === undefined || o.detail === e.detail) &&
          o.tS >= fromS &&
          o.tS <= toS,
      );
      if (hit !== undefined) return { status: "passed", expected, observed: `${want} at ${fmtS(hit.tS)}` };
      const same = events.filter((o) => o.code === e.code);
      return {
        status: "failed",
        expected,
        observed:
          same.length > 0
            ? `${e.code} only at ${same.map((o) => `${fmtS(o.tS)} (${o.detail})`).join(", ")}`
            : events.length > 0
              ? `no ${e.code}; events: ${events
                  .slice(0, 8)
                  .map((o) => `${o.code} ${o.detail} at ${fmtS(o.tS)}`)
                  .join(", ")}`
              : "no device event at all",
      };
    }
    case "gap": {
      const gaps = obs.timeline.filter((o): o is Extract<Observation, { kind: "gap" }> => o.kind === "gap");
      const expected = `${e.reason ?? "a"} gap marked in ${span} (${windowText})`;
      const hit = gaps.find(
        (g) => (e.reason === undefined || g.reason === e.reason) && g.tS >= fromS && g.tS <= toS,
      );
      if (hit !== undefined)
        return {
          status: "passed",
          expected,
          observed: `${hit.reason} gap ${fmtS(hit.tS)} .. ${fmtS(hit.toS)} (${hit.lostSamples} samples lost)`,
        };
      return {
        status: "failed",
        expected,
        observed:
          gaps.length === 0
            ? "no gap marked"
            : `gaps: ${gaps.map((g) => `${g.reason} at ${fmtS(g.tS)}`).join(", ")}`,
      };
    }
  }
}

/** Judges every expectation of a scenario. */
export function judgeExpectations(entries: readonly ExpectationEntry[], obs: RunObservations): Verdict[] {
  return entries.map((x) => {
    const v = judgeOne(x.expectation, obs);
    return { name: x.name, line: x.line, ...v };
  });
}
