/**
 * A recording (NDJSON, recording.ts) played back as a {@link RigSource}: exactly the samples that
 * were recorded, with the recorded HELLOs, device events and gaps, paced by the recorded host
 * time at `speed` times real time, or as fast as the consumer takes them (`"max"`). The link is
 * REPLAY while it plays and DISCONNECTED ("end of recording") after the last record. Commands
 * cannot be sent to a recording: `send` rejects with a {@link LinkDownError}.
 *
 * Raw received lines, when the recording has them, are counted through the protocol's stream
 * statistics, so a replay reports CRC errors, gaps and lost samples as the live run saw them.
 */
import { createRigSample, type RigSample } from "../../model/rigSample.js";
import { withCrc } from "../../protocol/format.js";
import type { DeviceEvent, HelloMessage } from "../../protocol/messages.js";
import { parseDeviceLine } from "../../protocol/parse.js";
import { StreamStats } from "../../protocol/streamStats.js";
import { AbortedError, LinkDownError } from "../source/rigErrors.js";
import {
  type LinkState,
  type LinkStats,
  type RigEvent,
  RigEventHub,
  type RigSource,
} from "../source/rigSource.js";
import { type Scheduler, sleep, wallScheduler } from "../source/scheduler.js";
import { type HeaderRecord, type RecordedHello, type RecordingRecord, SAMPLE_FIELDS } from "./recording.js";
import { openRecording, type RecordingReadStats } from "./recordingReader.js";

export interface ReplaySourceOptions {
  readonly path: string;
  /** Recorded time per wall time, or "max". @default "max" */
  readonly speed?: number | "max";
  /** Clock for pacing. @default wallScheduler */
  readonly scheduler?: Scheduler;
}

function toHello(h: RecordedHello): HelloMessage {
  return { type: "HELLO", ...h };
}

export class ReplaySource implements RigSource {
  readonly kind = "replay";
  readonly path: string;
  private readonly speed: number | "max";
  private readonly scheduler: Scheduler;
  private readonly hub = new RigEventHub();
  private readonly streamStats = new StreamStats();
  private readonly sample: RigSample = createRigSample();
  private readonly sampleEvent: RigEvent = { kind: "sample", sample: this.sample };
  private linkState: LinkState = "DISCONNECTED";
  private helloMsg: HelloMessage | null = null;
  private headerRecord: HeaderRecord | null = null;
  private readStats: RecordingReadStats | null = null;
  private abort: AbortController | null = null;
  private playing: Promise<void> | null = null;
  private samples = 0;
  private gaps = 0;
  private finished = false;
  /** Why the replay stopped early, if it did. */
  failure: Error | null = null;

  constructor(options: ReplaySourceOptions) {
    this.path = options.path;
    this.speed = options.speed ?? "max";
    if (this.speed !== "max" && !(this.speed > 0))
      throw new RangeError(`speed must be > 0 (got ${this.speed})`);
    this.scheduler = options.scheduler ?? wallScheduler;
  }

  get state(): LinkState {
    return this.linkState;
  }

  get hello(): HelloMessage | null {
    return this.helloMsg;
  }

  /** The recording's header (after open). */
  get header(): HeaderRecord | null {
    return this.headerRecord;
  }

  /** Resolves when the whole recording has been played (or the source closed). */
  get done(): Promise<void> {
    return this.playing ?? Promise.resolve();
  }

  /** Opens the file and reads its header (InputFileError if it is not a recording); playing starts. */
  async open(signal?: AbortSignal): Promise<void> {
    if (this.playing !== null) return;
    const abort = new AbortController();
    this.abort = abort;
    signal?.addEventListener("abort", () => abort.abort(), { once: true });
    const rec = await openRecording(this.path, abort.signal);
    this.headerRecord = rec.header;
    this.readStats = rec.stats;
    this.helloMsg = rec.header.hello === null ? null : toHello(rec.header.hello);
    this.hub.reopen();
    this.setState("REPLAY", "replaying");
    if (this.helloMsg !== null) this.hub.emit({ kind: "hello", hello: this.helloMsg, reboot: false });
    this.playing = this.play(rec.records, abort.signal);
  }

