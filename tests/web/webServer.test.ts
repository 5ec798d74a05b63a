/**
 * The web server over real HTTP and WebSocket on 127.0.0.1, on a live session with a fake source
 * and a scripted monitor: every status code with its one-line reason, the page and path
 * traversal, the stream (hello, column batches, alarms seen by two viewers), and an injection
 * that ends when the socket that made it closes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SAMPLE_COLUMNS } from "../../src/web/liveMessages.js";
import { type Harness, startHarness, TOKEN, Viewer, waitFor } from "./webHarness.js";

const open: { h: Harness; viewers: Viewer[] }[] = [];
afterEach(async () => {
  for (const { h, viewers } of open.splice(0)) {
    for (const v of viewers) await v.close();
    await h.stop();
  }
});

async function harness(options: Parameters<typeof startHarness>[0] = {}) {
  const h = await startHarness(options);
  const viewers: Viewer[] = [];
  open.push({ h, viewers });
  const viewer = async () => {
    const v = await Viewer.connect(h.url);
    viewers.push(v);
    return v;
  };
  return { h, viewer };
}

/** The body is one line of JSON `{"error": ...}`; returns the reason. */
function reason(r: { text: string }): string {
  expect(r.text.trimEnd().includes("\n")).toBe(false);
  return (JSON.parse(r.text) as { error: string }).error;
}

