/**
 * The vitest config Stryker runs (stryker.config.json): the project's, with room for tests that
 * run many times slower on instrumented code (every statement counts its coverage per test).
 * A mutant that loops is still stopped by Stryker's own timeout, set from the dry run's times.
 */
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

export default mergeConfig(base, defineConfig({ test: { testTimeout: 180_000 } }));
