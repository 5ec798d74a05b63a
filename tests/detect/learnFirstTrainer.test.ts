/**
 * `--learn-first S` (src/detect/learned/learnFirstTrainer.ts): what the trainer learns from (the
 * first S seconds after the first sample, less the first 5 s), when it fits, its progress, and a
 * span it cannot learn from. Hand-written sample streams; nothing timed.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  checkLearnFirstS,
  LEARN_SETTLE_S,
  LearnFirstTrainer,
  MIN_LEARN_FIRST_S,
} from "../../src/detect/learned/learnFirstTrainer.js";

/** Feeds `trainer` samples at `rateHz` from `t0S` for `forS` seconds: channel c = value(t, c). */
function feed(
  trainer: LearnFirstTrainer,
  t0S: number,
  forS: number,
  rateHz: number,
  value: (tS: number, c: number) => number,
): number[] {
  const fittedAt: number[] = [];
  const row = new Float64Array(trainer.channelNames.length);
  for (let i = 0; i < forS * rateHz; i++) {
    const t = t0S + i / rateHz;
    for (let c = 0; c < row.length; c++) row[c] = value(t, c);
    if (trainer.push(t, row)) fittedAt.push(t);
  }
  return fittedAt;
}

describe("LearnFirstTrainer", () => {
  it("learns from [first + 5 s, first + S) and fits at the first sample S seconds after the first", () => {
    const trainer = new LearnFirstTrainer(20, ["res_t_hot_k", "res_flow_lpm"]);
    // Before the settling time every value is 1000 (a start-up transient); then a known pattern.
    const fittedAt = feed(trainer, 100, 30, 10, (t, c) =>
      t < 100 + LEARN_SETTLE_S ? 1000 : c === 0 ? ((t * 10) % 2) - 0.5 : ((t * 10) % 3) - 1,
    );
    expect(fittedAt).toEqual([120]);
    const state = trainer.state();
    expect(state.kind).toBe("trained");
    const model = trainer.trained;
    expect(model?.channelNames).toEqual(["res_t_hot_k", "res_flow_lpm"]);
    // 15 s at 10 Hz learned: rows 105.0 .. 119.9; the transient is not among them.
    expect(model?.trainRows).toBe(150);
    // Channel 0 alternates -0.5/+0.5 (mean 0, sd 0.5); channel 1 cycles -1, 0, 1 (mean 0, sd sqrt(2/3)).
    expect(model?.features.centre[0]).toBeCloseTo(0, 12);
    expect(model?.features.scale[0]).toBeCloseTo(0.5, 12);
    expect(model?.features.centre[1]).toBeCloseTo(0, 2);
    expect(model?.features.scale[1]).toBeCloseTo(Math.sqrt(2 / 3), 2);
  });

  it("reports its progress in seconds of the span, and stops learning once fitted", () => {
    const trainer = new LearnFirstTrainer(60);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 0, spanS: 60 });
    feed(trainer, 0, 12.05, 10, () => 0.01);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 12, spanS: 60 });
    expect(trainer.learning).toBe(true);
    trainer.countMonitorAlarm();
    feed(trainer, 12.1, 60, 10, (t) => Math.sin(t));
    expect(trainer.learning).toBe(false);
    const state = trainer.state();
    expect(state.kind === "trained" && state.monitorAlarms).toBe(1);
    // Alarms after training are none of its business.
    trainer.countMonitorAlarm();
    expect(
      trainer.state().kind === "trained" && (trainer.state() as { monitorAlarms: number }).monitorAlarms,
    ).toBe(1);
  });

  it("a span too sparse to learn from fails with the reason and never throws", () => {
    // At 1 Hz, 10 s leave 5 rows after settling; 3 channels with a 5-row window need 8.
    const trainer = new LearnFirstTrainer(10);
    const fittedAt = feed(trainer, 0, 20, 1, (t) => t);
    expect(fittedAt).toEqual([10]);
    const state = trainer.state();
    expect(state.kind).toBe("failed");
    expect(state.kind === "failed" && state.reason).toMatch(
      /^5 samples in 5 s could not be learned: trainRows/,
    );
    expect(trainer.trained).toBeNull();
  });

  it("ignores samples without a time", () => {
    const trainer = new LearnFirstTrainer(10, ["res_flow_lpm"]);
    expect(trainer.push(Number.NaN, [1])).toBe(false);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 0, spanS: 10 });
  });
});

