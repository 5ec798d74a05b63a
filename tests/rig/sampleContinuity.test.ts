/**
 * The serial source's sample continuity (src/rig/hardware/sampleContinuity.ts) on hand-made
 * samples: seq gaps (with the 32-bit wrap), reboots, and outages after which rig time follows the
 * host's clock when the device's clock went back. Expected values worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { createRigSample, type RigSample } from "../../src/model/rigSample.js";
import { SampleContinuity } from "../../src/rig/hardware/sampleContinuity.js";

function sample(seq: number, tS: number): RigSample {
  const s = createRigSample();
  s.seq = seq;
  s.tS = tS;
  return s;
}

describe("SampleContinuity", () => {
  it("reports no gap for consecutive seq, and a seq gap with the lines lost", () => {
    const c = new SampleContinuity();
    expect(c.place(sample(10, 1.0), 0)).toBeNull();
    expect(c.place(sample(11, 1.1), 100)).toBeNull();
    expect(c.place(sample(15, 1.5), 500)).toBe("seq");
    expect([c.gapFromTS, c.gapLostSamples]).toEqual([1.1, 3]);
  });

  it("counts across the 32-bit wrap, and a seq that went back is not a loss", () => {
    const c = new SampleContinuity();
    c.place(sample(4294967294, 5), 0);
    expect(c.place(sample(1, 5.3), 300)).toBe("seq");
    expect(c.gapLostSamples).toBe(2); // 4294967295 and 0
    expect(c.place(sample(0, 5.4), 400)).toBeNull();
  });

  it("marks a reboot gap at the first sample after the device said BOOT", () => {
    const c = new SampleContinuity();
    c.place(sample(50, 20), 0);
    c.rebooted();
    const s = sample(0, 0.1);
    expect(c.place(s, 1000)).toBe("reboot");
    expect([c.gapFromTS, c.gapLostSamples, s.tS]).toEqual([20, 0, 0.1]);
  });

  it("after an outage the device's clock covers, keeps rig time and counts the lost seq", () => {
    const c = new SampleContinuity();
    c.place(sample(100, 10), 50_000);
    c.linkLost();
    // 2 s later on the host; the device kept counting: seq 120, t 12 s.
    const s = sample(120, 12);
    expect(c.place(s, 52_000)).toBe("disconnect");
    expect([c.gapFromTS, c.gapLostSamples, s.tS]).toEqual([10, 19, 12]);
  });

  it("after an outage the device rebooted in, follows the host's clock from then on", () => {
    const c = new SampleContinuity();
    c.place(sample(100, 10), 50_000);
    c.linkLost();
    // 3 s later on the host; the device restarted: seq 2, t 0.2 s. Rig time 10 + 3 = 13 s.
    const s = sample(2, 0.2);
    expect(c.place(s, 53_000)).toBe("disconnect");
    expect([c.gapFromTS, c.gapLostSamples]).toEqual([10, 0]);
    expect(s.tS).toBeCloseTo(13, 9);
    // The offset stays: the next sample 0.1 s later on the device is 13.1 s of rig time.
    const next = sample(3, 0.3);
    expect(c.place(next, 53_100)).toBeNull();
    expect(next.tS).toBeCloseTo(13.1, 9);
  });

  it("with another unit in the rig's place, follows the host's clock even when the new clock is ahead", () => {
    const c = new SampleContinuity();
    c.place(sample(100, 10), 50_000);
    c.linkLost();
    c.unitReplaced();
    const s = sample(7000, 700);
    expect(c.place(s, 51_000)).toBe("disconnect");
    expect(s.tS).toBeCloseTo(11, 9);
    expect(c.gapLostSamples).toBe(0);
  });

  it("an outage before any sample is no gap", () => {
    const c = new SampleContinuity();
    c.linkLost();
    expect(c.place(sample(5, 1), 0)).toBeNull();
  });
});
