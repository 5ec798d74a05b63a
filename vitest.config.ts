/**
 * `npm test`. Vitest's default worker count (one core kept free: one worker on 2 cores) is kept:
 * with two workers the suite ran in 148 s instead of about 230 s, but tests/rig/reconnect.test.ts's
 * "another unit" cases failed twice in five runs (the other unit said twice), not yet explained.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
