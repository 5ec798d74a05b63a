/**
 * Telemetry batching: samples with the twin's prediction and residuals are written into one
 * preallocated table (no allocation per sample) and taken out as one JSON message at most every
 * batch period (docs/mqtt.md: at most 10 telemetry messages a second whatever the sample rate).
 * A batch holds `capacityRows` samples; beyond that (a virtual-time HIL run, thousands of rig
 * seconds per wall second) samples are thinned: left out and counted, never queued.
 */
import { createMonitorOutput, type MonitorOutput } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import { PAYLOAD_VERSION, TELEMETRY_FIELDS, type TELEMETRY_TWIN_FIELDS } from "./payloads.js";

const N_FIELDS = TELEMETRY_FIELDS.length;
const FIELDS_JSON = JSON.stringify(TELEMETRY_FIELDS);

/** The monitor's outputs telemetry carries (a subset of MonitorOutput; NaN where there is no twin). */
export type TelemetryTwin = Pick<MonitorOutput, (typeof TELEMETRY_TWIN_FIELDS)[number]>;

/** No twin (a `record` session): every prediction, residual, band and the score NaN. */
export const NO_TWIN: TelemetryTwin = Object.freeze({ ...createMonitorOutput(), score: Number.NaN });

export class TelemetryBatch {
  readonly capacityRows: number;
  private readonly table: Float64Array;
  private rowCount = 0;
  private thinnedTotal = 0;

  /** @param capacityRows samples per batch; 100 carries a 100 Hz rig at 10 batches a second ten times over. */
  constructor(capacityRows = 1000) {
    if (!(Number.isInteger(capacityRows) && capacityRows > 0))
      throw new RangeError(`capacityRows must be a whole number > 0 (got ${capacityRows})`);
    this.capacityRows = capacityRows;
    this.table = new Float64Array(capacityRows * N_FIELDS);
  }

  get rows(): number {
    return this.rowCount;
  }

  /** Samples left out since the start because a batch was full. */
  get thinned(): number {
    return this.thinnedTotal;
  }

  /** Adds one sample (copied; the caller may reuse its objects). */
  add(s: Readonly<RigSample>, twin: Readonly<TelemetryTwin>): void {
    if (this.rowCount >= this.capacityRows) {
      this.thinnedTotal++;
      return;
    }
    const t = this.table;
    let i = this.rowCount * N_FIELDS;
    // Order of TELEMETRY_FIELDS.
    t[i++] = s.tS;
    t[i++] = s.tHotC;
    t[i++] = s.tColdC;
    t[i++] = s.tAmbC;
    t[i++] = s.flowLpm;
    t[i++] = s.pumpDuty;
    t[i++] = s.heaterDuty;
    t[i++] = s.fanDuty;
    t[i++] = s.flags;
    t[i++] = twin.predTHotC;
    t[i++] = twin.predTColdC;
    t[i++] = twin.predFlowLpm;
    t[i++] = twin.resTHotK;
    t[i++] = twin.resTColdK;
    t[i++] = twin.resFlowLpm;
    t[i++] = twin.bandTHotK;
    t[i++] = twin.bandTColdK;
    t[i++] = twin.bandFlowLpm;
    t[i] = twin.score;
    this.rowCount++;
  }

  /** The batch as a telemetry payload (JSON text), and empties it; null when it holds no sample. */
  take(rig: string, sentAtMs: number): string | null {
    if (this.rowCount === 0) return null;
    let out = `{"v":${PAYLOAD_VERSION},"rig":${JSON.stringify(rig)},"sentAtMs":${sentAtMs},"fields":${FIELDS_JSON},"rows":[`;
    const t = this.table;
    for (let r = 0; r < this.rowCount; r++) {
      out += r === 0 ? "[" : ",[";
      const base = r * N_FIELDS;
      for (let f = 0; f < N_FIELDS; f++) {
        const x = t[base + f]!;
        out += f === 0 ? "" : ",";
        out += Number.isFinite(x) ? String(x) : "null";
      }
      out += "]";
    }
    out += `],"thinned":${this.thinnedTotal}}`;
    this.rowCount = 0;
    return out;
  }
}
