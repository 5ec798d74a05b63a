/**
 * The fleet view's terminal screen (blessed): a list of rigs, one line each, with a selection
 * moved by the arrow keys (or j/k); Enter asks to open the selected rig (the CLI then shows its
 * full dashboard, screen.ts), q or Ctrl-C quits. What it shows comes from a {@link FleetScreenModel} redrawn at most
 * `maxFps` times a second, so the screen holds no fleet logic. Same terminal behaviour as the
 * dashboard: no mouse, colour off under NO_COLOR, only changed cells written, restored on destroy.
 */
import type { Readable, Writable } from "node:stream";
import blessed from "blessed";
import { escapeTags, fitText } from "./format.js";
import { colorFromEnv } from "./screen.js";

export type FleetLineTone = "critical" | "warning" | "offline" | "normal";

/** One frame: a header, the rigs (one selectable line each), and a status line. */
export interface FleetFrame {
  readonly header: string;
  /** One line per rig, tone for the colour. */
  readonly rows: readonly { readonly text: string; readonly tone: FleetLineTone }[];
  readonly status: string;
}

export interface FleetScreenModel {
  frame(cols: number, rows: number, color: boolean): FleetFrame;
  /** Enter on list row `index`. */
  open(index: number): void;
}

export interface FleetScreenOptions {
  readonly model: FleetScreenModel;
  readonly onQuit: (reason: string) => void;
  readonly input?: Readable;
  readonly output?: Writable;
  readonly terminal?: string;
  readonly color?: boolean;
  /** @default 4 */
  readonly maxFps?: number;
}

const TONE_TAG: Readonly<Record<FleetLineTone, string>> = {
  critical: "red-fg",
  warning: "yellow-fg",
  offline: "gray-fg",
  normal: "",
};

export class FleetScreen {
  readonly screen: blessed.Widgets.Screen;
  private readonly body: blessed.Widgets.BoxElement;
  private readonly status: blessed.Widgets.BoxElement;
  private readonly model: FleetScreenModel;
  private readonly color: boolean;
  private readonly timer: NodeJS.Timeout;
  private selected = 0;
  private rowCount = 0;
  private destroyed = false;
  private lastBody = "";
  private lastStatus = "";

  constructor(o: FleetScreenOptions) {
    this.model = o.model;
    this.color = o.color ?? colorFromEnv(process.env);
    this.screen = blessed.screen({
      input: (o.input ?? process.stdin) as unknown as Writable,
      output: (o.output ?? process.stdout) as unknown as Readable,
      terminal: o.terminal ?? process.env.TERM ?? "xterm-256color",
      smartCSR: true,
      forceUnicode: true,
      warnings: false,
      title: "looptwin fleet",
    } as blessed.Widgets.IScreenOptions);
    (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    this.body = blessed.box({
      parent: this.screen,
      top: 0,
      left: 0,
      width: "100%",
      height: "100%-1",
      tags: true,
      wrap: false,
    });
    this.status = blessed.box({
      parent: this.screen,
      bottom: 0,
      left: 0,
      width: "100%",
      height: 1,
      style: { inverse: true },
      wrap: false,
    });
    this.screen.on(
      "keypress",
      (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
        const k = key?.full ?? ch ?? "";
        if (k === "C-c" || k === "q") return o.onQuit(k === "q" ? "q" : "Ctrl-C");
        if (k === "down" || k === "j") this.selected = Math.min(this.rowCount - 1, this.selected + 1);
        else if (k === "up" || k === "k") this.selected = Math.max(0, this.selected - 1);
        else if ((k === "enter" || k === "return") && this.rowCount > 0) {
          this.model.open(this.selected);
          return;
        }
        this.render();
      },
    );
    this.screen.on("resize", () => {
      this.lastBody = "";
      this.render();
    });
    this.render();
    this.timer = setInterval(() => this.render(), 1000 / Math.min(10, Math.max(1, o.maxFps ?? 4)));
  }

  render(): void {
    if (this.destroyed) return;
    const cols = this.screen.width as number;
    const rows = this.screen.height as number;
    const f = this.model.frame(cols, rows - 2, this.color);
    const lines = [
      this.color
        ? `{bold}${escapeTags(fitText(f.header, cols))}{/bold}`
        : escapeTags(fitText(f.header, cols)),
    ];
    const list = f.rows;
    this.rowCount = list.length;
    this.selected = Math.max(0, Math.min(this.selected, list.length - 1));
    // Keep the selection on screen: scroll by whole pages.
    const room = Math.max(1, rows - 2);
    const first = Math.floor(this.selected / room) * room;
    list.slice(first, first + room).forEach((r, i) => {
      let text = escapeTags(fitText(r.text, cols));
      const tag = TONE_TAG[r.tone];
      if (this.color && tag !== "") text = `{${tag}}${text}{/${tag}}`;
      if (first + i === this.selected) text = `{inverse}${text}{/inverse}`;
      lines.push(text);
    });
    if (list.length === 0) lines.push("  no rig seen yet (waiting for messages under the prefix)");
    const body = lines.join("\n");
    if (body !== this.lastBody) {
      this.lastBody = body;
      this.body.setContent(body);
    }
    const status = fitText(f.status, cols);
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      this.status.setContent(status);
    }
    this.screen.render();
  }

  /** Stops the timer and gives the terminal back. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.timer);
    try {
      this.screen.destroy();
    } catch {
      // The terminal may be gone (SIGHUP).
    }
  }
}
