/**
 * Soak: an emulated rig at 100 Hz through the serial path on a pseudo-terminal (the emulator's
 * pty, serialport's OS binding, the line stream, the parse, the conversion), the residual monitor
 * on every sample, a recording on disk, 1 % of the device's bytes corrupted, and a replug every
 * `--disconnect-every` seconds (the emulator stopped, its link gone for 1.5 s, a new one started on
 * the same link), for `--hours` hours.
 *
 *   npm run soak -- --hours 1 [--json] [--report-every 60] [--disconnect-every 600] [--out DIR]
 *
 * Every `--report-every` seconds it prints RSS and heap, samples received versus sent by the
 * device, gaps, CRC errors. At the end it reads the recording back and checks that every sample
 * the device sent while connected was recorded exactly once: within each connection, the samples
 * from the first received to the last received are either recorded (once, in order) or missing
 * from a sequence gap that the corrupted lines explain (at most two samples per unusable line: a
 * corrupted newline joins two lines). Samples sent while no host had the port
 * open (before the reconnect, or queued in the terminal when the emulator was stopped) are counted
 * apart as not delivered.
 *
 * Targets over 1 h: RSS growth after the first 5 minutes at most 10 MB; exactly once as above.
 *
 * It runs with the V8 settings `looptwin record` gets (package.json's `soak` script):
 * `--max-semi-space-size=2` from bin/looptwin.js's `#!` line and `--optimize-for-size`, which the
 * binary sets for every command that holds a link for days (docs/design.md, section 3, "Memory over
 * days").
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { getHeapSpaceStatistics } from "node:v8";
import { wallClock } from "../src/core/clock.js";
import { createMonitor } from "../src/detect/monitor/monitor.js";
import { parseFaultSpec } from "../src/model/faultSpec.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../src/model/telemetryConverter.js";
import { PtyEmulator } from "../src/rig/emulator/ptyEmulator.js";
import { SerialSource } from "../src/rig/hardware/serialSource.js";
import { readRecording } from "../src/rig/recording/recordingReader.js";
import { RecordingRelay, RecordingWriter } from "../src/rig/recording/recordingWriter.js";

export interface SoakOptions {
  readonly durationS: number;
  /** @default 60 */
  readonly reportEveryS?: number;
  /** @default 600 */
  readonly disconnectEveryS?: number;
  /** Wall seconds the link stays away at each replug. @default 1.5 */
  readonly downS?: number;
  /** Fraction of the device's bytes corrupted. @default 0.01 */
  readonly corruptRate?: number;
  /** Telemetry rate [Hz]. @default 100 */
  readonly rateHz?: number;
  /** Folder for the link and the recording (removed afterwards unless `keep`). @default a temp folder */
  readonly dir?: string;
  readonly keep?: boolean;
  readonly onReport?: (r: SoakReport) => void;
}

/** One line of the soak's progress. */
export interface SoakReport {
  readonly tS: number;
  readonly rssMB: number;
  readonly heapUsedMB: number;
  /** V8's committed heap and the memory outside it (Buffers): where RSS growth comes from. */
  readonly heapTotalMB: number;
  /** Of the committed heap, V8's young generation (semi-spaces) and its old space. */
  readonly newSpaceMB: number;
  readonly oldSpaceMB: number;
  readonly externalMB: number;
  readonly received: number;
  readonly sentByDevice: number;
  readonly gaps: number;
  readonly crcErrors: number;
  readonly replugs: number;
}

export interface SoakResult {
  readonly reports: readonly SoakReport[];
  readonly replugs: number;
  readonly disconnectGaps: number;
  /** TLM lines the device sent, over every connection. */
  readonly sentByDevice: number;
  /** Samples the source delivered. */
  readonly received: number;
  /** Samples in the recording file. */
  readonly recorded: number;
  /** Recorded samples not after the previous one in rig time (twice or out of order). */
  readonly recordedOutOfOrder: number;
  /** Samples missing between the first and last received of a connection (sequence gaps). */
  readonly lostInConnection: number;
  /** Lines the host could not use: CRC errors, malformed, overlong, unknown. */
  readonly badLines: number;
  readonly crcErrors: number;
  /** Sent while no host had the port open, or lost in the terminal at a replug. */
  readonly notDelivered: number;
  /** Whether every sample sent while connected was recorded exactly once (see the file's doc). */
  readonly exactlyOnce: boolean;
  /** RSS at 5 min (or the first report when shorter) and at the end, and the growth between [MB]. */
  readonly rssAt5MinMB: number;
  readonly rssEndMB: number;
  readonly rssMaxAfter5MinMB: number;
  readonly rssGrowthAfter5MinMB: number;
  /**
   * Least-squares slope of RSS over the reports after 5 min [MB/h]: a leak climbs steadily, while
   * the garbage collector's sawtooth moves the maximum by several MB either way.
   */
  readonly rssSlopeMBPerHour: number;
}

