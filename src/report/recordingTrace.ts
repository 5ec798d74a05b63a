/**
 * What a report shows of one recording (docs/design.md section 6), read in one streaming pass:
 * the header (source, rig, firmware, start), the samples with the twin and residual records the
 * dashboard or a HIL run wrote beside them, alarms, injected-fault labels, gaps, device events,
 * commands with their answers, notes, and what the reader skipped.
 *
 * One time axis: rig time, shifted so that the twin's, alarms' and labels' `tS` land on it. The
 * dashboard writes those in rig time (shift 0); a HIL run writes them in scenario time, so the
 * shift is the difference between a sample and the twin record written with it, and the axis is
 * scenario time.
 */
import type { HeaderRecord, RecordedHello } from "../rig/recording/recording.js";
import { openRecording, type RecordingReadStats } from "../rig/recording/recordingReader.js";
import { emptyColumns, type RunTrace, type TraceColumn } from "./runTrace.js";
import type { PlotMarker, PlotWindow } from "./svgPlot.js";

/** One command as sent (first attempt), with how it ended. */
export interface CommandEntry {
  /** Axis time of the latest sample when it was sent [s] (NaN before the first sample). */
  readonly tS: number;
  readonly id: number;
  readonly line: string;
  attempts: number;
  result: string;
}

export interface AlarmEntry {
  readonly tS: number;
  readonly source: string;
  readonly state: string;
  readonly diagnosis: string;
  readonly message: string;
}

export interface RecordingContent {
  readonly file: string;
  readonly header: HeaderRecord;
  /** The header's HELLO, or else the first HELLO recorded (a HIL run connects after the header). */
  readonly hello: RecordedHello | null;
  readonly trace: RunTrace;
  readonly samples: number;
  /** False when the recording has no twin records (made by `looptwin record`). */
  readonly hasTwin: boolean;
  readonly alarms: readonly AlarmEntry[];
  readonly commands: readonly CommandEntry[];
  /** PING heartbeats sent (not listed one by one). */
  readonly pings: number;
  readonly events: readonly { readonly tS: number; readonly code: string; readonly detail: string }[];
  readonly labels: readonly {
    readonly tS: number;
    readonly action: string;
    readonly fault: string;
    readonly by: string;
  }[];
  readonly gaps: readonly {
    readonly fromS: number;
    readonly toS: number;
    readonly reason: string;
    readonly lostSamples: number;
  }[];
  readonly notes: readonly { readonly tS: number; readonly text: string }[];
  readonly stats: RecordingReadStats;
}

/** Growable column of numbers. */
class Column {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  /** Sets the last value (NaN-filled up to `index` first). */
  setAt(index: number, v: number): void {
    while (this.length <= index) this.push(Number.NaN);
    this.data[index] = v;
  }
  toArray(n: number): Float64Array {
    const out = new Float64Array(n).fill(Number.NaN);
    out.set(this.data.subarray(0, Math.min(n, this.length)));
    return out;
  }
}

const TWIN_FIELDS: readonly [string, TraceColumn][] = [
  ["tHotC", "predTHotC"],
  ["tColdC", "predTColdC"],
  ["flowLpm", "predFlowLpm"],
];
const RESIDUAL_FIELDS: readonly [string, TraceColumn][] = [
  ["tHotK", "resTHotK"],
  ["tColdK", "resTColdK"],
  ["flowLpm", "resFlowLpm"],
  ["score", "score"],
];
const SAMPLE_FIELDS: readonly [keyof import("../model/rigSample.js").RigSample, TraceColumn][] = [
  ["tHotC", "tHotC"],
  ["tColdC", "tColdC"],
  ["flowLpm", "flowLpm"],
  ["pumpDuty", "pumpDuty"],
  ["heaterDuty", "heaterDuty"],
  ["fanDuty", "fanDuty"],
];

/** `pump_degradation:severity=0.3` -> `pump_degradation`. */
function faultKind(spec: string): string {
  return spec.split(/[:\s]/, 1)[0] ?? spec;
}

/** `raised critical: ...` -> `critical` (the message the dashboard and the HIL runner write). */
function severityOf(message: string): "critical" | "warning" {
  return /^\S+ critical\b/.test(message) ? "critical" : "warning";
}

