import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import {
  diagnosisMatches,
  judgeExpectations,
  NO_LEARNED_DETECTOR,
  type RunObservations,
} from "../../src/hil/expectations.js";
import { type Observation, SignalHistory, type StepOutcome } from "../../src/hil/observations.js";
import { LINK_COUNTERS, type LinkCounter } from "../../src/hil/scenario.js";
import { parseScenario } from "../../src/hil/scenarioLoader.js";
import { SIGNAL_INDEX } from "../../src/hil/signals.js";

function alarm(
  type: "raised" | "cleared",
  tS: number,
  alarmId: number,
  diagnosis: string,
  cause = "flow",
): Observation {
  const base = { alarmId, tS, cause, severity: "critical" as const, level: 2, diagnosis, evidence: [] };
  const event: AlarmEvent =
    type === "raised"
      ? { ...base, type }
      : { ...base, type, raisedAtS: 0, durationS: 0, peakLevel: 2, acknowledged: true };
  return { kind: "alarm", tS, event };
}

/** A history of t_hot_c = 40 + 0.01 t at 10 Hz over [0, 100) s, with one excursion at 55 s. */
function history(): SignalHistory {
  const h = new SignalHistory();
  const row = new Float64Array(SignalHistory.STRIDE).fill(Number.NaN);
  for (let i = 0; i < 1000; i++) {
    const t = i / 10;
    row[0] = t;
    row[1 + SIGNAL_INDEX.t_hot_c] = i === 550 ? 70 : 40 + 0.01 * t;
    h.append(row);
  }
  return h;
}

const STEPS: StepOutcome[] = [
  { name: "fault", line: 5, status: "done", tS: 20, detail: "EMU pump_failure" },
  { name: "emu", line: 8, status: "skipped", tS: Number.NaN, detail: "emulator-only" },
  { name: "ack", line: 9, status: "done", tS: 60, detail: "acknowledged" },
];

function observe(
  timeline: Observation[],
  counters: Partial<Record<LinkCounter, number>> = {},
): RunObservations {
  const linkCounters = Object.fromEntries(LINK_COUNTERS.map((k) => [k, counters[k] ?? 0])) as Record<
    LinkCounter,
    number
  >;
  return { steps: STEPS, endS: 100, timeline, history: history(), linkCounters };
}

function judge(expectYaml: string, obs: RunObservations) {
  const s = parseScenario(
    `name: t\nduration: 100\nsteps:\n  - at: 20\n    name: fault\n    emu: pump_failure\n  - at: 30\n    name: emu\n    emu: clear\n  - at: 60\n    name: ack\n    acknowledge: all\nexpect:\n${expectYaml}`,
    "t.yaml",
  );
  return judgeExpectations(s.expectations, obs);
}

