/**
 * `npm test`. One worker per core: vitest's default keeps a core free, one worker on 2 cores, and
 * the suite waits on tests that spend real seconds (tests/rig/reconnect.test.ts replugs emulator
 * processes for about 75 s). Two workers were tried before and dropped (c080816) for a flake in
 * reconnect.test.ts's other-unit cases; its cause, a killed emulator's stale link reused by the
 * next pseudo-terminal, was fixed in c459608, and two full runs at two workers beside a busy
 * mutation run passed on 2026-12-08 (302 s and 281 s; one worker took 388 s in CI).
 */
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
    maxWorkers: availableParallelism(),
  },
});
