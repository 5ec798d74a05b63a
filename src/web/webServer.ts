/**
 * The web face of a live session (docs/web.md): the page from `web/dist/`, `GET /api/health`,
 * `GET /api/snapshot`, the stream on `/ws`, and, only with a control token, `POST` routes that
 * set setpoints, inject faults and acknowledge alarms, exactly as the terminal dashboard's keys
 * do. A small router over node:http: bodies read with a byte limit, JSON parsed in one place,
 * every failure mapped to a status code and a one-line reason once; nothing a client sends can
 * throw out of a handler.
 *
 * An injection is tied to the `/ws` connection named in its request: when that socket closes (or
 * stops answering pings for two periods) the injection ends and the operator's duty goes back at
 * once; if this process dies instead, the device's dead-man hold reverts it within 3 s.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { isConfigError } from "../core/errors.js";
import type { LiveSession } from "../session/liveSession.js";
import {
  BadRequest,
  parseAckRequest,
  parseEndInjectionRequest,
  parseInjectRequest,
  parseJsonObject,
  parseSetpointsRequest,
} from "./controlRequests.js";
import { bearerMatches } from "./controlToken.js";
import { httpUrl, type ListenAddress } from "./listenAddress.js";
import { alarmEventJson } from "./liveJson.js";
import type { LiveStream } from "./liveStream.js";
import { staticFile } from "./staticFiles.js";

export interface WebServerOptions {
  readonly session: LiveSession;
  readonly stream: LiveStream;
  readonly listen: ListenAddress;
  /** The bearer token control needs; null: control is off (`--allow-control` not given). */
  readonly controlToken: string | null;
  /** The 403's reason when control is off. @default "control is off: start the server with --allow-control" */
  readonly controlOffReason?: string;
  /** The built page (`web/dist`). */
  readonly staticRoot: string;
  /** Largest request body accepted [bytes]. @default 16384 */
  readonly maxBodyBytes?: number;
  /** WebSocket ping period [ms]; a viewer silent for two periods is closed. @default 1000 */
  readonly pingMs?: number;
}

/** A failure answered with `status` and a one-line reason. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, body: Record<string, unknown>) => Promise<unknown> | unknown;

interface Route {
  readonly method: "GET" | "POST";
  /** Control: needs `--allow-control` and the bearer token; reads a JSON body. */
  readonly control: boolean;
  readonly handle: Handler;
}

const CONNECTION_HEADER = "x-looptwin-connection";

export class WebServer {
  private readonly opts: WebServerOptions;
  private readonly session: LiveSession;
  private readonly stream: LiveStream;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly routes: ReadonlyMap<string, Route>;
  private readonly sockets = new Map<string, { ws: WebSocket; alive: boolean }>();
  /** Injections (ids) each connection made, ended when it closes. */
  private readonly owned = new Map<string, Set<number>>();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly maxBody: number;

  constructor(options: WebServerOptions) {
    this.opts = options;
    this.session = options.session;
    this.stream = options.stream;
    this.maxBody = options.maxBodyBytes ?? 16 * 1024;
    this.routes = new Map<string, Route>([
      ["/api/health", { method: "GET", control: false, handle: () => this.stream.health() }],
      ["/api/snapshot", { method: "GET", control: false, handle: () => this.stream.snapshot() }],
      ["/api/setpoints", { method: "POST", control: true, handle: (_r, b) => this.setpoints(b) }],
      ["/api/inject", { method: "POST", control: true, handle: (r, b) => this.inject(r, b) }],
      ["/api/inject/end", { method: "POST", control: true, handle: (_r, b) => this.endInjection(b) }],
      ["/api/safe", { method: "POST", control: true, handle: () => this.safe() }],
      ["/api/alarms/ack", { method: "POST", control: true, handle: (_r, b) => this.acknowledge(b) }],
    ]);
    this.http = createServer((req, res) => void this.onRequest(req, res));
    // Clients only ever send small pings: a large frame is refused by ws itself.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.http.on("upgrade", (req, socket, head) => {
      socket.on("error", () => {});
      if (pathOf(req.url) !== "/ws") {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      // A page from another site must not read the rig through a viewer's browser: browsers
      // send Origin, and it must be this server (tools that send none are let in).
      if (!sameOrigin(req)) {
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.http.on("clientError", (_e, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    });
  }

  /** Starts listening; resolves with the bound address and the URL to print. */
  listen(): Promise<{ host: string; port: number; url: string }> {
    const { host, port } = this.opts.listen;
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.http.once("error", onError);
      this.http.listen(port, host, () => {
        this.http.off("error", onError);
        const a = this.http.address() as AddressInfo;
        this.pingTimer = setInterval(() => this.pingAll(), this.opts.pingMs ?? 1000);
        resolve({ host, port: a.port, url: httpUrl(host, a.port) });
      });
    });
  }

