/**
 * What a target can run: which steps it must skip (and why), which signals it cannot provide,
 * and whether a scenario is worth running on it at all. The reasons end up in the console, the
 * JUnit report and the recording: a skip is never silent.
 */
import type { Scenario, Step } from "./scenario.js";
import { isEmulatorOnly } from "./scenario.js";
import { SIGNALS, type SignalName, signalSpec } from "./signals.js";
import type { HilTarget } from "./targets/target.js";

/** Why a step cannot run on a target (undefined when it can). */
export function stepSkipReason(step: Step, target: HilTarget): string | undefined {
  const a = step.action;
  if (isEmulatorOnly(a) && !target.capabilities.emu)
    return `emulator-only (${a.kind === "emu_clear" ? "EMU clear" : `EMU ${a.kind === "emu" || a.kind === "link" ? a.text : ""}`}): ${target.name} has no EMU command`;
  const c = step.trigger.kind === "wait_until" ? step.trigger.condition : undefined;
  if (c?.kind === "signal" && signalSpec(c.signal).source === "truth" && !target.capabilities.truth)
    return `waits on ${c.signal}, the plant's ground truth, which only the in-process emulator exposes`;
  return undefined;
}

/** Signals a target cannot provide (the plant's ground truth, except on the in-process emulator). */
export function unavailableSignals(target: HilTarget): ReadonlySet<SignalName> {
  if (target.capabilities.truth) return new Set();
  return new Set(SIGNALS.filter((s) => s.source === "truth").map((s) => s.name));
}

/**
 * Why a scenario cannot run on a target at all (undefined when it can): the target refuses it,
 * it re-parameterises a plant the target cannot change, or everything it checks besides "no
 * alarm" depends on steps the target must skip.
 */
export function scenarioSkipReason(scenario: Scenario, target: HilTarget): string | undefined {
  const own = target.cannotRun?.(scenario);
  if (own !== undefined) return own;
  const params = Object.keys(scenario.rig.params);
  if (params.length > 0 && !target.capabilities.plantParams)
    return `sets rig.params (${params.join(", ")}) for an emulated plant; ${target.name} is a fixed rig`;
  const skipped = new Set(
    scenario.steps.filter((s) => stepSkipReason(s, target) !== undefined).map((s) => s.name),
  );
  if (skipped.size === 0) return undefined;
  const unavailable = unavailableSignals(target);
  const judgeable = scenario.expectations.filter((x) => {
    const e = x.expectation;
    if (e.kind === "link") return true;
    if (e.kind === "band" && unavailable.has(e.signal)) return false;
    return ![e.window.from, e.window.to].some((r) => r.kind === "step" && skipped.has(r.step));
  });
  if (judgeable.some((x) => x.expectation.kind !== "no_alarm" && x.expectation.kind !== "link"))
    return undefined;
  const first = scenario.steps.find((s) => skipped.has(s.name));
  const names = [...skipped];
  // A scenario of many fault steps (an intermittent contact) would fill the report's line.
  const listed =
    names.length > 4 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
  return `needs emulator-only steps (${listed}): ${first ? stepSkipReason(first, target) : ""}`;
}