  async close(): Promise<void> {
    this.abort?.abort();
    await this.playing;
    this.finish("closed");
  }

  events(options?: { readonly capacity?: number }): AsyncIterable<RigEvent> {
    return this.hub.iterable(options?.capacity);
  }

  subscribe(listener: (e: RigEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  send(): Promise<void> {
    return Promise.reject(new LinkDownError("send: a recording cannot take commands", this.linkState));
  }

  stats(): LinkStats {
    return {
      state: this.linkState,
      path: this.path,
      uid: this.helloMsg?.uid ?? null,
      bytesIn: 0,
      bytesOut: 0,
      stream: this.streamStats.summary(),
      commands: { sent: 0, retries: 0, acks: 0, naks: 0, timeouts: 0, stray: 0 },
      reconnects: 0,
      gaps: this.gaps,
      samples: this.samples,
      droppedEvents: this.hub.dropped,
    };
  }

  /** What the reader skipped (bad lines, a cut last line), once played. */
  get recordingStats(): RecordingReadStats | null {
    return this.readStats;
  }

  private async play(records: AsyncIterable<RecordingRecord>, signal: AbortSignal): Promise<void> {
    const wall0 = this.scheduler.nowMs();
    let at0 = Number.NaN;
    let sinceYield = 0;
    try {
      for await (const r of records) {
        if (signal.aborted) break;
        if (r.type === "unknown") continue;
        if (this.speed !== "max" && r.type !== "raw") {
          if (Number.isNaN(at0)) at0 = r.atMs;
          const dueMs = wall0 + (r.atMs - at0) / this.speed;
          const waitMs = dueMs - this.scheduler.nowMs();
          if (waitMs > 1) await sleep(this.scheduler, waitMs, signal);
        } else if (++sinceYield >= 512) {
          // Let consumers run now and then, even at full speed.
          sinceYield = 0;
          await new Promise((res) => setImmediate(res));
        }
        switch (r.type) {
          case "sample": {
            const s = this.sample;
            for (const k of SAMPLE_FIELDS) s[k] = r.sample[k];
            this.samples++;
            this.hub.emit(this.sampleEvent);
            break;
          }
          case "raw":
            if (r.dir === "rx") this.streamStats.observe(parseDeviceLine(Buffer.from(r.line, "latin1")));
            break;
          case "hello":
            this.helloMsg = toHello(r.hello);
            this.hub.emit({ kind: "hello", hello: this.helloMsg, reboot: false });
            break;
          case "event": {
            const p = parseDeviceLine(withCrc(`EVT,${r.code},${r.detail}`));
            const event: DeviceEvent =
              p.ok && p.value.type === "EVT"
                ? p.value.event
                : { code: "unrecognized", rawCode: r.code, detail: r.detail };
            this.hub.emit({ kind: "device_event", event });
            break;
          }
          case "gap":
            this.gaps++;
            this.hub.emit({
              kind: "gap",
              reason: r.reason,
              fromTS: r.fromTS,
              toTS: r.toTS,
              lostSamples: r.lostSamples ?? 0,
            });
            break;
          default:
            // twin, residual, alarm, command, answer, link, label, note: not source events.
            break;
        }
      }
    } catch (e) {
      if (!(e instanceof AbortedError) && !signal.aborted) {
        // A read error mid-file: the replay ends there, and says why.
        this.failure = e as Error;
        this.finish(`replay failed: ${(e as Error).message}`);
        return;
      }
    }
    this.finish(signal.aborted ? "closed" : "end of recording");
  }

  private finish(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.setState("DISCONNECTED", reason);
    this.hub.close();
  }

  private setState(state: LinkState, reason: string): void {
    this.linkState = state;
    this.hub.emit({ kind: "link", state, reason });
  }
}
