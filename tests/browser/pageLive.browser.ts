/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The web page in live mode (issue 13 sections 2.2 and 6): `looptwin serve --emulate
 * --allow-control` as a user starts it, the page served by it in Chromium: values move, control
 * appears only with the token, a wrong token is refused with its line, an injection made with the
 * token shows its alarm on a second viewer, and closing the injecting page ends its injection.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../scripts/buildWeb.js";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";
import { chromiumMissing, launchChromium } from "./chromium.js";

const missing = chromiumMissing();
if (missing) console.warn(`skipping the live page's browser tests: ${missing}`);

const TOKEN = "page-test-token-0123456789";

/** Starts the server; resolves with its URL from the first stdout line. */
function startServer(
  tokenFile: string,
  listen = "127.0.0.1:0",
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "bin", "looptwin.js"),
      "serve",
      "--emulate",
      "--listen",
      listen,
      "--allow-control",
      "--token-file",
      tokenFile,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^looptwin serve: (http:\/\/\S+)\n/.exec(out);
      if (m) resolve({ child, url: m[1] as string });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err.trim()}`)));
    setTimeout(() => reject(new Error(`serve gave no URL in 30 s: ${out} ${err}`)), 30_000);
  });
}

async function status(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-status="${name}"]`).textContent()) ?? "";
}

describe.skipIf(missing !== null)("web page, live from looptwin serve --emulate", () => {
  let browser: Browser;
  let server: ChildProcess;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    ensureBuilt();
    await buildWeb();
    dir = mkdtempSync(join(tmpdir(), "looptwin-page-live-"));
    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    ({ child: server, url } = await startServer(join(dir, "token")));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows the live session, offers control only with the token, and two viewers see one alarm", async () => {
    const problems: string[] = [];
    const ctxA = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const ctxB = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    for (const p of [a, b]) {
      p.on("console", (m) => {
        // A refused request (the wrong token below) is logged by Chromium as a failed load.
        if (m.type() === "error" && !m.text().includes("401")) problems.push(m.text());
      });
      p.on("pageerror", (e) => problems.push(e.message));
      p.on("request", (r) => {
        if (
          !r.url().startsWith(url.replace(/^http/, "http")) &&
          !r.url().startsWith(url.replace(/^http/, "ws"))
        )
          problems.push(`request off the server: ${r.url()}`);
      });
      await p.goto(url);
    }
    await a.waitForFunction(() => document.getElementById("mode")?.textContent === "live");
    await a.waitForFunction(
      () => document.querySelector('[data-status="link"]')?.textContent === "CONNECTED",
    );
    expect(await status(a, "source")).toBe("emulator");
    const t0 = await status(a, "time");
    await a.waitForFunction((t) => document.querySelector('[data-status="time"]')?.textContent !== t, t0);

    // Control: the server allows it, so the token form shows; the controls wait for the token.
    expect(await a.locator("#token-panel").isVisible()).toBe(true);
    expect(await a.locator("#faults-panel").isVisible()).toBe(false);
    expect(await a.locator("#seed").isVisible()).toBe(false);

    // A wrong token: the injection is refused with the server's line, and the token forgotten.
    await a.fill("#token", "not-the-token-at-all");
    await a.press("#token", "Enter");
    await a.locator('[data-fault="pump_failure"]').click();
    await a.waitForFunction(() => (document.getElementById("message")?.textContent ?? "").includes("401"));
    expect(await a.locator("#message").textContent()).toBe(
      "/api/inject: 401 Authorization: missing or wrong bearer token",
    );
    expect(await a.locator("#faults-panel").isVisible()).toBe(false);

    await a.fill("#token", TOKEN);
    await a.press("#token", "Enter");
    await a.locator('[data-fault="pump_failure"]').click();
    for (const p of [a, b])
      await p.locator("#alarms li.critical", { hasText: "pump failure" }).waitFor({ timeout: 30_000 });
    expect(await status(b, "alarm")).toBe("CRITICAL: pump failure");
    // The viewer without the token sees no control and no acknowledge button.
    expect(await b.locator("#faults-panel").isVisible()).toBe(false);
    expect(await b.locator("#alarms button").count()).toBe(0);
    expect(await b.locator("#injections").textContent()).toContain("pump_failure");

    // The injecting page closes: its injection ends; the pump runs at its setpoint again.
    await ctxA.close();
    await b.waitForFunction(
      () =>
        document.querySelector('[data-chart="duties"] [data-value="pumpApplied"]')?.textContent ===
        "pump 200",
      undefined,
      { timeout: 15_000 },
    );
    expect(problems).toEqual([]);
    await ctxB.close();
  });

  it("shows a lost server on the link line and reconnects when it is back", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => document.querySelector('[data-status="link"]')?.textContent === "CONNECTED",
    );
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
    await page.waitForFunction(() =>
      (document.querySelector('[data-status="link"]')?.textContent ?? "").startsWith("PAGE DISCONNECTED"),
    );
    expect(await status(page, "link")).toMatch(
      /^PAGE DISCONNECTED \((server: .+|stream lost); retry in \d+\.\d s\)$/,
    );
    // The same address again: the page finds it by itself within its backoff (at most 10 s).
    ({ child: server } = await startServer(join(dir, "token"), new URL(url).host));
    await page.waitForFunction(
      () => document.querySelector('[data-status="link"]')?.textContent === "CONNECTED",
      undefined,
      {
        timeout: 30_000,
      },
    );
    const t0 = await status(page, "time");
    await page.waitForFunction((t) => document.querySelector('[data-status="time"]')?.textContent !== t, t0);
    await ctx.close();
  });
});
