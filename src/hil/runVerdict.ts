import type { RigSource } from "../rig/source/rigSource.js";
import { judgeExpectations, type Verdict } from "./expectations.js";
import type { FaultInterval, Observation, SignalHistory, StepOutcome } from "./observations.js";
import type { ScenarioStatus } from "./runTypes.js";
import { LINK_COUNTERS, type LinkCounter, type Scenario } from "./scenario.js";
import type { SignalName } from "./signals.js";

/** What a run observed, to be judged once it has ended. */
export interface RunRecordToJudge {
  readonly scenario: Scenario;
  readonly targetName: string;
  /** How the steps went: `passed` unless a step failed or the run errored. */
  readonly status: ScenarioStatus;
  readonly reason: string;
  /** Step outcomes so far; a step not reached gets one here. */
  readonly outcomes: StepOutcome[];
  /** Sorted here: observations arrive slightly out of order. */
  readonly timeline: Observation[];
  readonly history: SignalHistory;
  readonly faults: readonly FaultInterval[];
  readonly linkCounters: Readonly<Record<LinkCounter, number>>;
  readonly unavailable: ReadonlySet<SignalName>;
  readonly endS: number;
  /** The learned detector ran beside the monitor. @default true */
  readonly learnedRan?: boolean;
}

/**
 * The verdict of a run: each expectation judged against what was observed, and the scenario's
 * status from the steps and the expectations (all expectations skipped on this target: skipped).
 */
export function judgeRun(r: RunRecordToJudge): {
  status: ScenarioStatus;
  reason: string;
  verdicts: Verdict[];
} {
  const sc = r.scenario;
  let { status, reason } = r;
  for (const s of sc.steps) {
    if (!r.outcomes.some((o) => o.name === s.name))
      r.outcomes.push({
        name: s.name,
        line: s.line,
        status: "not_reached",
        tS: Number.NaN,
        detail: "not reached",
      });
  }
  // Observations arrive slightly out of order (an EVT stamped with its sample, a note after it).
  r.timeline.sort((a, b) => a.tS - b.tS);
  const verdicts =
    status === "error" && r.history.length === 0
      ? []
      : judgeExpectations(sc.expectations, {
          steps: r.outcomes,
          endS: r.endS,
          timeline: r.timeline,
          history: r.history,
          linkCounters: r.linkCounters,
          faults: r.faults,
          unavailable: r.unavailable,
          ...(r.learnedRan !== undefined ? { learnedRan: r.learnedRan } : {}),
        });
  const failed = verdicts.filter((v) => v.status === "failed");
  if (status === "passed" && failed.length > 0) {
    status = "failed";
    reason = failed.map((v) => `${v.name}: expected ${v.expected}; observed ${v.observed}`).join(" | ");
  } else if (status !== "passed" && failed.length > 0) {
    reason += ` | ${failed.length} expectation(s) failed`;
  }
  if (status === "passed" && verdicts.every((v) => v.status === "skipped")) {
    status = "skipped";
    reason = `every expectation was skipped on ${r.targetName}`;
  }
  return { status, reason, verdicts };
}

/** The link counters a scenario can expect on, from the source's statistics (all 0 without a source). */
export function linkCountersOf(source: RigSource | null): Record<LinkCounter, number> {
  const out = Object.fromEntries(LINK_COUNTERS.map((k) => [k, 0])) as Record<LinkCounter, number>;
  if (source === null) return out;
  const st = source.stats();
  out.crc_errors = st.stream.crc_errors;
  out.malformed = st.stream.malformed;
  out.seq_gaps = st.stream.seq_gaps;
  out.lost_samples = st.stream.lost_samples;
  out.reboots = st.stream.reboots;
  out.gaps = st.gaps;
  out.reconnects = st.reconnects;
  out.retries = st.commands.retries;
  out.timeouts = st.commands.timeouts;
  out.naks = st.commands.naks;
  return out;
}
