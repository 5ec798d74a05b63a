/**
 * `npm run test:fil` (`vitest run --config tests/fil/vitest.config.ts`): the firmware-in-the-loop
 * tests, which need the simavr harness and the firmware ELF (`npm run fil:build`): the harness
 * at its protocol, the shared behaviour sessions on the firmware and the emulator side by side,
 * the plant in the loop, the pseudo-terminal emulator, and the whole HIL suite on both targets
 * with their verdicts compared (six shards, scenarioSuite1..6.fil.ts, that the workers take in
 * turn: vitest keeps a core free by default, one worker on 2 cores, so the worker count is set to
 * the core count). The pure FIL tests (`*.test.ts` here) run in `npm test` as well.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/fil/**/*.fil.ts", "tests/fil/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: availableParallelism(),
  },
});
