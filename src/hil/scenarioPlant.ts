import { type LoopParams, makeLoopParams } from "../model/loopParams.js";
import { loopSteadyStateAtDuties } from "../model/steadyState.js";
import type { Scenario } from "./scenario.js";

/** Loop parameters of a scenario on a rig with `base` parameters (errors name `<file>: rig.params.<name>`). */
export function scenarioParams(scenario: Scenario, base: Readonly<Record<string, number>> = {}): LoopParams {
  return makeLoopParams({ ...base, ...scenario.rig.params }, `${scenario.file}: rig.params.`);
}

/** Steady state of the loop at the scenario's initial setpoints (the emulator's start). */
export function initialSteadyState(
  scenario: Scenario,
  params: LoopParams,
): { tHotC: number; tColdC: number } | undefined {
  const sp = scenario.setpoints;
  const ss = loopSteadyStateAtDuties(params, sp.pump, sp.heater, sp.fan);
  return ss.ok ? ss.value : undefined;
}
