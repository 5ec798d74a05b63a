/**
 * The live stream into the store (docs/web.md "Live"): each message of `/ws`
 * (src/web/liveMessages.ts, the contract) becomes the store's samples, alarms, labels, figures,
 * status and setpoints. Pure: the tests feed it messages and read the store. A message that is
 * not the contract's (bad JSON, an unknown type, a short column) is counted and skipped.
 */
import { NO_PERFORMANCE } from "../../src/detect/monitor/monitorTypes.js";
import {
  LIVE_PROTOCOL_VERSION,
  type LivePerformance,
  type LiveServerMessage,
  type SampleColumn,
} from "../../src/web/liveMessages.js";
import { createStoreRow, type PageStore, type StoreColumn } from "./pageStore.js";

/** The stream's column behind each store column. */
export const STORE_FROM_STREAM: Readonly<Record<StoreColumn, SampleColumn>> = {
  tHotC: "t_hot_c",
  tColdC: "t_cold_c",
  twinTHotC: "twin_t_hot_c",
  twinTColdC: "twin_t_cold_c",
  flowLpm: "flow_lpm",
  twinFlowLpm: "twin_flow_lpm",
  resTHotBand: "res_t_hot_n",
  resTColdBand: "res_t_cold_n",
  resFlowBand: "res_flow_n",
  pumpSetpoint: "pump_set",
  pumpApplied: "pump_duty",
  heaterSetpoint: "heater_set",
  heaterApplied: "heater_duty",
  fanSetpoint: "fan_set",
  fanApplied: "fan_duty",
};

const STORE_KEYS = Object.keys(STORE_FROM_STREAM) as StoreColumn[];

const num = (v: number | null | undefined): number => (typeof v === "number" ? v : Number.NaN);

function performanceOf(f: LivePerformance) {
  return {
    ...NO_PERFORMANCE,
    heatDeliveredW: num(f.heat_delivered_w),
    heatRejectedW: num(f.heat_rejected_w),
    hxEffectiveness: num(f.hx_effectiveness),
    thermalResistanceKPerW: num(f.thermal_resistance_k_per_w),
    timeConstantS: num(f.time_constant_s),
    stability: f.stability,
    rmseTHotK: num(f.rmse_t_hot_k),
    rmseTColdK: num(f.rmse_t_cold_k),
    rmseFlowLpm: num(f.rmse_flow_lpm),
  };
}

/** What the feed learnt from `hello` that the page acts on. */
export interface LiveHello {
  readonly control: boolean;
  readonly connectionId: string;
  readonly readOnly: boolean;
  readonly emulator: boolean;
}

export class LiveFeed {
  private readonly store: PageStore;
  private readonly row = createStoreRow();
  /** Frames that were not the contract's, skipped. */
  badFrames = 0;
  /** The latest `bye` reason, "" while the session runs. */
  bye = "";
  hello: LiveHello | null = null;
  /** The server's one-line messages for the operator ("" withdraws the last). */
  onNotice: (text: string, level: "info" | "error") => void = () => {};

  constructor(store: PageStore) {
    this.store = store;
  }

  /** One text frame; false (counted) when it is not a message of the contract. */
  handleFrame(text: string): boolean {
    let msg: LiveServerMessage;
    try {
      msg = JSON.parse(text) as LiveServerMessage;
    } catch {
      this.badFrames++;
      return false;
    }
    if (msg === null || typeof msg !== "object" || typeof (msg as { type?: unknown }).type !== "string") {
      this.badFrames++;
      return false;
    }
    try {
      return this.handle(msg);
    } catch {
      // A field of the wrong shape: skip the frame, never the stream.
      this.badFrames++;
      return false;
    }
  }

  private handle(msg: LiveServerMessage): boolean {
    const store = this.store;
    switch (msg.type) {
      case "hello": {
        if (msg.version !== LIVE_PROTOCOL_VERSION) {
          this.badFrames++;
          return false;
        }
        this.hello = {
          control: msg.control,
          connectionId: msg.connection_id,
          readOnly: msg.rig.read_only,
          emulator: msg.rig.emulator,
        };
        store.clear();
        store.setLink({
          ...store.link,
          source: msg.rig.source,
          firmware: msg.rig.firmware,
          state: "CONNECTED",
        });
        return true;
      }
      case "samples": {
        const cols = msg.columns;
        const tCol = cols.t_s;
        if (!Array.isArray(tCol)) throw new Error("samples without t_s");
        const row = this.row;
        for (let i = 0; i < tCol.length; i++) {
          for (const k of STORE_KEYS) {
            const col = cols[STORE_FROM_STREAM[k]];
            row[k] = col === undefined ? Number.NaN : num(col[i]);
          }
          const t = tCol[i];
          if (typeof t === "number") store.addSample(t, row);
        }
        return true;
      }
      case "alarm":
        store.addAlarmEvent({
          tS: msg.t_s,
          type: msg.event,
          severity: msg.severity,
          cause: msg.cause,
          diagnosis: msg.diagnosis,
        });
        return true;
      case "alarms":
        store.setOpenAlarms(
          msg.open.map((a) => ({
            alarmId: a.alarm_id,
            cause: a.cause,
            severity: a.severity,
            raisedAtS: a.raised_at_s,
            acknowledged: a.acknowledged,
            conditionActive: a.condition_active,
            diagnosis: a.diagnosis,
            evidence: a.evidence,
          })),
        );
        return true;
      case "performance":
        store.setPerformance(performanceOf(msg.figures));
        return true;
      case "status": {
        const s = msg.status;
        store.override = s.override;
        // Absent from servers before the learned detector went live: none runs.
        store.learned = s.learned ?? null;
        store.setLink({
          source: s.source,
          state: s.link,
          firmware: s.firmware,
          recording: s.recording,
          crcErrors: s.crc_errors,
          lostSamples: s.lost_samples,
          reconnects: s.reconnects,
          malformed: s.malformed,
        });
        return true;
      }
      case "label":
        store.addLabel({ tS: msg.t_s, action: msg.action, text: msg.fault });
        return true;
      case "faults":
        store.setInjections(msg.active.map((f) => f.label));
        return true;
      case "setpoints":
        store.setSetpoints({
          pumpDuty: num(msg.pump_duty),
          heaterDuty: num(msg.heater_duty),
          fanDuty: num(msg.fan_duty),
        });
        return true;
      case "notice":
        this.onNotice(msg.text, msg.level);
        return true;
      case "bye":
        this.bye = msg.reason;
        return true;
      default:
        // A newer server's message type: ignored (a minor change of the contract).
        return true;
    }
  }
}
