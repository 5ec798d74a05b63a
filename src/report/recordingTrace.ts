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
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import { alarmRecordFields } from "../detect/alarms/alarmRecordFields.js";
import type { Monitor } from "../detect/monitor/monitorTypes.js";
import type { HeaderRecord, RecordedHello } from "../rig/recording/recording.js";
import { openRecording, type RecordingReadStats } from "../rig/recording/recordingReader.js";
import type { DecimatedSeries } from "./decimate.js";
import { breakAfter, columnDecimators, type RunTrace, TRACE_COLUMNS, type TraceColumn } from "./runTrace.js";
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
  /** Samples with a twin record beside them (0: made without the twin, by `looptwin record`). */
  readonly twinSamples: number;
  /**
   * Where the plotted twin comes from: `recorded` (the recording's twin records), `computed` (the
   * report ran a twin over the samples: the alarms then are the report's too), or why there is none.
   */
  readonly twin:
    | { readonly kind: "recorded" }
    | { readonly kind: "computed"; readonly how: string }
    | { readonly kind: "none"; readonly why: string };
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

/** What a twin for a recording made without one is built from. */
export interface RecordingTwinContext {
  readonly header: HeaderRecord;
  /** Whether the samples carry an ambient temperature. */
  readonly hasAmbientProbe: boolean;
  /** Telemetry rate from the median sample interval [Hz]. */
  readonly rateHz: number;
}

export interface RecordingReadOptions {
  /**
   * Builds the twin (the monitor: twin, residuals, detectors, alarms) for a recording with no
   * twin records; it follows the applied duties, as a replay does. Returns why not instead.
   */
  readonly twinFor?: (context: RecordingTwinContext) => { monitor: Monitor; how: string } | { why: string };
}

/** What the first pass found out about the samples: how many, their time range and spacing. */
interface SampleScan {
  count: number;
  /** A sample with a finite ambient temperature was seen. */
  ambient: boolean;
  firstRigS: number;
  lastRigS: number;
  /** Rig time minus twin time of the first twin record (NaN: no twin record). */
  shiftS: number;
  /** Some sample intervals [s] (the first ones), for the line-break interval. */
  readonly intervalsS: number[];
}

const INTERVALS_KEPT = 1000;

/**
 * Reads `path` (shown as `displayName`) into what the report shows, in two streaming passes (the
 * first finds the time range, the second decimates into it), so memory stays bounded by the plot
 * width however long the recording is. Throws InputFileError when the file is unreadable.
 */
export async function readRecordingContent(
  path: string,
  displayName = path,
  options: RecordingReadOptions = {},
): Promise<RecordingContent> {
  const rec = await openRecording(path);
  const scan: SampleScan = {
    count: 0,
    ambient: false,
    firstRigS: Number.NaN,
    lastRigS: Number.NaN,
    shiftS: Number.NaN,
    intervalsS: [],
  };
  const alarms: AlarmEntry[] = [];
  const commands: CommandEntry[] = [];
  const byId = new Map<number, CommandEntry>();
  let pings = 0;
  const pingIds = new Set<number>();
  let hello: RecordedHello | null = rec.header.hello;
  const events: { tS: number; code: string; detail: string }[] = [];
  const labels: { tS: number; action: string; fault: string; by: string }[] = [];
  const gaps: { fromS: number; toS: number; reason: string; lostSamples: number }[] = [];
  const notes: { tS: number; text: string }[] = [];
  let twinSeen = false;
  for await (const r of rec.records) {
    switch (r.type) {
      case "sample": {
        const t = r.sample.tS;
        if (scan.count === 0) scan.firstRigS = t;
        else if (scan.intervalsS.length < INTERVALS_KEPT) scan.intervalsS.push(t - scan.lastRigS);
        scan.lastRigS = t;
        scan.count++;
        if (Number.isFinite(r.sample.tAmbC)) scan.ambient = true;
        twinSeen = false;
        break;
      }
      case "twin":
        if (scan.count > 0 && !twinSeen && Number.isNaN(scan.shiftS)) scan.shiftS = scan.lastRigS - r.tS;
        twinSeen = true;
        break;
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
        events.push({ tS: scan.lastRigS, code: r.code, detail: r.detail });
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
          tS: scan.lastRigS,
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
        notes.push({ tS: scan.lastRigS, text: r.text });
        break;
      default:
        break;
    }
  }
  // One axis: rig time shifted onto the time the twin, alarm and label records carry.
  const shiftS = Number.isFinite(scan.shiftS) ? scan.shiftS : 0;
  const toAxis = (rigS: number): number => rigS - shiftS;
  const t0S = scan.count > 0 ? toAxis(scan.firstRigS) : 0;
  const t1S = scan.count > 0 ? Math.max(toAxis(scan.lastRigS), t0S + 1) : 1;
  let twin: RecordingContent["twin"] = { kind: "recorded" };
  let monitor: Monitor | undefined;
  if (!Number.isFinite(scan.shiftS)) {
    const interval = breakAfter(scan.intervalsS) / 5;
    const built =
      scan.count === 0
        ? { why: "no samples" }
        : options.twinFor === undefined
          ? { why: "recorded without a twin" }
          : options.twinFor({
              header: rec.header,
              hasAmbientProbe: scan.ambient,
              rateHz: Number.isFinite(interval) && interval > 0 ? Math.round(1 / interval) : 10,
            });
    if ("monitor" in built) {
      monitor = built.monitor;
      twin = { kind: "computed", how: built.how };
    } else twin = { kind: "none", why: built.why };
  }
  const { series, twinSamples, computedAlarms } = await decimateSamples(
    path,
    scan,
    toAxis,
    t0S,
    t1S,
    monitor,
  );
  alarms.push(...computedAlarms);
  const axisEvents = events.map((e) => ({ ...e, tS: toAxis(e.tS) }));
  const axisGaps = gaps.map((g) => ({ ...g, fromS: toAxis(g.fromS), toS: toAxis(g.toS) }));
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
    series,
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
    samples: scan.count,
    twinSamples,
    twin,
    alarms,
    commands: commands.map((c) => ({ ...c, tS: toAxis(c.tS) })),
    pings,
    events: axisEvents,
    labels,
    gaps: axisGaps,
    notes: notes.map((x) => ({ ...x, tS: toAxis(x.tS) })),
    stats: rec.stats,
  };
}

