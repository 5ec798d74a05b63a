/**
 * The page's fault specs as `looptwin serve`'s control requests (docs/web.md "Control"). On a
 * live rig an injection is what the terminal dashboard's fault menu does: the pump's and the
 * fan's PWM lowered by the harness with a dead-man hold (`pump_degradation` by percent,
 * `pump_failure` for a duration, `hx_fouling` as a fan reduction), starting now; everything else,
 * and any spec shaped in time (start, ramp), only the emulator can play (`kind: "emulator"`).
 * Pure: a spec in, a request body or a one-line refusal out.
 */
import { isConfigError } from "../../src/core/errors.js";
import { type FaultSpec, parseFaultSpec } from "../../src/model/faultSpec.js";

/** The pump-failure hold when the spec gives no `end` [s] (the terminal dashboard's default). */
export const DEFAULT_PUMP_FAILURE_S = 30;

export type InjectBody =
  | { readonly kind: "pump_degradation"; readonly percent: number }
  | { readonly kind: "pump_failure"; readonly duration_s: number }
  | { readonly kind: "fan_reduction"; readonly percent: number }
  | { readonly kind: "emulator"; readonly spec: string };

export type InjectPlan =
  | { readonly ok: true; readonly body: InjectBody }
  | { readonly ok: false; readonly error: string };

function percentOf(spec: FaultSpec): number {
  return Math.round(spec.severity * 1000) / 10;
}

/** The physical request for `spec`, or null when the harness cannot play it as a PWM change now. */
function physical(spec: FaultSpec): InjectBody | null {
  if (spec.startS !== 0 || spec.rampS !== 0) return null;
  switch (spec.kind) {
    case "pump_failure":
      if (spec.severity !== 1) return null;
      return {
        kind: "pump_failure",
        duration_s: Number.isFinite(spec.endS) ? spec.endS : DEFAULT_PUMP_FAILURE_S,
      };
    case "pump_degradation":
      return Number.isFinite(spec.endS) || spec.severity === 0
        ? null
        : { kind: "pump_degradation", percent: percentOf(spec) };
    case "hx_fouling":
      return Number.isFinite(spec.endS) || spec.severity === 0
        ? null
        : { kind: "fan_reduction", percent: percentOf(spec) };
    default:
      return null;
  }
}

/** How the page asks the server to inject `text`; `emulator`: the rig is `serve --emulate`'s. */
export function planInjection(text: string, emulator: boolean): InjectPlan {
  let spec: FaultSpec;
  try {
    spec = parseFaultSpec(text, "fault");
  } catch (e) {
    return { ok: false, error: isConfigError(e) ? e.message : String(e) };
  }
  const body = physical(spec);
  if (body !== null) return { ok: true, body };
  if (emulator) return { ok: true, body: { kind: "emulator", spec: text.trim() } };
  return {
    ok: false,
    error: `fault ${spec.kind}: a real rig takes pump_degradation and hx_fouling (as a fan reduction) by severity, and pump_failure with an end, starting now; the rest needs the emulator (serve --emulate)`,
  };
}