  /** Closes every socket and the listener; idempotent. */
  async close(): Promise<void> {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const { ws } of this.sockets.values()) ws.terminate();
    this.sockets.clear();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ------------------------------------------------------------------ WebSocket

  private onSocket(ws: WebSocket): void {
    const id = randomUUID();
    const entry = { ws, alive: true };
    this.sockets.set(id, entry);
    ws.on("pong", () => {
      entry.alive = true;
    });
    ws.on("message", () => {
      entry.alive = true;
    });
    ws.on("error", () => {});
    ws.on("close", () => this.onSocketClosed(id));
    this.stream.addViewer({
      id,
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      get bufferedBytes() {
        return ws.bufferedAmount;
      },
      drop: (reason) => {
        ws.close(1008, reason.slice(0, 100));
        // A viewer that cannot keep up will not read the close frame either.
        setTimeout(() => ws.terminate(), 1000).unref();
      },
    });
  }

  private onSocketClosed(id: string): void {
    this.sockets.delete(id);
    this.stream.removeViewer(id);
    const mine = this.owned.get(id);
    this.owned.delete(id);
    if (mine === undefined || this.session.isReadOnly) return;
    for (const injectionId of mine) void this.session.endInjection(injectionId).catch(() => false);
  }

  /** A viewer that did not answer the last ping is gone (its network dropped): close it. */
  private pingAll(): void {
    for (const entry of this.sockets.values()) {
      if (!entry.alive) {
        entry.ws.terminate();
        continue;
      }
      entry.alive = false;
      entry.ws.ping();
    }
  }

