/**
 * The learned detector's state in the live stream's `status` (src/web/liveJson.ts learnedJson,
 * liveMessages.ts LiveLearned): hand-written states and the JSON they become.
 */
import { describe, expect, it } from "vitest";
import { learnedJson } from "../../src/web/liveJson.js";

describe("learnedJson", () => {
  it("maps each state to its JSON, a NaN score to null, and no learned detector to null", () => {
    expect(learnedJson(null)).toBeNull();
    expect(learnedJson({ kind: "learning", learnedS: 12.5, spanS: 60 })).toEqual({
      state: "learning",
      learned_s: 12.5,
      span_s: 60,
    });
    expect(learnedJson({ kind: "scoring", score: 1.25, alarm: true, monitorAlarmsWhileLearning: 2 })).toEqual(
      {
        state: "scoring",
        score: 1.25,
        alarm: true,
      },
    );
    const settling = learnedJson({
      kind: "scoring",
      score: Number.NaN,
      alarm: false,
      monitorAlarmsWhileLearning: 0,
    });
    expect(settling).toEqual({ state: "scoring", score: null, alarm: false });
    expect(JSON.stringify(settling)).toBe('{"state":"scoring","score":null,"alarm":false}');
    expect(learnedJson({ kind: "failed", reason: "5 samples in 5 s could not be learned" })).toEqual({
      state: "failed",
      reason: "5 samples in 5 s could not be learned",
    });
  });
});
