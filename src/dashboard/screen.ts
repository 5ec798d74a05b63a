/**
 * The terminal screen: blessed boxes laid out by layout.ts, filled from the view model by a timer
 * (at most `maxFps` frames a second, whatever the sample rate), keys dispatched to the session.
 * The only module with blessed in it (with blessed-contrib's table for the Alarms panel).
 *
 * Terminal behaviour: smart change-scroll-region updates (blessed's `smartCSR`: only changed cells
 * are written), no mouse, colour off when `NO_COLOR` is set (no-color.org), re-layout on resize,
 * and everything restored by {@link DashboardScreen.destroy}. Modal dialogs (help, fault menu,
 * prompts, confirmation, tuning form) are drawn as boxes and fed by one key handler, so no widget
 * ever grabs the keyboard and Ctrl-C always quits.
 */
import type { Readable, Writable } from "node:stream";
import blessed from "blessed";
import contribTable from "blessed-contrib/lib/widget/table.js";
import { isConfigError } from "../core/errors.js";
import {
  describeInjection,
  type FaultMenuItem,
  faultMenu,
  type InjectionRequest,
} from "../session/injection.js";
import { describeTuning } from "../session/tuning.js";
import type { SessionControl, WatchedSession } from "../session/watchedSession.js";
import { ALARM_TABLE_HEADERS, alarmTableData } from "./alarmsPanel.js";
import type { BlessedLine } from "./cellBlit.js";
import { type CellBoxElement, CellPanels } from "./cellPanels.js";
import { drawChartPanel } from "./chartPanel.js";
import type { ChartPanel } from "./chartSeries.js";
import { type Modal, modalText, setpointForm, tuningForm, wrapText } from "./dialogs.js";
import { escapeTags, fitText } from "./format.js";
import { KEY_BINDINGS, type KeyAction } from "./keyBindings.js";
import { computeLayout, type Layout, PANEL_IDS, type PanelId, type Rect } from "./layout.js";
import { refreshViewModel } from "./sessionView.js";
import { type DashboardViewModel, PANEL_TITLES } from "./viewModel.js";

export interface DashboardScreenOptions {
  /** A local session, or a remote rig (no control: every key that acts on it says read-only). */
  readonly session: WatchedSession;
  readonly viewModel: DashboardViewModel;
  /** Terminal streams. @default process.stdin / process.stdout */
  readonly input?: Readable;
  readonly output?: Writable;
  /** Terminal type. @default $TERM */
  readonly terminal?: string;
  /** Colour on. @default true unless NO_COLOR is set and not empty */
  readonly color?: boolean;
  /** Frames per second at most. @default 10 */
  readonly maxFps?: number;
  /** Called when the operator quits (q, Ctrl-C). */
  readonly onQuit: (reason: string) => void;
  /** Called on Escape with no dialog open (the fleet view's rig view goes back to the list). */
  readonly onBack?: () => void;
}

/** The colour default of no-color.org: NO_COLOR present and not empty turns colour off. */
export function colorFromEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env.NO_COLOR;
  return v === undefined || v === "";
}

const CHART_IDS: readonly ChartPanel[] = ["temperatures", "flow", "residuals"];

/** What a key that acts on the rig says on a remote rig's view. */
export const REMOTE_READ_ONLY = "remote view: read-only";

