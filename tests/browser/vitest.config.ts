/**
 * `npm run test:browser`: the web page, `looptwin serve` and the HTML reports in a real browser
 * (Debian's Chromium through playwright-core, tests/browser/chromium.ts). Not part of `npm test`,
 * which must pass on a machine with no system packages; `.ci/run` installs Chromium and runs these.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/browser/**/*.browser.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
