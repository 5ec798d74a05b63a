/**
 * The text panels, rendered from the store: status bar, chart read-outs, alarms (diagnosis,
 * evidence, severity, acknowledge), the alarm log, loop figures and the injections in force.
 * Rendering replaces a panel's children only when its content changed (a key per panel), so a
 * focused acknowledge button keeps its focus between refreshes.
 */
import type { ChartDef } from "./charts.js";
import { el, fmt, fmtTimeS } from "./dom.js";
import { learnedReadout, learnedText } from "./learnedText.js";
import type { PageStore, StoreColumn } from "./pageStore.js";

export interface PanelTargets {
  readonly status: HTMLElement;
  readonly alarms: HTMLElement;
  readonly alarmLog: HTMLElement;
  readonly figures: HTMLElement;
  readonly injections: HTMLElement;
  /** Read-out element of each chart. */
  readonly readouts: ReadonlyMap<ChartDef, HTMLElement>;
}

/** What an acknowledge button asks for (the alarm's cause). */
export type AcknowledgeHandler = (cause: string) => void;

const UNITS: Partial<Record<StoreColumn, string>> = {
  tHotC: " C",
  twinTHotC: " C",
  tColdC: " C",
  twinTColdC: " C",
  flowLpm: " L/min",
  twinFlowLpm: " L/min",
};

export class Panels {
  private readonly t: PanelTargets;
  private readonly store: PageStore;
  private readonly onAck: AcknowledgeHandler;
  private readonly keys = new Map<HTMLElement, string>();
  /** Whether acknowledge buttons are offered (live mode without control: no). */
  canAcknowledge = true;

  constructor(targets: PanelTargets, store: PageStore, onAck: AcknowledgeHandler) {
    this.t = targets;
    this.store = store;
    this.onAck = onAck;
  }

  /** Replaces `target`'s children with `build()`'s when `key` differs from the last render. */
  private renderIf(target: HTMLElement, key: string, build: () => Node[]): void {
    if (this.keys.get(target) === key) return;
    this.keys.set(target, key);
    target.replaceChildren(...build());
  }

  render(): void {
    this.renderStatus();
    this.renderReadouts();
    this.renderAlarms();
    this.renderLog();
    this.renderFigures();
    this.renderInjections();
  }

  private setStatus(name: string, text: string, cls = ""): void {
    const dd = this.t.status.querySelector<HTMLElement>(`[data-status="${name}"]`);
    if (dd === null) return;
    if (dd.textContent !== text) dd.textContent = text;
    if (dd.className !== cls) dd.className = cls;
  }

  private renderStatus(): void {
    const s = this.store;
    const l = s.link;
    this.setStatus("source", l.source || "–");
    this.setStatus("link", l.state, l.state === "CONNECTED" || l.state === "REPLAY" ? "good" : "bad");
    this.setStatus("firmware", l.firmware || "–");
    this.setStatus("recording", l.recording ?? "off");
    this.setStatus("time", `${fmtTimeS(s.latestTS)}${s.paused ? " (paused)" : ""}`);
    const top = s.openAlarms[0];
    this.setStatus(
      "alarm",
      top === undefined ? "none" : `${top.severity.toUpperCase()}: ${top.diagnosis || top.cause}`,
      top === undefined ? "good" : "bad",
    );
  }

  private renderReadouts(): void {
    const s = this.store;
    const range = s.visibleRange();
    const last = range.length - 1;
    for (const [def, target] of this.t.readouts) {
      const parts: (readonly [string, string])[] = def.series.map((ser) => {
        const v = last >= 0 ? (s.columnOf(ser.column, range)[last] as number) : Number.NaN;
        return [ser.column, `${ser.label} ${fmt(v, ser.decimals)}${UNITS[ser.column] ?? ""}`] as const;
      });
      // The learned detector's score against its threshold beside the residuals (issue 17).
      if (def.id === "residuals" && s.learned !== null) parts.push(["learned", learnedReadout(s.learned)]);
      this.renderIf(target, parts.map((p) => p[1]).join("|"), () =>
        parts.flatMap(([column, text]) => {
          const span = el("span", "", text);
          span.dataset.value = column;
          // A space between read-outs for screen readers and copied text (the gap is CSS).
          return [span, document.createTextNode(" ")];
        }),
      );
    }
  }

