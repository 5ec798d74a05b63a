import type { SampleValues } from "./sampleValues.js";

/**
 * Gaps in the sample stream: one the source marks (a reconnection, lost lines it counted), or a
 * sample spacing over 2.5 periods. The monitor asks at each sample how long the gap before it
 * was, and reacts by its length (monitor.ts: the flow family waits, the per-sample tests restart,
 * the twins start again).
 */
export class SampleGaps {
  private fromS = Number.NaN;
  private toS = Number.NaN;
  private readonly thresholdS: number;
  private readonly v: SampleValues;

  constructor(rateHz: number, v: SampleValues) {
    this.thresholdS = 2.5 / rateHz;
    this.v = v;
  }

  /** The source saw a gap from fromTS to toTS (rig time, s); ignored unless finite and forward. */
  mark(fromTS: number, toTS: number): void {
    if (!(Number.isFinite(fromTS) && Number.isFinite(toTS))) return;
    if (!(toTS - fromTS > 0)) return;
    this.fromS = fromTS;
    this.toS = toTS;
  }

  /** Sets the sample values' gap [s] before this sample (0: none); consumes a marked gap. */
  measure(): void {
    const tS = this.v.tS;
    const dtS = this.v.dtS;
    let gapS = 0;
    // A marked gap counts at the first sample at or after its end.
    if (Number.isFinite(this.toS) && this.toS <= tS + 1e-9) {
      gapS = this.toS - this.fromS;
      this.fromS = Number.NaN;
      this.toS = Number.NaN;
    }
    if (dtS > this.thresholdS && dtS > gapS) gapS = dtS;
    this.v.gapS = gapS;
  }
}