/** An alarm event of a twin the report ran, as the dashboard records it. */
function alarmEntry(e: AlarmEvent): AlarmEntry {
  const f = alarmRecordFields(e);
  return { tS: f.tS, source: f.source, state: f.state, diagnosis: f.diagnosis ?? "", message: f.message };
}

/**
 * The second pass: samples, and the twin and residual records written with each, into
 * decimators; or, with `monitor`, the twin it runs over the samples (following the applied
 * duties) and the alarms it raises.
 */
async function decimateSamples(
  path: string,
  scan: SampleScan,
  toAxis: (rigS: number) => number,
  t0S: number,
  t1S: number,
  monitor: Monitor | undefined,
): Promise<{
  series: Record<TraceColumn, DecimatedSeries>;
  twinSamples: number;
  computedAlarms: AlarmEntry[];
}> {
  const computedAlarms: AlarmEntry[] = [];
  monitor?.followApplied(true);
  const decimators = columnDecimators(scan.count, t0S, t1S, scan.intervalsS);
  const rec = await openRecording(path);
  let tAxis = Number.NaN;
  let twinDone = true;
  let residualDone = true;
  let twinSamples = 0;
  for await (const r of rec.records) {
    if (r.type === "sample") {
      tAxis = toAxis(r.sample.tS);
      for (const [from, to] of SAMPLE_FIELDS) decimators[to].push(tAxis, r.sample[from]);
      twinDone = residualDone = false;
      if (monitor !== undefined) {
        const events = monitor.step(r.sample);
        for (const e of events) computedAlarms.push(alarmEntry(e));
        const o = monitor.output;
        twinSamples++;
        decimators.predTHotC.push(tAxis, o.predTHotC);
        decimators.predTColdC.push(tAxis, o.predTColdC);
        decimators.predFlowLpm.push(tAxis, o.predFlowLpm);
        decimators.resTHotK.push(tAxis, o.resTHotK);
        decimators.resTColdK.push(tAxis, o.resTColdK);
        decimators.resFlowLpm.push(tAxis, o.resFlowLpm);
        decimators.score.push(tAxis, o.score);
      }
    } else if (r.type === "gap") {
      monitor?.markGap(r.fromTS, r.toTS);
    } else if (r.type === "twin" && !twinDone) {
      twinDone = true;
      twinSamples++;
      for (const [from, to] of TWIN_FIELDS) decimators[to].push(tAxis, r.values[from] ?? Number.NaN);
    } else if (r.type === "residual" && !residualDone) {
      residualDone = true;
      for (const [from, to] of RESIDUAL_FIELDS) decimators[to].push(tAxis, r.values[from] ?? Number.NaN);
    }
  }
  const series = {} as Record<TraceColumn, DecimatedSeries>;
  for (const c of TRACE_COLUMNS) series[c] = decimators[c].finish();
  return { series, twinSamples, computedAlarms };
}
