/**
 * The stream without a network: viewers are plain objects. Column batches against hand-written
 * values, decimation of a batch that fills up, the recent past for a new viewer, a slow viewer
 * dropped instead of buffered; and the pure pieces of the server (listen addresses, tokens,
 * static paths).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { LiveSession } from "../../src/session/liveSession.js";
import { bearerMatches, randomToken } from "../../src/web/controlToken.js";
import { isLoopback, parseListenAddress } from "../../src/web/listenAddress.js";
import type { LiveServerMessage } from "../../src/web/liveMessages.js";
import { LiveStream, type Viewer } from "../../src/web/liveStream.js";
import { staticFile } from "../../src/web/staticFiles.js";
import { fakeSessionOptions } from "../session/fakeSession.js";
import type { FakeSource } from "../session/fakeSource.js";

class MemoryViewer implements Viewer {
  readonly messages: LiveServerMessage[] = [];
  bufferedBytes = 0;
  dropped: string | null = null;
  constructor(readonly id: string) {}
  send(text: string): void {
    this.messages.push(JSON.parse(text) as LiveServerMessage);
  }
  drop(reason: string): void {
    this.dropped = reason;
  }
  samples() {
    return this.messages.flatMap((m) => (m.type === "samples" ? [m] : []));
  }
}

async function setup(
  streamOptions: {
    batchCapacity?: number;
    maxBufferedBytes?: number;
    historyBatches?: number;
    historyChars?: number;
  } = {},
) {
  const { options, source } = fakeSessionOptions();
  const session = new LiveSession(options);
  await session.start();
  // Not started: no timers, the test flushes by hand.
  const stream = new LiveStream(session, { control: false, rigConfig: null, ...streamOptions });
  session.subscribe(stream);
  let tS = 0;
  const emit = (n: number, fields: Parameters<FakeSource["emitSample"]>[0] = {}) => {
    for (let i = 0; i < n; i++) {
      tS = Math.round((tS + 0.02) * 1000) / 1000;
      source.emitNominal(tS, fields);
    }
  };
  return { session, stream, emit };
}

describe("live stream", () => {
  it("a batch holds every sample as columns, rounded to 0.001, residuals divided by their band", async () => {
    const { stream, emit } = await setup();
    const v = new MemoryViewer("a");
    stream.addViewer(v);
    emit(3, { tHotC: 45.12345, flowLpm: 2.5 });
    stream.flush();
    const [b] = v.samples();
    expect(b!.columns.t_s).toEqual([0.02, 0.04, 0.06]);
    expect(b!.columns.t_hot_c).toEqual([45.123, 45.123, 45.123]);
    // The scripted twin: 0.1 K below the measurement, band 0.5 K: 0.2 of the band.
    expect(b!.columns.twin_t_hot_c).toEqual([45.023, 45.023, 45.023]);
    expect(b!.columns.res_t_hot_n).toEqual([0.2, 0.2, 0.2]);
    expect(b!.columns.pump_set).toEqual([200, 200, 200]);
    expect(b!.columns.fan_duty).toEqual([255, 255, 255]);
    expect(b!.bands).toEqual({ t_hot_k: 0.5, t_cold_k: 0.5, flow_lpm: 0.3 });
    stream.flush();
    expect(v.samples()).toHaveLength(1); // nothing new: no empty batch
  });

  it("an unmeasured value is null, not NaN", async () => {
    const { stream, emit } = await setup();
    const v = new MemoryViewer("a");
    stream.addViewer(v);
    emit(1, { tHotC: Number.NaN });
    stream.flush();
    expect(v.samples()[0]!.columns.t_hot_c).toEqual([null]);
  });

  it("a full batch keeps every other sample and says so; the next batch starts over", async () => {
    const { stream, emit } = await setup({ batchCapacity: 8 });
    const v = new MemoryViewer("a");
    stream.addViewer(v);
    emit(20);
    stream.flush();
    const [b] = v.samples();
    // 8 stored, then halved to 0.02, 0.06, 0.10, 0.14 and every 2nd after: 0.18, 0.22, ...,
    // until 0.34 fills the 8 slots again: halved to every 4th, stride 4.
    expect(b!.decimation).toBe(4);
    const t = b!.columns.t_s as number[];
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeGreaterThan(0);
    expect(t[0]).toBe(0.02);
    expect(t.length).toBeLessThanOrEqual(8);
    emit(3);
    stream.flush();
    expect(v.samples()[1]!.decimation).toBe(1);
    expect(v.samples()[1]!.columns.t_s).toEqual([0.42, 0.44, 0.46]);
  });

  it("a new viewer gets hello, then the recent batches, then the state", async () => {
    const { stream, emit } = await setup({ historyBatches: 2 });
    for (let i = 0; i < 3; i++) {
      emit(1);
      stream.flush();
    }
    const v = new MemoryViewer("late");
    stream.addViewer(v);
    expect(v.messages.map((m) => m.type)).toEqual([
      "hello",
      "samples",
      "samples",
      "setpoints",
      "faults",
      "alarms",
      "status",
      "performance",
    ]);
    expect(v.samples().map((b) => b.columns.t_s[0])).toEqual([0.04, 0.06]);
  });

  it("the recent past is bounded in characters too, keeping the newest batches", async () => {
    const { stream, emit } = await setup({ historyChars: 2500 });
    for (let i = 0; i < 10; i++) {
      emit(1);
      stream.flush();
    }
    const v = new MemoryViewer("late");
    stream.addViewer(v);
    const kept = v.samples();
    // The batches as sent (the stream's numbers print as JSON.stringify prints them).
    const sizes = kept.map((b) => JSON.stringify(b).length);
    const total = sizes.reduce((x, y) => x + y, 0);
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.length).toBeLessThan(10);
    expect(total).toBeLessThanOrEqual(2500);
    expect(total + Math.min(...sizes)).toBeGreaterThan(2500);
    // The newest, in order.
    const t = kept.map((b) => b.columns.t_s[0] as number);
    expect(t.at(-1)).toBe(0.2);
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(0.02, 9);
  });

  it("a viewer with too many unsent bytes is dropped, the others keep receiving", async () => {
    const { stream, emit } = await setup({ maxBufferedBytes: 1000 });
    const slow = new MemoryViewer("slow");
    const fast = new MemoryViewer("fast");
    stream.addViewer(slow);
    stream.addViewer(fast);
    slow.bufferedBytes = 1001;
    emit(5);
    stream.flush();
    expect(slow.dropped).toMatch(/too slow/);
    expect(stream.viewerCount).toBe(1);
    expect(stream.droppedViewers).toBe(1);
    emit(5);
    stream.flush();
    expect(fast.samples()).toHaveLength(2);
    expect(slow.samples()).toHaveLength(0);
  });
});

describe("listen addresses", () => {
  it("HOST:PORT, [v6]:PORT, a bare port where allowed; errors name the option", () => {
    expect(parseListenAddress("127.0.0.1:8080", "--listen")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseListenAddress("0.0.0.0:0", "--listen")).toEqual({ host: "0.0.0.0", port: 0 });
    expect(parseListenAddress("[::1]:9000", "--listen")).toEqual({ host: "::1", port: 9000 });
    expect(parseListenAddress("8081", "--serve", { portOnly: true })).toEqual({
      host: "127.0.0.1",
      port: 8081,
    });
    expect(() => parseListenAddress("8081", "--listen")).toThrow(/^--listen: expected HOST:PORT/);
    expect(() => parseListenAddress("h:65536", "--listen")).toThrow(/port must be a whole number 0-65535/);
    expect(() => parseListenAddress("::1:80", "--listen")).toThrow(/IPv6 host in brackets/);
    expect(() => parseListenAddress("[nope]:80", "--listen")).toThrow(/not an IPv6 address/);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("127.3.2.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("192.168.1.5")).toBe(false);
  });
});

describe("bearer tokens", () => {
  it("only `Bearer <the token>` matches", () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bearerMatches(`Bearer ${t}`, t)).toBe(true);
    expect(bearerMatches(`bearer ${t}`, t)).toBe(true);
    expect(bearerMatches(undefined, t)).toBe(false);
    expect(bearerMatches(t, t)).toBe(false);
    expect(bearerMatches(`Basic ${t}`, t)).toBe(false);
    expect(bearerMatches(`Bearer ${t}x`, t)).toBe(false);
    expect(bearerMatches(`Bearer ${t.slice(1)}`, t)).toBe(false);
    expect(bearerMatches("Bearer ", "")).toBe(false);
  });

  it("no other header matches (property)", () => {
    const t = randomToken();
    fc.assert(
      fc.property(fc.string(), (h) => {
        expect(bearerMatches(h, t)).toBe(new RegExp(`^Bearer\\s+${t}\\s*$`, "i").test(h));
      }),
    );
  });
});

describe("static files", () => {
  const root = mkdtempSync(join(tmpdir(), "looptwin-static-"));
  const page = join(root, "dist");
  mkdirSync(join(page, "assets"), { recursive: true });
  writeFileSync(join(page, "index.html"), "page");
  writeFileSync(join(page, "assets", "a.js"), "js");
  writeFileSync(join(root, "secret.txt"), "secret");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("serves the folder's files, / as index.html", async () => {
    expect(await staticFile(page, "/")).toMatchObject({
      kind: "file",
      contentType: "text/html; charset=utf-8",
    });
    const js = await staticFile(page, "/assets/a.js");
    expect(js.kind === "file" && js.body.toString()).toBe("js");
    expect(await staticFile(page, "/assets")).toEqual({ kind: "not_found" });
  });

  it("never returns a file outside the folder, whatever the path (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom(
            "..",
            "%2e%2e",
            ".",
            "secret.txt",
            "dist",
            "%2f",
            "/",
            "\\",
            "assets",
            "%00",
            "a.js",
          ),
          {
            maxLength: 6,
          },
        ),
        async (parts) => {
          const r = await staticFile(page, `/${parts.join("/")}`);
          if (r.kind === "file") expect(["page", "js"]).toContain(r.body.toString());
        },
      ),
    );
  });
});
