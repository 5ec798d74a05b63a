/**
 * Fault injection from the dashboard (docs/design.md 2.4). Physical injections change only the
 * actuation, never the twin's setpoints (the twin keeps assuming the operator's operating point),
 * and every one is a `PWM` with a dead-man `hold_ms`, renewed while the injection lasts, so the
 * device reverts to the operator's duty by itself within the dead-man time if the harness dies.
 * Emulator-only faults go as `EMU` lines. This module is the pure part: the menu, the checks of
 * what the operator typed, the duty to apply and the label to record.
 */
import { ConfigError } from "../core/errors.js";
import type { OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import { formatFaultSpec, parseFaultSpec } from "../model/faultSpec.js";

/** What the operator asked for. */
export type InjectionRequest =
  /** Real pump PWM lowered by `percent` of the setpoint (the twin keeps the setpoint). */
  | { readonly kind: "pump_degradation"; readonly percent: number }
  /** Pump PWM 0 for `durationS`. */
  | { readonly kind: "pump_failure"; readonly durationS: number }
  /** Fan PWM lowered by `percent`: physical fouling (less air through the radiator). */
  | { readonly kind: "fan_reduction"; readonly percent: number }
  /** An emulator-only fault (`EMU,<id>,<spec>`), spec as in docs/design.md 5. */
  | { readonly kind: "emulator"; readonly spec: string };

/** A fault-menu entry: what it asks, how it turns the answer into a request. */
export interface FaultMenuItem {
  /** Key that selects it in the menu. */
  readonly key: string;
  readonly title: string;
  /** Only on an emulated rig. */
  readonly emulatorOnly: boolean;
  /** The question asked, and the answer offered. */
  readonly prompt: string;
  readonly defaultAnswer: string;
  /** Turns the answer into a request; throws a ConfigError naming the field and value. */
  parse(answer: string): InjectionRequest;
}

function numberIn(field: string, text: string, min: number, max: number, minExclusive = false): number {
  const v = text.trim() === "" ? Number.NaN : Number(text.trim());
  if (!Number.isFinite(v)) throw new ConfigError(field, text, "must be a number");
  if (minExclusive ? !(v > min) : !(v >= min))
    throw new ConfigError(field, text, `must be ${minExclusive ? ">" : ">="} ${min}`);
  if (!(v <= max)) throw new ConfigError(field, text, `must be <= ${max}`);
  return v;
}

function emulatorItem(key: string, title: string, example: string): FaultMenuItem {
  return {
    key,
    title,
    emulatorOnly: true,
    prompt: `${title}: fault spec (KIND:key=value,...)`,
    defaultAnswer: example,
    parse: (answer) => ({
      kind: "emulator",
      spec: formatFaultSpec(parseFaultSpec(answer.trim(), "fault spec")),
    }),
  };
}

/** The `f` menu, in order. */
export const FAULT_MENU: readonly FaultMenuItem[] = [
  {
    key: "1",
    title: "pump degradation",
    emulatorOnly: false,
    prompt: "pump degradation: lower the real pump PWM by how many percent (1-100)",
    defaultAnswer: "30",
    parse: (a) => ({ kind: "pump_degradation", percent: numberIn("pump degradation %", a, 0, 100, true) }),
  },
  {
    key: "2",
    title: "pump failure",
    emulatorOnly: false,
    prompt: "pump failure: pump PWM 0 for how many seconds (1-3600)",
    defaultAnswer: "30",
    parse: (a) => ({ kind: "pump_failure", durationS: numberIn("pump failure seconds", a, 1, 3600) }),
  },
  {
    key: "3",
    title: "fan reduction (physical fouling)",
    emulatorOnly: false,
    prompt: "fan reduction: lower the real fan PWM by how many percent (1-100)",
    defaultAnswer: "50",
    parse: (a) => ({ kind: "fan_reduction", percent: numberIn("fan reduction %", a, 0, 100, true) }),
  },
  emulatorItem("4", "HX fouling ramp", "hx_fouling:severity=0.5,ramp=60"),
  emulatorItem("5", "sensor bias", "sensor_bias:channel=hot,value=2"),
  emulatorItem("6", "sensor stuck", "sensor_stuck:channel=cold"),
  emulatorItem("7", "sensor open", "sensor_open:channel=hot,end=20"),
  emulatorItem("8", "flow blockage", "flow_blockage:severity=0.5"),
  emulatorItem("9", "link: corrupted bytes", "link_corrupt:value=0.001,end=20"),
  emulatorItem("0", "link: dropped lines", "link_drop:value=0.05,end=20"),
  emulatorItem("d", "link: disconnect", "link_disconnect:end=5"),
  emulatorItem("b", "device reboot", "device_reboot"),
  emulatorItem("c", "any fault spec", "pump_degradation:severity=0.3,ramp=20"),
];

/** The menu entries available on this rig. */
export function faultMenu(emulator: boolean): readonly FaultMenuItem[] {
  return FAULT_MENU.filter((m) => emulator || !m.emulatorOnly);
}

/** The PWM a physical injection applies, from the operator's setpoints; null for EMU faults. */
export function injectedDuty(
  req: InjectionRequest,
  setpoints: OperatorSetpoints,
): { readonly channel: "pump" | "fan"; readonly duty: number } | null {
  switch (req.kind) {
    case "pump_degradation":
      return { channel: "pump", duty: Math.round(setpoints.pumpDuty * (1 - req.percent / 100)) };
    case "pump_failure":
      return { channel: "pump", duty: 0 };
    case "fan_reduction":
      return { channel: "fan", duty: Math.round(setpoints.fanDuty * (1 - req.percent / 100)) };
    case "emulator":
      return null;
  }
}

/** Planned duration [s] (Infinity until `x`, or the spec's end for EMU faults). */
export function injectionDurationS(req: InjectionRequest): number {
  switch (req.kind) {
    case "pump_failure":
      return req.durationS;
    case "emulator":
      return parseFaultSpec(req.spec, "fault spec").endS;
    case "pump_degradation":
    case "fan_reduction":
      return Number.POSITIVE_INFINITY;
  }
}

/**
 * The ground-truth label (a fault spec, docs/design.md 5) recorded for an injection. A fan
 * reduction is labelled `hx_fouling` with the fan-duty reduction as severity (the UA it removes
 * depends on the rig's fan law).
 */
export function injectionLabel(req: InjectionRequest): string {
  switch (req.kind) {
    case "pump_degradation":
      return `pump_degradation:severity=${round3(req.percent / 100)}`;
    case "pump_failure":
      return "pump_failure";
    case "fan_reduction":
      return `hx_fouling:severity=${round3(req.percent / 100)}`;
    case "emulator":
      return req.spec;
  }
}

/** One line for the confirmation dialog: what will be sent. */
export function describeInjection(
  req: InjectionRequest,
  setpoints: OperatorSetpoints,
  deadmanMs: number,
): string {
  const d = injectedDuty(req, setpoints);
  switch (req.kind) {
    case "pump_degradation":
      return `pump degradation ${req.percent} %: PWM pump ${d?.duty} (setpoint ${setpoints.pumpDuty} kept by the twin), dead-man hold ${deadmanMs} ms renewed until x`;
    case "pump_failure":
      return `pump failure for ${req.durationS} s: PWM pump 0, dead-man hold ${deadmanMs} ms renewed for ${req.durationS} s`;
    case "fan_reduction":
      return `fan reduction ${req.percent} %: PWM fan ${d?.duty} (setpoint ${setpoints.fanDuty}), dead-man hold ${deadmanMs} ms renewed until x`;
    case "emulator":
      return `emulator fault: EMU ${req.spec}`;
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
