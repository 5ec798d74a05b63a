/**
 * `npm test`. Vitest runs one file per worker and by default keeps one core free (on 2 cores, one
 * worker): the suite spends much of its time waiting on child processes, so it uses every core.
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