describe("alarm expectations", () => {
  const timeline = [alarm("raised", 21.5, 1, "pump failure"), alarm("cleared", 61, 1, "pump failure")];

  it("passes when the alarm is raised inside the window, saying when", () => {
    const [v] = judge("  - alarm: pump_failure\n    after: fault\n    within: 2\n", observe(timeline));
    expect(v?.status).toBe("passed");
    expect(v?.expected).toContain("20.0 s .. 22.0 s");
    expect(v?.observed).toContain("raised at 21.5 s");
  });

  it("fails a late alarm with its time, relative to the window", () => {
    const [v] = judge("  - alarm: pump_failure\n    after: fault\n    within: 1\n", observe(timeline));
    expect(v?.status).toBe("failed");
    expect(v?.expected).toBe("pump_failure alarm raised in 20.0 s .. 21.0 s (fault .. fault + 1 s)");
    expect(v?.observed).toContain("came late: matched at 21.5 s (1.5 s after the window opened)");
  });

  it("fails a wrong diagnosis, listing what was raised", () => {
    const [v] = judge("  - alarm: hx_fouling\n    after: fault\n    within: 5\n", observe(timeline));
    expect(v?.status).toBe("failed");
    expect(v?.observed).toBe("1 alarm(s): flow (pump failure, critical) raised at 21.5 s, cleared at 61.0 s");
  });

  it("accepts a diagnosis refined while the alarm is open", () => {
    const refined: Observation[] = [
      alarm("raised", 21, 1, "flow sensor fault"),
      {
        kind: "diagnosis",
        tS: 22.5,
        text: "pump failure",
        open: [{ alarmId: 1, cause: "flow", severity: "critical", diagnosis: "pump failure", raisedAtS: 21 }],
      },
    ];
    expect(
      judge("  - alarm: pump_failure\n    after: fault\n    within: 3\n", observe(refined))[0]?.status,
    ).toBe("passed");
    expect(
      judge("  - alarm: pump_failure\n    after: fault\n    within: 2\n", observe(refined))[0]?.status,
    ).toBe("failed");
  });

  it("counts an alarm raised before the window that is still open in it (early detection), not one cleared before", () => {
    const early = [alarm("raised", 15, 1, "HX fouling", "loop")];
    const [v] = judge("  - alarm: hx_fouling\n    after: fault\n    within: 5\n", observe(early));
    expect(v?.status).toBe("passed");
    expect(v?.observed).toBe(
      "loop raised at 15.0 s, matched at 15.0 s (raised before the window and still open when it opened); diagnoses: HX fouling",
    );
    const gone = [
      alarm("raised", 15, 1, "HX fouling", "loop"),
      alarm("cleared", 18, 1, "HX fouling", "loop"),
    ];
    expect(judge("  - alarm: hx_fouling\n    after: fault\n    within: 5\n", observe(gone))[0]?.status).toBe(
      "failed",
    );
  });

  it("no_alarm and recovery", () => {
    const obs = observe(timeline);
    const [before, after, any, rec, rec2] = judge(
      [
        "  - no_alarm: any\n    to: fault",
        "  - no_alarm: pump_failure\n    after: fault\n    within: 10",
        "  - no_alarm: hx_fouling",
        "  - recovery: pump_failure\n    after: ack\n    within: 5",
        "  - recovery: pump_failure\n    after: ack + 2\n    within: 5",
      ].join("\n"),
      obs,
    );
    expect(before?.status).toBe("passed");
    expect(after?.status).toBe("failed");
    expect(after?.observed).toContain("raised at 21.5 s");
    expect(any?.status).toBe("passed");
    expect(rec?.status).toBe("passed");
    expect(rec?.observed).toBe("flow cleared at 61.0 s");
    expect(rec2?.status).toBe("failed");
    expect(rec2?.observed).toContain("not cleared in the window");
  });
});

describe("band, event, gap and link expectations", () => {
  it("a band fails at the first sample outside it, with its time and value", () => {
    const [ok, bad, empty] = judge(
      [
        "  - band: t_hot_c\n    min: 39\n    max: 41\n    to: 50",
        "  - band: t_hot_c\n    min: 39\n    max: 41",
        "  - band: t_hot_c\n    min: 0\n    from: 200\n    to: 300",
      ].join("\n"),
      observe([]),
    );
    expect(ok?.status).toBe("passed");
    expect(ok?.observed).toBe("range [40.00, 40.50] over 501 samples");
    expect(bad?.status).toBe("failed");
    expect(bad?.observed).toContain("t_hot_c = 70.00 at 55.0 s");
    expect(empty?.status).toBe("failed");
    expect(empty?.observed).toBe("no sample in the window");
  });

  it("device events and gaps inside their windows", () => {
    const timeline: Observation[] = [
      { kind: "device_event", tS: 23, code: "HB_LOST", detail: "3004" },
      { kind: "gap", tS: 40, toS: 48, reason: "disconnect", lostSamples: 0 },
    ];
    const [ev, evLate, gap, gapWrong] = judge(
      [
        "  - event: HB_LOST\n    after: fault\n    within: 4",
        "  - event: HB_LOST\n    after: fault\n    within: 2",
        "  - gap: disconnect\n    from: 30\n    to: 50",
        "  - gap: reboot\n    from: 30\n    to: 50",
      ].join("\n"),
      observe(timeline),
    );
    expect(ev?.status).toBe("passed");
    expect(evLate?.status).toBe("failed");
    expect(evLate?.observed).toBe("HB_LOST only at 23.0 s (3004)");
    expect(gap?.status).toBe("passed");
    expect(gap?.observed).toBe("disconnect gap 40.0 s .. 48.0 s (0 samples lost)");
    expect(gapWrong?.status).toBe("failed");
  });

  it("link counters at the end", () => {
    const [v] = judge(
      "  - link:\n      crc_errors: { min: 10 }\n      timeouts: { max: 0 }\n",
      observe([], { crc_errors: 4 }),
    );
    expect(v?.status).toBe("failed");
    expect(v?.observed).toBe("crc_errors = 4 (all: crc_errors = 4, timeouts = 0)");
  });

  it("an expectation on a skipped step is skipped with the reason; one on a step never reached fails", () => {
    const [skipped] = judge("  - alarm: any\n    after: emu\n    within: 5\n", observe([]));
    expect(skipped?.status).toBe("skipped");
    expect(skipped?.observed).toBe("step emu was skipped: emulator-only");
    const obs = { ...observe([]), steps: STEPS.slice(0, 1) };
    const [missing] = judge("  - alarm: any\n    after: ack\n    within: 5\n", obs);
    expect(missing?.status).toBe("failed");
    expect(missing?.observed).toBe("step ack never ran");
  });
});

