/**
 * One remote rig's live view, built from broker messages: the dashboard's pure view model
 * (src/dashboard/viewModel.ts) fed with the samples, the twin's prediction and residuals, the
 * open alarms, the loop figures and the status a rig publishes, exactly as a local session feeds
 * it. Read-only: nothing goes back to the rig. Malformed messages are counted and skipped.
 */

import type { DashboardViewModel } from "../dashboard/viewModel.js";
import type { AlarmState } from "../detect/alarms/alarmManager.js";
import {
  createMonitorOutput,
  type LoopPerformanceFigures,
  NO_PERFORMANCE,
} from "../detect/monitor/monitorTypes.js";
import { createRigSample } from "../model/rigSample.js";
import type { LinkState } from "../rig/source/rigSource.js";
import { decodePayload } from "./payloadDecode.js";
import { TELEMETRY_SAMPLE_FIELDS, TELEMETRY_TWIN_FIELDS } from "./payloads.js";
import { parseTopic } from "./topics.js";

const LINK_STATES: readonly string[] = ["CONNECTED", "RECONNECTING", "DISCONNECTED", "REPLAY"];
const STABILITY: readonly string[] = ["settling", "steady", "drifting", "oscillating"];

export class RemoteRigFeed {
  readonly rig: string;
  private readonly prefix: string;
  private vm: DashboardViewModel;
  private readonly newViewModel: () => DashboardViewModel;
  private readonly sample = createRigSample();
  private readonly out = createMonitorOutput();
  private malformedCount = 0;
  /** Column of each telemetry field in the last batch's field list (re-read when the list changes). */
  private fieldsKey = "";
  private readonly col = new Map<string, number>();
  private statusText = "";

  /** `newViewModel` makes the view model it feeds, again when the rig starts a new session. */
  constructor(prefix: string, rig: string, newViewModel: () => DashboardViewModel) {
    this.prefix = prefix;
    this.rig = rig;
    this.newViewModel = newViewModel;
    this.vm = this.freshViewModel();
  }

  /** The view model fed now (replaced when the rig restarts: its rig time starts again at 0). */
  get viewModel(): DashboardViewModel {
    return this.vm;
  }

  private freshViewModel(): DashboardViewModel {
    const vm = this.newViewModel();
    // A remote rig's setpoints are not published: shown as unknown.
    vm.setSetpoints({ pumpDuty: Number.NaN, heaterDuty: Number.NaN, fanDuty: Number.NaN });
    vm.setOverride("remote rig: read-only view through the broker");
    return vm;
  }

  get malformed(): number {
    return this.malformedCount;
  }

  /** The rig's status as one phrase (`online, CONNECTED` or `offline: stopped (SIGINT)`). */
  get status(): string {
    return this.statusText;
  }

  /** Applies one message if it is this rig's. */
  apply(topic: string, payload: Uint8Array | string): void {
    const t = parseTopic(this.prefix, topic);
    if (!t.ok || t.value.rig !== this.rig) return;
    const d = decodePayload(t.value, payload);
    if (!d.ok) {
      this.malformedCount++;
      return;
    }
    const m = d.value;
    switch (m.kind) {
      case "telemetry": {
        const key = m.fields.join(",");
        if (key !== this.fieldsKey) {
          this.fieldsKey = key;
          this.col.clear();
          for (let i = 0; i < m.fields.length; i++) this.col.set(m.fields[i]!, i);
        }
        for (const row of m.rows) this.addRow(row);
        return;
      }
      case "alarms/open":
        this.vm.setOpenAlarms(
          m.alarms.map(
            (a): AlarmState => ({
              ...a,
              acknowledgedAtS: Number.NaN,
              level: Number.NaN,
              peakLevel: Number.NaN,
            }),
          ),
        );
        return;
      case "alarms":
        if (m.event === "raised" || m.event === "escalated")
          this.vm.setNotice(`ALARM ${m.severity}: ${m.diagnosis || m.cause}`, "error");
        return;
      case "performance": {
        const f = m.figures;
        const perf: LoopPerformanceFigures = {
          ...NO_PERFORMANCE,
          heatDeliveredW: f.heatDeliveredW ?? Number.NaN,
          heatRejectedW: f.heatRejectedW ?? Number.NaN,
          hxEffectiveness: f.hxEffectiveness ?? Number.NaN,
          thermalResistanceKPerW: f.thermalResistanceKPerW ?? Number.NaN,
          timeConstantS: f.timeConstantS ?? Number.NaN,
          stability: (STABILITY.includes(m.stability)
            ? m.stability
            : "settling") as LoopPerformanceFigures["stability"],
          rmseTHotK: f.rmseTHotK ?? Number.NaN,
          rmseTColdK: f.rmseTColdK ?? Number.NaN,
          rmseFlowLpm: f.rmseFlowLpm ?? Number.NaN,
        };
        this.vm.setPerformance(perf);
        return;
      }
      case "status":
        this.statusText = m.online ? `online, ${m.link}` : `offline: ${m.reason}`;
        this.vm.setLink({
          source: `${this.rig} (${m.source})`,
          state: (LINK_STATES.includes(m.link) ? m.link : "DISCONNECTED") as LinkState,
          firmware: m.firmware,
          recording: null,
          crcErrors: 0,
          lostSamples: 0,
          reconnects: 0,
          malformed: this.malformedCount,
        });
        if (!m.online) this.vm.setNotice(`rig offline: ${m.reason}`, "error");
        return;
      case "hil_verdict":
      case "hil_summary":
        return;
    }
  }

  private addRow(row: Float64Array): void {
    const v = (name: string): number => {
      const i = this.col.get(name);
      return i === undefined ? Number.NaN : row[i]!;
    };
    const s = this.sample;
    s.tS = v("tS");
    if (!Number.isFinite(s.tS)) {
      this.malformedCount++;
      return;
    }
    // Rig time going back by more than a second: a new session (the charts start over).
    if (s.tS < this.vm.latestTimeS - 1) this.vm = this.freshViewModel();
    for (const k of TELEMETRY_SAMPLE_FIELDS) s[k] = v(k);
    s.flags = v("flags") | 0;
    const o = this.out;
    o.tS = s.tS;
    for (const k of TELEMETRY_TWIN_FIELDS) o[k] = v(k);
    this.vm.addSample(s, o);
  }
}
