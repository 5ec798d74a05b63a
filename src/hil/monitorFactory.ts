/**
 * The monitor a HIL run uses by default: the detection pipeline (`createMonitor`, src/detect) with
 * the run's context (the rig's loop parameters, calibration, ambient probe, rate) and its default
 * thresholds, the same one the dashboard runs. Loaded on
 * first use, so `looptwin` commands that never run a scenario do not load the detection code.
 */
import { OperationalError } from "../core/errors.js";
import type { MonitorFactory } from "./runner.js";

/** Type-checked against the pipeline; the module itself is loaded on first use. */
type CreateMonitor = typeof import("../detect/monitor/monitor.js")["createMonitor"];

/** The default monitor factory (throws an OperationalError when the pipeline is missing). */
export async function loadDefaultMonitorFactory(): Promise<MonitorFactory> {
  const specifier = "../detect/monitor/monitor.js";
  let create: CreateMonitor | undefined;
  try {
    create = ((await import(specifier)) as { createMonitor?: CreateMonitor }).createMonitor;
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
  return (context) => make(context);
}