describe("diagnosisMatches", () => {
  it("matches the isolation text, the id, and text with detail after it", () => {
    expect(diagnosisMatches("pump failure", "pump_failure")).toBe(true);
    expect(diagnosisMatches("pump_failure", "pump_failure")).toBe(true);
    expect(diagnosisMatches("T_hot sensor fault", "t_hot_sensor")).toBe(true);
    expect(diagnosisMatches("HX fouling: UA -30 %", "hx_fouling")).toBe(true);
    expect(diagnosisMatches("pump degradation", "pump_failure")).toBe(false);
    expect(diagnosisMatches("T_cold sensor fault", "t_hot_sensor")).toBe(false);
  });
});

describe("expectations naming the detector (issue 17)", () => {
  // A flow alarm of the residual monitor at 21.5 s and a learned one at 25 s, cleared at 40 s.
  const timeline = [
    alarm("raised", 21.5, 1, "pump failure"),
    alarm("raised", 25, 1_000_001, "learned: res_flow_lpm", "learned"),
    alarm("cleared", 40, 1_000_001, "learned: res_flow_lpm", "learned"),
  ];

  it("detector: learned matches only the learned alarm, detector: residual only the monitor's", () => {
    const [learned, residual, noLearned, noResidual] = judge(
      [
        "  - { alarm: any, detector: learned, after: fault, within: 10 }",
        "  - { alarm: any, detector: residual, after: fault, within: 2 }",
        "  - { no_alarm: any, detector: learned, from: 30, to: end }",
        "  - { no_alarm: any, detector: residual, from: 0, to: end }",
        "",
      ].join("\n"),
      observe(timeline),
    );
    expect(learned?.status).toBe("passed");
    expect(learned?.observed).toContain("learned raised at 25.0 s");
    expect(residual?.status).toBe("passed");
    expect(residual?.observed).toContain("flow raised at 21.5 s");
    expect(noLearned?.status).toBe("passed");
    expect(noResidual?.status).toBe("failed");
    expect(noResidual?.observed).toContain("flow (pump failure");
    expect(noResidual?.observed).not.toContain("learned");
  });

  it("a learned alarm never satisfies detector: residual, and recovery follows the named detector", () => {
    const onlyLearned = [timeline[1] as Observation, timeline[2] as Observation];
    const [residual, recovered] = judge(
      [
        "  - { alarm: any, detector: residual, after: fault, within: 30 }",
        "  - { recovery: any, detector: learned, from: 30, to: 50 }",
        "",
      ].join("\n"),
      observe(onlyLearned),
    );
    expect(residual?.status).toBe("failed");
    expect(recovered?.status).toBe("passed");
    expect(recovered?.observed).toBe("learned cleared at 40.0 s");
  });

  it("is skipped, saying why, in a run without the learned detector; other expectations still count", () => {
    const [learned, residual] = judge(
      "  - { alarm: any, detector: learned, after: fault, within: 10 }\n  - { no_alarm: any, detector: residual, to: fault }\n",
      { ...observe([]), learnedRan: false },
    );
    expect(learned?.status).toBe("skipped");
    expect(learned?.observed).toBe(NO_LEARNED_DETECTOR);
    expect(residual?.status).toBe("passed");
  });
});
