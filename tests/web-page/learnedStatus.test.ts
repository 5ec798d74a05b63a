/**
 * The learned detector's state on the live page (issue 17 part 2): `status.learned` of the
 * stream into the store (absent from an older server: none), and the text the loop figures show.
 */
import { describe, expect, it } from "vitest";
import type { LiveServerMessage, LiveStatus } from "../../src/web/liveMessages.js";
import { learnedReadout, learnedText } from "../../web/src/learnedText.js";
import { LiveFeed } from "../../web/src/liveFeed.js";
import { PageStore } from "../../web/src/pageStore.js";

const STATUS: LiveStatus = {
  source: "emulator",
  link: "CONNECTED",
  firmware: "looptwin-emu 0.1.0",
  recording: null,
  rig_time_s: 4.8,
  crc_errors: 0,
  lost_samples: 0,
  reconnects: 0,
  malformed: 0,
  viewers: 1,
  override: "",
};

describe("the learned detector on the live page", () => {
  it("status.learned reaches the store; a status without the field means none runs", () => {
    const store = new PageStore();
    const feed = new LiveFeed(store);
    const status = (s: LiveStatus): LiveServerMessage => ({ type: "status", status: s });
    feed.handleFrame(
      JSON.stringify(status({ ...STATUS, learned: { state: "learning", learned_s: 4.8, span_s: 60 } })),
    );
    expect(store.learned).toEqual({ state: "learning", learned_s: 4.8, span_s: 60 });
    feed.handleFrame(JSON.stringify(status(STATUS)));
    expect(store.learned).toBeNull();
  });

  it("the Residuals read-out is the dashboard's legend text", () => {
    expect(learnedReadout({ state: "learning", learned_s: 7, span_s: 100 })).toBe("learning 7/100 s");
    expect(learnedReadout({ state: "scoring", score: 0.4236, alarm: false })).toBe("learned 0.42/1");
    expect(learnedReadout({ state: "scoring", score: null, alarm: false })).toBe("learned --/1");
    expect(learnedReadout({ state: "failed", reason: "x" })).toBe("learned off");
  });

  it("reads as the dashboard says it: progress, score against the threshold, alarm, off", () => {
    expect(learnedText({ state: "learning", learned_s: 12.9, span_s: 60 })).toBe("learning 12/60 s");
    expect(learnedText({ state: "scoring", score: 0.4236, alarm: false })).toBe("0.42 of 1 (threshold)");
    expect(learnedText({ state: "scoring", score: null, alarm: false })).toBe("-- of 1 (threshold)");
    expect(learnedText({ state: "scoring", score: 1.849, alarm: true })).toBe("ALARM 1.85 of 1");
    expect(learnedText({ state: "failed", reason: "5 samples in 5 s could not be learned" })).toBe(
      "off: 5 samples in 5 s could not be learned",
    );
  });
});
