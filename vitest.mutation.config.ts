/**
 * The vitest config Stryker runs (stryker.config.json): the project's, with room for tests that
 * run many times slower on instrumented code (every statement counts its coverage per test).
 * Hooks get the same room: tests/model/calibration.test.ts fits its rig in a `beforeAll`, which
 * took over vitest's default 10 s on a loaded machine and failed a run's dry run. A mutant that
 * loops is still stopped by Stryker's own timeout, set from the dry run's times.
 */
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

export default mergeConfig(base, defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));