export class DashboardScreen {
  readonly screen: blessed.Widgets.Screen;
  private readonly session: WatchedSession;
  private readonly vm: DashboardViewModel;
  private readonly color: boolean;
  private readonly onQuit: (reason: string) => void;
  private readonly onBack: (() => void) | undefined;
  private readonly frameMs: number;
  private readonly panels: Record<PanelId, blessed.Widgets.BoxElement>;
  /** Outer width the Alarms table's columns were made for (blessed-contrib fixes them at creation). */
  private alarmTableWidth = -1;
  /** Width of the Alarms table's diagnosis column. */
  private alarmTextWidth = 20;
  private readonly status: blessed.Widgets.BoxElement;
  private readonly modalBox: blessed.Widgets.BoxElement;
  private layout: Layout;
  private modal: Modal = { kind: "none" };
  private timer: NodeJS.Timeout | null = null;
  private readonly lastContent = new Map<blessed.Widgets.BoxElement, string>();
  private destroyed = false;
  private lastAlarmData = "";
  /** The notice on the status line and since when (host ms), so it can be cleared after a while. */
  private notice = "";
  private noticeSinceMs = 0;
  /** Frames drawn (for the bench). */
  frames = 0;
  /**
   * The charts, Pump, Metrics and the status line are drawn as cells into reused grids every frame
   * and copied into blessed's buffer cell by cell (cellPanels.ts); only changed lines go to the
   * terminal, and no element is rendered. blessed's full render (every element parsed and walked
   * cell by cell, then every line diffed) was most of the dashboard's CPU (issue 16). A frame in
   * which no cell changed is not drawn at all.
   */
  private readonly cells: CellPanels;
  /**
   * Something moved, appeared or disappeared, or blessed-drawn text changed (layout, modal, the
   * Alarms table): blessed's full render, in z-order.
   */
  private fullRender = true;

