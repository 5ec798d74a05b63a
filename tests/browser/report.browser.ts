/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report of the whole HIL suite (issue 13 sections 4 and 6) in Chromium, opened from
 * disk as a CI artifact is: no console error, no request but the file itself, every scenario
 * shown with its verdict, every plot with drawn lines, no sideways scroll on a 390 px phone in
 * either colour scheme. Writes docs/hil-report.png. Skips with the reason printed when there is
 * no Chromium.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { chromiumMissing, launchChromium } from "./chromium.js";

const missing = chromiumMissing();
if (missing) console.warn(`skipping the HIL report's browser tests: ${missing}`);

const ROOT = join(import.meta.dirname, "..", "..");
const REPORT = join(mkdtempSync(join(tmpdir(), "looptwin-report-browser-")), "report.html");
const REPORT_URL = pathToFileURL(REPORT).href;

describe.skipIf(missing !== null)("the HIL report of the 18-scenario suite, from file://", () => {
  let browser: Browser;
  let scenarioCount = 0;
  beforeAll(async () => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true }, cwd: ROOT };
    expect(await main(["hil", "list"], io)).toBe(0);
    scenarioCount = out
      .join("")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith(" ")).length;
    await main(["hil", "run", "hil/scenarios", "--html", REPORT], io);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(viewport: { width: number; height: number }, colorScheme: "light" | "dark" = "light") {
    const context = await browser.newContext({ viewport, colorScheme });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(REPORT_URL);
    return { page, problems, requests, close: () => context.close() };
  }

  it("opens with no console error and requests nothing but itself", async () => {
    const { page, problems, requests, close } = await open({ width: 1280, height: 900 });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(problems).toEqual([]);
    expect(requests).toEqual([REPORT_URL]);
    await close();
  });

  it("shows every scenario with its verdict, and every plot has drawn lines", async () => {
    const { page, close } = await open({ width: 1280, height: 900 });
    const seen = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("section.run")].map((s) => {
        const paths = [...s.querySelectorAll<SVGPathElement>("figure.plot path.line")];
        return {
          name: s.querySelector("h2")?.textContent ?? "",
          status: s.dataset.status ?? "",
          plots: s.querySelectorAll("figure.plot").length,
          emptyPlots: [...s.querySelectorAll("figure.plot")].filter((f) =>
            [...f.querySelectorAll<SVGPathElement>("path.line")].every((p) => p.getTotalLength() === 0),
          ).length,
          lines: paths.length,
          shortest: Math.min(...paths.map((p) => p.getTotalLength())),
          visible: paths.every((p) => {
            const r = p.getBoundingClientRect();
            return r.width > 0 && getComputedStyle(p).stroke !== "none";
          }),
        };
      }),
    );
    expect(scenarioCount).toBeGreaterThanOrEqual(18);
    expect(seen).toHaveLength(scenarioCount);
    const badges = await page.locator("nav li .badge").allTextContents();
    expect(seen.map((s) => s.status)).toEqual(badges);
    for (const s of seen) {
      expect(["passed", "failed", "skipped", "error"], s.name).toContain(s.status);
      expect(s.plots, s.name).toBe(5);
      expect(s.emptyPlots, s.name).toBe(0);
      expect(s.lines, s.name).toBe(13);
      expect(s.shortest, s.name).toBeGreaterThan(0);
      expect(s.visible, s.name).toBe(true);
    }
    const listed = await page.locator("nav li").count();
    expect(listed).toBe(scenarioCount);
    // The screenshot: a fault, its alarm and the device's hold expiry on the first three plots.
    await page.setViewportSize({ width: 1100, height: 1000 });
    await page.evaluate(() => {
      const signals = [...document.querySelectorAll("#scenario-pump-failure-deadman h3")].find(
        (h) => h.textContent === "Signals",
      );
      signals?.scrollIntoView();
    });
    await page.screenshot({ path: join(ROOT, "docs", "hil-report.png") });
    await close();
  });

  it.each(["light", "dark"] as const)(
    "fits a 390 px phone without sideways scrolling (%s)",
    async (scheme) => {
      const { page, close } = await open({ width: 390, height: 844 }, scheme);
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        widestPlot: Math.max(
          ...[...document.querySelectorAll("figure.plot svg")].map((s) => s.getBoundingClientRect().right),
        ),
      }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
      expect(widths.widestPlot).toBeLessThanOrEqual(widths.inner);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === "dark" ? "rgb(13, 17, 23)" : "rgb(255, 255, 255)");
      await close();
    },
  );
});