  // ------------------------------------------------------------------ HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = pathOf(req.url);
      const route = this.routes.get(path);
      if (route !== undefined) {
        if (req.method !== route.method)
          throw new HttpError(405, `${req.method} ${path}: use ${route.method}`, { Allow: route.method });
        let body: Record<string, unknown> = {};
        if (route.control) {
          this.authorize(req);
          body = parseJsonObject(await this.readBody(req));
        }
        const out = await route.handle(req, body);
        sendJson(res, 200, out);
        return;
      }
      if (path.startsWith("/api/") || path === "/api") throw new HttpError(404, `${path}: no such route`);
      if (path === "/ws") throw new HttpError(426, "/ws: connect with a WebSocket", { Upgrade: "websocket" });
      if (req.method !== "GET" && req.method !== "HEAD")
        throw new HttpError(405, `${req.method} ${path}: the page is read with GET`, { Allow: "GET, HEAD" });
      await this.page(req, res, path);
    } catch (e) {
      this.fail(res, e);
    }
  }

  private async page(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const r = await staticFile(this.opts.staticRoot, path);
    if (r.kind === "bad_path") throw new HttpError(400, r.reason);
    if (r.kind === "not_found") {
      if (path === "/" || path === "/index.html") {
        res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8" });
        res.end(
          "looptwin serve: the page is not built (web/dist/index.html is missing): run npm run web:build\n",
        );
        return;
      }
      throw new HttpError(404, `${path}: no such file`);
    }
    res.writeHead(200, {
      "Content-Type": r.contentType,
      "Content-Length": r.body.length,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : r.body);
  }

  private authorize(req: IncomingMessage): void {
    if (this.opts.controlToken === null)
      throw new HttpError(
        403,
        this.opts.controlOffReason ?? "control is off: start the server with --allow-control",
      );
    if (!bearerMatches(req.headers.authorization, this.opts.controlToken))
      throw new HttpError(401, "Authorization: missing or wrong bearer token", {
        "WWW-Authenticate": "Bearer",
      });
    if (this.session.isReadOnly) throw new HttpError(409, "a replay is read-only: nothing can be sent");
  }

  /** Reads the body, at most maxBodyBytes (413 beyond, without reading the rest). */
  private readBody(req: IncomingMessage): Promise<string> {
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > this.maxBody)
      return Promise.reject(new HttpError(413, `body: ${declared} bytes, more than ${this.maxBody}`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.maxBody) {
          req.removeAllListeners("data");
          req.pause();
          reject(new HttpError(413, `body: more than ${this.maxBody} bytes`));
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", (e) => reject(e));
    });
  }

  private fail(res: ServerResponse, e: unknown): void {
    let status = 500;
    let message: string;
    let headers: Readonly<Record<string, string>> = {};
    if (e instanceof HttpError) {
      status = e.status;
      message = e.message;
      headers = e.headers;
    } else if (e instanceof BadRequest || isConfigError(e)) {
      status = 400;
      message = (e as Error).message;
    } else {
      message = `internal error: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // After a 413 the rest of the body is not read: close the connection rather than drain it.
    sendJson(
      res,
      status,
      { error: message.replace(/\s+/g, " ") },
      status === 413 ? { ...headers, Connection: "close" } : headers,
    );
  }

  // ------------------------------------------------------------------ control

  private async setpoints(body: Record<string, unknown>): Promise<unknown> {
    const r = parseSetpointsRequest(body);
    let ok = true;
    for (const ch of ["pump", "heater", "fan"] as const) {
      const duty = r[ch];
      if (duty !== undefined) ok = (await this.session.setSetpoint(ch, duty)) && ok;
    }
    if (!ok) throw new HttpError(502, "the device did not acknowledge the setpoints (see the notices)");
    const sp = this.session.setpoints;
    return { pump_duty: sp.pumpDuty, heater_duty: sp.heaterDuty, fan_duty: sp.fanDuty };
  }

  private async inject(req: IncomingMessage, body: Record<string, unknown>): Promise<unknown> {
    const headerConnection = req.headers[CONNECTION_HEADER];
    const r = parseInjectRequest(
      body.connection === undefined && typeof headerConnection === "string"
        ? { ...body, connection: headerConnection }
        : body,
    );
    if (!this.sockets.has(r.connection))
      throw new BadRequest(
        `connection: ${JSON.stringify(r.connection)} is no open /ws connection (the injection would outlive its viewer)`,
      );
    if (r.injection.kind === "emulator" && !this.session.isEmulator)
      throw new BadRequest(`spec: emulator faults need the emulator (serve --emulate)`);
    const inj = await this.session.inject(r.injection);
    if (inj === null) throw new HttpError(502, "the device refused the injection (see the notices)");
    // The socket may have closed while the device answered: end it at once then.
    if (!this.sockets.has(r.connection)) {
      await this.session.endInjection(inj.id);
      throw new HttpError(409, "connection: the /ws connection closed; the injection was ended");
    }
    const mine = this.owned.get(r.connection) ?? new Set<number>();
    this.owned.set(r.connection, mine);
    mine.add(inj.id);
    return {
      id: inj.id,
      label: inj.text,
      start_s: inj.startS,
      end_s: Number.isFinite(inj.endS) ? inj.endS : null,
    };
  }

  private async endInjection(body: Record<string, unknown>): Promise<unknown> {
    const id = parseEndInjectionRequest(body);
    if (!(await this.session.endInjection(id))) throw new HttpError(404, `id: no injection ${id} in force`);
    return { ended: id };
  }

  private async safe(): Promise<unknown> {
    const ok = await this.session.endInjections();
    if (!ok) throw new HttpError(502, "SAFE not acknowledged by the device");
    return { safe: true };
  }

  private acknowledge(body: Record<string, unknown>): unknown {
    const e = this.session.acknowledge(parseAckRequest(body));
    return { acknowledged: e === undefined ? null : alarmEventJson(e) };
  }
}

/** No Origin (not a browser), or an Origin whose host:port is the one the request was sent to. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function pathOf(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}