  constructor(options: DashboardScreenOptions) {
    this.session = options.session;
    this.vm = options.viewModel;
    this.color = options.color ?? colorFromEnv(process.env);
    this.onQuit = options.onQuit;
    this.onBack = options.onBack;
    this.frameMs = 1000 / Math.min(10, Math.max(1, options.maxFps ?? 10));
    this.screen = blessed.screen({
      input: (options.input ?? process.stdin) as unknown as Writable,
      output: (options.output ?? process.stdout) as unknown as Readable,
      terminal: options.terminal ?? process.env.TERM ?? "xterm-256color",
      smartCSR: true,
      forceUnicode: true,
      // No docking: the panels never share a border cell, so docking joined nothing, but it turned
      // a chart's y tick (┤) on a row where a right-hand panel's border runs into a plain │.
      dockBorders: false,
      autoPadding: true,
      warnings: false,
      sendFocus: false,
      title: "looptwin dashboard",
    } as blessed.Widgets.IScreenOptions);
    // Unicode box drawing instead of the alternate character set: fewer bytes, and what tmux
    // capture-pane and terminal logs show is what the operator saw.
    (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    this.layout = computeLayout(this.screen.width as number, this.screen.height as number);
    const border = this.color ? { fg: "gray" } : {};
    const make = (id: PanelId): blessed.Widgets.BoxElement =>
      blessed.box({
        parent: this.screen,
        label: ` ${PANEL_TITLES[id]} `,
        tags: true,
        border: { type: "line" },
        style: { border, label: this.color ? { fg: "white", bold: true } : { bold: true } },
        wrap: false,
      });
    this.panels = {
      temperatures: make("temperatures"),
      flow: make("flow"),
      residuals: make("residuals"),
      pump: make("pump"),
      alarms: this.makeAlarmTable(this.layout.panels.alarms?.width ?? 40),
      metrics: make("metrics"),
    };
    this.status = blessed.box({
      parent: this.screen,
      tags: false,
      height: 1,
      style: { inverse: true },
      wrap: false,
    });
    this.modalBox = blessed.box({
      parent: this.screen,
      tags: true,
      border: { type: "line" },
      hidden: true,
      style: { border: this.color ? { fg: "yellow" } : {} },
      wrap: false,
    });
    this.cells = new CellPanels(() => (this.screen as unknown as { lines: BlessedLine[] }).lines);
    for (const id of CHART_IDS) this.cells.add(this.cellBox(this.panels[id]), this.color);
    this.cells.add(this.cellBox(this.panels.pump), false);
    this.cells.add(this.cellBox(this.panels.metrics), false);
    this.cells.add(this.cellBox(this.status), false);
    this.applyLayout();
    this.screen.on("resize", () => {
      this.layout = computeLayout(this.screen.width as number, this.screen.height as number);
      this.lastContent.clear();
      this.applyLayout();
      this.render();
    });
    this.screen.on(
      "keypress",
      (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => this.onKey(ch, key),
    );
  }

  /** The layout in use. */
  get currentLayout(): Layout {
    return this.layout;
  }

  /** Starts the frame timer. */
  start(): void {
    this.render();
    this.timer = setInterval(() => this.render(), this.frameMs);
  }

  /** Draws one frame from the view model. */
  render(): void {
    if (this.destroyed) return;
    refreshViewModel(this.session, this.vm);
    const L = this.layout;
    for (const id of CHART_IDS) {
      const grid = this.insideGrid(this.panels[id], L.panels[id]);
      if (grid !== null && grid.width >= 10 && grid.height >= 2) drawChartPanel(this.vm, id, grid);
      else grid?.clearRows(0, grid.height);
    }
    const pump = this.insideGrid(this.panels.pump, L.panels.pump);
    pump?.setLines(this.vm.pumpRows(pump.width, L.mode === "compact"));
    const alarms = L.panels.alarms;
    if (alarms !== undefined) this.renderAlarms(alarms.height - 4);
    const metrics = this.insideGrid(this.panels.metrics, L.panels.metrics);
    metrics?.setLines(this.vm.metricLines(metrics.width, metrics.height));
    this.expireNotice();
    const status = this.cells.grid(this.cellBox(this.status), L.status.left, L.status.top, L.cols, 1);
    status.setLines([fitText(this.vm.statusLine(L.cols), L.cols)]);
    this.renderModal();
    if (this.fullRender) this.screen.render();
    else if (this.cells.blitAll()) this.screen.draw(0, this.layout.rows - 1);
    else return;
    this.fullRender = false;
    this.frames++;
  }

  /** The cell grid of a bordered box's inside, or null when the layout leaves the box out. */
  private insideGrid(box: blessed.Widgets.BoxElement, rect: Rect | undefined) {
    const el = this.cellBox(box);
    if (rect === undefined) {
      this.cells.hide(el);
      return null;
    }
    return this.cells.grid(el, rect.left + 1, rect.top + 1, rect.width - 2, rect.height - 2);
  }

  private cellBox(box: blessed.Widgets.BoxElement): CellBoxElement {
    return box as unknown as CellBoxElement;
  }

  /** A message stays on the status line 10 s (an error 30 s) unless a newer one replaces it. */
  private expireNotice(): void {
    const now = performance.now();
    const text = this.vm.noticeText;
    if (text !== this.notice) {
      this.notice = text;
      this.noticeSinceMs = now;
      return;
    }
    if (text !== "" && now - this.noticeSinceMs > (this.vm.noticeIsError ? 30_000 : 10_000)) {
      this.vm.setNotice("");
      this.notice = "";
    }
  }

  /** Stops the timer and gives the terminal back (cursor, screen, raw mode). Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    try {
      this.screen.destroy();
    } catch {
      // The terminal may be gone (SIGHUP): nothing left to restore.
    }
  }

  /** Shows a one-line message in a box in the middle (e.g. while shutting down). */
  showMessage(text: string): void {
    if (this.destroyed) return;
    this.modal = { kind: "none" };
    const w = Math.min(this.layout.cols - 4, text.length + 4);
    this.modalBox.left = Math.max(0, Math.floor((this.layout.cols - w) / 2));
    this.modalBox.top = Math.max(0, Math.floor(this.layout.rows / 2) - 2);
    this.modalBox.width = w;
    this.modalBox.height = 3;
    this.modalBox.setContent(escapeTags(fitText(text, w - 2)));
    this.modalBox.show();
    try {
      this.screen.render();
    } catch {
      // The terminal may be gone.
    }
  }

  // ------------------------------------------------------------------ panels

  private applyLayout(): void {
    this.fullRender = true;
    const alarmsRect = this.layout.panels.alarms;
    if (alarmsRect !== undefined && alarmsRect.width !== this.alarmTableWidth) {
      this.lastContent.delete(this.panels.alarms);
      this.panels.alarms.destroy();
      this.panels.alarms = this.makeAlarmTable(alarmsRect.width);
      this.modalBox.setFront();
    }
    for (const id of PANEL_IDS) {
      const box = this.panels[id];
      const r = this.layout.panels[id];
      if (r === undefined) {
        box.hide();
        continue;
      }
      box.left = r.left;
      box.top = r.top;
      box.width = r.width;
      box.height = r.height;
      box.show();
    }
    const s = this.layout.status;
    this.status.left = s.left;
    this.status.top = s.top;
    this.status.width = s.width;
  }

  private setContent(box: blessed.Widgets.BoxElement, content: string): void {
    if (this.lastContent.get(box) === content) return;
    this.lastContent.set(box, content);
    box.setContent(content);
    this.fullRender = true;
  }

  /**
   * The Alarms panel is blessed-contrib's table (rig time, severity, state, diagnosis with its
   * evidence). Its column widths are fixed when it is made, so a new width makes a new table.
   */
  private makeAlarmTable(outerWidth: number): blessed.Widgets.BoxElement {
    // blessed-contrib's rows are 3 narrower than the table; columns are joined by
    // columnSpacing - 1 = 1 space.
    const textW = Math.max(8, outerWidth - 3 - 7 - 4 - 7 - 3);
    this.alarmTextWidth = textW;
    const table = contribTable({
      parent: this.screen,
      label: ` ${PANEL_TITLES.alarms} `,
      border: { type: "line" },
      style: {
        border: this.color ? { fg: "gray" } : {},
        label: this.color ? { fg: "white", bold: true } : { bold: true },
      },
      columnWidth: [7, 4, 7, textW],
      columnSpacing: 2,
      interactive: false,
      fg: "default",
      tags: true,
    } as Parameters<typeof contribTable>[0]);
    this.alarmTableWidth = outerWidth;
    this.lastAlarmData = "";
    return table;
  }

  private renderAlarms(rowsVisible: number): void {
    const table = this.panels.alarms as ReturnType<typeof contribTable>;
    const data = alarmTableData(this.vm.alarmRows(), rowsVisible, this.alarmTextWidth, this.color);
    const key = JSON.stringify(data);
    if (key === this.lastAlarmData) return;
    this.lastAlarmData = key;
    this.fullRender = true;
    table.setData({ headers: ALARM_TABLE_HEADERS, data });
  }

  // ------------------------------------------------------------------ modals

  private renderModal(): void {
    const m = this.modal;
    if (m.kind === "none") {
      if (!this.modalBox.hidden) {
        this.modalBox.hide();
        this.fullRender = true;
      }
      return;
    }
    // The modal covers panels that change under it: every element, in z-order.
    this.fullRender = true;
    const { title, lines } = modalText(m);
    const maxW = Math.max(20, this.layout.cols - 4);
    const w = Math.min(maxW, Math.max(title.length + 4, ...lines.map((l) => l.length + 2)));
    const wrapped = lines.flatMap((l) => wrapText(l, w - 2));
    const h = Math.min(this.layout.rows - 2, wrapped.length + 2);
    this.modalBox.left = Math.max(0, Math.floor((this.layout.cols - w) / 2));
    this.modalBox.top = Math.max(0, Math.floor((this.layout.rows - h) / 2));
    this.modalBox.width = w;
    this.modalBox.height = h;
    this.modalBox.setLabel(title);
    const body = wrapped
      .slice(0, h - 2)
      .map((l) => {
        const esc = escapeTags(l);
        return this.color && l.startsWith("! ") ? `{red-fg}${esc}{/red-fg}` : esc;
      })
      .join("\n");
    this.setContent(this.modalBox, body);
    if (this.modalBox.hidden) this.modalBox.show();
    this.modalBox.setFront();
  }

  private closeModal(): void {
    this.modal = { kind: "none" };
    this.render();
  }

  // ------------------------------------------------------------------ keys

  private onKey(ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined): void {
    const full = key?.full ?? ch ?? "";
    if (full === "C-c") {
      this.onQuit("Ctrl-C");
      return;
    }
    const m = this.modal;
    switch (m.kind) {
      case "help":
        this.closeModal();
        return;
      case "menu": {
        if (full === "escape" || full === "q") {
          this.closeModal();
          return;
        }
        const item = m.items.find((it) => it.key === full || it.key === ch);
        if (item !== undefined) this.askInjection(item);
        return;
      }
      case "confirm":
        if (full === "y" || full === "Y") {
          this.modal = { kind: "none" };
          void this.run(m.onYes);
        } else if (full === "n" || full === "N" || full === "escape") this.closeModal();
        return;
      case "input":
        if (full === "escape") {
          this.closeModal();
          return;
        }
        if (full === "enter" || full === "return") {
          void this.run(async () => {
            try {
              await m.onSubmit(m.value);
            } catch (e) {
              if (isConfigError(e)) {
                m.error = e.message;
                this.modal = m;
                this.render();
                return;
              }
              throw e;
            }
          });
          return;
        }
        if (full === "backspace") m.value = m.value.slice(0, -1);
        else if (ch !== undefined && ch.length === 1 && ch >= " " && ch !== "\u007f") m.value += ch;
        this.render();
        return;
      case "none":
        if (full === "escape" && this.onBack !== undefined) {
          this.onBack();
          return;
        }
        break;
    }
    const binding = KEY_BINDINGS.find(
      (b) => b.keys.includes(full) || (ch !== undefined && b.keys.includes(ch)),
    );
    if (binding !== undefined) this.doAction(binding.action);
  }

  private doAction(action: KeyAction): void {
    switch (action) {
      case "help":
        this.modal = { kind: "help" };
        break;
      case "quit":
        this.onQuit("q");
        return;
      case "pump":
      case "heater":
      case "fan": {
        const c = this.writable();
        if (c === null) break;
        const key = action === "pump" ? "pumpDuty" : action === "heater" ? "heaterDuty" : "fanDuty";
        this.modal = setpointForm(
          action,
          this.session.setpoints[key],
          (duty) => c.setSetpoint(action, duty),
          () => this.closeModal(),
        );
        break;
      }
      case "faults": {
        const c = this.writable();
        if (c === null) break;
        this.modal = { kind: "menu", items: faultMenu(c.isEmulator) };
        break;
      }
      case "endInjections": {
        const c = this.writable();
        if (c === null) break;
        void this.run(() => c.endInjections().then(() => undefined));
        break;
      }
      case "acknowledge":
        this.controlled()?.acknowledge();
        break;
      case "pause":
        this.vm.setNotice(this.vm.togglePause() ? "charts paused (data keeps recording)" : "charts resumed");
        break;
      case "widen":
        this.vm.setNotice(`window ${this.vm.widen()} s`);
        break;
      case "narrow":
        this.vm.setNotice(`window ${this.vm.narrow()} s`);
        break;
      case "record": {
        const c = this.controlled();
        if (c === null) break;
        void this.run(() => {
          c.toggleRecording();
        });
        break;
      }
      case "tune": {
        const c = this.controlled();
        if (c === null) break;
        this.modal = tuningForm(
          describeTuning(c.tuning),
          Math.max(20, this.layout.cols - 8),
          this.layout.rows - 10,
          (v) => {
            c.applyTuning(v);
            this.closeModal();
          },
        );
        break;
      }
    }
    this.render();
  }

  private askInjection(item: FaultMenuItem): void {
    const c = this.writable();
    if (c === null) return;
    this.modal = {
      kind: "input",
      title: item.title,
      prompt: item.prompt,
      value: item.defaultAnswer,
      error: "",
      info: [],
      onSubmit: (v) => {
        const req: InjectionRequest = item.parse(v);
        const text = describeInjection(req, this.session.setpoints, c.deadmanMs);
        this.modal = {
          kind: "confirm",
          text: `Inject ${text}?`,
          onYes: async () => {
            this.render();
            await c.inject(req);
          },
        };
        this.render();
      },
    };
    this.render();
  }

  /**
   * The session's control, or null after telling the operator this view is read-only (a remote
   * rig: nothing goes back through the broker, docs/mqtt.md).
   */
  private controlled(): SessionControl | null {
    const c = this.session.control;
    if (c === null) this.vm.setNotice(REMOTE_READ_ONLY, "error");
    return c;
  }

  /** {@link controlled}, and not a replay (nothing can be sent to a recording). */
  private writable(): SessionControl | null {
    const c = this.controlled();
    if (c?.isReadOnly === true) {
      this.vm.setNotice("replay: read-only, nothing is sent", "error");
      return null;
    }
    return c;
  }

  /** Runs an operator action; an error becomes a notice (the dashboard keeps running). */
  private async run(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.vm.setNotice(e instanceof Error ? e.message : String(e), "error");
    }
    this.render();
  }
}
