/**
 * Debian's Chromium, driven by playwright-core (which downloads no browser): the one place the
 * browser tests and benchmarks launch it. `LOOPTWIN_CHROMIUM` names another executable. When
 * there is none, {@link chromiumMissing} says why, so a suite can skip with that reason printed.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** The executable: `LOOPTWIN_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.LOOPTWIN_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set LOOPTWIN_CHROMIUM)`;
}

/** Headless Chromium; `--no-sandbox` because CI runs as root. Close it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
