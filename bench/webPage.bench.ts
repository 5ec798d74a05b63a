/**
 * The web page's figures (issue 13 section 7):
 * - `web_sim_speedup`: the standalone page (web/dist/index.html from file://) in headless
 *   Chromium at `speed=max`, simulated seconds per wall second with the monitor running and the
 *   charts and panels drawing, over WEB_BENCH_S (default 10) wall seconds after a 3 s warm-up
 *   (target >= 1000);
 * - `web_bundle_kb_gz`: the page's script (web/dist/app.js) gzipped at zlib's default level, as
 *   a server would send it (target <= 250).
 * Builds web/dist first. Without Chromium the speed-up is reported as NaN with the reason on stderr.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { buildWeb } from "../scripts/buildWeb.js";
import { chromiumMissing, launchChromium } from "../tests/browser/chromium.js";
import type { BenchFigure, BenchFile } from "./run.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

interface LoopFigures {
  simulatedS: number;
  nowMs: number;
}

async function simSpeedup(windowS: number): Promise<number> {
  const missing = chromiumMissing();
  if (missing !== null) {
    process.stderr.write(`web_sim_speedup: not measured, ${missing}\n`);
    return Number.NaN;
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const url = pathToFileURL(join(root, "web", "dist", "index.html")).href;
    await page.goto(`${url}?speed=max`);
    const read = (): Promise<LoopFigures> =>
      page.evaluate(() => {
        const p = (globalThis as unknown as { looptwinPage: { loop: { simulatedS: number } } }).looptwinPage;
        return { simulatedS: p.loop.simulatedS, nowMs: performance.now() };
      });
    await page.waitForTimeout(3000);
    const a = await read();
    await page.waitForTimeout(windowS * 1000);
    const b = await read();
    return (b.simulatedS - a.simulatedS) / ((b.nowMs - a.nowMs) / 1000);
  } finally {
    await browser.close();
  }
}

const bench: BenchFile = {
  name: "webPage",
  async run() {
    await buildWeb();
    const js = readFileSync(join(root, "web", "dist", "app.js"));
    const figures: Record<string, BenchFigure> = {
      web_bundle_kb_gz: {
        value: Math.round((gzipSync(js).length / 1024) * 10) / 10,
        unit: "kB",
        target: { op: "<=", value: 250 },
      },
      web_sim_speedup: {
        value: Math.round(await simSpeedup(Number(process.env.WEB_BENCH_S ?? 10))),
        unit: "simulated s per wall s",
        target: { op: ">=", value: 1000 },
      },
    };
    return figures;
  },
};

export default bench;
