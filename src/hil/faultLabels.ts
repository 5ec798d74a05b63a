import type { FaultSpec } from "../model/faultSpec.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import type { FaultInterval, Observation } from "./observations.js";

/**
 * The ground truth of a run (docs/design.md 2.4): every fault the runner injected, physically or
 * in the emulator, with a `start` and an `end` label on the timeline and in the recording. The
 * end label is written once, at the fault's end time, whatever ended it.
 */
export class FaultLabels {
  readonly faults: FaultInterval[] = [];
  private readonly endLabelled = new Set<FaultInterval>();
  private readonly emulatorFaults: FaultInterval[] = [];
  private readonly timeline: Observation[];
  private readonly record: RecordSink | undefined;

  constructor(timeline: Observation[], record: RecordSink | undefined) {
    this.timeline = timeline;
    this.record = record;
  }

  /** A fault starts (its start label now; its end label when it ends). */
  add(f: FaultInterval, by: "injector" | "emulator"): void {
    this.faults.push(f);
    this.timeline.push({ kind: "label", tS: f.startS, action: "start", fault: `${f.kind} (${f.text})` });
    this.record?.write({
      type: "label",
      atMs: this.record.atMs(),
      tS: f.startS,
      action: "start",
      fault: f.text,
      by: by === "injector" ? "injector" : "scenario",
    });
  }

  /**
   * An emulator-only fault sent at scenario time tS (its times are relative to tS); a reboot
   * without an end lasts a second.
   */
  addEmulatorFault(spec: FaultSpec, text: string, tS: number): void {
    const startS = tS + spec.startS;
    const endS = spec.kind === "device_reboot" && !Number.isFinite(spec.endS) ? startS + 1 : tS + spec.endS;
    const f: FaultInterval = { kind: spec.kind, text, startS, endS };
    this.emulatorFaults.push(f);
    this.add(f, "emulator");
  }

  /** Every emulator fault still running ends at tS (`EMU clear`). */
  endEmulatorFaults(tS: number): void {
    for (const f of this.emulatorFaults) if (f.endS > tS) this.end(f, Math.max(tS, f.startS));
  }

  /** A fault ends early, at tS (no-op when it was due to end before). */
  end(f: FaultInterval, tS: number): void {
    if (tS >= f.endS) return;
    f.endS = tS;
    this.writeEndLabel(f);
  }

  /** At the end of the run: every fault ends by endS, each with its end label. */
  closeAll(endS: number): void {
    for (const f of this.faults) {
      if (!(f.endS <= endS)) f.endS = endS;
      this.writeEndLabel(f);
    }
  }

  private writeEndLabel(f: FaultInterval): void {
    if (this.endLabelled.has(f)) return;
    this.endLabelled.add(f);
    const tS = f.endS;
    this.timeline.push({ kind: "label", tS, action: "end", fault: `${f.kind} (${f.text})` });
    this.record?.write({
      type: "label",
      atMs: this.record.atMs(),
      tS,
      action: "end",
      fault: f.text,
      by: "scenario",
    });
  }
}
