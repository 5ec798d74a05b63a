/**
 * Live mode (docs/web.md "Live"): the page was served by `looptwin serve` (or `dashboard
 * --serve`), so it reads that session's stream at `/ws` on its own host, reconnecting with
 * backoff and showing the link state, and offers control only when the server allows it and the
 * user has given the token (kept in sessionStorage, sent as a bearer token, never in a URL).
 */
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import { LiveFeed } from "./liveFeed.js";
import { planInjection } from "./liveRequests.js";
import type { PageControl } from "./pageControl.js";
import type { PageStore } from "./pageStore.js";

/** The HTTP control endpoints of `looptwin serve` (docs/web.md "HTTP"). */
export const LIVE_API = {
  health: "/api/health",
  setpoints: "/api/setpoints",
  inject: "/api/inject",
  safe: "/api/safe",
  acknowledge: "/api/alarms/ack",
  stream: "/ws",
} as const;

const TOKEN_KEY = "looptwin.token";
/** Reconnect delays: doubling from the first to the last [ms]. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const HEALTH_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** Whether the page came from a looptwin server: http(s) and `/api/health` says ok. */
export async function probeLiveServer(loc: Location): Promise<boolean> {
  if (loc.protocol !== "http:" && loc.protocol !== "https:") return false;
  try {
    const r = await fetch(LIVE_API.health, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      cache: "no-store",
    });
    if (!r.ok) return false;
    const body = (await r.json()) as { status?: unknown };
    return body.status === "ok";
  } catch {
    return false;
  }
}

/** Reconnect delay after `failures` failed attempts in a row [ms]. */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, failures));
}

export class LivePage implements PageControl {
  private readonly store: PageStore;
  private readonly onData: () => void;
  readonly feed: LiveFeed;
  private socket: WebSocket | null = null;
  private failures = 0;
  private retry = 0;
  private token: string | null = sessionStorage.getItem(TOKEN_KEY);
  /** Called with whether control is offered now (server allows it and a token is given). */
  onControlChange: (allowed: boolean) => void = () => {};

  constructor(store: PageStore, say: (text: string) => void, onData: () => void) {
    this.store = store;
    this.onData = onData;
    this.feed = new LiveFeed(store);
    this.feed.onNotice = (text) => say(text);
    const form = document.getElementById("token-form") as HTMLFormElement | null;
    form?.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = document.getElementById("token") as HTMLInputElement;
      const t = input.value.trim();
      input.value = "";
      this.setToken(t === "" ? null : t);
    });
    document.getElementById("token-forget")?.addEventListener("click", () => this.setToken(null));
  }

  private setToken(t: string | null): void {
    this.token = t;
    if (t === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, t);
    this.refreshControl();
  }

  private refreshControl(): void {
    const serverAllows = this.feed.hello?.control === true && this.feed.hello.readOnly === false;
    const tokenPanel = document.getElementById("token-panel");
    if (tokenPanel) tokenPanel.hidden = !serverAllows;
    const given = this.token !== null;
    const form = document.getElementById("token-form");
    const note = document.getElementById("token-given");
    if (form) form.hidden = given;
    if (note) note.hidden = !given;
    this.onControlChange(serverAllows && given);
  }

  start(): void {
    this.onControlChange(false);
    this.connect();
    // Frames arrive about 10 times a second; the page redraws on its own frames.
    const tick = (): void => {
      this.onData();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  private showLink(state: string): void {
    this.store.setLink({ ...this.store.link, state });
  }

  private connect(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.showLink(this.failures === 0 ? "CONNECTING" : "RECONNECTING");
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${LIVE_API.stream}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data !== "string") return;
      const wasHello = this.feed.hello;
      this.feed.handleFrame(ev.data);
      if (this.feed.hello !== wasHello) {
        this.failures = 0;
        this.refreshControl();
      }
    });
    ws.addEventListener("close", () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = backoffMs(this.failures++);
    const why = this.feed.bye === "" ? "stream lost" : `server: ${this.feed.bye}`;
    this.showLink(`PAGE DISCONNECTED (${why}; retry in ${(delay / 1000).toFixed(1)} s)`);
    clearTimeout(this.retry);
    this.retry = window.setTimeout(() => {
      this.feed.bye = "";
      this.connect();
    }, delay);
  }

  /** POSTs `body` with the token; null when accepted, else one line saying why not. */
  private async post(path: string, body: unknown): Promise<string | null> {
    if (this.token === null) return "control: enter the token first";
    try {
      const r = await fetch(path, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${this.token}`,
          ...(this.feed.hello ? { "X-Looptwin-Connection": this.feed.hello.connectionId } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (r.ok) return null;
      const text = (await r.text()).trim().split("\n")[0] ?? "";
      let reason = text;
      try {
        const j = JSON.parse(text) as { error?: unknown };
        if (typeof j.error === "string") reason = j.error;
      } catch {
        // not JSON: the text is the reason
      }
      if (r.status === 401) this.setToken(null);
      return `${path}: ${r.status} ${reason}`.trim();
    } catch (e) {
      return `${path}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  setSetpoints(sp: OperatorSetpoints): Promise<string | null> {
    return this.post(LIVE_API.setpoints, {
      pump_duty: sp.pumpDuty,
      heater_duty: sp.heaterDuty,
      fan_duty: sp.fanDuty,
    });
  }

  async inject(spec: string): Promise<string | null> {
    const hello = this.feed.hello;
    if (hello === null) return "inject: not connected to the session yet";
    const plan = planInjection(spec, hello.emulator);
    if (!plan.ok) return plan.error;
    // The connection makes the server end the injection when this page's socket closes.
    return this.post(LIVE_API.inject, { ...plan.body, connection: hello.connectionId });
  }

  /** Every injection ended and the device SAFE (the terminal dashboard's `x`). */
  endFaults(): Promise<string | null> {
    return this.post(LIVE_API.safe, {});
  }

  /** The server acknowledges the open alarm of `cause`, or without one its newest open alarm. */
  acknowledge(cause?: string): Promise<string | null> {
    return this.post(LIVE_API.acknowledge, cause === undefined ? {} : { cause });
  }
}