/** Reads `path` (shown as `displayName`) into what the report shows. Throws InputFileError when unreadable. */
export async function readRecordingContent(path: string, displayName = path): Promise<RecordingContent> {
  const rec = await openRecording(path);
  const time = new Column();
  const cols = new Map<TraceColumn, Column>();
  const col = (c: TraceColumn): Column => {
    let x = cols.get(c);
    if (x === undefined) {
      x = new Column();
      cols.set(c, x);
    }
    return x;
  };
  let shiftS = Number.NaN;
  let lastRigS = Number.NaN;
  let twinAt = -1;
  let residualAt = -1;
  const alarms: AlarmEntry[] = [];
  const commands: CommandEntry[] = [];
  const byId = new Map<number, CommandEntry>();
  let pings = 0;
  let hello: RecordedHello | null = rec.header.hello;
  const pingIds = new Set<number>();
  const events: { tS: number; code: string; detail: string }[] = [];
  const labels: { tS: number; action: string; fault: string; by: string }[] = [];
  const gaps: { fromS: number; toS: number; reason: string; lostSamples: number }[] = [];
  const notes: { tS: number; text: string }[] = [];
  // Times on the axis: twin-basis times as written (tS), rig times shifted.
  const shift = (): number => (Number.isFinite(shiftS) ? shiftS : 0);
  const rigToAxis = (rigS: number): number => rigS - shift();
  for await (const r of rec.records) {
    switch (r.type) {
      case "sample": {
        const s = r.sample;
        lastRigS = s.tS;
        time.push(s.tS);
        for (const [from, to] of SAMPLE_FIELDS) col(to).setAt(time.length - 1, s[from]);
        break;
      }
      case "twin":
      case "residual": {
        const i = time.length - 1;
        if (i < 0) break;
        if (r.type === "twin") {
          if (twinAt === i) break;
          twinAt = i;
          if (!Number.isFinite(shiftS)) shiftS = lastRigS - r.tS;
        } else {
          if (residualAt === i) break;
          residualAt = i;
        }
        for (const [from, to] of r.type === "twin" ? TWIN_FIELDS : RESIDUAL_FIELDS) {
          const v = r.values[from];
          if (v !== undefined) col(to).setAt(i, v);
        }
        break;
      }
      case "alarm":
        alarms.push({
          tS: r.tS,
          source: r.source,
          state: r.state,
          diagnosis: r.diagnosis ?? "",
          message: r.message ?? "",
        });
        break;
      case "label":
        labels.push({ tS: r.tS, action: r.action, fault: r.fault, by: r.by });
        break;
      case "gap":
        gaps.push({ fromS: r.fromTS, toS: r.toTS, reason: r.reason, lostSamples: r.lostSamples ?? 0 });
        break;
      case "event":
        events.push({ tS: lastRigS, code: r.code, detail: r.detail });
        break;
      case "command": {
        if (/^PING,/.test(r.line)) {
          if (r.attempt === 1) pings++;
          pingIds.add(r.id);
          break;
        }
        const known = byId.get(r.id);
        if (known !== undefined && r.attempt > 1) {
          known.attempts = r.attempt;
          break;
        }
        const entry: CommandEntry = {
          tS: lastRigS,
          id: r.id,
          line: r.line,
          attempts: 1,
          result: "no answer",
        };
        commands.push(entry);
        byId.set(r.id, entry);
        break;
      }
      case "answer": {
        if (pingIds.has(r.id)) break;
        const c = byId.get(r.id);
        if (c !== undefined)
          c.result = r.result === "nak" ? `NAK ${r.reason ?? ""}`.trim() : r.result.toUpperCase();
        break;
      }
      case "hello":
        hello ??= r.hello;
        break;
      case "note":
        notes.push({ tS: lastRigS, text: r.text });
        break;
      default:
        break;
    }
  }
  const n = time.length;
  // Rig times (samples, gaps, events, commands, notes) move onto the axis now the shift is known.
  const timeS = time.toArray(n);
  for (let i = 0; i < n; i++) timeS[i] = rigToAxis(timeS[i] as number);
  const columns = emptyColumns(n);
  for (const [c, values] of cols) columns[c] = values.toArray(n);
  const t0S = n > 0 ? (timeS[0] as number) : 0;
  const t1S = n > 0 ? Math.max(timeS[n - 1] as number, t0S + 1) : 1;
  const axisEvents = events.map((e) => ({ ...e, tS: rigToAxis(e.tS) }));
  const axisGaps = gaps.map((g) => ({ ...g, fromS: rigToAxis(g.fromS), toS: rigToAxis(g.toS) }));
  const faults: PlotWindow[] = [];
  const open = new Map<string, number>();
  for (const l of labels) {
    if (l.action === "start") open.set(l.fault, l.tS);
    else {
      const from = open.get(l.fault);
      open.delete(l.fault);
      faults.push({
        kind: "fault",
        fromS: from ?? t0S,
        toS: l.tS,
        label: `${l.fault} (${l.by})`,
        tag: faultKind(l.fault),
      });
    }
  }
  for (const [fault, from] of open)
    faults.push({
      kind: "fault",
      fromS: from,
      toS: t1S,
      label: `${fault} (still on at the end)`,
      tag: faultKind(fault),
    });
  const markers: PlotMarker[] = [
    ...alarms
      .filter((a) => a.state === "raised" && !/^rediagnosed\b/.test(a.message))
      .map(
        (a): PlotMarker => ({
          kind: severityOf(a.message),
          tS: a.tS,
          label: `${a.tS.toFixed(1)} s alarm ${a.diagnosis || a.source}: ${a.message}`,
        }),
      ),
    ...axisEvents.map(
      (e): PlotMarker => ({
        kind: "event",
        tS: e.tS,
        label: `${e.tS.toFixed(1)} s EVT ${e.code} ${e.detail}`,
      }),
    ),
  ];
  const trace: RunTrace = {
    timeS,
    columns,
    t0S,
    t1S,
    faults,
    gaps: axisGaps.map((g) => ({
      kind: "gap",
      fromS: g.fromS,
      toS: g.toS,
      label: `no data (${g.reason}), ${g.lostSamples} samples lost`,
    })),
    markers,
  };
  return {
    file: displayName,
    header: rec.header,
    hello,
    trace,
    samples: n,
    hasTwin: twinAt >= 0,
    alarms,
    commands: commands.map((c) => ({ ...c, tS: rigToAxis(c.tS) })),
    pings,
    events: axisEvents,
    labels,
    gaps: axisGaps,
    notes: notes.map((x) => ({ ...x, tS: rigToAxis(x.tS) })),
    stats: rec.stats,
  };
}
