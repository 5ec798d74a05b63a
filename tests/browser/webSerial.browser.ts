/// <reference lib="dom" />
/**
 * The page's Web Serial mode (issue 13 section 2.3) against the real emulator: `looptwin emulate
 * --link PATH` as a user starts it, its pseudo-terminal opened here with serialport and carried
 * over a WebSocket to a stand-in for `navigator.serial` injected into the page (Chromium's own
 * Web Serial needs a USB device and a chooser). The page connects (HELLO, firmware, live values),
 * a pump-failure injection from the page is a PWM with a hold (the emulator's TLM shows pump duty
 * 0) and raises the pump-failure alarm, a cancelled chooser is one line, and closing the page puts
 * `SAFE` on the wire.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { SerialPort } from "serialport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { buildWeb } from "../../scripts/buildWeb.js";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";
import { chromiumMissing, launchChromium } from "./chromium.js";

function nodePtyMissing(): string | null {
  try {
    createRequire(import.meta.url).resolve("node-pty");
    return null;
  } catch {
    return "node-pty is not installed (the emulator's pseudo-terminal)";
  }
}

const missing = chromiumMissing() ?? nodePtyMissing();
if (missing) console.warn(`skipping the Web Serial browser test: ${missing}`);

/** What crosses the bridge, as text: host -> device and device -> host. */
interface Wire {
  toDevice: string;
  fromDevice: string;
  /** Ends the connection from the bridge's side: the cable pulled. */
  cut: () => void;
}

/**
 * The stand-in `navigator.serial`: one port whose streams are a WebSocket to the bridge; the
 * chooser is cancelled while `window.serialCancel` is true (as Chromium rejects: NotFoundError).
 */
function installSerialStandIn(bridgeUrl: string): void {
  const w = window as unknown as { serialCancel: boolean; serialSilent: boolean };
  w.serialCancel = false;
  w.serialSilent = false;
  let ws: WebSocket | null = null;
  const port = {
    readable: null as ReadableStream<Uint8Array> | null,
    writable: null as WritableStream<Uint8Array> | null,
    async open(_o: { baudRate: number }): Promise<void> {
      if (w.serialSilent) {
        // A port with no looptwin firmware behind it: nothing ever comes back.
        port.readable = new ReadableStream<Uint8Array>();
        port.writable = new WritableStream<Uint8Array>();
        return;
      }
      const socket = new WebSocket(bridgeUrl);
      socket.binaryType = "arraybuffer";
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new DOMException("bridge unreachable", "NetworkError"));
      });
      ws = socket;
      port.readable = new ReadableStream<Uint8Array>({
        start(c) {
          socket.onmessage = (e) => c.enqueue(new Uint8Array(e.data as ArrayBuffer));
          socket.onclose = () => {
            try {
              c.close();
            } catch {
              // Already cancelled.
            }
          };
        },
      });
      port.writable = new WritableStream<Uint8Array>({
        write(chunk) {
          socket.send(chunk);
        },
      });
    },
    async close(): Promise<void> {
      ws?.close();
    },
  };
  Object.defineProperty(navigator, "serial", {
    configurable: true,
    value: {
      requestPort: async () => {
        if (w.serialCancel) throw new DOMException("No port selected by the user.", "NotFoundError");
        return port;
      },
    },
  });
}

/** The TLM lines' applied pump duties (field 8 of `TLM,...`) received so far. */
function pumpDuties(wire: Wire): number[] {
  return [...wire.fromDevice.matchAll(/^TLM,(?:[^,]*,){6}(\d+),/gm)].map((m) => Number(m[1]));
}