  private renderAlarms(): void {
    const open = this.store.openAlarms;
    const key = `${this.canAcknowledge}|${open
      .map(
        (a) =>
          `${a.alarmId}:${a.severity}:${a.acknowledged}:${a.conditionActive}:${a.diagnosis}:${a.evidence.join(";")}`,
      )
      .join("|")}`;
    this.renderIf(this.t.alarms, key, () => {
      if (open.length === 0) return [el("li", "none", "No open alarm.")];
      return open.map((a) => {
        const li = el("li", a.severity);
        li.dataset.cause = a.cause;
        const state = a.acknowledged
          ? "acknowledged"
          : a.conditionActive
            ? "active"
            : "returned, waiting for acknowledgement";
        li.append(
          el("div", "what", `${a.severity.toUpperCase()} ${a.diagnosis || a.cause}`),
          el("div", "hint", `${a.cause} · raised at ${fmtTimeS(a.raisedAtS)} · ${state}`),
        );
        if (a.evidence.length > 0) {
          const ul = el("ul", "evidence");
          for (const ev of a.evidence) ul.append(el("li", "", ev));
          li.append(ul);
        }
        if (!a.acknowledged && this.canAcknowledge) {
          const b = el("button", "", "Acknowledge");
          b.type = "button";
          b.setAttribute("aria-label", `Acknowledge ${a.diagnosis || a.cause}`);
          b.addEventListener("click", () => this.onAck(a.cause));
          li.append(b);
        }
        return li;
      });
    });
  }

  private renderLog(): void {
    const log = this.store.alarmLog;
    const key = `${log.length}|${log[0]?.tS}|${log[0]?.type}`;
    this.renderIf(this.t.alarmLog, key, () =>
      log
        .slice(0, 50)
        .map((e) => el("li", "", `${fmtTimeS(e.tS)} ${e.type} ${e.severity} ${e.diagnosis || e.cause}`)),
    );
  }

  private renderFigures(): void {
    const p = this.store.performance;
    const l = this.store.link;
    const rows: [string, string][] = [
      ["heat delivered", `${fmt(p.heatDeliveredW, 1)} W`],
      ["heat rejected", `${fmt(p.heatRejectedW, 1)} W`],
      ["HX effectiveness", fmt(p.hxEffectiveness, 3)],
      ["R_th", `${fmt(p.thermalResistanceKPerW, 4)} K/W`],
      ["time constant", `${fmt(p.timeConstantS, 0)} s`],
      ["stability", p.stability],
      ["twin fit T_hot", `${fmt(p.rmseTHotK, 3)} K rms`],
      ["twin fit T_cold", `${fmt(p.rmseTColdK, 3)} K rms`],
      ["twin fit flow", `${fmt(p.rmseFlowLpm, 3)} L/min rms`],
      ["CRC errors", String(l.crcErrors)],
      ["lost samples", String(l.lostSamples)],
      ["malformed", String(l.malformed)],
      ["reconnects", String(l.reconnects)],
    ];
    if (this.store.override !== "") rows.push(["twin follows", this.store.override]);
    if (this.store.learned !== null) rows.push(["learned detector", learnedText(this.store.learned)]);
    this.renderIf(this.t.figures, rows.map((r) => r.join("=")).join("|"), () =>
      rows.map(([k, v]) => {
        const d = el("div");
        d.style.display = "contents";
        d.append(el("dt", "", k), el("dd", "", v));
        return d;
      }),
    );
  }

  private renderInjections(): void {
    const list = this.store.injections;
    this.renderIf(this.t.injections, list.join("|"), () =>
      list.length === 0 ? [el("li", "hint", "No injection in force.")] : list.map((f) => el("li", "", f)),
    );
  }
}
