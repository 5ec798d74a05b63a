/**
 * The continuity of a serial rig's samples across what breaks it (docs/design.md 6, the gaps of a
 * recording): lost lines (a jump in `seq`), a device reboot, and an outage of the link, after
 * which the device's clock may not cover the time it was gone (it rebooted, or another unit took
 * its place) and rig time follows the host's clock instead. One per source; allocation-free per
 * sample.
 */
import type { RigSample } from "../../model/rigSample.js";

/** Why samples are missing: the device was gone, lines were lost, or the device rebooted. */
export type GapReason = "disconnect" | "seq" | "reboot";

const SEQ_MODULUS = 4294967296;
const SEQ_HALF = 2147483648;

export class SampleContinuity {
  /** Rig time of the last sample before the gap {@link place} reported last [s]. */
  gapFromTS = 0;
  /** Samples lost in the gap {@link place} reported last (0 when unknown). */
  gapLostSamples = 0;
  private hasLastSample = false;
  private lastSeq = 0;
  private lastTS = 0;
  private lastSampleHostMs = 0;
  /** Rig-time correction after an outage the device's clock does not cover (it rebooted). */
  private tOffsetS = 0;
  private outage: { fromTS: number; hostMs: number } | null = null;
  private rebootPending = false;
  private unitChanged = false;

  /**
   * Places sample `s` (received at host time `hostMs`) on the rig's time line, shifting its `tS`
   * past an outage when needed; returns the gap before it, if any (then {@link gapFromTS} and
   * {@link gapLostSamples} describe it), else null.
   */
  place(s: RigSample, hostMs: number): GapReason | null {
    s.tS += this.tOffsetS;
    let gap: GapReason | null = null;
    let lost = 0;
    let fromTS = this.lastTS;
    if (this.outage !== null) {
      // The device's clock may not cover the outage (it rebooted): rig time follows the host's.
      const expected = this.outage.fromTS + (hostMs - this.outage.hostMs) / 1000;
      if (s.tS < expected - 0.5 || this.unitChanged) {
        this.tOffsetS += expected - s.tS;
        s.tS = expected;
      }
      fromTS = this.outage.fromTS;
      gap = "disconnect";
      if (this.hasLastSample && !this.unitChanged) {
        // A seq that went back means the device rebooted during the outage: the count is unknown.
        const d = (s.seq - this.lastSeq + SEQ_MODULUS) % SEQ_MODULUS;
        lost = d > 1 && d < SEQ_HALF ? d - 1 : 0;
      }
      this.outage = null;
      this.rebootPending = false;
      this.unitChanged = false;
    } else if (this.rebootPending) {
      gap = "reboot";
      this.rebootPending = false;
    } else if (this.hasLastSample) {
      const d = (s.seq - this.lastSeq + SEQ_MODULUS) % SEQ_MODULUS;
      if (d > 1 && d < SEQ_HALF) {
        gap = "seq";
        lost = d - 1;
      }
    }
    this.gapFromTS = fromTS;
    this.gapLostSamples = lost;
    this.hasLastSample = true;
    this.lastSeq = s.seq;
    this.lastTS = s.tS;
    this.lastSampleHostMs = hostMs;
    return gap;
  }

  /** The link went down: the next sample closes an outage from the last one. */
  linkLost(): void {
    if (this.hasLastSample) this.outage = { fromTS: this.lastTS, hostMs: this.lastSampleHostMs };
  }

  /** The device said it booted: its seq starts again, and the next sample closes a reboot gap. */
  rebooted(): void {
    this.rebootPending = this.hasLastSample;
    this.hasLastSample = false;
  }

  /** Another unit took the rig's place: its clock and seq are unrelated to the last sample's. */
  unitReplaced(): void {
    this.unitChanged = true;
  }
}
