/**
 * A web server on a live session with a fake source and a scripted monitor (tests/session), on
 * 127.0.0.1 port 0, and a WebSocket viewer that keeps every message it receives.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { LiveSession } from "../../src/session/liveSession.js";
import type { LiveServerMessage } from "../../src/web/liveMessages.js";
import { type LiveWeb, startLiveWeb } from "../../src/web/liveWeb.js";
import type { FakeMonitor } from "../session/fakeMonitor.js";
import { fakeSessionOptions } from "../session/fakeSession.js";
import type { FakeSource } from "../session/fakeSource.js";

export const TOKEN = "test-token-0123456789abcdef";

/** Waits until `check` returns a value other than undefined (polling every 10 ms), or fails naming `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class Viewer {
  readonly messages: LiveServerMessage[] = [];
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.messages.push(JSON.parse(String(data)) as LiveServerMessage));
    ws.on("close", () => {
      this.closed = true;
    });
  }

  /** `answerPings: false`: a viewer whose network has gone (it never answers a ping). */
  static async connect(baseUrl: string, answerPings = true): Promise<Viewer> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}ws`, { autoPong: answerPings });
    const v = new Viewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await waitFor("hello", () => (v.messages.length > 0 ? true : undefined));
    return v;
  }

  get connectionId(): string {
    const h = this.messages[0];
    if (h?.type !== "hello") throw new Error("no hello first");
    return h.connection_id;
  }

  of<K extends LiveServerMessage["type"]>(type: K): Extract<LiveServerMessage, { type: K }>[] {
    return this.messages.filter((m): m is Extract<LiveServerMessage, { type: K }> => m.type === type);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((r) => this.ws.once("close", () => r()));
    this.ws.close();
    await done;
  }
}

export interface Harness {
  readonly source: FakeSource;
  readonly monitor: () => FakeMonitor;
  readonly session: LiveSession;
  readonly web: LiveWeb;
  readonly url: string;
  readonly pageDir: string;
  /** `n` samples at 50 Hz of rig time (fields over a nominal sample). */
  emit(n: number, fields?: Parameters<FakeSource["emitSample"]>[0]): Promise<void>;
  post(path: string, body: unknown, token?: string | null): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

export async function startHarness(
  options: {
    control?: boolean;
    page?: boolean;
    emulator?: boolean;
    controlOffReason?: string;
    pingMs?: number;
  } = {},
) {
  const {
    options: sessionOptions,
    source,
    scheduler,
    monitors,
  } = fakeSessionOptions({
    emulator: options.emulator ?? true,
  });
  const session = new LiveSession(sessionOptions);
  await session.start();
  const pageDir = mkdtempSync(join(tmpdir(), "looptwin-page-"));
  if (options.page !== false) {
    writeFileSync(join(pageDir, "index.html"), "<!doctype html><title>looptwin</title>");
    writeFileSync(join(pageDir, "app.js"), "console.log(1)");
  }
  const web = await startLiveWeb({
    session,
    listen: { host: "127.0.0.1", port: 0 },
    listenOption: "--listen",
    controlToken: options.control === false ? null : TOKEN,
    rigConfig: null,
    staticRoot: pageDir,
    stream: { batchMs: 20 },
    server: {
      ...(options.controlOffReason !== undefined ? { controlOffReason: options.controlOffReason } : {}),
      ...(options.pingMs !== undefined ? { pingMs: options.pingMs } : {}),
    },
  });
  let tS = 0;
  const h: Harness = {
    source,
    monitor: () => monitors.at(-1)!,
    session,
    web,
    url: web.url,
    pageDir,
    async emit(n, fields = {}) {
      for (let i = 0; i < n; i++) {
        tS += 0.02;
        scheduler.advanceTo(scheduler.nowMs() + 20);
        source.emitNominal(tS, fields);
        for (let k = 0; k < 5; k++) await Promise.resolve();
      }
    },
    async post(path, body, token = TOKEN) {
      const res = await fetch(`${web.url}${path.replace(/^\//, "")}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    async stop() {
      await web.stop("test over");
      await session.shutdown("test over");
      rmSync(pageDir, { recursive: true, force: true });
    },
  };
  return h;
}