describe("checkLearnFirstS", () => {
  it("takes a number of seconds of at least 10 and names the option otherwise", () => {
    expect(MIN_LEARN_FIRST_S).toBe(10);
    expect(checkLearnFirstS(10)).toBe(10);
    expect(checkLearnFirstS(90.5)).toBe(90.5);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => checkLearnFirstS(bad)).toThrow(/^--learn-first: must be a positive number of seconds/);
    expect(() => checkLearnFirstS(9.9)).toThrow(
      "--learn-first: must be at least 10 s (the first 5 s, while the twin aligns and the flow window fills, are not learned from) (got 9.9)",
    );
    expect(() => checkLearnFirstS(3, "learn_first")).toThrow(ConfigError);
  });
});

describe("LearnFirstTrainer edges", () => {
  it("needs a channel, and names the option as given in its messages", () => {
    expect(() => new LearnFirstTrainer(10, [])).toThrow(new ConfigError("channels", [], "need at least one"));
    expect(() => new LearnFirstTrainer(10, [])).toThrow("channels: need at least one (got [])");
    expect(() => checkLearnFirstS(3, "learn_first")).toThrow(
      "learn_first: must be at least 10 s (the first 5 s, while the twin aligns and the flow window fills, are not learned from) (got 3)",
    );
    expect(() => checkLearnFirstS(0, "learn_first")).toThrow(
      "learn_first: must be a positive number of seconds (got 0)",
    );
    expect(() => new LearnFirstTrainer(9)).toThrow(/^--learn-first: must be at least 10 s/);
  });

  it("keeps every row when they outgrow the arrays reserved at 10 per second (50 Hz for 10 s)", () => {
    const trainer = new LearnFirstTrainer(10, ["res_t_hot_k"]);
    // Rows 5.00 .. 9.98 s: 250 of them; value i mod 5 for row i (0 .. 4 fifty times: mean 2, sd sqrt(2)).
    let i = 0;
    const fittedAt = feed(trainer, 0, 11, 50, (t) => (t >= LEARN_SETTLE_S ? i++ % 5 : 100));
    expect(fittedAt).toEqual([10]);
    const model = trainer.trained;
    expect(model?.trainRows).toBe(250);
    expect(model?.features.centre[0]).toBeCloseTo(2, 12);
    expect(model?.features.scale[0]).toBeCloseTo(Math.sqrt(2), 12);
  });

  it("a row marked not learnable counts its time but is not learned", () => {
    const trainer = new LearnFirstTrainer(10, ["res_t_hot_k"]);
    const row = new Float64Array(1);
    // 1 Hz: rows at 5..9 s; the one at 7 s (value 1000) is not learnable.
    for (let t = 0; t <= 10; t++) {
      row[0] = t === 7 ? 1000 : t % 2;
      expect(trainer.push(t, row, t !== 7)).toBe(t === 10);
    }
    // Failing or not, the rows it learned were four: 5, 6, 8, 9.
    const state = trainer.state();
    expect(state.kind === "failed" && state.reason).toBe(
      "4 samples in 5 s could not be learned: trainRows: too few for 1 channels with a 5-row window (need at least 6) (got 4)",
    );
  });

  it("fits with the options given; once failed it learns no more and counts no alarm", () => {
    const trainer = new LearnFirstTrainer(10, ["res_t_hot_k"], { windowRows: 1, persistenceRows: 2 });
    feed(trainer, 0, 10.5, 2, (t) => t % 3);
    expect(trainer.trained?.features.windowRows).toBe(1);
    expect(trainer.trained?.persistenceRows).toBe(2);

    const sparse = new LearnFirstTrainer(10);
    expect(feed(sparse, 0, 20, 1, (t) => t)).toEqual([10]);
    expect(sparse.learning).toBe(false);
    sparse.countMonitorAlarm();
    expect(sparse.push(30, [1, 2, 3])).toBe(false);
    expect(sparse.state()).toEqual({
      kind: "failed",
      reason:
        "5 samples in 5 s could not be learned: trainRows: too few for 3 channels with a 5-row window (need at least 8) (got 5)",
    });
  });

  it("its progress is the time since the first sample, never past the span", () => {
    const trainer = new LearnFirstTrainer(30, ["res_t_hot_k"]);
    trainer.push(100, [0]);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 0, spanS: 30 });
    trainer.push(129.5, [0]);
    expect(trainer.state()).toEqual({ kind: "learning", learnedS: 29.5, spanS: 30 });
  });
});
