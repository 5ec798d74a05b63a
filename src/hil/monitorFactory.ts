/**
 * The monitor a HIL run uses by default: the detection pipeline (`createMonitor`, src/detect) with
 * the run's context (the rig's loop parameters, calibration, ambient probe, rate) and its default
 * thresholds, the same one the dashboard runs; beside it the learned detector when the command
 * line names one (`--learned`, `--learn-first`) or else when the scenario asks for it
 * (`learned: { learn_first: S }`: trained on that run's first S seconds). Loaded on first use, so
 * `looptwin` commands that never run a scenario do not load the detection code.
 */
import { OperationalError } from "../core/errors.js";
import type { LiveLearnedChoice } from "../detect/learned/learnedBesideMonitor.js";
import type { MonitorFactory } from "./runner.js";

/** Type-checked against the pipeline; the module itself is loaded on first use. */
type CreateMonitor = typeof import("../detect/monitor/monitor.js")["createMonitor"];
type LearnedModule = typeof import("../detect/learned/learnedBesideMonitor.js");

/**
 * The default monitor factory (throws an OperationalError when the pipeline is missing), with
 * `learned` (the command line's choice) beside every scenario's monitor when given.
 */
export async function loadDefaultMonitorFactory(learned?: LiveLearnedChoice): Promise<MonitorFactory> {
  const specifier = "../detect/monitor/monitor.js";
  let create: CreateMonitor | undefined;
  let learnedModule: LearnedModule;
  try {
    create = ((await import(specifier)) as { createMonitor?: CreateMonitor }).createMonitor;
    learnedModule = await import("../detect/learned/learnedBesideMonitor.js");
  } catch (e) {
    throw new OperationalError(
      `the detection pipeline cannot be loaded: ${(e as Error).message}`,
      {},
      { cause: e },
    );
  }
  if (typeof create !== "function")
    throw new OperationalError(
      "the detection pipeline (createMonitor in src/detect/monitor/monitor.ts) is missing",
    );
  const make = create;
  const { LearnedBesideMonitor, learnedForSession } = learnedModule;
  return ({ learnFirstS, ...context }) => {
    const monitor = make(context);
    const choice: LiveLearnedChoice | undefined =
      learned ?? (learnFirstS !== undefined ? { kind: "learn_first", spanS: learnFirstS } : undefined);
    // A new trainer per scenario: each run learns its own first seconds.
    return choice === undefined ? monitor : new LearnedBesideMonitor(monitor, learnedForSession(choice));
  };
}