/** The applied duties of the newest TLM line received. */
function lastDuties(wire: Wire): { pump: number; heater: number; fan: number } {
  const all = [...wire.fromDevice.matchAll(/^TLM,(?:[^,]*,){6}(\d+),(\d+),(\d+),/gm)];
  const m = all[all.length - 1];
  return { pump: Number(m?.[1]), heater: Number(m?.[2]), fan: Number(m?.[3]) };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function status(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-status="${name}"]`).textContent()) ?? "";
}

describe.skipIf(missing !== null)(
  "web page, a rig over Web Serial (stand-in bridged to looptwin emulate)",
  () => {
    let browser: Browser;
    let emulator: ChildProcess;
    let bridge: WebSocketServer;
    let bridgeUrl: string;
    let dir: string;
    let link: string;
    const wires: Wire[] = [];
    const pageUrl = pathToFileURL(join(REPO_ROOT, "web", "dist", "index.html")).href;

    beforeAll(async () => {
      ensureBuilt();
      await buildWeb();
      dir = mkdtempSync(join(tmpdir(), "looptwin-webserial-"));
      link = join(dir, "tty");
      emulator = spawn(
        process.execPath,
        [join(REPO_ROOT, "bin", "looptwin.js"), "emulate", "--link", link, "--quiet"],
        {
          cwd: REPO_ROOT,
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      await waitFor("the emulator's link", () => existsSync(link), 30_000);
      // The bridge: one serial port per WebSocket, bytes both ways, all of them kept for the checks.
      bridge = new WebSocketServer({ host: "127.0.0.1", port: 0 });
      await new Promise((r) => bridge.once("listening", r));
      const addr = bridge.address();
      bridgeUrl = `ws://127.0.0.1:${typeof addr === "object" && addr !== null ? addr.port : 0}/`;
      bridge.on("connection", (ws) => {
        const wire: Wire = { toDevice: "", fromDevice: "", cut: () => ws.close() };
        wires.push(wire);
        const port = new SerialPort({ path: link, baudRate: 115_200 });
        port.on("data", (d: Buffer) => {
          wire.fromDevice += d.toString("latin1");
          ws.send(d);
        });
        port.on("error", () => ws.close());
        ws.on("message", (d: Buffer) => {
          wire.toDevice += d.toString("latin1");
          port.write(d);
        });
        ws.on("close", () => port.close(() => {}));
      });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      bridge?.close();
      emulator?.kill("SIGTERM");
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("says so in one line when the user cancels the port chooser", async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(installSerialStandIn, bridgeUrl);
      await page.goto(pageUrl);
      await page.locator("#connect-serial").waitFor({ state: "visible" });
      await page.evaluate(() => {
        (window as unknown as { serialCancel: boolean }).serialCancel = true;
      });
      await page.locator("#connect-serial").click();
      await page.waitForFunction(() =>
        (document.getElementById("message")?.textContent ?? "").includes("no port"),
      );
      expect(await page.locator("#message").textContent()).toBe(
        "Web Serial: no port chosen (the request was cancelled)",
      );
      // Still the browser twin, and the button is offered again.
      expect(await page.locator("#mode").textContent()).toBe("standalone twin");
      expect(await page.locator("#connect-serial").isEnabled()).toBe(true);
      await ctx.close();
    });

    it("gives up on a port that never answers in one line, and the browser twin runs again", async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(installSerialStandIn, bridgeUrl);
      await page.goto(pageUrl);
      await page.evaluate(() => {
        (window as unknown as { serialSilent: boolean }).serialSilent = true;
      });
      await page.locator("#connect-serial").click();
      await page.waitForFunction(
        () => (document.getElementById("message")?.textContent ?? "").includes("no HELLO"),
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.locator("#message").textContent()).toBe(
        "Web Serial: the chosen port: no HELLO from the device within 5000 ms (is it running looptwin firmware at this baud rate?)",
      );
      expect(await page.locator("#mode").textContent()).toBe("standalone twin");
      expect(await page.locator("#connect-serial").isEnabled()).toBe(true);
      const t0 = await status(page, "time");
      await page.waitForFunction(
        (t) => document.querySelector('[data-status="time"]')?.textContent !== t,
        t0,
      );
      await ctx.close();
    });

    it("offers no button where the browser has no navigator.serial", async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(() => {
        Object.defineProperty(navigator, "serial", { configurable: true, value: undefined });
      });
      await page.goto(pageUrl);
      await page.waitForFunction(
        () => document.querySelector('[data-status="link"]')?.textContent === "CONNECTED",
      );
      expect(await page.locator("#connect-serial").isVisible()).toBe(false);
      await ctx.close();
    });

    it("connects, shows the rig, injects a held pump failure that raises its alarm, and leaves SAFE on close", async () => {
      const problems: string[] = [];
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await ctx.newPage();
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      await page.addInitScript(installSerialStandIn, bridgeUrl);
      await page.goto(pageUrl);
      const before = wires.length;
      await page.locator("#connect-serial").click();
      await page.waitForFunction(() => document.getElementById("mode")?.textContent === "Web Serial");
      const wire = wires[before] as Wire;
      expect(await status(page, "source")).toBe("Web Serial");
      expect(await status(page, "link")).toBe("CONNECTED");
      expect(await status(page, "firmware")).toMatch(
        /^looptwin-emu \S+ \(emu, uid [0-9A-F]{8}, protocol 1\.\d+\)$/,
      );
      // The handshake on the wire: INFO asked (a pseudo-terminal sends no boot HELLO), then RATE 10.
      expect(wire.toDevice).toMatch(/^INFO,1\*[0-9A-F]{4}\r?\n/);
      expect(wire.toDevice).toMatch(/RATE,\d+,10\*/);
      // Live values: rig time moves; connecting sent no PWM (the setpoints start as the rig's duties).
      const t0 = await status(page, "time");
      await page.waitForFunction(
        (t) => document.querySelector('[data-status="time"]')?.textContent !== t,
        t0,
      );
      expect(wire.toDevice).not.toMatch(/PWM,/);
      // The heartbeat: PINGs about every 500 ms.
      const pingsAt = (wire.toDevice.match(/PING,/g) ?? []).length;
      await new Promise((r) => setTimeout(r, 2000));
      const pings = (wire.toDevice.match(/PING,/g) ?? []).length - pingsAt;
      expect(pings).toBeGreaterThanOrEqual(3);
      expect(pings).toBeLessThanOrEqual(5);

      // The operator's setpoints from the sliders: PWMs without a hold, applied by the rig. The
      // heater matters: at 0 W the temperatures cannot tell a stopped pump from a failed flow meter.
      for (const [name, duty] of [
        ["pump", 200],
        ["fan", 255],
        ["heater", 255],
      ] as const) {
        await page.evaluate(
          ([n, d]) => {
            const input = document.getElementById(`sp-${n}`) as HTMLInputElement;
            input.value = String(d);
            input.dispatchEvent(new Event("input"));
            input.dispatchEvent(new Event("change"));
          },
          [name, duty] as const,
        );
        await waitFor(`TLM with ${name} ${duty}`, () => lastDuties(wire)[name] === duty, 5000);
      }
      // Without a hold (the operator's duty stays); the fan was at 255 already: nothing sent for it.
      expect(wire.toDevice).toMatch(/PWM,\d+,pump,200\*/);
      expect(wire.toDevice).toMatch(/PWM,\d+,heater,255\*/);
      expect(wire.toDevice).not.toMatch(/PWM,\d+,fan,/);
      // Let the loop warm up a little on the new operating point before the fault.
      await new Promise((r) => setTimeout(r, 10_000));
      expect(await page.locator("#alarms li.critical").count()).toBe(0);

      // Pump failure from the page's button: a PWM with a dead-man hold, renewed; TLM shows pump 0.
      const dutiesBefore = pumpDuties(wire).length;
      await page.locator('[data-fault="pump_failure"]').click();
      await waitFor("a held pump PWM 0", () => /PWM,\d+,pump,0,3000\*/.test(wire.toDevice), 5000);
      await waitFor("TLM with pump duty 0", () => pumpDuties(wire).slice(dutiesBefore).includes(0), 5000);
      await page.locator("#alarms li.critical", { hasText: "pump failure" }).waitFor({ timeout: 60_000 });
      expect(await page.locator("#injections").textContent()).toContain("pump_failure");
      // Renewed while it lasts: more than one held PWM by now.
      expect((wire.toDevice.match(/PWM,\d+,pump,0,\d+\*/g) ?? []).length).toBeGreaterThan(1);
      expect(problems).toEqual([]);
      if (process.env.LOOPTWIN_WEBSERIAL_SHOT)
        await page.screenshot({ path: process.env.LOOPTWIN_WEBSERIAL_SHOT });

      // Closing the page: SAFE on the wire.
      expect(wire.toDevice).not.toMatch(/SAFE,/);
      await page.close({ runBeforeUnload: true });
      await waitFor("SAFE on the wire", () => /(^|\n)SAFE,\d+\*[0-9A-F]{4}\r?\n/.test(wire.toDevice), 5000);
      // Once, and nothing after it: no PING, no renewal of the hold.
      await new Promise((r) => setTimeout(r, 1500));
      expect(wire.toDevice.match(/SAFE,/g)).toHaveLength(1);
      expect(wire.toDevice.slice(wire.toDevice.indexOf("SAFE,"))).toMatch(/^SAFE,\d+\*[0-9A-F]{4}\r?\n$/);
      await ctx.close();
    });

    it("says when the port goes away and offers the button again", async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(installSerialStandIn, bridgeUrl);
      await page.goto(pageUrl);
      const before = wires.length;
      await page.locator("#connect-serial").click();
      await page.waitForFunction(() => document.getElementById("mode")?.textContent === "Web Serial");
      expect(await page.locator("#connect-serial").isVisible()).toBe(false);
      const wire = wires[before] as Wire;
      // A device reboot (an emulator fault typed in the form, sent as EMU): the page sends the
      // rate and the operator's duties again.
      await page.evaluate(() => {
        const input = document.getElementById("sp-pump") as HTMLInputElement;
        input.value = "150";
        input.dispatchEvent(new Event("input"));
        input.dispatchEvent(new Event("change"));
      });
      await waitFor("TLM with pump 150", () => lastDuties(wire).pump === 150, 5000);
      await page.fill("#fault-spec", "device_reboot");
      await page.press("#fault-spec", "Enter");
      await waitFor("EMU on the wire", () => /EMU,\d+,device_reboot\*/.test(wire.toDevice), 5000);
      await waitFor("the device's BOOT", () => /^EVT,BOOT,/m.test(wire.fromDevice), 10_000);
      const afterBoot = (): string => wire.toDevice.slice(wire.toDevice.search(/EMU,\d+,device_reboot/));
      await waitFor(
        "RATE and PWM pump 150 after the reboot",
        () => /RATE,\d+,10\*[\s\S]*PWM,\d+,pump,150\*/.test(afterBoot()),
        5000,
      );
      await waitFor("TLM with pump 150 after the reboot", () => lastDuties(wire).pump === 150, 5000);
      wire.cut();
      await page.waitForFunction(
        () => document.querySelector('[data-status="link"]')?.textContent === "DISCONNECTED",
      );
      expect(await page.locator("#message").textContent()).toBe(
        "Web Serial: the port closed (unplugged?); without PINGs the rig goes SAFE by itself within 3 s",
      );
      expect(await page.locator("#connect-serial").isVisible()).toBe(true);
      expect(await page.locator("#connect-serial").isEnabled()).toBe(true);
      await ctx.close();
    });
  },
);
