/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The web page in Chromium (issue 13 section 6): the standalone page opened from disk, as GitHub
 * Pages or a double click serves it. Skips with the reason printed when there is no Chromium.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../scripts/buildWeb.js";
import { CSV_HEADER } from "../../web/src/csvExport.js";
import { chromiumMissing, launchChromium } from "./chromium.js";

const missing = chromiumMissing();
if (missing) console.warn(`skipping the web page's browser tests: ${missing}`);

const PAGE_URL = pathToFileURL(join(import.meta.dirname, "..", "..", "web", "dist", "index.html")).href;

describe.skipIf(missing !== null)("web page, standalone from file://", () => {
  let browser: Browser;
  beforeAll(async () => {
    await buildWeb();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A page at `query` that records console errors, page errors and any request not to file:. */
  async function open(query: string, viewport = { width: 1440, height: 900 }) {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    const offOrigin: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")) offOrigin.push(u);
    });
    await page.goto(`${PAGE_URL}${query}`);
    return { page, problems, offOrigin, close: () => context.close() };
  }

  async function readout(page: Page, column: string): Promise<number> {
    const text = await page.locator(`[data-value="${column}"]`).first().textContent();
    const m = /(-?\d+(?:\.\d+)?)/.exec(text ?? "");
    return m ? Number(m[1]) : Number.NaN;
  }

  it("runs with no console error and no request to any host", async () => {
    const { page, problems, offOrigin, close } = await open("?speed=100");
    await page.waitForFunction(() =>
      (document.querySelector('[data-value="tHotC"]')?.textContent ?? "").includes(" C"),
    );
    await page.waitForTimeout(1500);
    expect(await readout(page, "twinTHotC")).toBeGreaterThan(20);
    expect(await page.locator("#mode").textContent()).toBe("standalone twin");
    expect(problems).toEqual([]);
    expect(offOrigin).toEqual([]);
    await close();
  });

  it("the issue's pump-failure URL shows a 'pump failure' alarm", async () => {
    const { page, problems, close } = await open("?fault=pump_failure:start=30&speed=50&seed=3&set=UA=9");
    await page.locator("#alarms li.critical", { hasText: "pump failure" }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-status="alarm"]').textContent()).toBe("CRITICAL: pump failure");
    expect(await page.locator("#message").isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });

  it("a bad URL value is one line naming the parameter, and the run goes on", async () => {
    const { page, problems, close } = await open("?speed=fast&set=UA=-3&seed=4");
    const msg = page.locator("#message");
    await msg.waitFor();
    expect(await msg.textContent()).toBe(
      'speed: must be 1-1000 or max (got "fast") · set UA: must not be negative; must be >= 0 W/K (got -3)',
    );
    await page.waitForFunction(
      () => document.querySelector('[data-status="source"]')?.textContent === "browser twin, seed 4",
    );
    expect(problems).toEqual([]);
    await close();
  });

  it("a slider change moves the twin", async () => {
    const { page, close } = await open("?speed=1000&set=UA_loss=0");
    // Default rig: T_cold = T_sink + Q_in/UA = 25 + 150/10 = 40 C.
    await page.waitForFunction(() =>
      /twin T_cold 39\.|twin T_cold 40\./.test(document.querySelector(".readout")?.textContent ?? ""),
    );
    const before = await readout(page, "twinTColdC");
    await page.locator("#param-UA").evaluate((e: HTMLInputElement) => {
      e.value = "5";
      e.dispatchEvent(new Event("input", { bubbles: true }));
      e.dispatchEvent(new Event("change", { bubbles: true }));
    });
    // Towards 25 + 150/5 = 55 C with the loop's ~500 s time constant: 10 K within seconds at 1000x.
    await page.waitForFunction(
      (b) => {
        const t = document.querySelector('[data-value="twinTColdC"]')?.textContent ?? "";
        return Number(/(-?\d+\.\d+)/.exec(t)?.[1]) > b + 10;
      },
      before,
      { timeout: 30_000 },
    );
    expect(await page.locator('output[for="param-UA"]').textContent()).toContain("5 W/K");
    await close();
  });

  it("on a 390x844 phone: nothing scrolls sideways, every control is at least 44 px, every panel is reachable", async () => {
    const { page, close } = await open("?speed=50", { width: 390, height: 844 });
    await page.waitForTimeout(1000);
    const layout = await page.evaluate(() => {
      const small: string[] = [];
      for (const e of document.querySelectorAll<HTMLElement>(
        "button, input, select, a[href], [tabindex='0']",
      )) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // hidden
        if (r.right < 0) continue; // the skip link, off screen until focused
        if (r.width < 44 || r.height < 44)
          small.push(`${e.tagName} ${e.id || e.textContent} ${r.width}x${r.height}`);
      }
      const panels = [...document.querySelectorAll<HTMLElement>("main section")].filter((s) => !s.hidden);
      const outside = panels.filter((s) => {
        const r = s.getBoundingClientRect();
        return r.left < 0 || r.right > innerWidth + 0.5;
      });
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth,
        small,
        outside: outside.map((s) => s.getAttribute("aria-labelledby") ?? s.className),
        panels: panels.length,
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.small).toEqual([]);
    expect(layout.outside).toEqual([]);
    expect(layout.panels).toBeGreaterThanOrEqual(10);
    await close();
  });

  it("is usable by keyboard: Tab reaches the controls with a visible focus, keys act", async () => {
    const { page, close } = await open("?speed=10");
    const seen = new Set<string>();
    let outlined = 0;
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || e === document.body) return null;
        const s = getComputedStyle(e);
        return {
          id: e.id || e.dataset.fault || e.textContent?.trim() || e.tagName,
          outline: s.outlineStyle !== "none" && s.outlineWidth !== "0px",
        };
      });
      if (f === null) continue;
      seen.add(f.id);
      if (f.outline) outlined++;
    }
    for (const id of [
      "pause",
      "speed",
      "sp-pump",
      "param-UA",
      "pump_failure",
      "fault-spec",
      "end-faults",
      "export-csv",
    ])
      expect(seen).toContain(id);
    expect(outlined).toBeGreaterThan(50);
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press(" ");
    expect(await page.locator("#pause").getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("+");
    expect(await page.locator("#window").textContent()).toBe("120 s");
    await close();
  });

  it("exports the visible charts as one PNG, titles above each", async () => {
    const { page, close } = await open("?speed=100");
    await page.waitForFunction(
      () => /[1-9]:\d\d/.test(document.querySelector('[data-status="time"]')?.textContent ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export-png").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^looptwin-window-\d+\.\ds\.png$/);
    const png = readFileSync(await download.path());
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // IHDR: width and height, big-endian, at bytes 16 and 20: the widest chart and four charts high.
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const canvases = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>(".chart canvas")].map((c) => [c.width, c.height]),
    );
    expect(canvases).toHaveLength(4);
    expect(width).toBe(Math.max(...canvases.map((c) => c[0]!)));
    expect(height).toBe(canvases.reduce((h, c) => h + c[1]! + 22, 0));
    await close();
  });

  it("the Fault testing view reports a pump failure's detection and diagnosis", async () => {
    const { page, problems, close } = await open("");
    await page.locator('.tab[data-view="faulttest"]').click();
    expect(await page.locator("#view-monitor").isHidden()).toBe(true);
    await page.locator('#view-faulttest button[type="submit"]').click();
    const result = page.locator("#view-faulttest table");
    await result.waitFor({ timeout: 60_000 });
    const text = (await result.textContent()) ?? "";
    expect(text).toContain("diagnosis at the endpump failure");
    expect(text).toContain("false positives (before the onset)0");
    expect(problems).toEqual([]);
    await close();
  });

  it("exports the visible window as CSV", async () => {
    const { page, close } = await open("?speed=100");
    await page.waitForFunction(
      () => /[1-9]:\d\d/.test(document.querySelector('[data-status="time"]')?.textContent ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    await page.locator("#pause").click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^looptwin-window-\d+\.\ds\.csv$/);
    const path = await download.path();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(CSV_HEADER);
    const t = lines.slice(1).map((l) => Number(l.split(",")[0]));
    // The default 60 s window at 10 Hz: 601 rows, spaced 0.1 s, the last at the paused time.
    expect(t.length).toBe(601);
    expect(t.at(-1)! - t[0]!).toBeCloseTo(60, 6);
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(0.1, 6);
    const row = lines[1]!.split(",").map(Number);
    expect(row[1]).toBeGreaterThan(20); // t_hot_c
    expect(row[11]).toBe(200); // pump_applied
    await close();
  });
});
