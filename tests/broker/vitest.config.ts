/**
 * `npm run test:broker` (`vitest run --config tests/broker/vitest.config.ts`): the MQTT tests
 * against a real mosquitto (tests/broker/mosquitto.ts starts one per file on a free loopback port
 * and stops it), with the CLI run as a user runs it (`bin/looptwin.js`, built first). Skipped, with
 * the reason printed, when mosquitto or mosquitto-clients is not installed.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/broker/**/*.broker.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
