/// <reference lib="dom" />
/**
 * `npm run web:screenshots`: the README's pictures of the web page, taken in headless Chromium:
 * docs/web-desktop.png (1440x900, the standalone page on the pump-failure URL),
 * docs/web-phone.png (390x844, the same on a phone, what the first screen shows) and
 * docs/web-live.png (1440x900, `looptwin serve --emulate` after a pump failure injected with the
 * token). Builds dist/ and web/dist/ first.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromiumMissing, launchChromium } from "../tests/browser/chromium.js";
import { buildWeb } from "./buildWeb.js";
import { ensureBuilt, REPO_ROOT } from "./ensureBuilt.js";

const PUMP_FAILURE_QUERY = "?fault=pump_failure:start=30&speed=50&seed=3&set=UA=9";
const TOKEN = "screenshot-token-0123456789";

const missing = chromiumMissing();
if (missing !== null) {
  process.stderr.write(`web:screenshots: ${missing}\n`);
  process.exit(2);
}
ensureBuilt();
await buildWeb();
const browser = await launchChromium();
try {
  const page = pathToFileURL(join(REPO_ROOT, "web", "dist", "index.html")).href + PUMP_FAILURE_QUERY;
  for (const [name, viewport] of [
    ["web-desktop.png", { width: 1440, height: 900 }],
    ["web-phone.png", { width: 390, height: 844 }],
  ] as const) {
    const p = await browser.newPage({ viewport });
    await p.goto(page);
    await p.locator("#alarms li.critical", { hasText: "pump failure" }).waitFor({ timeout: 60_000 });
    // Paused from inside the page at 75 s, so the 60 s window holds the onset at 30 s, the alarm
    // and the 45 s after it, however loaded the machine is.
    await p.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const page = (globalThis as unknown as { looptwinPage: { run: { tS: number } } }).looptwinPage;
          const id = setInterval(() => {
            if (page.run.tS < 75) return;
            clearInterval(id);
            document.getElementById("pause")?.click();
            resolve();
          }, 5);
        }),
    );
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.waitForTimeout(400);
    await p.screenshot({ path: join(REPO_ROOT, "docs", name) });
    await p.close();
  }

  const dir = mkdtempSync(join(tmpdir(), "looptwin-shots-"));
  writeFileSync(join(dir, "token"), `${TOKEN}\n`);
  const server = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "bin", "looptwin.js"),
      "serve",
      "--emulate",
      "--listen",
      "127.0.0.1:0",
      "--allow-control",
      "--token-file",
      join(dir, "token"),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^looptwin serve: (http:\/\/\S+)\n/.exec(out);
        if (m) resolve(m[1] as string);
      });
      server.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
    });
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await p.goto(url);
    await p.waitForFunction(
      () => document.querySelector('[data-status="link"]')?.textContent === "CONNECTED",
    );
    await p.waitForTimeout(20_000);
    await p.fill("#token", TOKEN);
    await p.press("#token", "Enter");
    await p.locator('[data-fault="pump_failure"]').click();
    await p.locator("#alarms li.critical", { hasText: "pump failure" }).waitFor({ timeout: 30_000 });
    await p.waitForTimeout(8_000);
    await p.screenshot({ path: join(REPO_ROOT, "docs", "web-live.png") });
    await p.close();
  } finally {
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await browser.close();
}
process.stdout.write("docs/web-desktop.png, docs/web-phone.png, docs/web-live.png\n");
