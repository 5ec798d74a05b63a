/**
 * Firmware-in-the-loop speed (issue 9): the rig firmware's ELF in simavr, in lockstep with the
 * plant, through the serial source and the HIL runner (the full byte path and the monitor).
 * - `fil_speedup`: device seconds per wall second for the nominal scenario (`nominal-hour`, its
 *   first 240 s: the speed does not change over the hour) on `--target fil`; target at least 2.
 * - `fil_harness_speedup`: the harness alone (firmware + plant lockstep, no host), for reference.
 * Needs `npm run fil:build` (Debian's simavr); without the harness the figures are left out and
 * the reason is printed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadDefaultMonitorFactory } from "../src/hil/monitorFactory.js";
import { runScenario } from "../src/hil/runner.js";
import type { Scenario } from "../src/hil/scenario.js";
import { loadScenarioFile } from "../src/hil/scenarioLoader.js";
import { filTarget } from "../src/hil/targets/filTarget.js";
import { withCrc } from "../src/protocol/format.js";
import { PlantDeviceAdapter } from "../src/rig/emulator/plantAdapter.js";
import { FilDevice } from "../src/rig/fil/filDevice.js";
import { FIL_DEFAULT_PATHS } from "../src/rig/fil/filHarness.js";
import type { BenchFigure, BenchFile } from "./run.js";

const ROOT = join(import.meta.dirname, "..");
const NOMINAL_S = 240;
const HARNESS_S = 60;

/** The nominal scenario cut to its first `durationS` (steps and expectations after that dropped). */
function truncated(s: Scenario, durationS: number): Scenario {
  return {
    ...s,
    durationS,
    steps: s.steps.filter((st) => st.trigger.kind === "at" && st.trigger.tS < durationS),
    expectations: s.expectations.filter((x) => x.expectation.kind === "no_alarm"),
  };
}

async function harnessSpeedup(): Promise<number> {
  const plant = new PlantDeviceAdapter({ seed: 1 });
  const dev = await FilDevice.start({ plant, output: { write: () => {} }, seed: 1 });
  try {
    dev.receive(
      Buffer.from(
        `${withCrc("PWM,1,pump,200")}\n${withCrc("PWM,2,heater,255")}\n${withCrc("PWM,3,fan,255")}\n`,
      ),
    );
    const t0 = performance.now();
    for (let t = 500; t <= HARNESS_S * 1000; t += 500) {
      dev.receive(Buffer.from(`${withCrc(`PING,${4 + t / 500}`)}\n`));
      await dev.advanceTo(t);
    }
    return HARNESS_S / ((performance.now() - t0) / 1000);
  } finally {
    await dev.close();
  }
}

const bench: BenchFile = {
  name: "fil",
  async run(): Promise<Record<string, BenchFigure>> {
    if (!existsSync(FIL_DEFAULT_PATHS.harness) || !existsSync(FIL_DEFAULT_PATHS.elf)) {
      process.stderr.write("fil bench: harness or firmware not built (npm run fil:build); no figures\n");
      return {};
    }
    const factory = await loadDefaultMonitorFactory();
    const nominal = truncated(
      loadScenarioFile(join(ROOT, "hil", "scenarios", "nominal-hour.yaml")),
      NOMINAL_S,
    );
    const target = filTarget("", { cwd: ROOT });
    const t0 = performance.now();
    const r = await runScenario(nominal, { target, monitorFactory: factory });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status === "error") throw new Error(`fil bench: the nominal scenario errored: ${r.reason}`);
    return {
      fil_speedup: { value: r.rigS / wallS, unit: "device s/wall s", target: { op: ">=", value: 2 } },
      fil_harness_speedup: { value: await harnessSpeedup(), unit: "device s/wall s" },
    };
  },
};

export default bench;