describe("read-only routes", () => {
  it("health and snapshot carry the link, the latest sample, the twin and residuals, and move", async () => {
    const { h } = await harness();
    const health = (await (await fetch(`${h.url}api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", link: "CONNECTED", source: "emulator", control: true });
    await h.emit(10, { tHotC: 41.5 });
    const a = (await (await fetch(`${h.url}api/snapshot`)).json()) as {
      sample: { t_s: number; t_hot_c: number };
      twin: { t_hot_c: number };
      residuals: { t_hot_k: number };
      setpoints: { pump_duty: number };
    };
    expect(a.sample.t_hot_c).toBe(41.5);
    expect(a.sample.t_s).toBeCloseTo(0.2, 9);
    // The scripted twin predicts 0.1 K below the measurement.
    expect(a.twin.t_hot_c).toBeCloseTo(41.4, 9);
    expect(a.residuals.t_hot_k).toBeCloseTo(0.1, 9);
    expect(a.setpoints.pump_duty).toBe(200);
    await h.emit(5, { tHotC: 43 });
    const b = (await (await fetch(`${h.url}api/snapshot`)).json()) as typeof a;
    expect(b.sample.t_hot_c).toBe(43);
    expect(b.sample.t_s).toBeCloseTo(0.3, 9);
  });

  it("the page and its files; no path leaves the page's folder; a missing page says how to build it", async () => {
    const { h } = await harness();
    const root = await fetch(h.url);
    expect(root.status).toBe(200);
    expect(root.headers.get("content-type")).toMatch(/text\/html/);
    expect(await root.text()).toContain("<title>looptwin</title>");
    const js = await fetch(`${h.url}app.js`);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    for (const p of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/a/%2E%2E/%2e%2e/etc/passwd",
      "/..%2fpackage.json",
    ]) {
      const r = await rawGet(h.url, p);
      expect(r.status, p).toBe(400);
      expect(r.body, p).toMatch(/leaves the page's folder/);
    }
    expect((await fetch(`${h.url}nope.js`)).status).toBe(404);
    const bare = await harness({ page: false });
    const missing = await fetch(bare.h.url);
    expect(missing.status).toBe(503);
    expect((await missing.text()).trim()).toBe(
      "looptwin serve: the page is not built (web/dist/index.html is missing): run npm run web:build",
    );
  });

  it("unknown route 404, wrong method 405 with Allow, /ws without upgrade 426", async () => {
    const { h } = await harness();
    const r404 = await fetch(`${h.url}api/nothing`);
    expect(r404.status).toBe(404);
    expect(reason({ text: await r404.text() })).toBe("/api/nothing: no such route");
    const r405 = await fetch(`${h.url}api/health`, { method: "DELETE" });
    expect(r405.status).toBe(405);
    expect(r405.headers.get("allow")).toBe("GET");
    expect(reason({ text: await r405.text() })).toBe("DELETE /api/health: use GET");
    const get405 = await fetch(`${h.url}api/setpoints`);
    expect(get405.status).toBe(405);
    expect((await fetch(`${h.url}ws`)).status).toBe(426);
  });
});

describe("control", () => {
  it("off without --allow-control: 403 even with a token", async () => {
    const { h } = await harness({ control: false });
    const r = await h.post("/api/setpoints", { pump_duty: 100 });
    expect(r.status).toBe(403);
    expect(reason(r)).toBe("control is off: start the server with --allow-control");
    expect(h.source.pwm()).not.toContain("pump 100 -");
    // dashboard --serve says why in its own words.
    const view = await harness({ control: false, controlOffReason: "control is off: view only" });
    const r2 = await view.h.post("/api/alarms/ack", {});
    expect(r2.status).toBe(403);
    expect(reason(r2)).toBe("control is off: view only");
  });

  it("401 without a token and with a wrong one (nothing sent); 200 with it", async () => {
    const { h } = await harness();
    const before = h.source.sent.length;
    const none = await h.post("/api/setpoints", { pump_duty: 100 }, null);
    expect(none.status).toBe(401);
    expect(reason(none)).toBe("Authorization: missing or wrong bearer token");
    const wrong = await h.post("/api/setpoints", { pump_duty: 100 }, `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    const short = await h.post("/api/setpoints", { pump_duty: 100 }, TOKEN.slice(0, -1));
    expect(short.status).toBe(401);
    expect(h.source.sent.length).toBe(before);
    const ok = await h.post("/api/setpoints", { pump_duty: 100 });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ pump_duty: 100, heater_duty: 255, fan_duty: 255 });
    expect(h.source.pwm().slice(-3)).toEqual(["pump 100 -", "heater 255 -", "fan 255 -"]);
    expect(h.session.setpoints.pumpDuty).toBe(100);
  });

  it("400 with a one-line reason naming the field: malformed JSON, not an object, bad values, bad fault spec", async () => {
    const { h, viewer } = await harness();
    const v = await viewer();
    const cases: [string, unknown, RegExp][] = [
      ["/api/setpoints", '{"pump_duty": ', /^body: not valid JSON/],
      ["/api/setpoints", "[1,2]", /^body: expected a JSON object, got an array$/],
      ["/api/setpoints", { pump_duty: 256 }, /^pump_duty: 256 is not a whole number 0-255$/],
      ["/api/setpoints", { pump_duty: "high" }, /^pump_duty: "high" is not a whole number 0-255$/],
      ["/api/setpoints", { pump: 100 }, /^pump: unknown field/],
      ["/api/setpoints", {}, /^body: give at least one of pump_duty/],
      ["/api/inject", { kind: "meltdown", connection: v.connectionId }, /^kind: "meltdown" is not one of/],
      [
        "/api/inject",
        { kind: "pump_failure", duration_s: 30 },
        /^connection: undefined: give the connection_id/,
      ],
      [
        "/api/inject",
        { kind: "pump_failure", duration_s: 30, connection: "nobody" },
        /^connection: "nobody" is no open \/ws connection/,
      ],
      [
        "/api/inject",
        { kind: "pump_failure", duration_s: 0, connection: v.connectionId },
        /pump failure seconds/,
      ],
      [
        "/api/inject",
        { kind: "pump_degradation", percent: "x", connection: v.connectionId },
        /^percent: "x" is not a number$/,
      ],
      [
        "/api/inject",
        { kind: "emulator", spec: "pump_failure:sevrity=1", connection: v.connectionId },
        /sevrity/,
      ],
      [
        "/api/inject",
        { kind: "emulator", spec: "warp_core_breach", connection: v.connectionId },
        /warp_core_breach/,
      ],
      ["/api/inject/end", { id: "one" }, /^id: "one" is not an injection id/],
    ];
    for (const [path, body, want] of cases) {
      const r = await h.post(path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(reason(r), JSON.stringify(body)).toMatch(want);
    }
    expect(h.session.activeInjections()).toEqual([]);
  });

  it("a body over 16 kB is 413 and the server keeps serving", async () => {
    const { h } = await harness();
    const big = JSON.stringify({ pump_duty: 100, pad: "x".repeat(17_000) });
    const r = await h.post("/api/setpoints", big);
    expect(r.status).toBe(413);
    expect(reason(r)).toMatch(/^body: \d+ bytes, more than 16384$/);
    // Chunked, so no Content-Length to refuse up front.
    const chunked = await fetch(`${h.url}api/setpoints`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: new Blob(["x".repeat(40_000)]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await fetch(`${h.url}api/health`)).status).toBe(200);
  });

  it("a replay is read-only: 409", async () => {
    const { h } = await harness();
    Object.defineProperty(h.session, "isReadOnly", { get: () => true });
    const r = await h.post("/api/alarms/ack", {});
    expect(r.status).toBe(409);
    expect(reason(r)).toBe("a replay is read-only: nothing can be sent");
  });
});

describe("the stream", () => {
  it("hello first, then batches of named columns, at most one per batch period", async () => {
    const { h, viewer } = await harness();
    const v = await viewer();
    const hello = v.messages[0]!;
    expect(hello).toMatchObject({ type: "hello", version: 1, control: true, columns: [...SAMPLE_COLUMNS] });
    if (hello.type !== "hello") throw new Error("hello");
    expect(hello.rig).toMatchObject({
      source: "emulator",
      emulator: true,
      read_only: false,
      firmware: "looptwin-emu 0.1.0",
    });
    expect(hello.rig.parameters.UA).toBe(10);
    await h.emit(25, { tHotC: 40, flowLpm: 3 });
    const batches = await waitFor("25 samples", () => {
      const b = v.of("samples");
      return b.reduce((n, m) => n + m.columns.t_s.length, 0) >= 25 ? b : undefined;
    });
    const t = batches.flatMap((b) => b.columns.t_s as number[]);
    expect(t[0]).toBeCloseTo(0.02, 9);
    expect(t.at(-1)).toBeCloseTo(0.5, 9);
    for (const b of batches) {
      for (const c of SAMPLE_COLUMNS) expect(b.columns[c].length, c).toBe(b.columns.t_s.length);
      expect(b.columns.t_hot_c.every((x) => x === 40)).toBe(true);
      expect(b.columns.pump_set.every((x) => x === 200)).toBe(true);
      expect(b.decimation).toBe(1);
    }
  });

  it("two viewers see the same alarm after a pump failure injected with the token; closing the socket ends the injection", async () => {
    const { h, viewer } = await harness();
    const a = await viewer();
    const b = await viewer();
    h.monitor().expectedFlowLpm = 3;
    await h.emit(5);
    const r = await h.post("/api/inject", {
      kind: "pump_failure",
      duration_s: 60,
      connection: a.connectionId,
    });
    expect(r.status).toBe(200);
    const inj = JSON.parse(r.text) as { id: number; label: string };
    expect(inj.label).toBe("pump_failure");
    expect(h.source.pwm().at(-1)).toBe("pump 0 3000");
    // The pump stops: the measured flow falls to 0 while the twin expects 3 L/min.
    await h.emit(10, { flowLpm: 0, pumpDuty: 0 });
    for (const v of [a, b]) {
      const alarm = await waitFor("the alarm", () => v.of("alarm").find((m) => m.event === "raised"));
      expect(alarm).toMatchObject({ diagnosis: "pump failure", severity: "critical", cause: "flow" });
      await waitFor("faults", () => v.of("faults").find((m) => m.active.some((f) => f.id === inj.id)));
      await waitFor("label", () =>
        v.of("label").find((m) => m.action === "start" && m.fault === "pump_failure"),
      );
    }
    await a.close();
    await waitFor("the operator's duty back", () =>
      h.source.pwm().at(-1) === "pump 200 -" ? true : undefined,
    );
    expect(h.session.activeInjections()).toEqual([]);
    await waitFor("b sees the end", () =>
      b.of("label").find((m) => m.action === "end" && m.fault === "pump_failure"),
    );
    // The other viewer's socket made nothing and is untouched.
    expect(b.closed).toBe(false);
  });

  it("a viewer that stops answering pings (its network dropped) is closed, and its injection ends", async () => {
    const { h, viewer } = await harness({ pingMs: 50 });
    const alive = await viewer();
    const gone = await Viewer.connect(h.url, false);
    const r = await h.post("/api/inject", {
      kind: "pump_degradation",
      percent: 50,
      connection: gone.connectionId,
    });
    expect(r.status).toBe(200);
    expect(h.source.pwm().at(-1)).toBe("pump 100 3000");
    await waitFor("the silent viewer closed", () => (gone.closed ? true : undefined));
    await waitFor("the operator's duty back", () =>
      h.source.pwm().at(-1) === "pump 200 -" ? true : undefined,
    );
    expect(h.session.activeInjections()).toEqual([]);
    // A viewer that answers (its pongs) is kept through the same pings.
    await new Promise((r) => setTimeout(r, 300));
    expect(alive.closed).toBe(false);
  });

  it("ending an injection by id, SAFE and acknowledge over HTTP", async () => {
    const { h, viewer } = await harness();
    const v = await viewer();
    const r = await h.post("/api/inject", {
      kind: "pump_degradation",
      percent: 25,
      connection: v.connectionId,
    });
    const { id } = JSON.parse(r.text) as { id: number };
    expect(h.source.pwm().at(-1)).toBe("pump 150 3000");
    expect((await h.post("/api/inject/end", { id })).status).toBe(200);
    expect(h.source.pwm().at(-1)).toBe("pump 200 -");
    const again = await h.post("/api/inject/end", { id });
    expect(again.status).toBe(404);
    expect(reason(again)).toBe(`id: no injection ${id} in force`);
    h.monitor().expectedFlowLpm = 3;
    await h.emit(10, { flowLpm: 0 });
    // A cause with no open alarm acknowledges nothing; a bad cause is a 400 naming it.
    const other = await h.post("/api/alarms/ack", { cause: "t_hot" });
    expect(JSON.parse(other.text)).toEqual({ acknowledged: null });
    const bad = await h.post("/api/alarms/ack", { cause: "pump" });
    expect(bad.status).toBe(400);
    expect(reason(bad)).toMatch(/^cause: "pump" is not an alarm cause/);
    const ack = await h.post("/api/alarms/ack", { cause: "flow" });
    expect(JSON.parse(ack.text)).toMatchObject({
      acknowledged: { event: "acknowledged", diagnosis: "pump failure" },
    });
    expect((await h.post("/api/safe", {})).status).toBe(200);
    expect(h.source.sent.at(-1)).toEqual({ type: "SAFE" });
  });

  it("an emulator fault needs the emulator", async () => {
    const { h, viewer } = await harness({ emulator: false });
    const v = await viewer();
    const r = await h.post("/api/inject", {
      kind: "emulator",
      spec: "device_reboot",
      connection: v.connectionId,
    });
    expect(r.status).toBe(400);
    expect(reason(r)).toBe("spec: emulator faults need the emulator (serve --emulate)");
  });

  it("garbage on the wire does not crash the server: bytes that are not HTTP, an oversized frame", async () => {
    const { h, viewer } = await harness();
    const { connect } = await import("node:net");
    const u = new URL(h.url);
    const answer = await new Promise<string>((resolve) => {
      const sock = connect(Number(u.port), u.hostname, () => sock.write("\x00\xff GARBAGE\r\n\r\n"));
      let got = "";
      sock.on("data", (d) => {
        got += d;
      });
      sock.on("close", () => resolve(got));
      sock.on("error", () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const v = await viewer();
    v.ws.send("x".repeat(10_000));
    await waitFor("the oversized frame's socket closed", () => (v.closed ? true : undefined));
    expect((await fetch(`${h.url}api/health`)).status).toBe(200);
    expect(h.web.stream.viewerCount).toBe(0);
  });

  it("a page from another origin cannot open the stream", async () => {
    const { h } = await harness();
    const { default: WebSocket } = await import("ws");
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url.replace(/^http/, "ws")}ws`, { origin: "http://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => {});
    });
    expect(status).toBe(403);
    const ok = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url.replace(/^http/, "ws")}ws`, { origin: h.url.replace(/\/$/, "") });
      ws.on("open", () => {
        resolve(101);
        ws.close();
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(ok).toBe(101);
  });

  it("stopping says bye to every viewer and closes their sockets", async () => {
    const { h, viewer } = await harness();
    const a = await viewer();
    await h.web.stop("SIGTERM");
    await waitFor("closed", () => (a.closed ? true : undefined));
    expect(a.of("bye")).toEqual([{ type: "bye", reason: "SIGTERM" }]);
  });
});

/** A GET with the path sent exactly as given (fetch would normalise `..`). */
async function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { request } = await import("node:http");
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
