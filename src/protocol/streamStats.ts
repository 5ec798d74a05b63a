/**
 * Counts what a device -> host stream delivered: lines by outcome, telemetry continuity (sequence
 * gaps and lost samples, with the uint32 wrap of `seq`, `t_ms` and `pulses`) and device reboots.
 * Pure: it sees parse results, never bytes or time.
 *
 * Reboots: an `EVT,BOOT` after telemetry has started, or a TLM whose `t_ms` went back (a step
 * back of more than half the uint32 range is a wrap, not a reboot), or, after a HELLO, a TLM whose
 * `seq` does not continue. A HELLO alone is not a reboot: the device also sends one in answer to
 * INFO. Signals of the same reboot (HELLO, EVT BOOT, the first TLM after them) count once; a
 * reboot restarts `seq`, `t_ms` and `pulses`, so no gap is counted across it.
 */
import type { Result } from "../core/result.js";
import type { LineError } from "./lineError.js";
import type { DeviceMessage } from "./messages.js";

const HALF_UINT32 = 2147483648;

/** The counters, with the names `replay --summary --json` prints (docs/design.md 5). */
export interface StreamSummary {
  /** Every line received, overlong ones included. */
  readonly lines: number;
  /** Valid TLM lines. */
  readonly samples: number;
  /** Valid lines of the other known types. */
  readonly hello: number;
  readonly ack: number;
  readonly nak: number;
  readonly evt: number;
  readonly crc_errors: number;
  /** Lines neither valid nor of an unknown type nor failing their CRC: includes too_long and bad_field. */
  readonly malformed: number;
  /** Of `malformed`: lines over the 160-byte cap. */
  readonly too_long: number;
  /** Of `malformed`: lines with a field empty, not a number or out of range. */
  readonly bad_field: number;
  /** Well-formed lines of a type this version does not know (tolerated). */
  readonly unknown: number;
  /** Unknown trailing fields on valid lines (tolerated). */
  readonly unknown_fields: number;
  /** Times `seq` skipped forward. */
  readonly seq_gaps: number;
  /** TLM samples missing in those gaps. */
  readonly lost_samples: number;
  /** Times `seq` repeated or went back without a reboot. */
  readonly seq_out_of_order: number;
  readonly reboots: number;
  /** Device time covered by the samples, summed over t_ms steps (wraps handled, reboots excluded). */
  readonly device_time_ms: number;
  /** Flow pulses counted over the samples (wraps handled, reboots excluded). */
  readonly flow_pulses: number;
}

/** Accumulates a {@link StreamSummary}; feed it every line's parse result in order. */
export class StreamStats {
  private lines = 0;
  private samples = 0;
  private hello = 0;
  private ack = 0;
  private nak = 0;
  private evt = 0;
  private crcErrors = 0;
  private malformed = 0;
  private tooLong = 0;
  private badField = 0;
  private unknown = 0;
  private unknownFields = 0;
  private seqGaps = 0;
  private lostSamples = 0;
  private seqOutOfOrder = 0;
  private reboots = 0;
  private deviceTimeMs = 0;
  private flowPulses = 0;

  /** Whether `last*` hold the previous TLM of the current boot. */
  private hasLast = false;
  private lastSeq = 0;
  private lastTMs = 0;
  private lastPulses = 0;
  /** Telemetry has been seen since the stream started (so a BOOT now is a reboot). */
  private telemetrySeen = false;
  /** A reboot was counted and no TLM has followed yet. */
  private rebootCounted = false;
  /** A HELLO arrived since the last TLM: the next TLM tells whether the device rebooted. */
  private helloPending = false;

  /** Counts one line's result. */
  observe(result: Result<DeviceMessage, LineError>): void {
    if (!result.ok) {
      this.observeError(result.error);
      return;
    }
    const m = result.value;
    switch (m.type) {
      case "TLM":
        this.observeTlm(m.seq, m.tMs, m.pulses, m.extra?.length ?? 0);
        return;
      case "HELLO":
        this.countLine(m.extra);
        this.hello++;
        if (this.telemetrySeen) this.helloPending = true;
        return;
      case "ACK":
        this.countLine(m.extra);
        this.ack++;
        return;
      case "NAK":
        this.countLine(m.extra);
        this.nak++;
        return;
      case "EVT":
        this.countLine(m.extra);
        this.evt++;
        if (m.event.code === "BOOT" && this.telemetrySeen) this.markReboot();
        return;
    }
  }

  /** Counts one valid TLM line from its counters (the allocation-free path). */
  observeTlm(seq: number, tMs: number, pulses: number, extraFields = 0): void {
    this.lines++;
    this.samples++;
    this.unknownFields += extraFields;
    if (this.hasLast) {
      // `>>> 0` is the difference modulo 2^32 (both operands are uint32): wraps cost nothing.
      const dSeq = (seq - this.lastSeq) >>> 0;
      const dT = (tMs - this.lastTMs) >>> 0;
      const seqBroken = dSeq === 0 || dSeq >= HALF_UINT32;
      if (dT >= HALF_UINT32 || (this.helloPending && seqBroken)) {
        this.markReboot();
      } else {
        if (seqBroken) this.seqOutOfOrder++;
        else if (dSeq > 1) {
          this.seqGaps++;
          this.lostSamples += dSeq - 1;
        }
        this.deviceTimeMs += dT;
        this.flowPulses += (pulses - this.lastPulses) >>> 0;
      }
    }
    this.hasLast = true;
    this.lastSeq = seq;
    this.lastTMs = tMs;
    this.lastPulses = pulses;
    this.telemetrySeen = true;
    this.rebootCounted = false;
    this.helloPending = false;
  }

  /** Counts one rejected line. */
  observeError(e: LineError): void {
    this.lines++;
    switch (e.kind) {
      case "crc":
        this.crcErrors++;
        return;
      case "unknown_type":
        this.unknown++;
        return;
      case "too_long":
        this.tooLong++;
        this.malformed++;
        return;
      case "bad_field":
        this.badField++;
        this.malformed++;
        return;
      case "malformed":
        this.malformed++;
        return;
    }
  }

  /** The counters so far. */
  summary(): StreamSummary {
    return {
      lines: this.lines,
      samples: this.samples,
      hello: this.hello,
      ack: this.ack,
      nak: this.nak,
      evt: this.evt,
      crc_errors: this.crcErrors,
      malformed: this.malformed,
      too_long: this.tooLong,
      bad_field: this.badField,
      unknown: this.unknown,
      unknown_fields: this.unknownFields,
      seq_gaps: this.seqGaps,
      lost_samples: this.lostSamples,
      seq_out_of_order: this.seqOutOfOrder,
      reboots: this.reboots,
      device_time_ms: this.deviceTimeMs,
      flow_pulses: this.flowPulses,
    };
  }

  private countLine(extra: readonly string[] | undefined): void {
    this.lines++;
    if (extra !== undefined) this.unknownFields += extra.length;
  }

  private markReboot(): void {
    if (!this.rebootCounted) this.reboots++;
    this.rebootCounted = true;
    this.hasLast = false;
  }
}