/** Least-squares slope of `y` over `x` (0 for fewer than two points). */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

const sleepMs = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Per connection: the seq of the first and last sample received, and how many came. */
interface Connection {
  firstSeq: number;
  lastSeq: number;
  count: number;
  duplicates: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const reportEveryS = options.reportEveryS ?? 60;
  const disconnectEveryS = options.disconnectEveryS ?? 600;
  const downS = options.downS ?? 1.5;
  const rateHz = options.rateHz ?? 100;
  const corruptRate = options.corruptRate ?? 0.01;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "looptwin-soak-"));
  // `--out DIR` names a folder to keep the link and the recording in: made if it is not there yet.
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(
      `--out: cannot make the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const link = join(dir, "ttySOAK0");
  const recordingPath = join(dir, "soak.ndjson");
  const faults = corruptRate > 0 ? [parseFaultSpec(`link_corrupt:value=${corruptRate}`, "--corrupt")] : [];
  const startEmulator = (): Promise<PtyEmulator> =>
    PtyEmulator.start({ linkPath: link, seed: 7, faults, speed: 1 });

  let emulator = await startEmulator();
  let sentBefore = 0;
  const relay = new RecordingRelay(wallClock);
  const source = new SerialSource({ path: link, rateHz, record: relay });
  const monitor = createMonitor({ rateHz });
  const connections: Connection[] = [];
  let current: Connection | null = null;
  let received = 0;
  let disconnectGaps = 0;
  source.subscribe((e) => {
    if (e.kind === "sample") {
      received++;
      monitor.step(e.sample);
      const seq = e.sample.seq;
      if (current === null || seq < current.firstSeq) {
        current = { firstSeq: seq, lastSeq: seq, count: 1, duplicates: 0 };
        connections.push(current);
        return;
      }
      if (seq <= current.lastSeq) current.duplicates++;
      else current.lastSeq = seq;
      current.count++;
    } else if (e.kind === "gap") {
      monitor.markGap(e.fromTS, e.toTS);
      if (e.reason === "disconnect") {
        disconnectGaps++;
        current = null;
      }
    }
  });
  // With 1 % of the bytes corrupted a handshake can fail (HELLO and every ACK of RATE lost, or
  // late on a loaded machine): a bench engineer would try again, so does the soak (the reconnects
  // later retry on their own).
  let openAttempts = 0;
  for (;;) {
    try {
      openAttempts++;
      await source.open(AbortSignal.timeout(20_000));
      break;
    } catch (e) {
      if (openAttempts >= 3) throw e;
    }
  }
  const writer = new RecordingWriter(
    recordingPath,
    {
      source: { kind: "pty", path: link },
      rig: { calibration: DEFAULT_SENSOR_CALIBRATION },
      hello: null,
      writer: "looptwin soak",
    },
    { startMs: relay.startMs },
  );
  relay.attach(writer);

  const reports: SoakReport[] = [];
  const t0 = performance.now();
  const elapsedS = (): number => (performance.now() - t0) / 1000;
  let replugs = 0;
  /** Between a stop and the next start: the stopped emulator's count is in `sentBefore` already. */
  let unplugged = false;
  const report = (): void => {
    const m = process.memoryUsage();
    const spaces = getHeapSpaceStatistics();
    const spaceMB = (name: string): number =>
      (spaces.find((s) => s.space_name === name)?.space_size ?? Number.NaN) / 1e6;
    const r: SoakReport = {
      tS: Math.round(elapsedS()),
      rssMB: m.rss / 1e6,
      heapUsedMB: m.heapUsed / 1e6,
      heapTotalMB: m.heapTotal / 1e6,
      newSpaceMB: spaceMB("new_space"),
      oldSpaceMB: spaceMB("old_space"),
      // `external` includes the array buffers (Buffers) already.
      externalMB: m.external / 1e6,
      received,
      sentByDevice: sentBefore + (unplugged ? 0 : emulator.device.nextSeq),
      gaps: source.stats().gaps,
      crcErrors: source.stats().stream.crc_errors,
      replugs,
    };
    reports.push(r);
    options.onReport?.(r);
  };
  const stop = new AbortController();
  const reporter = setInterval(report, reportEveryS * 1000);
  const replugger = (async () => {
    for (;;) {
      await sleepMs(disconnectEveryS * 1000, stop.signal);
      if (stop.signal.aborted) return;
      sentBefore += emulator.device.nextSeq;
      unplugged = true;
      await emulator.stop();
      await sleepMs(downS * 1000);
      emulator = await startEmulator();
      unplugged = false;
      replugs++;
    }
  })();
  await sleepMs(options.durationS * 1000);
  stop.abort();
  await replugger;
  clearInterval(reporter);
  report();
  await source.close();
  writer.close();
  const sentByDevice = sentBefore + emulator.device.nextSeq;
  await emulator.stop();

  // The recording, read back.
  const { records } = await readRecording(recordingPath);
  let recorded = 0;
  let recordedOutOfOrder = 0;
  let lastTS = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.type !== "sample") continue;
    recorded++;
    if (!(r.sample.tS > lastTS)) recordedOutOfOrder++;
    lastTS = r.sample.tS;
  }
  if (!options.keep) rmSync(dir, { recursive: true, force: true });

  const stream = source.stats().stream;
  const badLines = stream.crc_errors + stream.malformed + stream.unknown;
  let lostInConnection = 0;
  let duplicates = 0;
  let spanned = 0;
  for (const c of connections) {
    const span = c.lastSeq - c.firstSeq + 1;
    spanned += span;
    lostInConnection += span - (c.count - c.duplicates);
    duplicates += c.duplicates;
  }
  const exactlyOnce =
    duplicates === 0 &&
    recordedOutOfOrder === 0 &&
    recorded === received &&
    // Every missing sample inside a connection is explained by a line the host could not use: one
    // unusable line hides at most two samples (a corrupted newline joins two lines into one).
    lostInConnection <= 2 * badLines;
  const at5 = reports.find((r) => r.tS >= 300) ?? reports[0]!;
  const after5 = reports.filter((r) => r.tS >= at5.tS);
  const rssMaxAfter5MinMB = Math.max(...after5.map((r) => r.rssMB));
  const rssEndMB = reports.at(-1)!.rssMB;
  return {
    reports,
    replugs,
    disconnectGaps,
    sentByDevice,
    received,
    recorded,
    recordedOutOfOrder,
    lostInConnection,
    badLines,
    crcErrors: stream.crc_errors,
    notDelivered: sentByDevice - spanned,
    exactlyOnce,
    rssAt5MinMB: at5.rssMB,
    rssEndMB,
    rssMaxAfter5MinMB,
    rssGrowthAfter5MinMB: rssMaxAfter5MinMB - at5.rssMB,
    rssSlopeMBPerHour:
      slope(
        after5.map((r) => r.tS),
        after5.map((r) => r.rssMB),
      ) * 3600,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hours: { type: "string", default: "1" },
      "report-every": { type: "string", default: "60" },
      "disconnect-every": { type: "string", default: "600" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const positive = (name: string, text: string): number => {
    const v = Number(text);
    if (!(v > 0 && Number.isFinite(v))) throw new Error(`--${name} must be a number > 0 (got '${text}')`);
    return v;
  };
  const hours = positive("hours", values.hours);
  const f = (x: number): string => x.toFixed(1);
  const r = await runSoak({
    durationS: hours * 3600,
    reportEveryS: positive("report-every", values["report-every"]),
    disconnectEveryS: positive("disconnect-every", values["disconnect-every"]),
    ...(values.out !== undefined ? { dir: values.out, keep: true } : {}),
    onReport: (p) => {
      if (values.json) return;
      process.stdout.write(
        `t=${p.tS} s rss ${f(p.rssMB)} MB heap ${f(p.heapUsedMB)} of ${f(p.heapTotalMB)} MB (new ${f(p.newSpaceMB)}, old ${f(p.oldSpaceMB)}) external ${f(p.externalMB)} MB received ${p.received} sent ${p.sentByDevice} gaps ${p.gaps} crc ${p.crcErrors} replugs ${p.replugs}\n`,
      );
    },
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(
    `soak ${hours} h: ${r.replugs} replugs, ${r.disconnectGaps} disconnect gaps; device sent ${r.sentByDevice}, received ${r.received}, recorded ${r.recorded} (${r.recordedOutOfOrder} twice or out of order); ` +
      `lost inside connections ${r.lostInConnection} against ${r.badLines} unusable lines (${r.crcErrors} CRC errors); not delivered (no host on the port) ${r.notDelivered}; exactly once: ${r.exactlyOnce ? "yes" : "NO"}\n` +
      `RSS ${f(r.rssAt5MinMB)} MB at 5 min, ${f(r.rssEndMB)} MB at the end, growth after 5 min ${f(r.rssGrowthAfter5MinMB)} MB (target <= 10), trend ${f(r.rssSlopeMBPerHour)} MB/h\n`,
  );
  if (!r.exactlyOnce) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`soak: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
